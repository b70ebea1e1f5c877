"""The app's undoable actions and `u`: each action writes through the store's undo helpers
(tui.store.undo_records), puts an entry on the app's undo stack and says what `u` will undo; `u`
takes back the newest entry. Each writes through the app's writer (`write_soon`), so what
follows the write (the stack, the message) runs once it has landed.

A deleted case's evidence files stay in the folder while its undo is on the stack; the sweep
runs when the last delete entry leaves it (pushed off, spent or dropped with the app), since
a sweep while another is still held would take that case's files too.

`app` is the running SupportlogApp, left unannotated: the screens call this module and the
app sits above them (pyproject's import-linter layers)."""

from __future__ import annotations

from typing import Callable

from .store import StoreError, undo_records
from .undo_stack import Entry

VERBS = {"resolved": "Resolved", "abandoned": "Abandoned", "open": "Reopened",
         "waiting": "Set waiting"}
# What they asked of you is worded as done or missed rather than kept or broken.
ASK_WORDS = {"pending": "pending", "kept": "done", "broken": "missed"}
HINT = "u undoes"
UNDO_GROUP = "undo"


def remember(app, label: str, record: dict) -> None:
    """`label` holds no user text: the palette shows it as markup."""
    _dropped(app, app.undo_stack.push(Entry(label, record)))


def set_status(app, case_id: int, status: str, note: str | None = None) -> None:
    """Set the case's status by hand (with a note); undoable."""
    def done(record: dict) -> None:
        label = f"{VERBS.get(status, status)} #{case_id}"
        remember(app, label, record)
        noted = " with the note" if note and note.strip() else ""
        app.say(f"{label}{noted}: “{record['title']}” — {HINT}")
    app.write_soon(lambda s: undo_records.set_status(s, case_id, status, note), case_id=case_id,
                   then=done)


def mark_promise(app, case_id: int, promise_id: int, status: str) -> None:
    """Mark a promise (or an ask) `status`, or back to pending when it is that already (the
    stored status decides, so two quick presses cannot both mark it); undoable."""
    def mark(store) -> dict:
        same = store.get_promise(promise_id).status == status
        return undo_records.mark_promise(store, promise_id, "pending" if same else status)

    app.write_soon(mark, case_id=case_id, then=lambda record: _marked(app, case_id, status,
                                                                      record))


def _marked(app, case_id: int, status: str, record: dict) -> None:
    what, words = ("Ask", ASK_WORDS) if record["party"] == "me" else ("Promise", {})
    marked, key = record["status"], status[0]
    if marked == "pending":
        label = f"{what} back to pending on #{case_id}"
        tail = f" ({key} marks it {words.get(status, status)} again)"
    else:
        label = f"{what} marked {words.get(marked, marked)} on #{case_id}"
        tail = f" ({key} again puts it back to pending)"
    remember(app, label, record)
    app.say(f"{label} — {HINT}{tail}")


def delete_case(app, case_id: int, then: Callable[[], object] | None = None) -> None:
    """Delete the case; undoable (its files wait in the evidence folder meanwhile). `then()`
    runs once it is deleted."""
    def done(deleted: dict) -> None:
        label = f"Deleted #{case_id}"
        remember(app, label, {"kind": "delete", "case": deleted})
        app.say(f"{label}: “{deleted.get('title')}” — {HINT} (or ctrl+z)", timeout=12)
        if then is not None:
            then()
    app.write_soon(lambda s: s.delete_case(case_id), case_id=case_id, then=done)


def undo_last(app) -> None:
    """Take back the newest entry (one at a time: `u` again while one is being undone
    waits for it to land rather than undo the same entry twice)."""
    if any(w.group == UNDO_GROUP and not w.is_finished for w in app.workers):
        app.say("Still undoing the last one.")
        return
    entry = app.undo_stack.peek()
    if entry is None:
        app.say("Nothing to undo.")
        return
    app.run_worker(_undo(app, entry), group=UNDO_GROUP)


async def _undo(app, entry: Entry) -> None:
    """One whose rows are gone or changed since is spent (said, and dropped); any other
    failure (a locked or read-only notebook) keeps it for later."""
    try:
        case_id = await app.write(lambda s: undo_records.revert(s, entry.record), quiet=True)
    except undo_records.NothingToUndo as exc:
        _spent(app, entry)
        app.say(str(exc), severity="warning")
        return
    except StoreError as exc:
        app.say(str(exc), severity="error")
        return
    _spent(app, entry)
    app.notebook_changed(case_id)
    renumbered = entry.kind == "delete" and case_id != entry.record["case"]["id"]
    app.say(_undone(app, entry, case_id), severity="warning" if renumbered else "information",
            timeout=15 if renumbered else None)


def _spent(app, entry: Entry) -> None:
    if app.undo_stack.peek() is entry:   # an action pushed meanwhile stays on top
        app.undo_stack.pop()
    _dropped(app, [entry])


def drop_all(app) -> None:
    """The undo goes with the app (or the notebook it was for)."""
    _dropped(app, app.undo_stack.clear())


def _undone(app, entry: Entry, case_id: int) -> str:
    record = entry.record
    if entry.kind == "delete":
        title, old = record["case"]["title"], record["case"]["id"]
        if case_id == old:
            return f"Restored case {case_id}, “{title}”, with everything in it."
        return (f"Restored “{title}” as case {case_id}: its number {old} was given to a case "
                "created after the delete.")
    if entry.kind == "status":
        return f"Undone: {entry.label}; the case is {app.store.get_case(case_id).status} again."
    words = ASK_WORDS if record["party"] == "me" else {}
    return f"Undone: {entry.label}; it is {words.get(record['before'], record['before'])} again."


def _dropped(app, entries: list[Entry]) -> None:
    """Entries that left the stack: sweep the evidence folder once no delete is held."""
    if not any(e.kind == "delete" for e in entries) or app.undo_stack.holds("delete"):
        return
    if app.store.read_only:
        return
    app.write_soon(_sweep, quiet=True)


def _sweep(store) -> None:
    try:
        store.sweep_evidence()
    except (StoreError, OSError) as exc:
        raise StoreError(f"Could not tidy the evidence folder: {exc}") from None
