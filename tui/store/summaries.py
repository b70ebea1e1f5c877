"""The kept per-case summaries: the assessments (case_advice) and their worded entries.

The kept assessments (case_advice): whether they are fresh, which are stale, saving new
ones, and the attention list read from them. Triggers in schema.sql delete a case's row
whenever the case or its company changes, so the table holds active cases only; a row is also
stale once the clock passes its `changes_at`, or when the meta key `advice_engine` names
another engine (see AdviceRow). A row may have its case's worded `advice --json` entry
(case_words), which goes with it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from operator import attrgetter
from typing import Iterable, Mapping

from .db import Connection, busy_timeout_ms
from .errors import StoreError
from .chunks import MAX_IDS, by_ids, marks
from .times import from_iso, to_iso

ENGINE_KEY = "advice_engine"
# "<source>=<engine fingerprint>": the files (tui.advice.source) the engine's playbook was
# read from, so a command can tell the rows fresh without reading the playbook.
SOURCE_KEY = "advice_source"
SAVE_BUSY_MS = 200   # saving is best effort: a busy notebook is not worth waiting for
HORIZON_DAYS = 3     # not-stalled cases due within this many days come next in the list

_COLUMNS = ("case_id", "score", "stalled", "snoozed", "turn", "rung", "rule", "headline",
            "move", "who", "channel", "due", "last_activity_at", "changes_at", "company_rev")
_SELECT = ", ".join(f"a.{c}" for c in _COLUMNS)
# A row's column values in order (dataclasses.astuple deep-copies every value).
_values = attrgetter(*_COLUMNS)
# An upsert, not INSERT OR REPLACE: a replace deletes and re-inserts (both indexes twice),
# and a pass from nothing has no row to replace. The row's words go first (save_advice).
_SAVE_SQL = (f"INSERT INTO case_advice ({', '.join(_COLUMNS)}) "
             f"VALUES ({', '.join('?' * len(_COLUMNS))}) ON CONFLICT (case_id) DO UPDATE SET "
             + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:]))
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


@dataclass(frozen=True, slots=True)
class AdviceRow:
    """A case's kept assessment, as lists and --fail-on-stall read it (the case_advice row)."""

    case_id: int
    score: float
    stalled: bool
    snoozed: bool
    turn: str                   # theirs | yours | nobody
    rung: str
    rule: str | None            # the top finding's rule
    headline: str
    move: str                   # the next move as one line
    who: str                    # you | them | nobody
    channel: str | None
    due: str | None             # ISO UTC
    last_activity_at: str
    changes_at: str | None      # the clock alone changes the assessment then (None: never)
    company_rev: int


def _row(values: tuple) -> AdviceRow:
    case_id, score, stalled, snoozed, *rest = values
    return AdviceRow(case_id, score, bool(stalled), bool(snoozed), *rest)


def _active_ids(conn: sqlite3.Connection, ids: list[int]) -> set[int]:
    """Which of these cases are open or waiting: every active id read at once for many."""
    if not ids:     # `IN ()` under INDEXED BY has no query plan: SQLite refuses it
        return set()
    if len(ids) > MAX_IDS:
        return {r[0] for r in conn.execute(f"SELECT id {_ACTIVE}")}
    return {r[0] for r in conn.execute(
        f"SELECT id {_ACTIVE} AND id IN ({marks(ids)})", ids)}


class _Changed(Exception):
    """The notebook changed between advice_stale and save_advice."""


