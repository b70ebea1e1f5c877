"""What the advice layer reads: many cases at once with everything in them, every active case
a page at a time, and how each channel has gone with a company so far (the summaries that
rank every active case are in advice_queries)."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from .cases import CASE_COLUMNS, INTERACTION_COLUMNS, PROMISE_COLUMNS, case_from_row, \
    interaction_from_row
from .records import Case, CaseDetail, Company, Promise, Ref

_COMPANY_COLUMNS = "id, uid, name, phone, chat_url, email, hours, notes"
MAX_IDS = 900   # ids bound in one IN (...): below SQLite's oldest variable limit (999)


class HistoryOps:
    """Mixed into Store; bulk reads so advice never runs one query per case."""

    def details_for(self, case_ids: Iterable[int]) -> list[CaseDetail]:
        """The given cases with refs, interactions (oldest first), promises and company, in
        the order asked; ids that do not exist are skipped. Five queries, whatever the count."""
        ids = list(dict.fromkeys(int(i) for i in case_ids))
        out: list[CaseDetail] = []
        for start in range(0, len(ids), MAX_IDS):
            chunk = ids[start:start + MAX_IDS]
            cases = {c.id: c for c in map(case_from_row, self.conn.execute(
                f"SELECT {CASE_COLUMNS} FROM cases c JOIN companies co ON co.id = c.company_id "
                f"WHERE c.id IN ({', '.join('?' * len(chunk))})", chunk))}
            out += self._assemble([cases[i] for i in chunk if i in cases])
        return out

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

    def iter_active_details(self, page: int = 500) -> Iterator[CaseDetail]:
        """Every open or waiting case as a CaseDetail, five queries per `page` cases."""
        for cases in self._active_pages(page):
            yield from self._assemble(cases)

    def _companies(self, ids: Iterable[int]) -> dict[int, Company]:
        ids = sorted(ids)
        if not ids:
            return {}
        return {row[0]: Company(*row) for row in self.conn.execute(
            f"SELECT {_COMPANY_COLUMNS} FROM companies WHERE id IN ({', '.join('?' * len(ids))})",
            ids)}

    def _assemble(self, cases: list[Case]) -> list[CaseDetail]:
        """Attach refs, interactions, promises and companies to `cases` with one query each."""
        if len(cases) > MAX_IDS:
            return [d for start in range(0, len(cases), MAX_IDS)
                    for d in self._assemble(cases[start:start + MAX_IDS])]
        if not cases:
            return []
        ids = [c.id for c in cases]
        marks = ", ".join("?" * len(ids))
        refs, interactions, promises = defaultdict(list), defaultdict(list), defaultdict(list)
        for case_id, kind, value in self.conn.execute(
                f"SELECT case_id, kind, value FROM case_refs WHERE case_id IN ({marks}) "
                "ORDER BY id", ids):
            refs[case_id].append(Ref(kind, value))
        for row in self.conn.execute(
                f"SELECT {INTERACTION_COLUMNS} FROM interactions i WHERE i.case_id IN ({marks}) "
                "ORDER BY i.case_id, i.started_at, i.id", ids):
            interactions[row[2]].append(interaction_from_row(row))
        for row in self.conn.execute(
                f"SELECT {PROMISE_COLUMNS} FROM promises WHERE case_id IN ({marks}) "
                "ORDER BY case_id, coalesce(due_at, created_at), id", ids):
            promises[row[2]].append(Promise(*row))
        companies = self._companies({c.company_id for c in cases})
        return [CaseDetail(c, tuple(refs[c.id]), tuple(interactions[c.id]),
                           tuple(promises[c.id]), companies.get(c.company_id))
                for c in cases]

    def channel_stats(self, company_id: int) -> dict[str, tuple[int, int]]:
        """channel -> (contacts that made progress, finished contacts) at this company, over
        every case; live contacts are not counted (company_channels, kept by triggers)."""
        return {channel: (progress, contacts) for channel, progress, contacts in self.conn.execute(
            "SELECT channel, progress, contacts FROM company_channels "
            "WHERE company_id = ? AND contacts > 0 ORDER BY channel", (company_id,))}
