"""A case's status and dates follow its timeline in time order, never the order of typing.

The rule (`decide`): the latest event on the timeline decides. The events are the finished
contacts, each at its end (else its start), and the statuses set by hand (status_events), each
at its own time. A resolution (not on a forum: it has no authority) closes the case at its
time; any other contact leaves it open, reopening a closed case; a status set by hand holds
from its time until a later contact (one at the same moment does not undo it). At one moment,
a resolution comes after other contacts. An open case with a pending promise of the company's
is waiting (what it asked of you is your move), unless it was set open by hand after every
pending promise was made. The case opened at the date given for it, or at its first contact if
that was earlier, and was last active at the latest of its opening and its contacts' starts.

`rederive` applies the rule inside the caller's write unit; every write that can change the
result calls it (log, edit, delete, finish a contact; add or mark a promise; set a status;
import; bulk loading; the upgrade to schema 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, NamedTuple

from . import times
from .uids import new_uid
from .errors import ValidationError

CLOSED = frozenset(("resolved", "abandoned"))
CHUNK = 500  # case ids per query, well under SQLite's parameter limit
AHEAD = timedelta(days=1)  # how far after now a time may be typed (clocks, time zones)

# One row of facts per case: what `decide` needs, read through the indexes. Only the
# company's pending promises make a case wait (what it asked of you is your move), and a
# forum has no authority to resolve anything. Each upgrade step applies the rule of its own
# version (FACTS_SQL_V3: schema 3 had no parties), frozen.
_FACTS_TEMPLATE = """
SELECT c.id, c.opened_at, coalesce(c.opened_given, c.opened_at), c.status, c.closed_at,
    c.last_activity_at,
    (SELECT min(started_at) FROM interactions WHERE case_id = c.id),
    (SELECT max(started_at) FROM interactions WHERE case_id = c.id),
    (SELECT max(coalesce(ended_at, started_at)) FROM interactions
        WHERE case_id = c.id AND outcome IS NOT NULL),
    (SELECT max(coalesce(ended_at, started_at)) FROM interactions
        WHERE case_id = c.id AND outcome = 'resolved'{resolving}),
    (SELECT status || ' ' || at FROM status_events WHERE case_id = c.id
        ORDER BY at DESC, created_at DESC, id DESC LIMIT 1),
    (SELECT max(coalesce(i.started_at, p.created_at)) FROM promises p
        LEFT JOIN interactions i ON i.id = p.interaction_id
        WHERE p.case_id = c.id AND p.status = 'pending'{waiting})
FROM cases c"""
FACTS_SQL_V3 = _FACTS_TEMPLATE.format(resolving="", waiting="")
FACTS_SQL_V4 = _FACTS_TEMPLATE.format(resolving=" AND channel <> 'forum'",
                                      waiting=" AND p.party = 'company'")
FACTS_SQL = FACTS_SQL_V4   # today's rule; an upgrade step names the one of its version


class Facts(NamedTuple):
    case_id: int
    opened_at: str
    opened_given: str             # as typed (or when the case was made)
    status: str
    closed_at: str | None
    last_activity_at: str
    first_start: str | None       # the earliest contact's start (live ones too)
    last_start: str | None
    last_contact: str | None      # the latest finished contact's time (end, else start)
    last_resolution: str | None   # the latest resolution's time
    last_set: str | None          # "status at" of the latest status set by hand
    last_pending: str | None      # when the latest pending promise was made


DERIVED = ("status", "closed_at", "opened_at", "last_activity_at")


@dataclass(frozen=True, slots=True)
class Derived:
    status: str
    closed_at: str | None
    opened_at: str
    last_activity_at: str


def decide(f: Facts) -> Derived:
    """The case's status and dates from its facts."""
    opened = min(f.opened_given, f.first_start) if f.first_start else f.opened_given
    last_activity = max(opened, f.last_start) if f.last_start else opened
    set_status, set_at = f.last_set.split(" ") if f.last_set else (None, None)
    if set_at is not None and (f.last_contact is None or f.last_contact <= set_at):
        status = set_status
        if status == "open" and f.last_pending and f.last_pending > set_at:
            status = "waiting"
        closed = set_at if status in CLOSED else None
    elif f.last_contact is not None and f.last_resolution == f.last_contact:
        status, closed = "resolved", f.last_contact
    else:
        status, closed = ("waiting" if f.last_pending else "open"), None
    return Derived(status, closed, opened, last_activity)


