"""A deleted case kept whole, so that undo puts it back as it was: under its own number,
with every row it owned (references, contacts, transcripts, promises, status events,
attachments, a live contact's running hold) and their ids, uids and times as they were.
An attachment's file is not in the snapshot: it stays in the evidence folder until a
sweep (attachments.py), which whoever drops the undo runs.

Ids are INTEGER PRIMARY KEY without AUTOINCREMENT, so SQLite gives a new row the largest id
plus one: a deleted case's number is taken again only when it was the largest and a case
was created after the delete. Then the case comes back under a new number, and any row whose
id was taken the same way gets a new id (the rows pointing at it follow).

A status set by hand and a promise's mark are taken back through undo_records.py."""

from __future__ import annotations

import sqlite3
from typing import Any

from . import live_hold
from .errors import NotFound, StoreError


class NothingToUndo(StoreError):
    """What the record would take back is gone or changed since: the undo is spent."""

# What a case owns, parents first: (table, key column, {column: table whose ids it holds}).
OWNED = (
    ("cases", "id", {}),
    ("case_refs", "id", {"case_id": "cases"}),
    ("interactions", "id", {"case_id": "cases"}),
    ("transcripts", "interaction_id", {"interaction_id": "interactions"}),
    ("messages", "message_id", {"interaction_id": "interactions"}),
    ("attachments", "id", {"case_id": "cases", "interaction_id": "interactions"}),
    ("promises", "id", {"case_id": "cases", "interaction_id": "interactions"}),
    ("status_events", "id", {"case_id": "cases"}),
)
WHERE = {"cases": "id = ?",
         "transcripts": "interaction_id IN (SELECT id FROM interactions WHERE case_id = ?)",
         "messages": "interaction_id IN (SELECT id FROM interactions WHERE case_id = ?)"}
# Counted again by the triggers as the contacts go back in (so they start from nothing).
RECOUNTED = {"contacts": 0}
# Tables pointing at a case that its rows' triggers make again (or that the advice makes
# again when missing): nothing of them is kept.
KEPT_BY_TRIGGERS = ("case_digests", "case_advice")


def snapshot(conn: sqlite3.Connection, case_id: int) -> dict[str, Any]:
    """Every row the case owns, column by column, and its company's row (in case that is
    gone by the time of the undo). Read inside the deleting write unit."""
    rows: dict[str, list[dict]] = {}
    for table, key, _ in OWNED:
        cur = conn.execute(f"SELECT * FROM {table} WHERE {WHERE.get(table, 'case_id = ?')} "
                           f"ORDER BY {key}", (case_id,))
        names = [d[0] for d in cur.description]
        rows[table] = [dict(zip(names, r)) for r in cur]
    if not rows["cases"]:
        raise NotFound(f"no case {case_id}; `supportlog list` shows the cases")
    case = rows["cases"][0]
    cur = conn.execute("SELECT * FROM companies WHERE id = ?", (case["company_id"],))
    company = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    holds = [{"key": k, "value": v} for k, v in conn.execute(
        "SELECT key, value FROM meta WHERE key IN (SELECT ? || uid FROM interactions "
        "WHERE case_id = ? AND outcome IS NULL)", (live_hold.PREFIX, case_id))]
    return {"id": case_id, "uid": case["uid"], "title": case["title"], "company": company,
            "rows": rows, "meta": holds}


def delete(conn: sqlite3.Connection, case_id: int) -> dict[str, Any]:
    """Delete the case (inside a write unit) and return its `snapshot`."""
    deleted = snapshot(conn, case_id)
    conn.execute("DELETE FROM cases WHERE id = ?", (case_id,))
    conn.executemany("DELETE FROM meta WHERE key = ?", [(h["key"],) for h in deleted["meta"]])
    return deleted


def restore(conn: sqlite3.Connection, deleted: dict[str, Any]) -> int:
    """Put a `snapshot` back (inside a write unit); returns the case's id, which differs
    from deleted["id"] only when another case has taken that number since."""
    found = conn.execute("SELECT id FROM cases WHERE uid = ?", (deleted["uid"],)).fetchone()
    if found:
        raise NothingToUndo(f"“{deleted['title']}” is in the notebook already (case {found[0]}); "
                         "there is nothing to undo")
    ids: dict[str, dict[int, int]] = {"companies": {deleted["company"]["id"]:
                                                    _company(conn, deleted["company"])}}
    for table, key, links in OWNED:
        ids[table] = {}
        for original in deleted["rows"][table]:
            row = dict(original)
            for column, parent in links.items():
                if row[column] is not None:
                    row[column] = ids[parent].get(row[column], row[column])
            if table == "cases":
                row.update(RECOUNTED, company_id=ids["companies"][original["company_id"]])
            if key == "id" and _taken(conn, table, row["id"]):
                del row["id"]
            new = _insert(conn, table, row)
            ids[table][original[key]] = row.get(key, new)
    for hold in deleted["meta"]:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     (hold["key"], hold["value"]))
    return ids["cases"][deleted["id"]]


def _company(conn: sqlite3.Connection, company: dict) -> int:
    """The case's company: as it is now, found by uid (or name), or put back if gone."""
    row = conn.execute("SELECT id FROM companies WHERE uid = ? OR name = ? ORDER BY uid = ? "
                       "DESC", (company["uid"], company["name"], company["uid"])).fetchone()
    if row:
        return row[0]
    back = dict(company)
    if _taken(conn, "companies", back["id"]):
        del back["id"]
    return _insert(conn, "companies", back)


def _taken(conn: sqlite3.Connection, table: str, row_id: int) -> bool:
    return conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone() is not None


# Columns SQLite computes (schema.sql's GENERATED ones): read with the row, never written.
GENERATED = {"interactions": ("progress",)}


def _insert(conn: sqlite3.Connection, table: str, row: dict) -> int:
    row = {k: v for k, v in row.items() if k not in GENERATED.get(table, ())}
    cur = conn.execute(f"INSERT INTO {table} ({', '.join(row)}) "
                       f"VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
    return cur.lastrowid
