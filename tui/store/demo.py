"""Demo data: about thirty realistic cases across eight companies, for a first look at the app.

Everything goes through the public Store API, with every time relative to `now`, so the demo
always looks current: some cases are healthy, some resolved or abandoned, and some are stalled
in each way the stall rules look for (see the comments on each case). Deterministic.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .demo_cases import CASES, COMPANIES, DemoCase
from .errors import StoreError

MINUTE = 60


def build_demo(store, now: datetime) -> int:
    """Fill an empty notebook with the demo cases; returns how many were created."""
    if store.conn.execute("SELECT EXISTS(SELECT 1 FROM cases)").fetchone()[0]:
        raise StoreError(f"{store.path} already has cases; the demo only fills an empty notebook")
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
        # Every promise kept: nothing left to wait for, the case is back in your hands.
        if promises and all(c.promise_status == "kept" for c, _ in outcomes if c.promise) \
                and store.get_case(case.id).status == "waiting":
            store.set_status(case.id, "open")
        _close(store, case.id, spec, outcomes)
        if spec.snooze is not None:
            store.snooze(case.id, ago(-spec.snooze))
    return len(CASES)


def _close(store, case_id: int, spec: DemoCase, outcomes) -> None:
    """Closed cases close when their last contact ended, not when the demo was loaded."""
    last_contact, last = outcomes[-1]
    ended = last.ended_at or last.started_at
    if spec.close:
        store.set_status(case_id, spec.close)
    if spec.close or last_contact.outcome == "resolved":
        notes = store.get_case(case_id).notes
        if spec.close_note:
            line = f"{ended[:10]} {spec.close}: {spec.close_note}"
            notes = f"{notes}\n{line}" if notes else line
        store.update_case(case_id, closed_at=ended, notes=notes)
