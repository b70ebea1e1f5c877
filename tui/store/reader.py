"""A notebook opened to be read, for the commands that only read (`list`, `show`): a bare
connection with the full opening's checks (opening.py), without the Store's operation
modules, records, write units or pathlib. It opens only a notebook that is as this code
leaves it (ours, the current schema, WAL where it may be written); for anything else it
gives way to the full opening (db.Connection), which upgrades what needs upgrading and
refuses the rest in its own words, so a refusal reads the same whichever path met it.

Nothing is written here (beyond the files' modes, kept 0600 as every opening keeps them):
the creation stamp and the planner's statistics that the full opening keeps up to date wait
for the next command that opens the notebook to write."""

from __future__ import annotations

import sqlite3

from . import opening, schema_file
from .errors import StoreError


def open_reader(name: str) -> sqlite3.Connection | None:
    """A read-only connection to the notebook file `name` (paths.resolve_db_name's), or
    None when the full opening must open it (missing, refused, old, not yet in WAL)."""
    try:
        st = opening.check_file(name)
        if st is None:
            return None
        conn, refused, real, _ = opening.connect(name, st)
    except (StoreError, sqlite3.Error, OSError):
        return None
    try:
        if not _current(conn, writable=refused is None):
            conn.close()
            return None
        conn.execute("PRAGMA query_only = ON")   # a reader never writes, even by mistake
        if refused is None:
            opening.secure(real, notebook=True)
    except sqlite3.Error as exc:
        conn.close()
        from .explain import is_busy
        if is_busy(exc):
            # The full opening would wait out the same lock again before saying so.
            from pathlib import Path
            raise opening.translate(exc, Path(name)) from None
        return None
    except BaseException:
        conn.close()
        raise
    return conn


def _current(conn: sqlite3.Connection, *, writable: bool) -> bool:
    """Whether the notebook is ours, at this code's schema and, where it may be written, in
    WAL (a read-only one is read as it lies, as the Store reads it)."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id != schema_file.APPLICATION_ID or version != schema_file.schema_version():
        return False
    return not writable or conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
