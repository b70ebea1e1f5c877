"""The card scan (`doctor --scan`): card numbers left anywhere in a notebook.

Two views, as a PCI scan would take them. The raw bytes of the notebook file and its -wal,
read in chunks with an overlap, so free pages, old WAL frames and the search index are
covered whatever SQLite thinks is live; and every text value of every table (the search
index's content tables included), which names the row. Both use the masking rule of
cards.py (in raw bytes, a hex word is an identifier and single digits make no chain: record
bytes sit between them); only the last four digits are ever reported.

Raw bytes are found in two steps: a bytes expression finds stretches of 13 or more ASCII
digits joined by short gaps (anything but ASCII letters and list separators, so UTF-8
spaces and invisible characters are gaps too), plus any full-width or other non-ASCII
decimal digit; only those stretches are decoded and checked with the full rule.

The record bytes around a uid can look like digits, and a uid of 16 hex characters is all
digits about once in 1,800: a raw run that overlaps one of the notebook's own uids is not
reported (supportlog makes them; an imported uid holding a card number is refused).
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Callable, Iterator

from .cards import find_cards

CHUNK = 8 << 20
OVERLAP = 4096  # longer than any card with its separators and invisible characters
CONTEXT = 80  # bytes decoded around a stretch: its neighbours decide a glued word or a uid
_STRETCH = re.compile(rb"[0-9](?<![0-9][0-9])(?:[^0-9A-Za-z,;|]{0,16}[0-9]){12,}")
# UTF-8 decimal digits other than ASCII: full-width, Arabic-Indic, extended Arabic-Indic,
# and the Indic scripts' blocks (U+0966 onwards).
_WIDE_DIGIT = re.compile(rb"\xef\xbc[\x90-\x99]|\xd9[\xa0-\xa9]|\xdb[\xb0-\xb9]"
                         rb"|\xe0[\xa5\xa7\xa9\xab\xad\xaf\xb1\xb3\xb5\xb7\xb9\xbb][\xa6-\xaf]")
UID_LEN = 16
_UID_SHAPE = re.compile(r"[0-9a-f]{16}")
_UID_GLOB = "[0-9a-f]" * UID_LEN
_ISO_GLOB = "[0-9]" * 4 + "-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z"


def scan_file(path: Path, is_uid: Callable[[list[str]], bool] = lambda _: False,
              chunk: int = CHUNK) -> Iterator[tuple[int, str]]:
    """(byte offset, last four) of each card number in a file's raw bytes; `is_uid` says
    whether any of some 16-character hex words is one of the notebook's uids."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        for base in range(0, size, chunk):
            lo = max(0, base - OVERLAP)
            fh.seek(lo)
            data = fh.read(base + chunk + OVERLAP - lo)
            for offset, last4 in _scan_block(data, is_uid):
                if base <= lo + offset < base + chunk:
                    yield lo + offset, last4


def _regions(data: bytes) -> list[tuple[int, int]]:
    """Merged byte ranges worth decoding: digit stretches and wide digits, with context."""
    spans = [(m.start(), m.end()) for m in _STRETCH.finditer(data)]
    if _WIDE_DIGIT.search(data):
        spans += [(m.start(), m.end()) for m in _WIDE_DIGIT.finditer(data)]
        spans.sort()
    merged: list[list[int]] = []
    for a, b in spans:
        a, b = max(0, a - CONTEXT), b + CONTEXT
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, min(b, len(data))) for a, b in merged]


def _scan_block(data: bytes, is_uid: Callable[[list[str]], bool]
                ) -> Iterator[tuple[int, str]]:
    for a, b in _regions(data):
        text = data[a:b].decode("utf-8", "surrogateescape")
        pos = byte = 0
        for card in find_cards(text, raw=True):
            if is_uid(_uid_words(text, card.start, card.end)):
                continue
            byte += len(text[pos:card.start].encode("utf-8", "surrogateescape"))
            pos = card.start
            yield a + byte, card.last4


def _uid_words(text: str, start: int, end: int) -> list[str]:
    """The uid-shaped words that overlap [start, end)."""
    return [text[i:i + UID_LEN] for i in range(max(0, start - UID_LEN + 1),
                                               min(end, len(text) - UID_LEN + 1))
            if _UID_SHAPE.fullmatch(text, i, i + UID_LEN)]


class UidLookup:
    """Looks words up in every uid column of the notebook (each has a unique index)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.tables = [t for t in _tables(conn) if "uid" in _columns(conn, t)]

    def __call__(self, words: list[str]) -> bool:
        if not words:
            return False
        marks = ", ".join("?" * len(words))
        return any(self.conn.execute(f"SELECT 1 FROM {_quote(t)} WHERE uid IN ({marks}) "
                                     "LIMIT 1", words).fetchone() for t in self.tables)


def scan_columns(conn: sqlite3.Connection) -> Iterator[tuple[str, str, int | None, str]]:
    """(table, column, rowid, last four) of each card number in a text value. Values that
    cannot hold one are left out in SQL: shorter than 13, an ISO timestamp, or a uid of
    supportlog's own shape."""
    for table in _tables(conn):
        columns = _columns(conn, table)
        picks = ", ".join(_pick(c) for c in columns)
        try:
            rows = conn.execute(f"SELECT rowid, {picks} FROM {_quote(table)}")
        except sqlite3.OperationalError:  # WITHOUT ROWID
            rows = conn.execute(f"SELECT NULL, {picks} FROM {_quote(table)}")
        for rowid, *values in rows:
            for column, value in zip(columns, values):
                if value is not None:
                    for card in find_cards(value):
                        yield table, column, rowid, card.last4


def _pick(column: str) -> str:
    q = _quote(column)
    cond = f"typeof({q}) = 'text' AND length({q}) >= 13 AND {q} NOT GLOB '{_ISO_GLOB}'"
    if column == "uid":
        cond += f" AND {q} NOT GLOB '{_UID_GLOB}'"
    return f"CASE WHEN {cond} THEN {q} END"


def _tables(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables, the search index's shadow tables among them (not the virtual
    table itself, which would read its content table a second time)."""
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND "
        "coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({_quote(table)})")]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scan_notebook(path: Path, conn: sqlite3.Connection) -> list[dict]:
    """Every finding in the notebook at `path` (opened as `conn`) and its -wal."""
    findings: list[dict] = []
    is_uid = UidLookup(conn)
    for table, column, rowid, last4 in scan_columns(conn):
        findings.append({"where": "column", "table": table, "column": column,
                         "rowid": rowid, "last4": last4})
    for file in (path, Path(f"{path}-wal")):
        if file.is_file():
            findings.extend({"where": "file", "file": str(file), "offset": offset,
                             "last4": last4} for offset, last4 in scan_file(file, is_uid))
    return findings


def describe(finding: dict) -> str:
    """One line for people: where, and the last four digits only."""
    if finding["where"] == "column":
        place = f"{finding['table']}.{finding['column']} rowid {finding['rowid']}"
    else:
        place = f"{finding['file']} at byte {finding['offset']:,}"
    return f"card number ending {finding['last4']} in {place}"
