"""Bounded reads the terminal UI needs beyond the CLI's: promises coming due and the channel
filter applied to a handful of ids (cases by id are in history). Every query is LIMITed or
keyed by a short list of ids, so its cost does not grow with the notebook."""

from __future__ import annotations

from typing import Iterable

from . import validate as v
from .cases import PROMISE_COLUMNS
from .chunks import marks
from .records import CHANNELS, Promise


class UiQueryOps:
    """Mixed into Store."""

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
        rows = self.conn.execute(
            f"SELECT DISTINCT case_id FROM interactions WHERE channel = ? "
            f"AND case_id IN ({marks(ids)})", (channel, *ids))
        return {r[0] for r in rows}
