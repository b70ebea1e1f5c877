"""The -wal file beside a notebook: would SQLite replay it, and is it this notebook's?

SQLite replays any valid WAL it finds beside a database, whichever database wrote it
(https://www.sqlite.org/fileformat2.html#walformat). A WAL whose header or first frame does
not verify is ignored by SQLite, so only a valid one needs judging.
"""

from __future__ import annotations

import calendar
import os
import sqlite3
import stat
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path

MAGIC = 0x377F0682  # the low bit set means big-endian checksums
VERSION = 3007000
HEADER = 32
FRAME_HEADER = 24
CREATED_AT = "created_at"  # meta key: when this file began (see Connection._stamp_created)
SLACK = 2.0  # seconds: file times are coarse (FAT keeps 2 s) and lag the wall clock a little


@dataclass(frozen=True)
class Wal:
    path: Path
    size: int
    mtime: float
    page_size: int
    checkpoint: int
    salts: tuple[int, int]
    big_endian: bool = field(repr=False)
    header_sum: tuple[int, int] = field(repr=False)
    first_frame: bytes = field(repr=False)

    def first_frame_verifies(self) -> bool:
        """The first frame's checksum, seeded by the header's, as SQLite checks it before
        replaying anything."""
        s = checksum(self.first_frame[:8], self.big_endian, *self.header_sum)
        s = checksum(self.first_frame[FRAME_HEADER:], self.big_endian, *s)
        return s == struct.unpack(">2I", self.first_frame[16:FRAME_HEADER])


def checksum(data: bytes, big_endian: bool, s0: int = 0, s1: int = 0) -> tuple[int, int]:
    """SQLite's WAL checksum: two running sums over 32-bit words, taken in pairs."""
    words = iter(struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data))
    for a, b in zip(words, words):
        s0 = (s0 + a + s1) & 0xFFFFFFFF
        s1 = (s1 + b + s0) & 0xFFFFFFFF
    return s0, s1


def wal_header(db_path: Path) -> Wal | None:
    """The WAL beside `db_path` if its header verifies and its first frame carries the
    header's salts (what SQLite checks first), else None; the frame's own checksum is left
    to `first_frame_verifies`. One descriptor of our own on the -wal: SQLite locks the
    database file and the -shm, never the -wal, so closing it drops no lock."""
    wal = Path(f"{db_path}-wal")
    try:
        fd = os.open(wal, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO must not block
    except OSError:
        return None  # missing, or unreadable: SQLite could not replay it either
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size <= HEADER:
            return None
        head = os.pread(fd, HEADER, 0)
        if len(head) < HEADER:
            return None
        magic, version, page_size, ckpt, salt1, salt2, c1, c2 = struct.unpack(">8I", head)
        if (magic & ~1) != MAGIC or page_size < 512 or page_size > 65536 \
                or page_size & (page_size - 1):
            return None
        big = bool(magic & 1)
        if checksum(head[:24], big) != (c1, c2) or version != VERSION:
            return None
        frame = os.pread(fd, FRAME_HEADER + page_size, HEADER)
    finally:
        os.close(fd)
    if len(frame) < FRAME_HEADER + page_size:
        return None
    pgno, _, f_salt1, f_salt2 = struct.unpack(">4I", frame[:16])
    if pgno == 0 or (f_salt1, f_salt2) != (salt1, salt2):
        return None
    return Wal(wal, st.st_size, st.st_mtime, page_size, ckpt, (salt1, salt2), big, (c1, c2),
               frame)


def live_wal(db_path: Path) -> Wal | None:
    """The WAL beside `db_path` if SQLite would replay it (a valid header and a valid first
    frame), else None."""
    wal = wal_header(db_path)
    return wal if wal is not None and wal.first_frame_verifies() else None


def foreign_wal(db_path: Path) -> str | None:
    """Why the WAL beside `db_path` cannot be this notebook's, or None (no WAL, one SQLite
    ignores, or one that may well be its own). The page checksum is only worked out for a
    WAL that looks foreign, so a notebook's own WAL costs a header read."""
    wal = wal_header(db_path)
    if wal is None:
        return None
    page_size, created = _main_file_facts(db_path)
    why = None
    if page_size and page_size != wal.page_size:
        why = (f"its pages are {wal.page_size} bytes and the notebook's {page_size}, so "
               "another database wrote it")
    elif created is not None and wal.mtime < created - SLACK:
        why = (f"it was last written {_when(wal.mtime)}, before the notebook was created "
               f"({_when(created)}), so another database wrote it")
    return why if why and wal.first_frame_verifies() else None


_FACTS: dict[tuple[int, int], tuple[int, float]] = {}  # neither changes once known


def _main_file_facts(db_path: Path) -> tuple[int | None, float | None]:
    """The page size and creation time as the database file itself holds them, read through
    an immutable connection, which ignores the WAL (SQLite's own descriptor, so the locks of
    this process's other connections are kept). Kept per file for the process's life."""
    try:
        st = os.stat(db_path)
    except OSError:
        return None, None
    key = (st.st_dev, st.st_ino)
    if key in _FACTS:
        return _FACTS[key]
    page_size, created = _read_facts(db_path)
    if page_size and created is not None:
        _FACTS[key] = (page_size, created)
    return page_size, created


def _read_facts(db_path: Path) -> tuple[int | None, float | None]:
    uri = db_path.resolve().as_uri() + "?immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return None, None
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (CREATED_AT,)).fetchone()
        except sqlite3.Error:
            row = None  # not a notebook, or torn by a writer: the opening checks say so
        return page_size, _epoch(row[0]) if row else None
    except sqlite3.Error:
        return None, None
    finally:
        conn.close()


def created_stamp() -> str:
    """The meta value that dates a file: the wall clock (file times are compared with it, so
    never the test or --now clock), ISO 8601 UTC to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _epoch(value) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ")))
    except (TypeError, ValueError):
        return None


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))
