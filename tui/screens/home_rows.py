"""Where the home lists get their rows: a page at a time, in a worker thread.

The attention tab is the advice cache in its attention order (stalled by score, then promises
and asks coming due, then the rest: `store.ranked_advice`, the order of `list --sort
attention`), or, when the notebook could not keep the cache (read-only, busy), the ranking the
app made in memory. The other tabs are one keyset-paged `list_cases` each. Nothing here loads
a whole table.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..store import Case, Store
from ..store.wording import plural
from ..widgets.case_table import CaseRow
from ..widgets.text import ago

if TYPE_CHECKING:
    from ..store.facts import AdviceRow

TABS = ("attention", "open", "waiting", "resolved", "all")


def move_line(row: AdviceRow | None) -> tuple[str, str]:
    """The next move as one line for a list, and its style (stalled ones stand out)."""
    if row is None or not row.move:
        return "", ""
    if row.stalled:
        return row.move, "bold dark_orange"
    return row.move, "cyan" if row.who == "you" else ""


class RowSource:
    """Pages of CaseRows for one tab and filter. Not thread-safe: one page at a time.

    With `tail`, the same list is walked from its end: each page holds the rows before the
    previous one, last row first (the table puts them above what it has). `stalled` (case
    id -> score) gives the other tabs their stalled cases' scores, and their next moves are
    read with the page; `ranked`, when given, is the attention order itself (every active
    case's row), read instead of the cache."""

    def __init__(self, tab: str, *, company: str | None, channel: str | None,
                 stalled: dict[int, float], now: datetime, tail: bool = False,
                 ranked: list[AdviceRow] | None = None):
        self.tab, self.company, self.channel = tab, company, channel
        self.stalled, self.now, self.tail, self.ranked = stalled, now, tail, ranked
        self.done = False
        self._after: tuple | None = None
        self._offset = 0              # the next advice row forward
        self._in_stalled = True       # forward, still among the stalled cases
        self._end: int | None = None  # from the end: the advice rows not walked yet
        self._ranked_by_id: dict[int, AdviceRow] | None = None   # `ranked` by case id

    def next_page(self, store: Store, limit: int = 60) -> list[CaseRow]:
        rows: list[CaseRow] = []
        while len(rows) < limit and not self.done:
            if self.tab == "attention":
                rows += self._advice_page(store, limit - len(rows))
            else:
                rows += self._list_page(store, limit - len(rows))
        return rows

    # -- the attention tab ---------------------------------------------------------------
    def _advice(self, store: Store, offset: int, limit: int | None) -> list[AdviceRow]:
        if self.ranked is not None:
            return self.ranked[offset:None if limit is None else offset + limit]
        company = self.company or None
        if self._in_stalled:
            # The stalled cases lead the attention order; read alone, they come by an
            # index, where the whole order is sorted afresh for every page.
            rows = store.ranked_advice(stalled_only=True, limit=limit, offset=offset,
                                       company=company)
            if limit is None or len(rows) == limit:
                return rows
            self._in_stalled = False
            return rows + store.ranked_advice(limit=limit - len(rows),
                                              offset=offset + len(rows), company=company)
        return store.ranked_advice(limit=limit, offset=offset, company=company)

    def _advice_page(self, store: Store, limit: int) -> list[CaseRow]:
        if not self.tail:
            advice = self._advice(store, self._offset, limit)
            self._offset += len(advice)
            self.done = len(advice) < limit
        else:
            self._in_stalled = False
            if self._end is None:
                self._end = self._advice_count(store)
            start = max(0, self._end - limit)
            advice = self._advice(store, start, self._end - start)[::-1]
            self._end = start
            self.done = start == 0
        found = store.cases_by_id(r.case_id for r in advice)
        kept = {c.id: c for c in self._keep(store, list(found.values()))}
        rows = []
        for row in advice:
            if (case := kept.get(row.case_id)) is not None:
                why, style = move_line(row)
                rows.append(CaseRow(case, row.score if row.stalled else None, why, style,
                                    ago(case.last_activity_at, self.now)))
        return rows

    def _advice_count(self, store: Store) -> int:
        if self.ranked is not None:
            return len(self.ranked)
        return store.count_advice(False, company=self.company or None)

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

    # -- the other tabs ------------------------------------------------------------------
    def _list_page(self, store: Store, limit: int) -> list[CaseRow]:
        page = store.list_cases(status=self.tab, company=self.company or None,
                                channel=self.channel or None, sort="recent",
                                after=self._after, limit=limit, reverse=self.tail)
        self._after = page.after
        self.done = page.after is None
        advice = self._stalled_rows(store, [c.id for c in page.items])
        rows = []
        for case in page.items:
            why, style = move_line(advice.get(case.id))
            rows.append(CaseRow(case, self.stalled.get(case.id),
                                why or plural(case.contacts, "contact"), style,
                                ago(case.last_activity_at, self.now)))
        return rows

    def _stalled_rows(self, store: Store, case_ids: list[int]) -> dict[int, AdviceRow]:
        """The rows of this page's stalled cases (their next move), from the ranking the
        app holds when the notebook could not keep it, else from the kept ones."""
        wanted = [i for i in case_ids if i in self.stalled]
        if self.ranked is not None:
            if self._ranked_by_id is None:
                self._ranked_by_id = {r.case_id: r for r in self.ranked}
            return {i: self._ranked_by_id[i] for i in wanted if i in self._ranked_by_id}
        return store.advice_rows(wanted) if wanted else {}
