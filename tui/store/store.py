"""The whole store: every operation mixin on one connection (tui.store loads it on first use)."""

from __future__ import annotations

from .advice_cache import AdviceCacheOps
from .agenda_queries import AgendaQueryOps
from .attachments import AttachmentOps
from .cases import CaseOps
from .db import Connection
from .facts import FactsOps
from .history import HistoryOps
from .interactions import InteractionOps
from .interchange import InterchangeOps
from .queries import QueryOps
from .stats import StatsOps
from .ui_queries import UiQueryOps


class Store(CaseOps, InteractionOps, QueryOps, InterchangeOps, HistoryOps, FactsOps,
            AdviceCacheOps, UiQueryOps, StatsOps, AgendaQueryOps, AttachmentOps, Connection):
    """One open notebook. `Store(path, create=False)` never creates a file."""

