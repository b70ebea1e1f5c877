"""Bounded reads the terminal UI needs beyond the CLI's: promises coming due, batch case
lookups and the channel filter applied to a handful of ids. Every query is LIMITed or keyed
by a short list of ids, so its cost does not grow with the notebook."""

from __future__ import annotations

from typing import Iterable

from . import validate as v
from .cases import CASE_COLUMNS, PROMISE_COLUMNS, case_from_row
from .history import MAX_IDS
from .records import CHANNELS, Case, Promise


class UiQueryOps:
    """Mixed into Store."""

    def cases_by_id(self, ids: Iterable[int]) -> dict[int, Case]:
        """The cases with these ids, keyed by id; missing ids are left out. Meant for a
        page's worth; more are read MAX_IDS at a time."""
        ids = list(dict.fromkeys(ids))
        out: dict[int, Case] = {}
        for start in range(0, len(ids), MAX_IDS):
            chunk = ids[start:start + MAX_IDS]
            out.update((case.id, case) for case in map(case_from_row, self.conn.execute(
                f"SELECT {CASE_COLUMNS} FROM cases c JOIN companies co ON co.id = c.company_id "
                f"WHERE c.id IN ({', '.join('?' * len(chunk))})", chunk)))
        return out

    def promises_due(self, since: str, until: str, *, limit: int = 50) -> list[Promise]:
        """Pending promises due between `since` and `until` (ISO UTC), soonest first."""
        rows = self.conn.execute(
            f"SELECT {PROMISE_COLUMNS} FROM promises WHERE status = 'pending' "
            "AND due_at >= ? AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (since, until, limit))
        return [Promise(*r) for r in rows]

    def ids_with_channel(self, ids: Iterable[int], channel: str) -> set[int]:
        """Which of these case ids had at least one contact on `channel`."""
        channel = v.choice("channel", channel, CHANNELS)
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        marks = ", ".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT DISTINCT case_id FROM interactions WHERE channel = ? "
            f"AND case_id IN ({marks})", (channel, *ids))
        return {r[0] for r in rows}
