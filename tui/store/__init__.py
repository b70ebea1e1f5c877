"""The SQLite store: every read and write the UI, the CLI and the advice need. No Textual here.

Names load on first use (PEP 562), so `from tui.store.db import Connection` or a command's
fast path does not import every operation module with its records and import machinery."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

from .errors import NotFound, StoreError, ValidationError

if TYPE_CHECKING:
    from .db import Connection
    from .uids import new_uid
    from .interchange import FORMAT, load_document
    from .marks import MARK_END, MARK_START
    from .records import (Attachment, Case, CaseDetail, Company, Interaction, Page, Promise,
                          Ref, SearchHit)
    from .stats import StatRow
    from .store import Store

# name -> the module (in this package) that defines it
_LAZY = {"Store": "store", "Connection": "db", "new_uid": "uids", "FORMAT": "interchange",
         "load_document": "interchange", "resolve_db_path": "paths", "MARK_START": "marks",
         "MARK_END": "marks", "StatRow": "stats",
         **{name: "records" for name in ("Attachment", "Case", "CaseDetail", "Company",
                                         "Interaction", "Page", "Promise", "Ref",
                                         "SearchHit")}}


__getattr__ = lazy_names(__name__, _LAZY, globals())


def open_store(path=None, *, create: bool = True, clock=None):
    from .paths import resolve_db_path
    from .store import Store
    return Store(resolve_db_path(path), create=create, clock=clock)


__all__ = ["Store", "open_store", "StoreError", "NotFound", "ValidationError", "FORMAT",
           "load_document", "new_uid", "MARK_START", "MARK_END", "Attachment", "Case",
           "CaseDetail",
           "Company", "Interaction", "Page", "Promise", "Ref", "SearchHit", "StatRow",
           "Connection", "resolve_db_path"]
