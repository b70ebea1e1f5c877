"""The kept assessments (case_advice) as the advice commands read them: whether they are
fresh, the attention order, the worded entries. Light on purpose: the commands that find the
kept rows fresh (`advice --fail-on-stall`, `list --stalled`, run from cron) read them on the
bare reader connection (reader.py), without the Store; summaries.py adds the writes.

Triggers in schema.sql delete a case's row whenever the case or its company changes, so the
table holds active cases only; a row is also stale once the clock passes its `changes_at`, or
when the meta key `advice_engine` names another engine (see summaries.py). A row may have its
case's worded `advice --json` entry (case_words), which goes with it."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from .chunks import by_ids
from .times import from_iso, to_iso

if TYPE_CHECKING:   # the rows are built only by the reads that return them
    from .advice_row import AdviceRow

ENGINE_KEY = "advice_engine"
# "<source>=<engine fingerprint>": the files (tui.advice.source) the engine's playbook was
# read from, so a command can tell the rows fresh without reading the playbook.
SOURCE_KEY = "advice_source"
HORIZON_DAYS = 3     # not-stalled cases due within this many days come next in the list

_COLUMNS = ("case_id", "score", "stalled", "snoozed", "turn", "rung", "rule", "headline",
            "move", "who", "channel", "due", "last_activity_at", "changes_at", "company_rev")
_SELECT = ", ".join(f"a.{c}" for c in _COLUMNS)
_ACTIVE = "FROM cases INDEXED BY cases_active WHERE status IN ('open', 'waiting')"
_STALE_SQL = (f"SELECT c.id {_ACTIVE.replace('FROM cases', 'FROM cases c')} AND NOT EXISTS "
              "(SELECT 1 FROM case_advice a WHERE a.case_id = c.id) "
              "UNION SELECT case_id FROM case_advice WHERE changes_at <= ? ORDER BY 1")
_FRESH_SQL = (f"SELECT (SELECT value FROM meta WHERE key = '{SOURCE_KEY}') = :source || '=' || "
              f"(SELECT value FROM meta WHERE key = '{ENGINE_KEY}') "
              f"AND (SELECT count(*) {_ACTIVE}) = (SELECT count(*) FROM case_advice) "
              "AND NOT EXISTS (SELECT 1 FROM case_advice WHERE changes_at <= :now)")
# The attention order, one part at a time (each read in index order or a small sort, where
# one ORDER BY of CASE expressions sorts every row): stalled by score, then not-stalled ones
# due within the horizon by due, then the rest by the most recent activity.
_STALLED_ORDER = "a.score DESC, a.last_activity_at, a.case_id"
_PARTS = (("a.stalled = 1", _STALLED_ORDER),
          ("a.stalled = 0 AND a.due <= :edge", "a.due, a.last_activity_at DESC, a.case_id"),
          ("a.stalled = 0 AND (a.due IS NULL OR a.due > :edge)",
           "a.last_activity_at DESC, a.case_id"))


class KeptReads:
    """The kept rows' reads, over `self.conn`; mixed into Store (through SummaryOps) and
    KeptReader."""

    def advice_fresh(self, now: str, source: str) -> bool:
        """Whether every active case's kept row is fresh at `now`, made by the engine whose
        playbook came from `source` (tui.advice.source): then nothing needs the rules."""
        return self.conn.execute(_FRESH_SQL, {"source": source, "now": now}).fetchone()[0] == 1

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row and row[0]

    def ranked_advice(self, stalled_only: bool = False, limit: int | None = None,
                      offset: int = 0, company: str | None = None, status: str | None = None,
                      now: str | None = None,
                      horizon: timedelta = timedelta(days=HORIZON_DAYS)) -> list[AdviceRow]:
        """The kept assessments of active cases in the attention order: stalled ones by
        score (then the longest untouched, then id); then the others due within `horizon`
        of `now` (default: the store's clock), soonest first; then the rest, the most
        recently active first. Only fresh rows are in it: rank (tui.advice) refreshes first."""
        from .advice_row import advice_row
        return [advice_row(r) for r in self._ranked(_SELECT, stalled_only, limit, offset,
                                                    company, status, now, horizon)]

    def stalled_scores(self) -> dict[int, float]:
        """Stalled case id -> score, most urgent first: what the app holds of the ranking
        (plain numbers, read by the rank index; the rows themselves are read a page at a
        time)."""
        return dict(self.conn.execute(
            f"SELECT a.case_id, a.score FROM case_advice a WHERE a.stalled = 1 "
            f"ORDER BY {_STALLED_ORDER}"))

    def advice_rows(self, case_ids: Iterable[int]) -> dict[int, AdviceRow]:
        """case id -> its kept AdviceRow, for the cases that have one (a page of a list)."""
        from .advice_row import advice_row
        return {values[0]: advice_row(values) for values in by_ids(
            self.conn, f"SELECT {_SELECT} FROM case_advice a WHERE a.case_id IN ({{marks}})",
            sorted(set(case_ids)))}

    def ranked_worded(self, stalled_only: bool = False, limit: int | None = None,
                      now: str | None = None) -> Iterator[tuple[int, str | None]]:
        """(case id, its kept `advice --json` entry or None) in ranked_advice's order, read
        as they are wanted: what `advice` prints, without building rows or holding every
        entry at once."""
        return self._ranked("a.case_id, w.worded", stalled_only, limit, 0, None,
                            None, now, timedelta(days=HORIZON_DAYS),
                            "LEFT JOIN case_words w ON w.case_id = a.case_id")

    def _ranked(self, select: str, stalled_only: bool, limit: int | None, offset: int,
                company: str | None, status: str | None, now: str | None,
                horizon: timedelta, words: str = "") -> Iterator[tuple]:
        """Rows offset to offset + limit of the attention order, each part's read as it is
        iterated."""
        join, where, params = self._advice_filters(False, company, status)
        start = from_iso(now or self.now())
        params["edge"] = to_iso(start + horizon)
        need = None if limit is None else offset + limit
        given = 0
        for term, order in _PARTS[:1] if stalled_only else _PARTS:
            if need is not None and given >= need:
                return
            params["limit"] = -1 if need is None else need - given
            cond = f"{where} AND {term}" if where else f"WHERE {term}"
            for row in self.conn.execute(f"SELECT {select} FROM case_advice a {join} {words} "
                                         f"{cond} ORDER BY {order} LIMIT :limit", params):
                given += 1
                if given > offset:
                    yield row

    def attention_listing(self, **filters) -> list[tuple[tuple, float]]:
        """ranked_advice's rows as a listing shows them: ((id, status, company, contacts,
        last activity, title), score), in the same order (what `list --stalled` prints)."""
        ranked = self.ranked_advice(**filters)
        ids = [r.case_id for r in ranked]
        cases = {row[0]: row for row in by_ids(
            self.conn, "SELECT c.id, c.status, co.name, c.contacts, c.last_activity_at, c.title "
            "FROM cases c JOIN companies co ON co.id = c.company_id WHERE c.id IN ({marks})",
            ids)}
        return [(cases[r.case_id], r.score) for r in ranked if r.case_id in cases]

    def count_active(self) -> int:
        """How many cases are open or waiting (each has, or needs, a kept row)."""
        return self.conn.execute(f"SELECT count(*) {_ACTIVE}").fetchone()[0]

    def any_stalled(self) -> bool:
        return self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM case_advice WHERE stalled = 1)").fetchone()[0] == 1

    def count_advice(self, stalled_only: bool = False, company: str | None = None,
                     status: str | None = None) -> int:
        join, where, params = self._advice_filters(stalled_only, company, status)
        return self.conn.execute(f"SELECT count(*) FROM case_advice a {join} {where}",
                                 params).fetchone()[0]

    @staticmethod
    def _advice_filters(stalled_only: bool, company: str | None,
                        status: str | None) -> tuple[str, str, dict]:
        """(the join on cases, if a filter needs it; the WHERE clause; its parameters)."""
        terms, params = [], {}
        if stalled_only:
            terms.append("a.stalled = 1")
        if company:
            terms.append("c.company_id = (SELECT id FROM companies WHERE name = :company)")
            params["company"] = company
        if status:
            terms.append("c.status = :status")
            params["status"] = status
        join = "JOIN cases c ON c.id = a.case_id" if company or status else ""
        return join, "WHERE " + " AND ".join(terms) if terms else "", params


class KeptReader(KeptReads):
    """The kept rows read on a connection the caller owns (Env.reader's), with the clock
    the listing's horizon counts from."""

    def __init__(self, conn, clock: Callable[[], object]):
        self.conn, self.clock = conn, clock

    def now(self) -> str:
        return to_iso(self.clock())
