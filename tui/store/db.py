"""Opening a notebook: checks, pragmas, creation, upgrades, write units, error translation."""

from __future__ import annotations

import os
import sqlite3
import time
from collections import deque
from contextlib import contextmanager
from functools import cached_property
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from . import explain, opening, schema
from .atomic import atomic_path, private_folder, unique_path
from .errors import StoreError
from .opening import busy_timeout_ms, translate  # noqa: F401 - found here too
from .paths import data_dir
from .times import now_utc, to_iso
from .wal import CREATED_AT, created_stamp


# Every write unit of every supportlog process counts itself in the notebook, in its own
# transaction, so a commit can be told apart from another that landed with it.
_COUNT_WRITE = ("INSERT INTO meta (key, value) VALUES ('writes', 1) ON CONFLICT (key) "
                "DO UPDATE SET value = coalesce(CAST(value AS INTEGER), 0) + 1")
_WRITE_COUNT = "SELECT value FROM meta WHERE key = 'writes'"


def write_count(conn: sqlite3.Connection) -> int | None:
    """The notebook's count of write units (0 before the first; None if it is not a whole
    number, which the next count mends)."""
    rows = conn.execute(_WRITE_COUNT).fetchall()
    if not rows:
        return 0
    try:
        return int(rows[0][0])
    except (TypeError, ValueError):
        return None


