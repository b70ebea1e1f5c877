"""Besides a delete (undo.py), the app's undo stack (tui/undo_stack.py) takes back a status
set by hand and a promise's mark: `set_status` and `mark_promise` do them and return the
record that `revert` reads. Records name rows by uid, which an undone delete keeps."""

from __future__ import annotations

import sqlite3

from . import timeline
from .store import Store
from .undo import NothingToUndo


def set_status(store: Store, case_id: int, status: str, note: str | None = None) -> dict:
    """`store.set_status`, returning what reverses it: the status event it recorded and the
    case notes before and after (a note is appended to them)."""
    before = store.get_case(case_id)
    last = store.conn.execute("SELECT coalesce(max(id), 0) FROM status_events").fetchone()[0]
    after = store.set_status(case_id, status, note)
    # Ids grow (the largest plus one), so the newest past `last` is the one it recorded.
    event = store.conn.execute("SELECT uid FROM status_events WHERE case_id = ? AND id > ? "
                               "ORDER BY id DESC LIMIT 1", (case_id, last)).fetchone()
    return {"kind": "status", "case_id": case_id, "title": after.title,
            "status": after.status, "before": before.status, "event": event and event[0],
            "notes": (before.notes, after.notes)}


def mark_promise(store: Store, promise_id: int, status: str) -> dict:
    """`store.set_promise_status`, returning what reverses it: the status and settled time
    the promise had."""
    before = store.get_promise(promise_id)
    after = store.set_promise_status(promise_id, status)
    return {"kind": "promise", "uid": before.uid, "id": before.id, "case_id": before.case_id,
            "party": before.party, "status": after.status, "before": before.status,
            "settled_at": before.settled_at}


def revert(store: Store, record: dict) -> int:
    """Take back what `record` did, in one write unit; returns the case's id (for a delete,
    the number the case came back under). NothingToUndo when that is gone or changed."""
    if record["kind"] == "delete":
        return store.restore_case(record["case"])
    with store.write() as conn:
        if record["kind"] == "status":
            return _unset_status(conn, record, store.now())
        return _unmark_promise(conn, record, store.now())


def _unset_status(conn: sqlite3.Connection, record: dict, now: str) -> int:
    """The event goes rather than another one setting the old status: a status set by hand
    holds until a later contact, so recording the old one would pin what the timeline derives
    (a waiting case set back to "open" by hand stops waiting on the promise it waited for)."""
    found = conn.execute("SELECT case_id FROM status_events WHERE uid = ?",
                         (record["event"],)).fetchone()
    if found is None:
        raise NothingToUndo(f"case {record['case_id']} or that status change is no longer in "
                            "the notebook; nothing to undo")
    case_id = found[0]
    conn.execute("DELETE FROM status_events WHERE uid = ?", (record["event"],))
    before, after = record["notes"]
    if before != after:     # the note line goes too, unless the notes were edited since
        conn.execute("UPDATE cases SET notes = ?, updated_at = ? WHERE id = ? AND notes IS ?",
                     (before, now, case_id, after))
    timeline.rederive(conn, [case_id])
    return case_id


def _unmark_promise(conn: sqlite3.Connection, record: dict, now: str) -> int:
    row = conn.execute("SELECT id, case_id, status FROM promises WHERE uid = ?",
                       (record["uid"],)).fetchone()
    if row is None:
        raise NothingToUndo(f"promise {record['id']} is no longer in the notebook; nothing "
                            "to undo")
    promise_id, case_id, status = row
    if status != record["status"]:
        raise NothingToUndo(f"promise {promise_id} is {status} now, marked again since; "
                            "nothing to undo")
    conn.execute("UPDATE promises SET status = ?, settled_at = ?, updated_at = ? WHERE id = ?",
                 (record["before"], record["settled_at"], now, promise_id))
    timeline.rederive(conn, [case_id])
    return case_id
