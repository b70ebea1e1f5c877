"""Demo data: about thirty realistic cases across eight companies, for a first look at the app.

Everything goes through the public Store API, with every time relative to `now`, so the demo
always looks current: some cases are healthy, some resolved or abandoned, and some are stalled
in each way the stall rules look for (see the comments on each case). Deterministic.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..store.atomic import sync_folder, temp_name
from ..store.errors import StoreError
from ..store.schema import APPLICATION_ID
from .cases import CASES, COMPANIES, DemoCase

MINUTE = 60
DEMO_MARK = "demo"  # the meta row that marks a demo notebook: only such a file is ever reset


def is_demo_file(path: str | os.PathLike, *, unmarked_ok: bool = False) -> bool:
    """Whether `path` is a notebook the demo made, read through a read-only connection.
    `unmarked_ok` accepts any notebook: the default demo file predates the mark, and that
    path was only ever the demo's."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return False
    try:
        # immutable: reads the file alone and leaves no -wal/-shm beside a file that may not
        # be ours; the mark is in the file itself (the WAL is folded in before it is renamed).
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        return (conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
                and (unmarked_ok or conn.execute("SELECT value FROM meta WHERE key = ?",
                                                 (DEMO_MARK,)).fetchone() == ("1",)))
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def demo_refusal(path: str | os.PathLike, *, unmarked_ok: bool = False) -> str | None:
    """Why the demo leaves `path` alone: "link" (a symbolic link), "not_demo" (a file the
    demo did not make, see is_demo_file), or None when the demo may build or open it."""
    path = Path(path)
    if path.is_symlink():
        return "link"
    if path.exists() and not is_demo_file(path, unmarked_ok=unmarked_ok):
        return "not_demo"
    return None


def build_demo_file(path: str | os.PathLike, now: datetime, clock=None) -> int:
    """Build a demo notebook in a temp file beside `path`, then rename it over `path` (whose
    old -wal/-shm go first, so they are never replayed into the new file): a killed build
    leaves no half demo under the real name. Returns how many cases it holds."""
    from ..store import Store
    path = Path(path)
    if not path.parent.is_dir():
        raise StoreError(f"cannot create {path}: the folder {path.parent} does not exist; "
                         "create it first or pass --db with another path")
    temp = temp_name(path)
    try:
        try:
            with Store(temp, create=True, clock=clock) as store:
                n = build_demo(store, now)
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except StoreError as exc:
            raise StoreError(str(exc).replace(str(temp), str(path))) from None
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    finally:
        for suffix in ("-wal", "-shm", "-journal"):  # empty once the WAL is checkpointed
            Path(f"{temp}{suffix}").unlink(missing_ok=True)
    sync_folder(path.parent)
    return n


def build_demo(store, now: datetime) -> int:
    """Fill an empty notebook with the demo cases; returns how many were created."""
    if store.conn.execute("SELECT EXISTS(SELECT 1 FROM cases)").fetchone()[0]:
        raise StoreError(f"{store.path} already has cases; the demo only fills an empty notebook")
    store.meta_set(DEMO_MARK, "1")  # first, so even a half-built demo can be reset
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    now = now.replace(second=0, microsecond=0)

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    for spec in CASES:
        case = store.create_case(
            spec.company, spec.title, refs=spec.refs, category=spec.category, want=spec.want,
            seller=spec.seller, amount=spec.amount, currency=spec.currency, notes=spec.notes,
            purchased_on=ago(spec.purchased).date().isoformat() if spec.purchased else None,
            opened_at=ago(spec.opened), company_details=COMPANIES.get(spec.company))
        outcomes = []
        for contact in spec.contacts:
            logged = store.log_interaction(
                case.id, contact.channel, contact.outcome, started_at=ago(contact.days),
                duration=contact.minutes * MINUTE, hold=contact.hold * MINUTE,
                agent=contact.agent, agent_id=contact.agent_id, reference=contact.reference,
                transcript_ref=contact.transcript_ref, notes=contact.notes,
                transcript_text=contact.transcript, direction=contact.direction,
                promise=contact.promise,
                promise_due=ago(-contact.due) if contact.due is not None else None)
            outcomes.append((contact, logged))
        # Promises turn out kept or broken later on; mark them after the whole timeline.
        promises = store.get_detail(case.id).promises
        for promise in promises:
            made_by = next(c for c, i in outcomes if i.id == promise.interaction_id)
            if made_by.promise_status:
                store.set_promise_status(promise.id, made_by.promise_status)
        _close(store, case.id, spec, outcomes)
        if spec.snooze is not None:
            store.snooze(case.id, ago(-spec.snooze))
    return len(CASES)


def _close(store, case_id: int, spec: DemoCase, outcomes) -> None:
    """Closed cases close when their last contact ended, not when the demo was loaded (a
    resolving contact closes its case at its own time)."""
    _, last = outcomes[-1]
    if spec.close:
        store.set_status(case_id, spec.close, spec.close_note,
                         at=last.ended_at or last.started_at)
