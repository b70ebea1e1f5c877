"""The deadline rule's decision: the clocks running on a case (its own due date, its
company's policy windows, the rules pack's clocks in force), which of them warn, have just
closed or have opened a door, the asks about to fall due, and when any of that changes.
Numbers and records only; findings.py and move.py word them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from operator import attrgetter
from typing import Iterable

from ..store.facts import CaseFacts
from ..store.records import Company
from ..store.times import to_iso
from .clock_records import Clock, ClockInstance, Source
from .clocks import Rules, clock_instances
from .words import local_date, plus

# Where each clock start event is in CaseFacts.
FACT_EVENTS = {"purchased": "purchased_on", "delivered": "delivered_on", "opened": "opened_at",
               "statement": "statement_on", "cancelled": "cancelled_on",
               "formal_complaint": "complained_at", "final_response": "final_at",
               "refund_promise": "refund_promise_at", "due": "due_on"}
# The case's own due date: the day by which the matter must be settled, whichever side acts.
DUE_CLOCK = Clock(key="case:due", name="the case's due date", jurisdiction="case",
                  starts=("due",), days=0, unit="days", kind="closes", action="",
                  source=Source("the due date set on the case"), origin="case")
DAY = 86400
# The order the items of one deadline finding come in: the nearest warning first.
KIND_ORDER = {"warn": 0, "ask": 0, "opened": 1, "missed": 2, "closed": 3}


class Clocks:
    """What one pass's deadline rule reads: the clocks in force and the events they start
    from, the ombudsman doors (the ombudsman rule's period) and each company's policies."""

    __slots__ = ("clocks", "doors", "events", "_policies", "_spans", "_days", "_at",
                 "_plan_of", "_base_plans", "_base_dates", "_by_dates")

    def __init__(self, rules: Rules):
        active = rules.active
        self.doors = tuple(c for c in active if c.kind == "opens" and c.rung == "ombudsman"
                           and "formal_complaint" in c.starts)
        self.clocks = (DUE_CLOCK, *(c for c in active if c not in self.doors))
        self.events = frozenset(s for c in self.clocks for s in c.starts)
        self._policies: dict[tuple[int, int], tuple[tuple[Clock, ...], frozenset]] = {}
        # Per pass (one `now`): clock and start dates -> its span; a time -> its warn start.
        self._spans: dict[tuple, ClockInstance | None] = {}
        self._days: dict[tuple[str, int], str] = {}
        self._at: tuple | None = None
        self._plan_of: dict[int, tuple] = {}
        # The plans of a company without policies of its own: most cases of a pass.
        self._base_plans = self._plans(self.clocks)
        # When none of them filters, their spans follow from the case's dates alone, so a
        # pass works them out once per distinct set of dates (a getter of them all).
        names = [FACT_EVENTS[e] for plan in self._base_plans
                 for e in (*plan[0].starts, *plan[0].sooner_on)]
        self._base_dates = attrgetter(*names) if names and not any(
            plan[3] for plan in self._base_plans) else None
        self._by_dates: dict[object, list[tuple[Clock, ClockInstance]]] = {}

    def _of(self, company: Company | None) -> tuple[tuple[Clock, ...], frozenset]:
        if company is None or not company.policies:
            return self.clocks, self.events
        key = (company.id, company.advice_rev)
        if key not in self._policies:
            own = tuple(Clock.from_policy(x, company.name) for x in company.policies)
            self._policies[key] = ((*self.clocks, *own),
                                   self.events | {s for c in own for s in c.starts})
        return self._policies[key]

    def _plans(self, clocks: tuple[Clock, ...]) -> tuple[tuple, ...]:
        """For each enabled clock: (clock, a getter of its start and sooner-on dates off a
        CaseFacts, how many of them are starts, whether it has filters to apply, whether the
        getter gives one date rather than a tuple)."""
        found = self._plan_of.get(id(clocks))
        if found is None or found[0] is not clocks:
            plans = []
            for clock in clocks:
                if not clock.enabled:
                    continue
                names = [FACT_EVENTS[e] for e in (*clock.starts, *clock.sooner_on)]
                a = clock.applies
                plans.append((clock, attrgetter(*names), len(clock.starts),
                              bool(a.categories or a.wants or a.channels or a.companies),
                              len(names) == 1 == len(clock.starts)))
            found = self._plan_of[id(clocks)] = (clocks, tuple(plans))
        return found[1]

    def running(self, f: CaseFacts, company: Company | None, now: datetime,
                warn_days: int) -> list[ClockInstance]:
        """The clocks running on the case, soonest end first. Each clock's span is worked
        out once per distinct set of start dates in a pass (most cases share their purchase
        day with others), then only named for the case."""
        return [_named(clock, f, span) for clock, span in self.spans(f, company, now,
                                                                    warn_days)]

    def spans(self, f: CaseFacts, company: Company | None, now: datetime,
              warn_days: int) -> list[tuple[Clock, ClockInstance]]:
        """`running`'s clocks as (clock, its span shared by every case with the same start
        dates), so a pass names a span for the case only when it becomes a finding. The list
        may be shared with other cases: read it, do not change it."""
        at = self._at
        if at is None or at[0] is not now or at[1] != warn_days:
            if at is None or at != (now, warn_days):
                self._spans.clear()
                self._by_dates.clear()
            self._at = (now, warn_days)
        if company is not None and company.policies:
            return self._spans_of(self._plans(self._of(company)[0]), f, now, warn_days)
        if self._base_dates is None:
            return self._spans_of(self._base_plans, f, now, warn_days)
        dates = self._base_dates(f)
        found = self._by_dates.get(dates)
        if found is None:
            found = self._by_dates[dates] = self._spans_of(self._base_plans, f, now, warn_days)
        return found

    def _spans_of(self, plans: tuple[tuple, ...], f: CaseFacts, now: datetime,
                  warn_days: int) -> list[tuple[Clock, ClockInstance]]:
        out = []
        channels = None
        for clock, get, starts, filtered, single in plans:
            if single:
                value = get(f)
                if not value:
                    continue
                values = (value,)
            else:
                values = get(f)
                if not any(values[:starts]):
                    continue
            if filtered:
                if channels is None:
                    channels = (f.last_channel,) if f.last_channel else ()
                if not clock.applies.to(f.category, f.want, channels, f.company):
                    continue
            key = (id(clock), values)
            span = self._spans.get(key, False)
            if span is False:
                names = (*clock.starts, *clock.sooner_on)
                dates = {e: v for e, v in zip(names, values) if v}
                found = clock_instances(dates, (clock,), now, category=f.category,
                                        want=f.want, channels=channels or (),
                                        company=f.company, warn_days=warn_days)
                span = self._spans[key] = found[0] if found else None
            if span is not None:
                out.append((clock, span))
        if len(out) > 1:
            out.sort(key=lambda e: (e[1].ends_at, e[0].key))
        return out

    def warn_start(self, iso: str, warn_days: int) -> str:
        """When a clock ending (or an ask due) at `iso` starts to warn: the start of the
        local day `warn_days` before its last day (once per distinct time in a pass)."""
        key = (iso, warn_days)
        found = self._days.get(key)
        if found is None:
            found = self._days[key] = day_start(local_date(iso) - timedelta(days=warn_days))
        return found

    def door(self, f: CaseFacts, now: datetime) -> ClockInstance | None:
        """The in-force ombudsman door on an unanswered formal complaint, if any."""
        if not self.doors or not f.complained_at:
            return None
        found = clock_instances({"formal_complaint": f.complained_at}, self.doors, now,
                                case_id=f.id, category=f.category, want=f.want,
                                company=f.company)
        return found[0] if found else None


def day_start(local_day: str | date) -> str:
    """ISO UTC of the start of a local calendar day."""
    if isinstance(local_day, str):
        local_day = date.fromisoformat(local_day)
    return to_iso(datetime.combine(local_day, time(0, 0)).astimezone())


def door_opens(inst: ClockInstance) -> str:
    """When an "opens" clock's door opens: at once on a sooner event, else on its last day."""
    return min(inst.ends_at, day_start(inst.last_day))


