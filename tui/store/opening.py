"""Before SQLite touches a notebook: what the path is, whether it may be written, how to open
it, and making a new one whole before it gets its real name. Light to import (no pathlib,
no WAL parser, no error wording until there is an error to word): the readers of read-only
commands (reader.py) use it as the full opening (db.Connection) does."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from typing import TYPE_CHECKING

from .errors import StoreError

if TYPE_CHECKING:
    from pathlib import Path

MIN_PAGE = 512  # the smallest SQLite page: no real database file is smaller
BUSY_TIMEOUT_MS = 15_000  # SUPPORTLOG_BUSY_TIMEOUT_MS overrides it (tests, slow disks)
MISSING = ("no notebook at {path}; create one with `supportlog new` or pass --db with the "
           "right path")
EMPTY = ("{path} is empty: not a notebook; it may be a backup that was interrupted. Delete it "
         "or pass --db with another path")
NO_TABLES = ("{path} is an empty SQLite database (no tables): not a notebook; it may be a "
             "backup that was interrupted. Delete it or pass --db with another path")
KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def busy_timeout_ms() -> int:
    try:
        return max(0, int(os.environ.get("SUPPORTLOG_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)))
    except ValueError:
        return BUSY_TIMEOUT_MS


def translate(exc: BaseException, path: Path | str) -> StoreError:
    """Turn a sqlite3/OS error into one line that names the file and what to do (by error
    code: see explain.py)."""
    from . import explain
    return explain.translate(exc, path, busy_timeout_ms() // 1000)


def check_file(path: Path) -> os.stat_result | None:
    """The notebook's stat (links followed), or None when nothing is there. Refuses, without
    opening it, a link to nothing, a folder, anything but a regular file, an empty file and
    one too small to be a database."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise StoreError(f"cannot open {path}: a part of its folder path is a file, not a "
                             "folder; pass --db with another path") from None
        raise
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            from pathlib import Path
            target = Path(os.readlink(path))
            target = target if target.is_absolute() else Path(path).parent / target
            raise StoreError(f"{path} is a link to {target}, which does not exist; point the "
                             "link at your notebook or pass --db with another path") from None
    if stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{path} is a folder, not a notebook file; pass --db FILE")
    if not stat.S_ISREG(st.st_mode):
        kind = KINDS.get(stat.S_IFMT(st.st_mode), "a special file")
        raise StoreError(f"{path} is not a regular file ({kind}); pass --db with a notebook "
                         "file")
    if st.st_size == 0:
        raise StoreError(EMPTY.format(path=path))
    if st.st_size < MIN_PAGE:
        # SQLite rejects larger garbage itself (SQLITE_NOTADB) without writing to it.
        raise StoreError(f"{path} is not a supportlog notebook (not a SQLite database); "
                         "pass --db with another path")
    return st


def check_wal(path: Path | str, real: Path | str) -> None:
    """Refuse a notebook whose -wal another database wrote: SQLite would replay it into this
    one without a word."""
    if not os.path.lexists(f"{real}-wal"):
        return  # no -wal, so nothing SQLite could replay and nothing to parse
    from pathlib import Path
    from .wal import foreign_wal
    why = foreign_wal(Path(real))
    if why:
        raise StoreError(f"{real}-wal does not belong to {path}: {why}; move it away (mv "
                         f"{real}-wal elsewhere) and try again")


def refusal(path: Path | str, real: Path | str, st: os.stat_result) -> str | None:
    """Why the notebook may not be written (None when it may): a read-only file, disk or
    folder still serves every read command. Refuses one that cannot even be read."""
    why = None
    if _read_only_fs(real):
        why = (f"{path} is on a read-only disk; copy it to a writable one to change it and "
               "pass --db with the copy")
    elif not os.access(real, os.W_OK) or not st.st_mode & stat.S_IWUSR:
        # The owner's write bit too: root may write anything, but a notebook its owner made
        # read-only (chmod a-w) should stay untouched.
        why = (f"{path} is read-only; make it writable (chmod u+w) or copy it elsewhere "
               "and pass --db")
    elif not os.access(os.path.dirname(real), os.W_OK | os.X_OK):
        from .explain import folder_read_only
        why = folder_read_only(real)
    if not os.access(real, os.R_OK):
        raise StoreError(f"cannot read {path}: permission denied; make it readable by you "
                         "(chmod u+r) or pass --db with another path")
    return why


