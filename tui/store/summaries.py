"""The kept per-case summaries' writes: which assessments are stale, saving new ones and
their worded `advice --json` entries (case_words). The reads are kept.py's, which the
light commands use without the Store."""

from __future__ import annotations

import sqlite3
from operator import attrgetter
from typing import Iterable, Mapping

from .db import busy_timeout_ms
from .errors import StoreError
from .chunks import MAX_IDS, marks
from .advice_row import AdviceRow
from .kept import _ACTIVE, _COLUMNS, _STALE_SQL, ENGINE_KEY, SOURCE_KEY, KeptReads

SAVE_BUSY_MS = 200   # saving is best effort: a busy notebook is not worth waiting for
# A row's column values in order (dataclasses.astuple deep-copies every value).
_values = attrgetter(*_COLUMNS)
# An upsert, not INSERT OR REPLACE: a replace deletes and re-inserts (both indexes twice),
# and a pass from nothing has no row to replace. The row's words go first (save_advice).
_SAVE_SQL = (f"INSERT INTO case_advice ({', '.join(_COLUMNS)}) "
             f"VALUES ({', '.join('?' * len(_COLUMNS))}) ON CONFLICT (case_id) DO UPDATE SET "
             + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:]))


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


class SummaryOps(KeptReads):
    """Mixed into Store: the kept rows' reads (kept.py) and their writes."""

    _advice_mark: tuple[int, int] | None = None

    def _changes_mark(self) -> tuple[int, int]:
        """What tells a write since: another connection's commits (data_version) and ours."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes

    def advice_mark(self) -> tuple[int, int]:
        """A mark to hand to save_worded: words made after it are kept only if nothing
        changed since."""
        return self._changes_mark()

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

    @staticmethod
    def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
