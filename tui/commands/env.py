"""What every command shares (click's ctx.obj): the notebook path, the clock, the open
store or reader. Only the standard library up front, as the entry module imports it on
every start."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathlib comes with the store: --version and --help do without it
    import sqlite3
    from pathlib import Path


def _aware_iso(text: str) -> datetime | None:
    """An ISO time with its offset (what scripts and cron pass), without loading the
    validation; None for anything else (local times, human dates): parse_when reads those."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.astimezone(timezone.utc).replace(microsecond=0) if moment.tzinfo else None


class Env:
    """What every command shares: the notebook path, the clock, the open store or reader."""

    def __init__(self, db: str | None, now: str | None):
        self._db = db
        self.fixed_now: datetime | None = None
        if now:
            self.fixed_now = _aware_iso(now)
        if now and self.fixed_now is None:
            from ..store import ValidationError
            from ..store.times import from_iso
            from ..store.validate import parse_when
            try:
                self.fixed_now = from_iso(parse_when("--now", now))
            except ValidationError as exc:
                from .output import EXIT_INPUT, Failure
                raise Failure(str(exc), EXIT_INPUT) from None
        self._store = None
        self._reader: sqlite3.Connection | None = None

    @cached_property
    def db_name(self) -> str:
        """The notebook's file name as the OS takes it (no pathlib for a reader)."""
        from ..store.paths import resolve_db_name
        return resolve_db_name(self._db)

    @cached_property
    def db_path(self) -> Path:
        from pathlib import Path
        return Path(self.db_name)

    @property
    def config_path(self) -> Path:
        from ..store.paths import config_path
        return config_path()

    @property
    def config_name(self) -> str:
        """config_path's file name (no pathlib for a reader)."""
        from ..store.paths import config_name
        return config_name()

    def now(self) -> datetime:
        from ..store.times import now_utc
        return self.fixed_now or now_utc()

    def store(self, create: bool = False):
        """The notebook; read-only commands pass create=False and never make a file."""
        if self._store is None:
            from ..store import Store
            self._store = Store(self.db_path, create=create,
                                clock=(lambda: self.fixed_now) if self.fixed_now else None)
        return self._store

    def reader(self) -> sqlite3.Connection:
        """A connection to read the notebook with, for commands that only read: a bare one
        (tui.store.reader: no Store to import) unless the notebook needs the full opening
        (an upgrade, or a refusal in its words), whose connection it then is. Never makes
        a file."""
        if self._store is not None:
            return self._store.conn
        if self._reader is None:
            from ..store.reader import open_reader
            self._reader = open_reader(self.db_name)
            if self._reader is None:
                return self.store().conn
        return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        if self._store is not None:
            self._store.close()