class SummaryOps:
    """Mixed into Store."""

    _advice_mark: tuple[int, int] | None = None

    def _changes_mark(self) -> tuple[int, int]:
        """What tells a write since: another connection's commits (data_version) and ours."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes

    def advice_mark(self) -> tuple[int, int]:
        """A mark to hand to save_worded: words made after it are kept only if nothing
        changed since."""
        return self._changes_mark()

    def advice_fresh(self, now: str, source: str) -> bool:
        """Whether every active case's kept row is fresh at `now`, made by the engine whose
        playbook came from `source` (tui.advice.source): then nothing needs the rules."""
        return self.conn.execute(_FRESH_SQL, {"source": source, "now": now}).fetchone()[0] == 1

    def advice_stale(self, now: str, fingerprint: str) -> list[int]:
        """The active cases whose kept assessment is missing or stale at `now` (ISO UTC):
        all of them when the rows were made by another engine than `fingerprint`."""
        self._advice_mark = self._changes_mark()
        made_by = self.conn.execute("SELECT value FROM meta WHERE key = ?",
                                    (ENGINE_KEY,)).fetchone()
        if made_by is None or made_by[0] != fingerprint:
            return [r[0] for r in self.conn.execute(f"SELECT id {_ACTIVE} ORDER BY id")]
        return [r[0] for r in self.conn.execute(_STALE_SQL, (now,))]

    def save_advice(self, rows: Iterable[AdviceRow], fingerprint: str,
                    source: str | None = None) -> bool:
        """Keep these assessments (one transaction; another engine's rows go), and with
        `source` what the engine's playbook was read from. Best effort: False, never an
        exception, when the notebook is read-only, busy or locked, or when it changed since
        advice_stale (the rows may be made from what was there before)."""
        rows = list(rows)
        source_value = None if source is None else f"{source}={fingerprint}"

        def write(conn: sqlite3.Connection) -> None:
            made_by = conn.execute("SELECT value FROM meta WHERE key = ?",
                                   (ENGINE_KEY,)).fetchone()
            if made_by is None or made_by[0] != fingerprint:
                conn.execute("DELETE FROM case_words")
                conn.execute("DELETE FROM case_advice")
                self._set_meta(conn, ENGINE_KEY, fingerprint)
            # A row's words go with it even where foreign keys are off (the sqlite3 shell).
            if conn.execute("SELECT EXISTS (SELECT 1 FROM case_words)").fetchone()[0]:
                conn.executemany("DELETE FROM case_words WHERE case_id = ?",
                                 ((r.case_id,) for r in rows))
            # Only an active case gets a row (closing one deletes it: cases_advice_au), so
            # counting the rows counts the active cases that have one; read in one query.
            active = _active_ids(conn, [r.case_id for r in rows])
            conn.executemany(_SAVE_SQL, [_values(r) for r in rows if r.case_id in active])
            if source_value is not None:
                self._set_meta(conn, SOURCE_KEY, source_value)

        if not rows and source_value is not None and self._meta(SOURCE_KEY) == source_value:
            return True
        return self._best_effort(write, self._advice_mark)

    def save_worded(self, entries: Mapping[int, str], mark: tuple[int, int]) -> bool:
        """Keep each case's worded `advice --json` entry on its row, best effort, when
        nothing changed since `mark` (advice_mark) so the words match the row."""
        def write(conn: sqlite3.Connection) -> None:
            conn.executemany("INSERT OR REPLACE INTO case_words (case_id, worded) SELECT ?, ? "
                             "WHERE EXISTS (SELECT 1 FROM case_advice WHERE case_id = ?)",
                             ((case_id, text, case_id) for case_id, text in entries.items()))
        return bool(entries) and self._best_effort(write, mark)

    def _best_effort(self, write, mark: tuple[int, int] | None) -> bool:
        if self.read_only:
            return False
        conn = self.conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {SAVE_BUSY_MS}")
            with self.write():
                if mark is not None and mark != self._changes_mark():
                    raise _Changed
                write(conn)
            self._advice_mark = self._changes_mark()
            return True
        except (StoreError, sqlite3.Error, _Changed):
            return False
        finally:
            try:
                conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
            except sqlite3.Error:
                pass

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row and row[0]

    @staticmethod
    def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def ranked_advice(self, stalled_only: bool = False, limit: int | None = None,
                      offset: int = 0, company: str | None = None, status: str | None = None,
                      now: str | None = None,
                      horizon: timedelta = timedelta(days=HORIZON_DAYS)) -> list[AdviceRow]:
        """The kept assessments of active cases in the attention order: stalled ones by
        score (then the longest untouched, then id); then the others due within `horizon`
        of `now` (default: the store's clock), soonest first; then the rest, the most
        recently active first. Only fresh rows are in it: rank (tui.advice) refreshes first."""
        return [_row(r) for r in self._ranked(_SELECT, stalled_only, limit, offset, company,
                                              status, now, horizon)]

    def ranked_ids(self, stalled_only: bool = False, limit: int | None = None,
                   now: str | None = None) -> list[tuple[int, bool, bool]]:
        """(case id, stalled, whether its worded entry is kept) in ranked_advice's order:
        what `advice` prints, read without building rows."""
        return [(i, bool(stalled), bool(kept)) for i, stalled, kept in self._ranked(
            "a.case_id, a.stalled, w.case_id IS NOT NULL", stalled_only, limit, 0, None, None,
            now, timedelta(days=HORIZON_DAYS), "LEFT JOIN case_words w ON w.case_id = a.case_id")]

    def worded_for(self, case_ids: Iterable[int]) -> dict[int, str]:
        """The kept `advice --json` entries of these cases (those that have one)."""
        ids = list(case_ids)
        if not ids:
            return {}
        return dict(by_ids(self.conn, "SELECT case_id, worded FROM case_words "
                           "WHERE case_id IN ({marks})", ids))

    def _ranked(self, select: str, stalled_only: bool, limit: int | None, offset: int,
                company: str | None, status: str | None, now: str | None,
                horizon: timedelta, words: str = "") -> list[tuple]:
        join, where, params = self._advice_filters(False, company, status)
        start = from_iso(now or self.now())
        params["edge"] = to_iso(start + horizon)
        need = None if limit is None else offset + limit
        out: list[tuple] = []
        for term, order in _PARTS[:1] if stalled_only else _PARTS:
            if need is not None and len(out) >= need:
                break
            params["limit"] = -1 if need is None else need - len(out)
            cond = f"{where} AND {term}" if where else f"WHERE {term}"
            out += self.conn.execute(f"SELECT {select} FROM case_advice a {join} {words} {cond} "
                                     f"ORDER BY {order} LIMIT :limit", params).fetchall()
        return out[offset:]

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

    def advice_moves(self, case_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """case id -> (the kept next-move line, whose turn) for the cases that have a kept
        assessment."""
        ids = sorted(set(case_ids))
        return {case_id: (move, turn) for case_id, move, turn in by_ids(
            self.conn, "SELECT case_id, move, turn FROM case_advice WHERE case_id IN ({marks})",
            ids)}

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


class CacheStore(SummaryOps, Connection):
    """A notebook opened for the kept assessments alone: what the advice commands read when
    nothing is stale, without loading every operation of the full Store."""