class Connection:
    """Owns the sqlite3 connection; the operation mixins build on `conn`, `db` and `write()`."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True,
                 clock: Callable[[], datetime] | None = None):
        self.path = Path(path)
        self.commits = 0     # write units committed on this connection
        # The notebook's count of write units after each of this connection's (the last few):
        # how the app tells its own commits from other processes' (NotebookWatch).
        self.marks: deque[int] = deque(maxlen=64)
        self.clock = clock or now_utc
        self.read_only = False
        self.read_only_reason: str | None = None  # why writes are refused, when they are
        try:
            self._open(create)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None
        except OSError as exc:
            raise translate(exc, self.path) from None

    # -- opening -------------------------------------------------------------------------
    def _open(self, create: bool) -> None:
        # Never open a file descriptor of our own on the notebook: closing it would drop every
        # POSIX lock this process's SQLite connections hold on the file, and other processes
        # could then reset the WAL under them (seen as "disk I/O error"). The checks below use
        # stat, the -wal (which SQLite never locks) and SQLite's own connections only.
        path = self.path
        st = opening.check_file(path)
        if st is None:
            if not create:
                raise StoreError(opening.MISSING.format(path=path))
            parent = path.parent
            if not parent.exists():
                # Only our own data folder is made on demand: a mistyped --db folder is an
                # error, not a new empty notebook somewhere unexpected.
                if parent != data_dir():
                    raise StoreError(f"cannot create {path}: the folder {parent} does not "
                                     "exist; create it first or pass --db with another path")
                private_folder(parent)
            opening.create(path, split_sql(schema.schema_sql()))
            st = opening.check_file(path)
        conn, refusal, real, uri = opening.connect(path, st)
        self.read_only, self.read_only_reason = refusal is not None, refusal
        self._read_uri = uri if self.read_only else Path(real).as_uri() + "?mode=ro"
        self.conn = conn
        try:
            self._check_and_prepare(conn, busy_timeout_ms())
        except BaseException:
            conn.close()
            raise
        if not self.read_only:
            opening.secure(real, notebook=True)
            self._stamp_created()
            self._refresh_statistics()

    def _check_and_prepare(self, conn: sqlite3.Connection, busy: int) -> None:
        path = self.path
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")  # old text is zeroed, not left in free pages
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != schema.APPLICATION_ID:
            if app_id == 0 and not conn.execute("SELECT count(*) FROM sqlite_master"
                                                ).fetchone()[0]:
                # Only a file made by opening.create is ever given a schema.
                raise StoreError(opening.NO_TABLES.format(path=path))
            raise StoreError(f"{path} is a SQLite database but not a supportlog notebook; "
                             "pass --db with another path")
        if version > schema.schema_version():
            raise StoreError(f"{path} was written by a newer supportlog (schema {version}, this "
                             f"one knows up to {schema.schema_version()}); upgrade supportlog")
        if not self.read_only:
            _enable_wal(conn, busy)
            conn.execute("PRAGMA synchronous = FULL")
        if version < schema.schema_version():
            if self.read_only:
                raise StoreError(f"{path} needs an upgrade (schema {version} to "
                                 f"{schema.schema_version()}) but cannot be written: "
                                 f"{self.read_only_reason}")
            self._create_or_upgrade()

    def _stamp_created(self) -> None:
        """Date a notebook made before its creation time was kept, at its first writable open
        by this version: the stamp is written through the WAL, so a WAL of its own is never
        older than it, and one older is another database's (see wal.foreign_wal)."""
        if self.conn.execute("SELECT 1 FROM meta WHERE key = ?", (CREATED_AT,)).fetchone():
            return
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            with self.write():
                self.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                                  (CREATED_AT, created_stamp()))
        except StoreError:
            pass  # busy: the next open tries again
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")

    def _refresh_statistics(self) -> None:
        """Keep the planner's statistics near the truth: without them SQLite sorts a whole
        status instead of walking the partial index (40 ms against 0.3 ms at 100k cases).
        Runs when the case count has doubled or halved since the last ANALYZE (63 ms at
        100k, so rarely and cheaply); skipped if another writer holds the lock."""
        cases = self.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        if cases < 1000:
            return  # small notebooks: every plan is fast
        known = 0
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
                             ).fetchone():
            # Each row starts with its index's row count; partial indexes count fewer, so
            # the table's size is the largest.
            known = self.conn.execute("SELECT coalesce(max(CAST(stat AS INTEGER)), 0) FROM "
                                      "sqlite_stat1 WHERE tbl = 'cases'").fetchone()[0]
        if known and known / 2 <= cases <= known * 2:
            return
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            with self.write():
                self.conn.execute("ANALYZE cases")
        except StoreError:
            pass  # busy: the next open tries again
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")

    def _create_or_upgrade(self) -> None:
        """Create a new notebook, or upgrade an old one a version per transaction. The backup
        is taken under the write lock, so a second process opening the same old file waits
        and then finds the work done."""
        target = schema.schema_version()
        while True:
            with self.write():
                version = self.conn.execute("PRAGMA user_version").fetchone()[0]
                if version == 0:
                    for statement in split_sql(schema.schema_sql()):
                        self.conn.execute(statement)
                    return
                if version >= target:
                    return
                if not getattr(self, "_upgrade_backup", None):
                    stamp = to_iso(self.clock()).replace(":", "").replace("-", "")
                    self._upgrade_backup = self.backup(unique_path(self.path.with_name(
                        f"{self.path.name}.v{version}-{stamp}.bak")))
                for statement in split_sql(schema.UPGRADES[version]):
                    self.conn.execute(statement)
                if version in schema.FINISH:
                    schema.FINISH[version](self.conn, self.now())
                self.conn.execute(f"PRAGMA user_version = {version + 1}")

    @cached_property
    def db(self):
        """sqlite-utils' view of the same connection (introspection, bulk helpers). Imported
        on first use: it costs 45 ms, a quarter of the app's cold start."""
        import sqlite_utils
        return sqlite_utils.Database(self.conn, recursive_triggers=False, execute_plugins=False)

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write unit: BEGIN IMMEDIATE takes the write lock first, so a second writer
        waits on the busy timeout instead of failing halfway through. Inside another unit
        it is a savepoint of that one, so several operations can make one commit."""
        if self.read_only:
            raise StoreError(self.read_only_reason)
        if self.conn.in_transaction:
            with self._savepoint():
                yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None
        changes = self.conn.total_changes
        try:
            yield self.conn
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise translate(exc, self.path) from None
            raise
        else:
            try:
                mark = None
                if self.conn.total_changes != changes:    # a unit that wrote nothing is none
                    self.conn.execute(_COUNT_WRITE)
                    mark = write_count(self.conn)
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise translate(exc, self.path) from None
            self.commits += 1
            if mark is not None:
                self.marks.append(mark)

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        self.conn.execute("SAVEPOINT nested_write")
        try:
            yield
        except BaseException as exc:
            self.conn.execute("ROLLBACK TO nested_write")
            self.conn.execute("RELEASE nested_write")
            if isinstance(exc, sqlite3.Error):
                raise translate(exc, self.path) from None
            raise
        self.conn.execute("RELEASE nested_write")

    def now(self) -> str:
        return to_iso(self.clock())

    # -- files ---------------------------------------------------------------------------
    def backup(self, dest: str | os.PathLike, *, force: bool = False) -> Path:
        """A consistent copy through SQLite's backup API, 0600 like the notebook, written to
        a temp file and renamed when complete (a killed backup leaves no file named like a
        backup). Inside our own write transaction it reads through a second connection (the
        backup API spins forever on a source connection that is mid-transaction)."""
        dest = Path(dest)
        with atomic_path(dest, force=force, notebooks=[self.path]) as temp:
            source = sqlite3.connect(str(self.path)) if self.conn.in_transaction else self.conn
            try:
                target = sqlite3.connect(str(temp))
                try:
                    with target:
                        source.backup(target)
                finally:
                    target.close()
            except sqlite3.Error as exc:
                raise translate(exc, dest) from None
            finally:
                if source is not self.conn:
                    source.close()
        return dest

    def helper(self) -> sqlite3.Connection | None:
        """A second, read-only connection to the notebook, for a read run in another thread
        beside one on `conn` (the machine has two cores). Opened on first use; None when it
        cannot be (the caller then reads on `conn`)."""
        helper = self.__dict__.get("_helper", False)
        if helper is False:
            helper = None
            try:
                helper = sqlite3.connect(self._read_uri, uri=True,
                                         check_same_thread=False, isolation_level=None,
                                         timeout=busy_timeout_ms() / 1000)
            except sqlite3.Error:
                pass
            self._helper = helper
        return helper

    def close(self) -> None:
        for conn in (self.__dict__.get("_helper"), self.conn):
            try:
                if conn:
                    conn.close()
            except sqlite3.Error:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _enable_wal(conn: sqlite3.Connection, busy_ms: int) -> None:
    """Switch an old (rollback-journal) notebook to WAL. SQLite answers SQLITE_BUSY at once
    when another connection holds a lock, without its busy handler (two processes opening
    an old notebook together), so retry until the busy timeout, re-reading the mode."""
    deadline = time.monotonic() + busy_ms / 1000
    delay = 0.005
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if not explain.is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def split_sql(script: str) -> list[str]:
    """Split a script into statements; sqlite3.complete_statement understands triggers."""
    statements, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        candidate = "\n".join(buf)
        if sqlite3.complete_statement(candidate):
            statements.append(candidate.strip())
            buf = []
    return statements
