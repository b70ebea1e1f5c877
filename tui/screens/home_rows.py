"""Where the home lists get their rows: a page at a time, in a worker thread.

The attention tab chains three sources: stalled cases by score (from assess_all), then
cases with promises coming due, then every other open case, newest activity first. The
other tabs are one keyset-paged `list_cases` each. Nothing here loads a whole table.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..store import Case, Store
from ..store.validate import to_iso
from ..store.wording import plural
from ..widgets.case_table import CaseRow
from ..widgets.text import ago, day

if TYPE_CHECKING:
    from ..advice import Assessment

TABS = ("attention", "open", "waiting", "resolved", "all")
PROMISE_HORIZON = timedelta(days=3)


def finding_line(assessment: Assessment | None) -> tuple[str, str]:
    """The top finding as one line for a list, and its style."""
    top = assessment.top if assessment else None
    if top is None:
        return "", ""
    line = top.headline or (top.evidence[0] if top.evidence else top.rule.replace("_", " "))
    return (f"⟳ {line}" if top.press_restart else line), "bold dark_orange"


class RowSource:
    """Pages of CaseRows for one tab and filter. Not thread-safe: one page at a time.

    With `tail`, the same list is walked from its end: each page holds the rows before the
    previous one, last row first (the table puts them above what it has)."""

    def __init__(self, tab: str, *, company: str | None, channel: str | None,
                 stalled: dict[int, Assessment], now: datetime, tail: bool = False):
        self.tab, self.company, self.channel = tab, company, channel
        self.stalled, self.now, self.tail = stalled, now, tail
        self.done = False
        self._after: tuple | None = None
        stages = ("stalled", "promises", "list") if tab == "attention" else ("list",)
        self._stages = stages[::-1] if tail else stages
        self._stage = self._stages[0]
        self._stalled_ids = sorted(stalled, key=lambda i: -stalled[i].score)
        if tail:
            self._stalled_ids.reverse()
        self._stalled_pos = 0
        self._promise_rows: list[CaseRow] | None = None

    def next_page(self, store: Store, limit: int = 60) -> list[CaseRow]:
        rows: list[CaseRow] = []
        while len(rows) < limit and not self.done:
            if self._stage == "stalled":
                rows += self._stalled_page(store, limit - len(rows))
            elif self._stage == "promises":
                rows += self._promises(store)
            else:
                rows += self._list_page(store, limit - len(rows))
        return rows

    def _next_stage(self) -> None:
        later = self._stages[self._stages.index(self._stage) + 1:]
        if later:
            self._stage = later[0]
        else:
            self.done = True

    # -- stages --------------------------------------------------------------------------
    def _keep(self, store: Store, cases: list[Case]) -> list[Case]:
        """Apply the company and channel filters to cases picked by id."""
        cases = [c for c in cases if c.status in ("open", "waiting")]
        if self.company:
            wanted = self.company.strip().casefold()
            cases = [c for c in cases if c.company.casefold() == wanted]
        if self.channel and cases:
            ok = store.ids_with_channel([c.id for c in cases], self.channel)
            cases = [c for c in cases if c.id in ok]
        return cases

    def _stalled_page(self, store: Store, limit: int) -> list[CaseRow]:
        ids = self._stalled_ids[self._stalled_pos:self._stalled_pos + limit]
        self._stalled_pos += len(ids)
        if self._stalled_pos >= len(self._stalled_ids):
            self._next_stage()
        found = store.cases_by_id(ids)
        cases = self._keep(store, [found[i] for i in ids if i in found])
        rows = []
        for case in cases:
            why, style = finding_line(self.stalled.get(case.id))
            rows.append(CaseRow(case, self.stalled[case.id].score, why, style,
                                ago(case.last_activity_at, self.now)))
        return rows

    def _promises(self, store: Store) -> list[CaseRow]:
        """The promise stage, whole (at most 100 rows); after the stalled cases, or before
        them when walking from the end."""
        rows = [r for r in self._due_promises(store) if r.case.id not in self.stalled]
        if self.tail:
            rows.reverse()
        self._next_stage()
        return rows

    def _due_promises(self, store: Store) -> list[CaseRow]:
        """Cases with a promise coming due, soonest first, once per case."""
        if self._promise_rows is None:
            # Due soon: from yesterday to a few days ahead (older ones are broken promises).
            promises = store.promises_due(to_iso(self.now - timedelta(days=1)),
                                          to_iso(self.now + PROMISE_HORIZON), limit=100)
            found = store.cases_by_id(p.case_id for p in promises)
            keep = {c.id for c in self._keep(store, list(found.values()))}
            rows, listed = [], set()
            for promise in promises:
                if promise.case_id in keep and promise.case_id not in listed:
                    listed.add(promise.case_id)
                    case = found[promise.case_id]
                    rows.append(CaseRow(case, None, f"promise due {day(promise.due_at)}: "
                                        f"{promise.text}", "cyan",
                                        ago(case.last_activity_at, self.now)))
            self._promise_rows = rows
        return self._promise_rows

    def _list_page(self, store: Store, limit: int) -> list[CaseRow]:
        status = {"attention": "active", "all": "all"}.get(self.tab, self.tab)
        page = store.list_cases(status=status, company=self.company or None,
                                channel=self.channel or None, sort="recent",
                                after=self._after, limit=limit, reverse=self.tail)
        self._after = page.after
        if page.after is None:
            self._next_stage()
        # On the attention tab the stalled cases and the promises coming due have their own
        # stages (before the list, or after it from the end): each case is listed once.
        staged = self.tab == "attention"
        promised = {r.case.id for r in self._due_promises(store)} if staged else ()
        rows = []
        for case in page.items:
            if staged and (case.id in self.stalled or case.id in promised):
                continue
            assessment = self.stalled.get(case.id)
            why, style = finding_line(assessment)
            if not why:
                why = plural(case.contacts, "contact")
            rows.append(CaseRow(case, assessment.score if assessment else None, why, style,
                                ago(case.last_activity_at, self.now)))
        return rows
