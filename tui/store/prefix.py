"""Prefix search made cheap: `superv*` rewritten as an OR of the indexed words it covers.

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
"""

from __future__ import annotations

import sqlite3

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
