"""The words of a search: prefixes expanded to the indexed words they cover, and snippets
for long rows built with bounded work. Both probe a scratch FTS5 table with the index's
tokenizer (TOKENIZER), so words are stemmed and matched as search_index does.

Prefix search made cheap: `superv*` rewritten as an OR of the indexed words it covers.

A native FTS5 prefix query is cheap to collect but dear to rank and snippet: FTS5 rebuilds
the merged list of every matching word for each row it tests (11 ms a hit, 1.5 s for `ref*`,
at 1M contacts), while an OR of plain words costs one lookup each.

The index holds porter stems, and a quoted word in a query is stemmed again, which is not
always a no-op (`promis` -> `promi`). So each listed stem is probed through a scratch FTS5
table with the same tokenizer: a stem that stems to itself is used as it is; otherwise a
spelling that stems to it (`promise` -> `promis`); failing both, the stem as a narrower
prefix query, which is still exact (every word it covers starts with the user's prefix).

Listing a prefix's words reads every one of their postings (fts5vocab counts them), so a
prefix typed one letter further is filtered from the shorter one's listing when that listing
was complete: "refu" after "ref" costs no lookup.

Snippets for long rows: FTS5's snippet() scores a window at every match of the row against
every other match, so its work grows with the square of the matches in one row, and a note
can be one word repeated for megabytes. So snippet() runs on a whole row only when the row
is short (PIECE bytes of text at most: at most PIECE / 2 one-letter words, so a bounded
number of matches). A longer row is cut into pieces of at most PIECE characters, of which
the first SCAN characters of each column are looked at: the piece holding the most of the
query's words (the first such) gets snippet(), in a scratch FTS5 table with the index's
tokenizer, so the words are matched, stemmed and marked exactly as in the index.

SCAN plays the part of Elasticsearch's `index.highlight.max_analyzed_offset` (1,000,000
characters per field), a tenth of it: a page of 50 hits shares one search budget, and the
scratch table tokenizes every character it is given; 100,000 characters is some 16,000
words, a call of well over an hour. A row is still found and ranked on all its text; past
SCAN it only gets no marked snippet.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

PREFIX_WORDS = 24   # a prefix covering more indexed words searches the most frequent ones
RESPELL = ("e", "es", "ed", "ing", "s")  # endings porter strips back to the stem
TOKENIZER = "porter unicode61 remove_diacritics 2"  # as search_index in schema.sql


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


class PrefixWords:
    """Per connection: the query terms for a prefix, remembered until the notebook changes."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._ready = False
        self._version: tuple | None = None
        self._cache: dict[str, list[str] | None] = {}
        # prefix -> (indexed word, its query term) for every word it covers, when they were
        # all listed (PREFIX_WORDS or fewer): what a longer prefix is filtered from.
        self._listed: dict[str, list[tuple[str, str]]] = {}

    def terms(self, prefix: str) -> list[str] | None:
        """FTS5 terms whose OR matches exactly what `prefix*` matches (the PREFIX_WORDS most
        frequent words when it covers more), or None to keep the native prefix query (only
        plain ASCII prefixes are listed: accents and punctuation tokenize differently)."""
        if not (prefix.isascii() and prefix.isalnum()):
            return None
        low = prefix.lower()
        if self._changes() != self._version:
            self._cache, self._listed = {}, {}
        if low not in self._cache:
            shorter = self._shorter_listing(low)
            if shorter is None:
                self._cache[low] = self._lookup(low)
            else:
                pairs = [(w, t) for w, t in shorter if w.startswith(low)]
                self._listed[low] = pairs
                self._cache[low] = [t for _, t in pairs] or None
        # After the lookup: its own scratch writes count in total_changes (counted before
        # them, every search looked the prefix up again: 10 ms for `ref*` at 1M contacts).
        self._version = self._changes()
        return self._cache[low]

    def settle(self) -> None:
        """The scratch tables written since terms() (snippets, the quick ranking) are no
        change to the notebook: without this, each search listed its prefixes again."""
        if self._version is not None:
            self._version = (self._version[0], self.conn.total_changes)

    def _shorter_listing(self, low: str) -> list[tuple[str, str]] | None:
        """The complete listing of the longest shorter prefix already looked up, if any."""
        for end in range(len(low) - 1, 0, -1):
            if (listing := self._listed.get(low[:end])) is not None:
                return listing
        return None

    def _changes(self) -> tuple[int, int]:
        """Changes since: data_version moves with other connections' commits, total_changes
        with this one's."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes

    def _lookup(self, low: str) -> list[str] | None:
        self._prepare()
        bounds = (low, low + "\U0010ffff")
        words = [w for (w,) in self.conn.execute(
            "SELECT term FROM temp.search_words WHERE term >= ? AND term < ? LIMIT ?",
            (*bounds, PREFIX_WORDS + 1))]
        complete = len(words) <= PREFIX_WORDS
        if not complete:
            words = [w for (w,) in self.conn.execute(
                "SELECT term FROM temp.search_words WHERE term >= ? AND term < ? "
                "ORDER BY doc DESC LIMIT ?", (*bounds, PREFIX_WORDS))]
        if not words:
            self._listed[low] = []
            return None
        stems = self._stems(words)
        unstable = [w for w in words if stems[w] != w]
        respelled = self._stems([w + end for w in unstable for end in RESPELL])
        terms = []
        for word in words:
            if stems[word] == word:
                terms.append(_quoted(word))
            else:
                spelling = next((word + end for end in RESPELL
                                 if respelled[word + end] == word), None)
                terms.append(_quoted(spelling) if spelling else _quoted(word) + "*")
        if complete:
            self._listed[low] = list(zip(words, terms))
        return terms

    def _prepare(self) -> None:
        if self._ready:
            return
        self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_words USING "
                          "fts5vocab(main, search_index, 'row')")
        self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_probe USING "
                          f"fts5(word, tokenize = '{TOKENIZER}')")
        self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_probe_tokens USING "
                          "fts5vocab(temp, stem_probe, 'instance')")
        self._ready = True

    def _stems(self, words: list[str]) -> dict[str, str | None]:
        """What the tokenizer makes of each word (one alphanumeric token each)."""
        if not words:
            return {}
        conn = self.conn
        conn.execute("DELETE FROM temp.stem_probe")
        conn.executemany("INSERT INTO temp.stem_probe (rowid, word) VALUES (?, ?)",
                         enumerate(words))
        stems: dict[int, str] = {doc: term for doc, term in conn.execute(
            "SELECT doc, term FROM temp.stem_probe_tokens")}
        conn.execute("DELETE FROM temp.stem_probe")
        return {word: stems.get(i) for i, word in enumerate(words)}


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
