"""The whole store: every operation mixin on one connection (tui.store loads it on first use)."""

from __future__ import annotations

from .attachments import AttachmentOps
from .cases import CaseOps
from .db import Connection
from .facts import FactsOps
from .interactions import InteractionOps
from .interchange import InterchangeOps
from .lists import ListOps
from .search import SearchOps
from .stats import StatsOps
from .summaries import SummaryOps


class Store(CaseOps, InteractionOps, ListOps, SearchOps, InterchangeOps, FactsOps, SummaryOps,
            StatsOps, AttachmentOps, Connection):
    """One open notebook. `Store(path, create=False)` never creates a file."""