def facts(conn, case_ids: Iterable[int] | None = None,
          sql: str = FACTS_SQL) -> Iterable[Facts]:
    """The facts of the given cases (every case when None, streamed), read a chunk at a time
    (each chunk whole, so the caller may write between them)."""
    if case_ids is None:
        for row in conn.execute(sql):
            yield Facts(*row)
        return
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = conn.execute(f"{sql} WHERE c.id IN ({', '.join('?' * len(chunk))})",
                            chunk).fetchall()
        yield from (Facts(*row) for row in rows)


class Moved(NamedTuple):
    """A case whose opened date moved back to an earlier contact."""

    case_id: int
    before: str
    after: str


def rederive(conn, case_ids: Iterable[int] | None = None,
             sql: str = FACTS_SQL) -> list[Moved]:
    """Bring the cases' status, closed_at, opened_at and last_activity_at in line with their
    timelines (every case when `case_ids` is None). Must run inside a write unit. Returns
    the cases whose opened date moved back to an earlier contact. A case's `updated_at` stays:
    what is derived here is no edit of the case (its contacts and status events carry their
    own), so a merge never takes it for a later change of the case's fields."""
    # Grouped by the columns that change, so an update rewrites only the indexes (and fires
    # only the triggers) of those columns.
    changes: dict[tuple[str, ...], list[tuple]] = {}
    moved = []
    for f in facts(conn, case_ids, sql):
        d = decide(f)
        new = {k: getattr(d, k) for k in DERIVED if getattr(d, k) != getattr(f, k)}
        if new:
            changes.setdefault(tuple(new), []).append((*new.values(), f.case_id))
            if "opened_at" in new and d.opened_at < f.opened_at:
                moved.append(Moved(f.case_id, f.opened_at, d.opened_at))
    for columns, rows in changes.items():
        sets = ", ".join(f"{k} = ?" for k in columns)
        conn.executemany(f"UPDATE cases SET {sets} WHERE id = ?", rows)
    return moved


def insert_event(conn, case_id: int, status: str, at: str, note: str | None, now: str,
                 uid: str | None = None, created_at: str | None = None) -> int:
    """Record a status set by hand (rederive afterwards)."""
    return conn.execute(
        "INSERT INTO status_events (uid, case_id, status, at, note, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (uid or new_uid(), case_id, status, at, note, created_at or now, now)).lastrowid


def hold_statuses(conn, wanted: dict[int, tuple[str, str]], now: str, *,
                  after_timeline: bool = False, sql: str = FACTS_SQL) -> int:
    """Keep `wanted[case_id] = (status, best time)` where the timeline would give another
    status, by recording it as set by hand at that time (or, `after_timeline`, no earlier
    than the timeline's last event, so it stands: the upgrade, which must show every status
    as it was). Returns how many were recorded."""
    added = 0
    for f in facts(conn, wanted, sql):
        status, best = wanted[f.case_id]
        if decide(f).status == status:
            continue
        at = best
        if after_timeline:
            later = [t for t in (f.last_contact, f.last_pending if status == "open" else None)
                     if t]
            at = max([best, *later])
        insert_event(conn, f.case_id, status, at, None, now)
        added += 1
    return added


# -- sanity at the door: times that cannot be true -------------------------------------------
def check_not_ahead(field: str, when: str | None, now: datetime,
                    what: str = "a contact cannot start") -> None:
    """Nothing on a timeline happens more than a day from now."""
    if when and times.from_iso(when) > now + AHEAD:
        raise ValidationError(field, f"({times.local_time(when)}) is more than a day from now; "
                                     f"{what} in the future: check the date")


def check_due(due: str | None, made_at: str, by_contact: bool) -> None:
    """A promise falls due after it is made: after its contact started, or (a promise
    recorded on its own, perhaps late and already overdue) after its case was opened."""
    if due and due < made_at:
        made = (f"the contact that made it ({times.local_time(made_at)})" if by_contact else
                f"the case was opened ({times.local_time(made_at)})")
        raise ValidationError("due", f"({times.local_time(due)}) is before {made}")
