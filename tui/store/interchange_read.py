"""Reading a supportlog/1 document a record at a time, so memory stays flat whatever its size.

`read_document` walks the top-level object itself and hands each element of `companies` and
`cases` to the json module's C decoder as soon as it is whole; only one record and one chunk
of the file are held at once. Errors read as `load_document`'s: the byte of bad UTF-8, the
line and column of bad JSON, the place where nesting goes too deep.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import IO, Any, Iterator

from .interchange_check import HINT, MAX_DEPTH, DocumentError, number, too_deep

CHUNK = 1 << 20              # bytes read at a time
LISTS = ("companies", "cases")
_WS = " \t\n\r"
# A decoding error this close to the end of what was read may only mean the value goes on.
_NEAR_END = 8


class Reader:
    """UTF-8 text of a binary file, a chunk at a time, with line and column for errors."""

    def __init__(self, fh: IO[bytes], name: str):
        self.fh, self.name = fh, name
        self.buf, self.pos = "", 0
        self.line, self.col = 1, 0      # where buf[0] sits in the file (col 0-based)
        self.offset = 0                 # bytes of the file before `pending`
        self.pending = b""              # the start of a character cut by a chunk's end
        self.eof, self.marks = False, 0   # byte order marks passed at the start
        self.decoder = json.JSONDecoder(parse_float=Decimal, parse_int=number,
                                        parse_constant=Decimal)

    # -- text ----------------------------------------------------------------------------
    def more(self, keep: int, size: int = 0) -> bool:
        """Read `size` (or CHUNK) more bytes, dropping the text before `keep`; False at the
        end of the file."""
        if self.eof:
            return False
        data = self.fh.read(size or CHUNK)
        if not data:
            self.eof = True
            if self.pending:
                self._bad_utf8(0)
            return False
        data, self.pending = self.pending + data, b""
        cut = _complete(data)
        data, self.pending = data[:cut], data[cut:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._bad_utf8(exc.start)
        while self.marks < 2 and text[:1] == "\ufeff":  # load_document allows two
            text, self.marks = text[1:], self.marks + 1
        if text:
            self.marks = 2  # only at the very start
        self._drop(keep)
        self.buf += text
        self.offset += cut
        return True

    def _bad_utf8(self, start: int) -> None:
        raise DocumentError(self.name, f"is not UTF-8 text (byte {self.offset + start + 1}); "
                                       f"{HINT}") from None

    def _drop(self, keep: int) -> None:
        gone = self.buf[:keep]
        if gone:
            lines = gone.count("\n")
            self.line += lines
            self.col = len(gone) - gone.rfind("\n") - 1 if lines else self.col + len(gone)
            self.buf, self.pos = self.buf[keep:], self.pos - keep

    def where(self, pos: int) -> tuple[int, int]:
        """Line and column (1-based) of buf[pos]."""
        lines = self.buf.count("\n", 0, pos)
        if lines:
            return self.line + lines, pos - self.buf.rfind("\n", 0, pos)
        return self.line, self.col + pos + 1

    def syntax(self, pos: int) -> DocumentError:
        line, col = self.where(pos)
        return DocumentError(self.name, f"is not valid JSON (line {line}, column {col}); {HINT}")

    def peek(self) -> str:
        """The next character that is not white space ('' at the end), not consumed."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _WS:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self.more(pos):
                return ""

    def expect(self, chars: str) -> str:
        found = self.peek()
        if not found or found not in chars:
            raise self.syntax(self.pos)
        self.pos += 1
        return found

    def value(self, depth: int) -> Any:
        """Decode the JSON value at the current position (after white space), reading on
        until it is whole; `depth` is how many lists and objects hold it."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                cut_short = (exc.pos >= len(self.buf) - _NEAR_END
                             or exc.msg.startswith("Unterminated string"))
                if cut_short and self.more(self.pos, max(CHUNK, len(self.buf) - self.pos)):
                    continue
                raise self.syntax(exc.pos) from None
            except RecursionError:
                raise self._too_deep(self.pos, depth) from None
            # A number may go on in the next chunk: read on until something follows it.
            if end == len(self.buf) and self.more(self.pos):
                continue
            self.pos = end
            return value

    def _too_deep(self, start: int, depth: int) -> DocumentError:
        pos = too_deep(self.buf, start, depth)
        line, col = self.where(pos)
        return DocumentError(self.name, f"nested too deeply at line {line}, column {col} (more "
                                        f"than {MAX_DEPTH} levels of lists and objects); {HINT}",
                             f"{self.name} is not a supportlog/1 document")


def _complete(data: bytes) -> int:
    """How much of `data` ends on a whole UTF-8 character (the rest waits for more bytes)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:  # the lead byte of the last character: is it all there?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if back >= need else len(data) - back
    return len(data)  # no lead byte: the decoder says what is wrong


def read_document(fh: IO[bytes], name: str) -> Iterator[tuple[str, int | None, Any]]:
    """The document's parts in file order: (key, None, value) for each top-level key, except
    that the elements of the `companies` and `cases` lists come one by one as (key, n, raw).
    A document that is not a JSON object is decoded whole and given as (None, None, value)."""
    r = Reader(fh, name)
    if r.peek() != "{":
        value = r.value(0)
        if r.peek():
            raise r.syntax(r.pos)
        yield None, None, value
        return
    r.pos += 1
    seen: set[str] = set()
    if r.peek() == "}":
        r.pos += 1
    else:
        while True:
            if r.peek() != '"':
                raise r.syntax(r.pos)
            key = r.value(1)
            if key in seen:
                raise DocumentError(key, "appears twice in the document; keep one of them")
            seen.add(key)
            r.expect(":")
            if key in LISTS and r.peek() == "[":
                yield from _elements(r, key)
            else:
                yield key, None, r.value(1)
            if r.expect(",}") == "}":
                break
    if r.peek():
        raise r.syntax(r.pos)


def _elements(r: Reader, key: str) -> Iterator[tuple[str, int, Any]]:
    r.pos += 1  # the [
    if r.peek() == "]":
        r.pos += 1
        return
    n = 0
    while True:
        yield key, n, r.value(2)
        n += 1
        if r.expect(",]") == "]":
            return