def what(inst: ClockInstance) -> str:
    """How a sentence names the clock: "ShopCo's price adjustment window"."""
    clock = inst.clock
    if clock.origin == "policy":
        company, _, name = clock.name.partition(": ")
        return f"{company}'s {name} window"
    return clock.name


def left(days: int) -> str:
    return "today" if days <= 0 else "tomorrow" if days == 1 else f"in {days} days"


def deadline_items(f: CaseFacts, company: Company | None, asks: Iterable, clocks: Clocks,
                   now: datetime, iso: str, today: date, tomorrow: str, warn: int,
                   after_days: int, soon: list[str]) -> list[tuple[str, object, int]]:
    """(kind, clock instance or ask, days left) for each clock that warns, has just closed
    or has opened, and each ask about to fall due; adds when that changes to `soon`."""
    items: list[tuple[str, object, int]] = []
    for clock, span in clocks.spans(f, company, now, warn):
        if clock.kind == "opens":
            opens = door_opens(span)
            if opens <= iso:
                items.append(("opened", _named(clock, f, span), span.days_left))
            else:
                soon.append(opens)
        elif span.state == "open":
            soon.append(clocks.warn_start(span.ends_at, warn))
        elif span.state == "closing":
            soon.extend((tomorrow, span.ends_at))
            if clock.party == "me" or clock is DUE_CLOCK:
                items.append(("warn", _named(clock, f, span), span.days_left))
        else:
            until = plus(span.ends_at, after_days * DAY)
            if iso < until and not (f.last_at and f.last_at > span.ends_at):
                soon.append(until)
                kind = "missed" if clock.party == "company" and clock is not DUE_CLOCK \
                    else "closed"
                items.append((kind, _named(clock, f, span), span.days_left))
    for x in asks:
        if x.due_at and x.due_at > iso:
            days = (local_date(x.due_at) - today).days
            if days <= warn:
                soon.append(tomorrow)
                items.append(("ask", x, days))
            else:
                soon.append(clocks.warn_start(x.due_at, warn))
    if len(items) > 1:
        items.sort(key=lambda e: (KIND_ORDER[e[0]], e[2]))
    return items


def _named(clock: Clock, f: CaseFacts, span: ClockInstance) -> ClockInstance:
    """A shared span as the instance of its clock on this case."""
    return ClockInstance(clock, f.id, span.starts_at, span.ends_at, span.days_left, span.state)
