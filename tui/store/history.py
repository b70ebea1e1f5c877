"""Bulk reads: cases by id a chunk at a time, every active case a page at a time, and how each
channel has gone with a company so far (what the advice reads of each case is in facts.py)."""

from __future__ import annotations

from typing import Iterable, Iterator

from .cases import CASE_COLUMNS, case_from_row
from .chunks import by_ids
from .companies import load_companies
from .records import Case, Company

_CASES_SQL = (f"SELECT {CASE_COLUMNS} FROM cases c JOIN companies co ON co.id = c.company_id "
              "WHERE c.id IN ({marks})")

class HistoryOps:
    """Mixed into Store; bulk reads so advice never runs one query per case."""

    def cases_by_id(self, ids: Iterable[int]) -> dict[int, Case]:
        """The cases with these ids, keyed by id; missing ids are left out."""
        return {case.id: case for case in map(case_from_row, by_ids(
            self.conn, _CASES_SQL, list(dict.fromkeys(ids))))}

    def _active_pages(self, page: int, make=case_from_row,
                      columns: str = CASE_COLUMNS) -> Iterator[list]:
        """Open and waiting cases by id, `page` at a time (keyset on id), each row of
        `columns` (the first is the id) through `make`: memory stays flat however big the
        notebook is."""
        after = 0
        while True:
            rows = self.conn.execute(
                f"SELECT {columns} FROM cases c INDEXED BY cases_active "
                "JOIN companies co ON co.id = c.company_id "
                # The partial index walks the active cases in id order (the keyset) without
                # reading the closed ones, three in four of a notebook kept for years.
                "WHERE c.status IN ('open', 'waiting') AND c.id > ? ORDER BY c.id LIMIT ?",
                (after, page)).fetchall()
            if rows:
                yield [make(r) for r in rows]
            if len(rows) < page:
                return
            after = rows[-1][0]

    def _companies(self, ids: Iterable[int]) -> dict[int, Company]:
        return load_companies(self.conn, ids)   # with their routes and policies

    def channel_stats(self, company_id: int) -> dict[str, tuple[int, int]]:
        """channel -> (contacts that made progress, finished contacts) at this company, over
        every case; live contacts are not counted (company_channels, kept by triggers)."""
        return {channel: (progress, contacts) for channel, progress, contacts in self.conn.execute(
            "SELECT channel, progress, contacts FROM company_channels "
            "WHERE company_id = ? AND contacts > 0 ORDER BY channel", (company_id,))}
