"""The agenda: what falls due, in date order, for the next N days and everything overdue.

Promises and asks due, the case's own due date, windows closing and doors opening (the rules
pack's clocks and the company's policy windows), and snoozes waking, each with its case,
whose move it is, the case's next move and, for a clock, the guidance line. `build` is pure:
it takes the plain records the store reads (tui/store/lists.py); `collect` reads
them through the store. No SQL, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..store.records import ACTIVE_STATUSES, Case, CaseDetail, Promise
from ..store.times import local_moment, to_iso
from .clock_records import Clock, ClockInstance
from .clocks import case_clocks

DEFAULT_DAYS = 14
# A window that closed or a door that opened stays on the agenda this many days after its
# day; after that the advice carries it (what is still possible), not the list of dates.
PAST_CLOCK_DAYS = 14
GROUPS = ("overdue", "today", "week", "later")
GROUP_TITLES = {"overdue": "Overdue", "today": "Today", "week": "This week", "later": "Later"}
KINDS = ("promise", "ask", "due", "closes", "opens", "snooze")
WHO = {"yours": "you", "theirs": "them"}
_END = time(23, 59, 59)


@dataclass(frozen=True, slots=True)
class AgendaItem:
    when: str               # ISO UTC: the moment it falls due (a day's item: its last second)
    day: str                # the local calendar day
    timed: bool             # a time of day was set (a promise due 14:00); else the whole day
    kind: str               # KINDS
    uid: str                # stable across runs: the promise's, clock's or case's uid + kind
    case_id: int
    case_uid: str
    title: str
    company: str
    what: str               # what is due, in one line
    who: str                # whose move: "you" | "them"
    overdue: bool
    next: str | None = None         # the case's next move, as one line
    action: str | None = None       # a clock's: what to do before it closes / once it opens
    guidance: str | None = None     # a clock's: "Guidance, not legal advice: <source>"
    clock: str | None = None        # a clock's key

    def as_dict(self, group: str) -> dict[str, Any]:
        return {"when": self.when, "day": self.day, "timed": self.timed, "group": group,
                "kind": self.kind, "uid": self.uid, "case_id": self.case_id,
                "case_uid": self.case_uid, "title": self.title, "company": self.company,
                "what": self.what, "who": self.who, "overdue": self.overdue,
                "next": self.next, "action": self.action, "guidance": self.guidance,
                "clock": self.clock}


@dataclass(frozen=True, slots=True)
class Agenda:
    now: str                # ISO UTC
    today: str              # local day
    last_day: str           # the window's last local day (today + days)
    days: int
    items: tuple[AgendaItem, ...]

    def group(self, item: AgendaItem) -> str:
        """Overdue; today; this week (the next 7 days); later."""
        if item.overdue:
            return "overdue"
        ahead = (date.fromisoformat(item.day) - date.fromisoformat(self.today)).days
        return "today" if ahead <= 0 else "week" if ahead <= 7 else "later"

    def grouped(self) -> dict[str, list[AgendaItem]]:
        out: dict[str, list[AgendaItem]] = {g: [] for g in GROUPS}
        for item in self.items:
            out[self.group(item)].append(item)
        return out

    @property
    def due(self) -> bool:
        """Anything overdue or due within the window."""
        return bool(self.items)

    def as_dict(self) -> dict[str, Any]:
        grouped = self.grouped()
        return {"now": self.now, "today": self.today, "last_day": self.last_day,
                "days": self.days, "counts": {g: len(v) for g, v in grouped.items()},
                "items": [item.as_dict(self.group(item)) for item in self.items]}


# -- building it -----------------------------------------------------------------------------
def last_day(now: datetime, days: int) -> date:
    return now.astimezone().date() + timedelta(days=days)


def until_iso(now: datetime, days: int) -> str:
    """The end of the window's last local day, ISO UTC: what the store reads up to."""
    return to_iso(datetime.combine(last_day(now, days), _END).astimezone())


def build(now: datetime, days: int, commitments: Iterable[tuple[Promise, Case]],
          details: Iterable[CaseDetail], clocks: Sequence[Clock] = (), *,
          moves: Mapping[int, tuple[str, str]] | Callable[[list[int]], Mapping] = (),
          warn_days: int = 5) -> Agenda:
    """The agenda at `now` for the next `days` days: `commitments` (pending promises and
    asks due by then, with their cases), `details` (the open and waiting cases with what
    their clocks count from, as store.lists reads them) and `clocks` (those in force; the
    companies' policies come with the details). `moves`: case id -> (next-move line, turn),
    or a callable giving that for a list of ids."""
    edge = last_day(now, days)
    now_iso = to_iso(now)
    snoozed: dict[int, str] = {}
    items: list[AgendaItem] = []
    for detail in details:
        case = detail.case
        if case.status not in ACTIVE_STATUSES:
            continue
        if case.snoozed_until and case.snoozed_until > now_iso:
            snoozed[case.id] = case.snoozed_until
            if local_moment(case.snoozed_until).date() <= edge:
                items.append(_snooze_item(case, now_iso))
        if case.due_on and date.fromisoformat(case.due_on) <= edge:
            items.append(_due_item(case, now_iso))
        for inst in case_clocks(detail, clocks, now, warn_days=warn_days):
            ends = date.fromisoformat(inst.last_day)
            if ends <= edge and inst.days_left >= -PAST_CLOCK_DAYS:
                items.append(_clock_item(case, inst, now_iso))
    for promise, case in commitments:
        if case.status in ACTIVE_STATUSES and promise.due_at and promise.status == "pending" \
                and local_moment(promise.due_at).date() <= edge:
            items.append(_promise_item(promise, case, now_iso))
    # A snoozed case's overdue promises, asks and due date wait for its wake-up (listed as
    # its own item); its clocks do not.
    items = [i for i in items if not (i.overdue and i.case_id in snoozed
                                      and i.kind in ("promise", "ask", "due"))]
    items.sort(key=lambda i: (i.when, i.case_id, KINDS.index(i.kind), i.uid))
    found = moves(sorted({i.case_id for i in items})) if callable(moves) else moves
    items = [_with_move(i, found.get(i.case_id)) for i in items] if found else items
    return Agenda(now_iso, now.astimezone().date().isoformat(), edge.isoformat(), days,
                  tuple(items))


