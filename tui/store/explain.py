"""SQLite and OS errors as one line that names the file and what to do.

Diagnosed by error code (SQLite's extended result code, the OS's errno), never by words in
the message: a message quotes the path, and /tmp/locked/x.db with a permission problem is not
locked.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from .errors import StoreError

# SQLite's primary result codes (the low byte of an extended code) and the extended ones
# that call for different advice: https://www.sqlite.org/rescode.html
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY = 3, 5, 6, 7, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26
SQLITE_READONLY_DBMOVED, SQLITE_READONLY_CANTINIT, SQLITE_READONLY_DIRECTORY = 1032, 1288, 1544
SQLITE_CANTOPEN_ISDIR = 526
BUSY_CODES = (SQLITE_BUSY, SQLITE_LOCKED)
FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def sqlite_code(exc: BaseException) -> int | None:
    """The extended result code of a sqlite3 error, None for one raised by Python itself."""
    return getattr(exc, "sqlite_errorcode", None)


def is_busy(exc: BaseException) -> bool:
    code = sqlite_code(exc)
    return code is not None and code & 0xFF in BUSY_CODES


def busy_message(path: Path | str, seconds: int) -> str:
    return (f"{path} is locked by another program that has been writing to it for over "
            f"{seconds} s; close that program and try again (nothing was saved)")


def folder_read_only(path: Path | str) -> str:
    """The advice for a notebook whose folder does not let SQLite make its -wal and -shm."""
    path = Path(path)
    return (f"the folder {path.parent} is read-only; SQLite needs to create {path.name}-wal "
            "beside the notebook: make the folder writable or move the notebook")


def translate(exc: BaseException, path: Path | str, busy_seconds: int = 15) -> StoreError:
    """Turn a sqlite3/OS error about the notebook at `path` into one line for a person."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, sqlite3.Error):
        return _sqlite(exc, path, busy_seconds)
    if isinstance(exc, OSError):
        return _os(exc, path)
    return StoreError(f"{path}: {exc}")


def _sqlite(exc: sqlite3.Error, path: Path | str, busy_seconds: int) -> StoreError:
    code = sqlite_code(exc)
    if code is None:
        return StoreError(f"{path}: {exc}")
    primary = code & 0xFF
    if primary == SQLITE_NOTADB:
        return StoreError(f"{path} is not a supportlog notebook (not a SQLite database); "
                          "pass --db with another path")
    if primary == SQLITE_CORRUPT:
        return StoreError(f"{path} is damaged ({exc}); restore a backup (backups/ beside it) "
                          f"or salvage what is left with `sqlite3 {path} .recover`")
    if primary in BUSY_CODES:
        return StoreError(busy_message(path, busy_seconds))
    if code == SQLITE_READONLY_DIRECTORY:
        return StoreError(folder_read_only(path))
    if code == SQLITE_READONLY_CANTINIT:
        return StoreError(f"{path}-shm is read-only, and SQLite needs to write it to use the "
                          f"notebook: make it writable (chmod u+w {path}-shm)")
    if code == SQLITE_READONLY_DBMOVED:
        return StoreError(f"{path} was moved or deleted while it was open; open it again "
                          "where it is now (nothing was saved)")
    if primary == SQLITE_READONLY:
        return StoreError(f"{path} is read-only; make it writable (chmod u+w) or copy it "
                          "elsewhere and pass --db")
    if primary == SQLITE_FULL:
        return StoreError(f"the disk holding {path} is full; free some space and try again "
                          "(nothing was saved)")
    if code == SQLITE_CANTOPEN_ISDIR:
        return StoreError(f"{path} is a folder, not a notebook file; pass --db FILE")
    if primary in (SQLITE_CANTOPEN, SQLITE_PERM):
        return StoreError(f"cannot open {path}: the folder is missing or not writable; "
                          "create it or pass --db with another path")
    if primary == SQLITE_IOERR:
        return StoreError(f"reading or writing {path} failed ({exc.sqlite_errorname}): the disk "
                          "or the file system reported an error; check it, then run "
                          "`supportlog doctor`")
    if primary == SQLITE_NOMEM:
        return StoreError(f"out of memory while using {path}; close other programs and try "
                          "again (nothing was saved)")
    return StoreError(f"{path}: {exc}")


def _os(exc: OSError, path: Path | str) -> StoreError:
    """An OS error names the file it is about (a transcript, an output), not always the
    notebook; the advice follows errno alone."""
    name = os.fsdecode(exc.filename) if exc.filename is not None else str(path)
    about_notebook = os.path.abspath(name) == os.path.abspath(path)
    code = exc.errno
    elsewhere = "pass --db with another path" if about_notebook else "choose another file"
    if code in FULL_ERRNOS:
        return StoreError(f"the disk holding {name} is full; free some space and try again "
                          "(nothing was saved)")
    if code == errno.EROFS:
        return StoreError(f"{name} is on a read-only disk; copy it to a writable one and "
                          f"{elsewhere}")
    if code in (errno.EACCES, errno.EPERM):
        return StoreError(f"cannot open {name}: permission denied; make it (and its folder) "
                          f"readable and writable by you, or {elsewhere}")
    if code in (errno.ENOENT, errno.ENOTDIR):
        return StoreError(f"cannot open {name}: it or its folder is missing; create the "
                          f"folder or {elsewhere}")
    if code == errno.EISDIR:
        return StoreError(f"{name} is a folder, not a file; {elsewhere}")
    if code == errno.ELOOP:
        return StoreError(f"{name} is a symbolic link that leads to itself; {elsewhere}")
    if code == errno.ENAMETOOLONG:
        return StoreError(f"the path {name} is too long; {elsewhere}")
    reason = exc.strerror or type(exc).__name__
    return StoreError(f"{name}: {reason}; check the file and its disk, or {elsewhere}")
