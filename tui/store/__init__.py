"""The SQLite store: every read and write the UI, the CLI and the advice need. No Textual here."""

from __future__ import annotations

from .advice_queries import AdviceQueryOps
from .cases import CaseOps
from .db import Connection, new_uid
from .errors import NotFound, StoreError, ValidationError
from .history import HistoryOps
from .interactions import InteractionOps
from .interchange import FORMAT, InterchangeOps, load_document
from .paths import resolve_db_path
from .queries import MARK_END, MARK_START, QueryOps
from .stats import StatRow, StatsOps
from .ui_queries import UiQueryOps
from .records import Case, CaseDetail, Company, Interaction, Page, Promise, Ref, SearchHit


class Store(CaseOps, InteractionOps, QueryOps, InterchangeOps, HistoryOps, AdviceQueryOps,
            UiQueryOps, StatsOps, Connection):
    """One open notebook. `Store(path, create=False)` never creates a file."""


def open_store(path=None, *, create: bool = True, clock=None) -> Store:
    return Store(resolve_db_path(path), create=create, clock=clock)


__all__ = ["Store", "open_store", "StoreError", "NotFound", "ValidationError", "FORMAT",
           "load_document", "new_uid", "MARK_START", "MARK_END", "Case", "CaseDetail",
           "Company", "Interaction", "Page", "Promise", "Ref", "SearchHit", "StatRow"]