def _with_move(item: AgendaItem, move: tuple[str, str] | None) -> AgendaItem:
    if not move:
        return item
    line, turn = move
    # The due date binds whichever side must act to settle the case: whose turn it is.
    who = WHO.get(turn, "you") if item.kind == "due" else item.who
    return replace(item, next=line or None, who=who)


def _whole_day(iso: str) -> bool:
    """A moment at the last second of its local day stands for the whole day ("by Friday")."""
    return local_moment(iso).time() == _END


def _item(case: Case, when: str, kind: str, uid: str, what: str, who: str, now_iso: str,
          *, timed: bool = False, **more: Any) -> AgendaItem:
    return AgendaItem(when=when, day=local_moment(when).date().isoformat(), timed=timed, kind=kind,
                      uid=uid, case_id=case.id, case_uid=case.uid, title=case.title,
                      company=case.company, what=what, who=who, overdue=when < now_iso,
                      **more)


def _end_of(day: str) -> str:
    return to_iso(datetime.combine(date.fromisoformat(day), _END).astimezone())


def _promise_item(p: Promise, case: Case, now_iso: str) -> AgendaItem:
    mine = p.party == "me"
    kind = "ask" if mine else "promise"
    what = (f'{case.company} asked you: "{p.text}"' if mine
            else f'{case.company} promised "{p.text}"')
    return _item(case, p.due_at, kind, f"{p.uid}-{kind}", what, "you" if mine else "them",
                 now_iso, timed=not _whole_day(p.due_at))


def _due_item(case: Case, now_iso: str) -> AgendaItem:
    when = _end_of(case.due_on)
    what = ("Due date passed: it was to be settled by then" if when < now_iso
            else "Due date: to be settled by the end of the day")
    return _item(case, when, "due", f"{case.uid}-due", what, "you", now_iso)


def _snooze_item(case: Case, now_iso: str) -> AgendaItem:
    when = case.snoozed_until
    return _item(case, when, "snooze", f"{case.uid}-snooze",
                 "Snooze ends: its findings come back", "you", now_iso,
                 timed=not _whole_day(when))


def _clock_item(case: Case, inst: ClockInstance, now_iso: str) -> AgendaItem:
    clock = inst.clock
    past = inst.ends_at < now_iso
    if clock.kind == "opens":
        what = f"{clock.name}: " + (f"open since {inst.last_day}" if past else "opens")
        who = "you"
    elif clock.party == "company":
        what = f"{clock.name}: " + (f"{case.company}'s deadline passed on {inst.last_day}"
                                    if past else f"{case.company}'s last day")
        who = "them"
    else:
        what = f"{clock.name}: " + (f"closed on {inst.last_day}" if past else "last day")
        who = "you"
    key = clock.key.replace(":", "-")
    # Once a window has closed, "do this before it closes" is no longer the thing to do.
    closed = past and clock.kind == "closes"
    action = (f"The window closed on {inst.last_day}; ask whether they will still honour it."
              if closed and clock.party != "company" else clock.action)
    return _item(case, inst.ends_at, clock.kind, f"{case.uid}-{key}", what, who, now_iso,
                 action=action, guidance=clock.guidance, clock=clock.key)


# -- reading it through the store ------------------------------------------------------------
def clock_events(clocks: Iterable[Clock], policy_starts: Iterable[str] = ()) -> set[str]:
    """The case events these clocks (and policies starting from `policy_starts`) count from."""
    out = set(policy_starts)
    for clock in clocks:
        out.update(clock.starts, clock.sooner_on)
    return out


def collect(store, now: datetime, days: int = DEFAULT_DAYS, clocks: Sequence[Clock] = (), *,
            fresh: Iterable[Any] = (), warn_days: int = 5) -> Agenda:
    """The agenda of the notebook `store`. The next moves are the kept assessments' lines
    (refresh them first); `fresh`: AdviceRows assessed but not kept (a read-only notebook),
    which win over the kept ones."""
    clocks = tuple(clocks)
    events = clock_events(clocks, store.policy_starts())
    channels = any(c.applies.channels for c in clocks)
    newer = {row.case_id: (row.move, row.turn) for row in fresh}

    def moves(ids: list[int]) -> dict[int, tuple[str, str]]:
        kept = store.advice_rows(i for i in ids if i not in newer)
        return {**{i: (r.move, r.turn) for i, r in kept.items()},
                **{i: newer[i] for i in ids if i in newer}}

    commitments = (pair for page in store.iter_commitments_due(until_iso(now, days))
                   for pair in page)
    details = (d for page in store.iter_clock_cases(events, channels=channels) for d in page)
    return build(now, days, commitments, details, clocks, moves=moves, warn_days=warn_days)
