"""Opening a notebook: checks, pragmas, creation, upgrades, write units, error translation."""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
import time
from contextlib import contextmanager
from functools import cached_property
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from . import schema
from .errors import StoreError
from .paths import data_dir
from .validate import now_utc, to_iso

BUSY_TIMEOUT_MS = 15_000  # SUPPORTLOG_BUSY_TIMEOUT_MS overrides it (tests, slow disks)
MIN_PAGE = 512  # the smallest SQLite page: no real database file is smaller


def busy_timeout_ms() -> int:
    try:
        return max(0, int(os.environ.get("SUPPORTLOG_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)))
    except ValueError:
        return BUSY_TIMEOUT_MS


def new_uid() -> str:
    return secrets.token_hex(8)


def translate(exc: BaseException, path: Path | str) -> StoreError:
    """Turn a sqlite3/OS error into one line that names the file and what to do."""
    if isinstance(exc, StoreError):
        return exc
    msg = str(exc).lower()
    if "not a database" in msg or "file is encrypted" in msg:
        return StoreError(f"{path} is not a supportlog notebook (not a SQLite database); "
                          "pass --db with another path")
    if "malformed" in msg or "corrupt" in msg:
        return StoreError(f"{path} is damaged ({exc}); restore a backup (backups/ beside it) "
                          f"or salvage what is left with `sqlite3 {path} .recover`")
    if "locked" in msg or "busy" in msg:
        return StoreError(f"{path} is locked by another program that has been writing to it "
                          f"for over {busy_timeout_ms() // 1000} s; close that program and try "
                          "again (nothing was saved)")
    if "readonly" in msg or "read-only" in msg or isinstance(exc, PermissionError):
        return StoreError(f"{path} is read-only; make it writable (chmod u+w) or copy it "
                          "elsewhere and pass --db")
    if "full" in msg or getattr(exc, "errno", None) == 28:
        return StoreError(f"the disk holding {path} is full; free some space and try again "
                          "(nothing was saved)")
    if "unable to open" in msg or isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return StoreError(f"cannot open {path}: the folder is missing or not writable; "
                          "create it or pass --db with another path")
    return StoreError(f"{path}: {exc}")


def _secure(path: Path) -> None:
    """The notebook and its -wal/-shm companions are readable by their owner only."""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if p.exists() and stat.S_IMODE(p.stat().st_mode) != 0o600:
                p.chmod(0o600)
        except OSError:
            pass  # not ours to change (e.g. read-only media); doctor reports it


class Connection:
    """Owns the sqlite3 connection; the operation mixins build on `conn`, `db` and `write()`."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True,
                 clock: Callable[[], datetime] | None = None):
        self.path = Path(path)
        self.clock = clock or now_utc
        self.read_only = False
        try:
            self._open(create)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None
        except OSError as exc:
            raise translate(exc, self.path) from None

    # -- opening -------------------------------------------------------------------------
    def _open(self, create: bool) -> None:
        path = self.path
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a notebook file; pass --db FILE")
        exists = path.exists()
        if not exists and not create:
            raise StoreError(f"no notebook at {path}; create one with `supportlog new` "
                             "or pass --db with the right path")
        if exists:
            # Never open a file descriptor of our own on the notebook: closing it would drop
            # every POSIX lock this process's SQLite connections hold on the file, and other
            # processes could then reset the WAL under them (seen as "disk I/O error"). A
            # database is empty or at least one 512-byte page; SQLite rejects larger garbage
            # itself (SQLITE_NOTADB) without writing to it.
            size = path.stat().st_size
            if 0 < size < MIN_PAGE:
                raise StoreError(f"{path} is not a supportlog notebook (not a SQLite database); "
                                 "pass --db with another path")
            # The owner's write bit too: root may write anything, but a notebook its owner
            # made read-only (chmod a-w) should stay untouched.
            self.read_only = (not os.access(path, os.W_OK)
                              or not path.stat().st_mode & stat.S_IWUSR)
        else:
            parent = path.parent
            if not parent.exists():
                # Only our own data folder is made on demand: a mistyped --db folder is an
                # error, not a new empty notebook somewhere unexpected.
                if parent != data_dir():
                    raise StoreError(f"cannot create {path}: the folder {parent} does not "
                                     "exist; create it first or pass --db with another path")
                parent.mkdir(parents=True, mode=0o700)
            if not os.access(parent, os.W_OK):
                raise StoreError(f"cannot create {path}: the folder {parent} is not writable")
            # Create the empty file 0600 before SQLite touches it, so it is never world-readable.
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        busy = busy_timeout_ms()
        target, uri = (_read_only_uri(path), True) if self.read_only else (str(path), False)
        conn = sqlite3.connect(target, uri=uri, isolation_level=None, timeout=busy / 1000,
                               check_same_thread=False)
        self.conn = conn
        conn.execute(f"PRAGMA busy_timeout = {busy}")
        conn.execute("PRAGMA foreign_keys = ON")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != schema.APPLICATION_ID:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id != 0 or tables:
                conn.close()
                raise StoreError(f"{path} is a SQLite database but not a supportlog notebook; "
                                 "pass --db with another path")
        if version > schema.schema_version():
            conn.close()
            raise StoreError(f"{path} was written by a newer supportlog (schema {version}, this "
                             f"one knows up to {schema.schema_version()}); upgrade supportlog")
        if not self.read_only:
            _enable_wal(conn, busy)
            conn.execute("PRAGMA synchronous = FULL")
        if version < schema.schema_version():
            if self.read_only:
                raise StoreError(f"{path} needs an upgrade but is read-only; make it writable")
            self._create_or_upgrade()
        if not self.read_only:
            _secure(path)
            self._refresh_statistics()

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
                    for statement in _split_sql(schema.schema_sql()):
                        self.conn.execute(statement)
                    return
                if version >= target:
                    return
                if not getattr(self, "_upgrade_backup", None):
                    stamp = to_iso(self.clock()).replace(":", "").replace("-", "")
                    self._upgrade_backup = self.backup(_unique(self.path.with_name(
                        f"{self.path.name}.v{version}-{stamp}.bak")))
                for statement in _split_sql(schema.UPGRADES[version]):
                    self.conn.execute(statement)
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
        waits on the busy timeout instead of failing halfway through."""
        if self.read_only:
            raise StoreError(f"{self.path} is read-only; make it writable (chmod u+w) "
                             "or copy it elsewhere and pass --db")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None
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
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise translate(exc, self.path) from None

    def now(self) -> str:
        return to_iso(self.clock())

    # -- files ---------------------------------------------------------------------------
    def backup(self, dest: str | os.PathLike) -> Path:
        """A consistent copy through SQLite's backup API, 0600 like the notebook. Inside our
        own write transaction it reads through a second connection (the backup API spins
        forever on a source connection that is mid-transaction)."""
        dest = Path(dest)
        if dest.exists():
            raise StoreError(f"{dest} already exists; choose another file name")
        fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        source = sqlite3.connect(str(self.path)) if self.conn.in_transaction else self.conn
        try:
            target = sqlite3.connect(str(dest))
            with target:
                source.backup(target)
            target.close()
        except sqlite3.Error as exc:
            dest.unlink(missing_ok=True)
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
                helper = sqlite3.connect(_read_only_uri(self.path), uri=True,
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


def _read_only_uri(path: Path) -> str:
    """The notebook as a read-only SQLite URI ('?', '#' and '%' in a path quoted)."""
    return path.resolve().as_uri() + "?mode=ro"


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
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def _unique(path: Path) -> Path:
    n, candidate = 1, path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate


def _split_sql(script: str) -> list[str]:
    """Split a script into statements; sqlite3.complete_statement understands triggers."""
    statements, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        candidate = "\n".join(buf)
        if sqlite3.complete_statement(candidate):
            statements.append(candidate.strip())
            buf = []
    return statements
