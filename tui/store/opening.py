"""Before SQLite touches a notebook: what the path is, whether it may be written, how to open
it, and making a new one whole before it gets its real name."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError
from .explain import folder_read_only
from .wal import CREATED_AT, created_stamp, foreign_wal, live_wal

MIN_PAGE = 512  # the smallest SQLite page: no real database file is smaller
EMPTY = ("{path} is empty: not a notebook; it may be a backup that was interrupted. Delete it "
         "or pass --db with another path")
NO_TABLES = ("{path} is an empty SQLite database (no tables): not a notebook; it may be a "
             "backup that was interrupted. Delete it or pass --db with another path")
KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


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
            target = Path(os.readlink(path))
            target = target if target.is_absolute() else path.parent / target
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


def check_wal(path: Path, real: Path) -> None:
    """Refuse a notebook whose -wal another database wrote: SQLite would replay it into this
    one without a word."""
    why = foreign_wal(real)
    if why:
        raise StoreError(f"{real}-wal does not belong to {path}: {why}; move it away (mv "
                         f"{real}-wal elsewhere) and try again")


@dataclass(frozen=True)
class Access:
    """How to open an existing notebook: `refusal` says why it may not be written (None when
    it may), `uri` is what SQLite opens."""
    refusal: str | None
    uri: str


def access(path: Path, real: Path, st: os.stat_result) -> Access:
    """Whether the notebook may be written and how SQLite can read it when it may not: a
    read-only file, disk or folder still serves every read command."""
    folder = real.parent
    refusal = None
    if _read_only_fs(real):
        refusal = (f"{path} is on a read-only disk; copy it to a writable one to change it and "
                   "pass --db with the copy")
    elif not os.access(real, os.W_OK) or not st.st_mode & stat.S_IWUSR:
        # The owner's write bit too: root may write anything, but a notebook its owner made
        # read-only (chmod a-w) should stay untouched.
        refusal = (f"{path} is read-only; make it writable (chmod u+w) or copy it elsewhere "
                   "and pass --db")
    elif not os.access(folder, os.W_OK | os.X_OK):
        refusal = folder_read_only(real)
    if not os.access(real, os.R_OK):
        raise StoreError(f"cannot read {path}: permission denied; make it readable by you "
                         "(chmod u+r) or pass --db with another path")
    if refusal is None:
        return Access(None, str(real))
    base = real.as_uri()
    if os.access(folder, os.W_OK | os.X_OK) and not _read_only_fs(real):
        return Access(refusal, base + "?mode=ro")  # SQLite can make a -shm to read the WAL
    if live_wal(real) is None:
        # Cleanly closed (no -wal SQLite would replay), and nobody can start writing it (no
        # -wal can be made here): read it as it lies, without locks or a -shm.
        return Access(refusal, base + "?immutable=1")
    if Path(f"{real}-shm").exists():
        return Access(refusal, base + "?mode=ro")
    raise StoreError(f"{real}-wal holds changes not yet in {path}, and SQLite cannot create "
                     f"{real.name}-shm in the read-only folder {folder} to read them: make the "
                     "folder writable once, or copy the notebook with its -wal elsewhere")


def _read_only_fs(p: Path) -> bool:
    try:
        return bool(os.statvfs(p).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def secure(real: Path, *, notebook: bool) -> None:
    """The notebook and its -wal/-shm are their owner's only (0600). Called before SQLite
    opens them for the -wal/-shm alone (a leftover 0400 one would fail the first write after
    `chmod u+w` on the notebook), and for all three once the notebook has proved to be one
    (SQLite gives a new -wal/-shm the notebook's own mode, which may have been wrong)."""
    for p in ((real,) if notebook else ()) + (Path(f"{real}-wal"), Path(f"{real}-shm")):
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
