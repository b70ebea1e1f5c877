"""Snippets for long rows, built with bounded work whatever the text.

FTS5's snippet() scores a window at every match of the row against every other match, so its
work grows with the square of the matches in one row, and a note can be one word repeated
for megabytes. So snippet() runs on a whole row only when the row is short (PIECE bytes of
text at most: at most PIECE / 2 one-letter words, so a bounded number of matches). A longer
row is cut into pieces of at most PIECE characters, of which the first SCAN characters of
each column are looked at: the piece holding the most of the query's words (the first such)
gets snippet(), in a scratch FTS5 table with the index's tokenizer, so the words are
matched, stemmed and marked exactly as in the index.

SCAN plays the part of Elasticsearch's `index.highlight.max_analyzed_offset` (1,000,000
characters per field), a tenth of it: a page of 50 hits shares one search budget, and the
scratch table tokenizes every character it is given; 100,000 characters is some 16,000
words, a call of well over an hour. A row is still found and ranked on all its text; past
SCAN it only gets no marked snippet.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

from .prefix import TOKENIZER

PIECE = 2_000      # characters snippet() works on at once (bytes, for a whole row)
SCAN = 100_000     # characters of each column a long row's snippet is looked for in
WORDS = 12         # tokens in a snippet, as search asks snippet() for
ELLIPSIS = "…"


def split_pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of at most PIECE characters covering `text`, cut after a space
    where there is one (a word is cut only when it is longer than a piece)."""
    spans, start, n = [], 0, len(text)
    while start < n:
        end = min(start + PIECE, n)
        if end < n:
            space = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
            if space > start:
                end = space + 1
        spans.append((start, end))
        start = end
    return spans


class LongSnippets:
    """Per connection: snippets for rows too long for snippet() on the whole row."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._ready = False

    def snippet(self, match: str, columns: list[str], start: str, end: str) -> str:
        """The snippet of a row whose indexed columns hold `columns` (each cut to SCAN
        characters or more: only the first SCAN are read), marked with `start`/`end`."""
        pieces = []   # (text, starts its column, ends its column)
        for text in columns:
            whole = len(text) <= SCAN
            text = text[:SCAN]
            for a, b in split_pieces(text):
                pieces.append((text[a:b], a == 0, whole and b == len(text)))
        if not pieces:
            return ""
        self._prepare()
        conn = self.conn
        try:
            conn.executemany("INSERT INTO temp.snippet_text (id, text) VALUES (?, ?)",
                             ((n, text) for n, (text, *_) in enumerate(pieces)))
            conn.execute("INSERT INTO temp.snippet_pieces (rowid, text) "
                         "SELECT id, text FROM temp.snippet_text")
            # The query's AND-ed terms (a prefix's OR of words is one term), as fts_query
            # joins them: the piece holding the most of them is the one shown.
            terms = match.split(" AND ")
            found: Counter[int] = Counter()
            for term in terms:
                found.update(n for (n,) in conn.execute(
                    "SELECT rowid FROM temp.snippet_pieces WHERE snippet_pieces MATCH ?",
                    (term,)))
            if not found:
                return _opening(next((t for t, *_ in pieces if t.strip()), ""))
            best = min(found, key=lambda n: (-found[n], n))
            (text,) = conn.execute(
                "SELECT snippet(snippet_pieces, 0, ?, ?, ?, ?) FROM temp.snippet_pieces "
                "WHERE snippet_pieces MATCH ? AND rowid = ?",
                (start, end, ELLIPSIS, WORDS, " OR ".join(terms), best)).fetchone()
        finally:
            # Emptied in one step: deleting an FTS5 row one by one tokenizes it again.
            conn.execute("INSERT INTO temp.snippet_pieces (snippet_pieces) VALUES ('delete-all')")
            conn.execute("DELETE FROM temp.snippet_text")
        _, first, last = pieces[best]
        # A piece inside a column: its edges are not the column's, so they get an ellipsis
        # as snippet() gives a window that does not reach the column's start or end.
        if not first and not text.startswith(ELLIPSIS):
            text = ELLIPSIS + text
        if not last and not text.endswith(ELLIPSIS):
            text = text.rstrip() + ELLIPSIS
        return text

    def _prepare(self) -> None:
        if self._ready:
            return
        self.conn.execute("CREATE TABLE IF NOT EXISTS temp.snippet_text "
                          "(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.snippet_pieces USING "
                          f"fts5(text, content = 'snippet_text', content_rowid = 'id', "
                          f"tokenize = '{TOKENIZER}')")
        self._ready = True


def _opening(text: str) -> str:
    """No piece holds a query word (they lie past SCAN): the row's first words, unmarked."""
    words = text.split()
    return " ".join(words[:WORDS])[:PIECE // 10] + (ELLIPSIS if len(words) > WORDS else "")