def read_only_uri(path: Path | str, real: Path | str) -> str:
    """How SQLite can read a notebook that may not be written."""
    from pathlib import Path
    from .wal import live_wal
    real = Path(real)
    folder, base = real.parent, real.as_uri()
    if os.access(folder, os.W_OK | os.X_OK) and not _read_only_fs(real):
        return base + "?mode=ro"  # SQLite can make a -shm to read the WAL
    if live_wal(real) is None:
        # Cleanly closed (no -wal SQLite would replay), and nobody can start writing it (no
        # -wal can be made here): read it as it lies, without locks or a -shm.
        return base + "?immutable=1"
    if Path(f"{real}-shm").exists():
        return base + "?mode=ro"
    raise StoreError(f"{real}-wal holds changes not yet in {path}, and SQLite cannot create "
                     f"{real.name}-shm in the read-only folder {folder} to read them: make the "
                     "folder writable once, or copy the notebook with its -wal elsewhere")


def connect(path: Path | str, st: os.stat_result
            ) -> tuple[sqlite3.Connection, str | None, str, str]:
    """SQLite's connection to the existing notebook at `path` (`st`: check_file's) with the
    busy timeout, opened for writing unless `refusal` says why not (then read-only); with
    that reason, the file the path leads to and what SQLite opened. Raises StoreError for a
    notebook it must not open, sqlite3 and OS errors as they come (the caller translates)."""
    real = os.path.realpath(path)  # SQLite keeps the -wal beside the link's target
    check_wal(path, real)
    why = refusal(path, real, st)
    if why is None:
        secure(real, notebook=False)
    uri = real if why is None else read_only_uri(path, real)
    busy = busy_timeout_ms()
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=busy / 1000,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy}")
    except BaseException:
        conn.close()
        raise
    return conn, why, real, uri


def _read_only_fs(p: Path | str) -> bool:
    try:
        return bool(os.statvfs(p).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def secure(real: Path | str, *, notebook: bool) -> None:
    """The notebook and its -wal/-shm are their owner's only (0600). Called before SQLite
    opens them for the -wal/-shm alone (a leftover 0400 one would fail the first write after
    `chmod u+w` on the notebook), and for all three once the notebook has proved to be one
    (SQLite gives a new -wal/-shm the notebook's own mode, which may have been wrong)."""
    for p in ((real,) if notebook else ()) + (f"{real}-wal", f"{real}-shm"):
        try:
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() \
                    and stat.S_IMODE(st.st_mode) != 0o600:
                os.chmod(p, 0o600)
        except OSError:
            pass  # missing, or not ours to change (read-only media); doctor reports it


def create(path: Path, statements: list[str]) -> None:
    """Make a new notebook whole in a temp file beside `path`, then give it its name: nobody
    (another process, a later open after a crash) ever sees a half-made or empty notebook
    under the real name. If another process made `path` meanwhile, theirs is kept."""
    from .atomic import atomic_path  # the one way files get their names
    from .wal import CREATED_AT, created_stamp, live_wal
    parent = path.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot create {path}: the folder {parent} is not writable")
    if live_wal(path):  # SQLite would replay it into the new notebook
        raise StoreError(f"{path}-wal is left from a notebook that is gone; move it away (mv "
                         f"{path}-wal elsewhere) before making a new notebook at {path}")
    try:
        with atomic_path(path) as temp:
            conn = sqlite3.connect(str(temp), isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("BEGIN IMMEDIATE")
                for statement in statements:
                    conn.execute(statement)
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                             (CREATED_AT, created_stamp()))
                conn.execute("COMMIT")
            finally:
                conn.close()  # the last connection folds the WAL in and removes it
    except StoreError:
        if not os.path.lexists(path):
            raise
        # Made by another process between our check and our rename: open theirs.
