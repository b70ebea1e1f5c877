"""Ranked full-text search over cases and contacts (search_index, FTS5): the full ranking,
the quick one while the user types, and the hits with their snippets (the words of a query,
prefixes and long rows' snippets, are in search_words.py).

Ranking while the user types: FTS5's bm25() first counts, for each query term, every row of
the index holding it (the term's document frequency), however few rows are then ranked: for
a common word at 1M contacts that count costs more than the rest of a search. So a search
typed a letter at a time ranks only the QUICK_CAP newest matches of each kind, copied (each
column cut to QUICK_TEXT characters) into a scratch FTS5 table with the index's tokenizer and
column weights, where bm25's counts cover just that sample. The order is close to the full
one, not equal to it (term frequencies are the sample's); Enter ranks fully.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from . import search_words
from .records import SearchHit
from .search_words import TOKENIZER, LongSnippets, PrefixWords

# Snippet markers around matched words: private-use characters, never shown as such; the UI
# turns them into styles (user text is never markup) and the CLI into plain brackets.
from .marks import MARK_END, MARK_START

SEARCH_CAP = 2000  # most recent matches of each kind that are ranked (see search)

# bm25 weights per indexed column (title, refs, people, body; case_id is unindexed).
WEIGHTS = (10.0, 6.0, 4.0, 1.0)
RANK = "bm25(search_index, 0, " + ", ".join(f"{w:g}" for w in WEIGHTS) + ")"
# A row's text read from the index's own content table (columns c1-c4: title, refs, people,
# body), not through search_index: there every column read copies the whole value again.
TEXT_COLUMNS = ("c1", "c2", "c3", "c4")
ROW_BYTES = ("(SELECT " + " + ".join(f"coalesce(length(CAST({c} AS BLOB)), 0)"
                                     for c in TEXT_COLUMNS)
             + " FROM search_index_content WHERE id = s.rowid)")   # bytes: no UTF-8 walk


@cache
def _beside():
    """The thread search ranks the cases in, on the store's helper connection, while the
    contacts are ranked on its own: bm25 reads each word's whole posting list once per
    cursor (8 ms for "refund" at 1M contacts), and the machine has two cores. Made on first
    search (concurrent.futures costs a CLI command 13 ms to import)."""
    from concurrent.futures import ThreadPoolExecutor
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="supportlog-search")


def fts_query(text: str | None, expand=None) -> str | None:
    """User words -> an FTS5 query that cannot be a syntax error: every word is quoted
    (so AND, NEAR, '-', ':' are plain words); a trailing * keeps prefix search. `expand`
    (prefix -> FTS5 terms covering it, or None) turns a prefix into an OR (see search_words.py)."""
    parts = []
    for word in (text or "").split():
        prefix = word.endswith("*")
        core = word.strip("*")
        if not any(ch.isalnum() for ch in core):
            continue
        terms = expand(core) if prefix and expand else None
        part = ("(" + " OR ".join(terms) + ")" if terms
                else '"' + core.replace('"', '""') + '"' + ("*" if prefix else ""))
        # A word typed twice is one term (the index folds case): as two, each of its
        # matches would be scored twice over by snippet().
        if part.lower() not in (p.lower() for p in parts):
            parts.append(part)
    # AND spelled out: FTS5 takes "a" "b" as an implicit AND, but not "a" ("b" OR "c").
    return " AND ".join(parts) or None


def _outcome(beside) -> list | None:
    """The rows read beside, or None when there was no helper or it could not read (the
    caller reads them itself: a query at fault fails there, with its own message)."""
    try:
        return beside.result() if beside else None
    except sqlite3.Error:
        return None
QUICK_CAP = 200     # newest matches of each kind (contacts, cases) ranked while typing
QUICK_TEXT = 600    # characters of each column a sampled row is ranked on


class SearchOps:
    """Mixed into Store."""

    def search(self, query: str | None, *, limit: int | None = 50, offset: int = 0,
               status: str | None = None, company: str | None = None, quick: bool = False,
               snippets: int | None = None) -> list[SearchHit]:
        """Ranked hits (bm25) over cases and interactions; blank query = most recent cases.

        A word found in hundreds of thousands of rows would make bm25 and snippet() run on
        every match (0.7 s at 1M contacts), so each kind is ranked among its SEARCH_CAP most
        recent matches (filters applied while collecting them); snippets are built for the
        final page only. Words rarer than the cap rank exactly. `offset` pages through the
        ranked hits; `limit` None takes every one left (the cap bounds them).

        `quick` ranks among far fewer matches, in a scratch table (QuickRank): for a
        query being typed. `snippets` N builds snippets for the first N hits only (the rest
        get "", for search_snippets once they are shown); a blank query's hits have theirs."""
        try:
            return self._search(query, limit, offset, status, company, quick, snippets)
        finally:
            self._settle()

    def _search(self, query, limit, offset, status, company, quick, snippets):
        if limit is None:
            limit = 2 * (QUICK_CAP if quick else SEARCH_CAP)
        match = fts_query(query, self._prefix_words)
        if match is None:
            page = self.list_cases(status=status, company=company, limit=offset + limit)
            return [SearchHit(c.id, c.title, c.company, c.status, None, c.last_activity_at,
                              (c.notes or "").split("\n")[0][:120])
                    for c in page.items[offset:]]
        where, args = self._filters(status, company, None)
        joined = ("JOIN cases c ON c.id = f.case_id" + "".join(f" AND {w}" for w in where)
                  if where else "")
        if quick:
            page = self._quick_ranked(match, joined, args)[offset:offset + limit]
        else:
            page = self._fully_ranked(match, joined, args, offset + limit)[offset:offset + limit]
        row_ids = [row_id for row_id, _ in page]
        hits = self._hits(match, row_ids, row_ids[:snippets])
        return [SearchHit(*hits[row_id], rank) for row_id, rank in page if row_id in hits]

    def search_snippets(self, query: str | None, row_ids: list[int]) -> dict[int, str]:
        """Search row id (an interaction's id, or minus a case's) -> its snippet for the
        query, for hits that search() left without one."""
        match = fts_query(query, self._prefix_words)
        if match is None or not row_ids:
            return {}
        try:
            return {row_id: fields[-1] for row_id, fields in self._snipped(match, row_ids).items()}
        finally:
            self._settle()

    def _quick_ranked(self, match: str, joined: str, args: list) -> list[tuple[int, float]]:
        """The QUICK_CAP newest matches of each kind, ranked among themselves."""
        row_ids = []
        for op, order in ((">", "DESC"), ("<", "ASC")):
            row_ids += [row_id for (row_id,) in self.conn.execute(
                f"SELECT f.rowid FROM search_index f {joined} WHERE search_index MATCH ? "
                f"AND f.rowid {op} 0 ORDER BY f.rowid {order} LIMIT {QUICK_CAP}",
                (*args, match))]
        quick = getattr(self, "_quick", None)
        if quick is None:
            quick = self._quick = QuickRank(self.conn, WEIGHTS)
        return quick.rank(match, row_ids)

    def _fully_ranked(self, match: str, joined: str, args: list,
                      top: int) -> list[tuple[int, float]]:
        """(row id, rank) of the `top` best among each kind's SEARCH_CAP newest matches."""
        # Each kind's SEARCH_CAP newest matches ranked, and the best of them kept; ties in
        # rank go by row, so pages at any offset neither repeat nor skip a hit.
        contacts, cases = (
            f"SELECT id, rank FROM (SELECT f.rowid AS id, {RANK} AS rank FROM search_index f "
            f"{joined} WHERE search_index MATCH ? AND f.rowid {op} 0 "
            f"ORDER BY f.rowid {order} LIMIT {SEARCH_CAP}) ORDER BY rank, id LIMIT ?"
            for op, order in ((">", "DESC"), ("<", "ASC")))
        params = (*args, match, top)
        helper = self.helper()
        beside = _beside().submit(lambda: helper.execute(cases, params).fetchall()) if helper \
            else None
        try:
            best = self.conn.execute(contacts, params).fetchall()
        finally:
            theirs = _outcome(beside)   # waited for even on an error: the store may close
        best += theirs if theirs is not None else self.conn.execute(cases, params).fetchall()
        return sorted(best, key=lambda row: (row[1], row[0]))

    def _hits(self, match: str, row_ids: list[int], snipped: list[int]) -> dict[int, tuple]:
        """Search row id -> SearchHit fields but the rank, with the snippet for the rows in
        `snipped` and "" for the others (read by id, without the MATCH)."""
        out = self._snipped(match, snipped)
        rest = [i for i in row_ids if i not in out]
        if rest:
            marks = ", ".join("?" * len(rest))
            out.update((row[0], (*row[1:], "")) for row in self.conn.execute(
                "SELECT s.id, c.id, c.title, co.name, c.status, "
                "CASE WHEN s.id > 0 THEN s.id END, "
                "CASE WHEN s.id > 0 THEN (SELECT started_at FROM interactions "
                "WHERE id = s.id) ELSE c.last_activity_at END "
                "FROM search_index_content s JOIN cases c ON c.id = s.c0 "
                f"JOIN companies co ON co.id = c.company_id WHERE s.id IN ({marks})", rest))
        return out

    def _snipped(self, match: str, row_ids: list[int]) -> dict[int, tuple]:
        """Search row id -> SearchHit fields but the rank, with the snippet. A page's rows of
        each kind lie among that kind's newest matches: one scan of that stretch of the
        index builds their snippets (looking each up by rowid repeated the MATCH for each:
        8 ms of a 50-row page for two common words, against 1.5). A row of more than
        search_words.PIECE bytes gets its snippet from search_words.py instead (bounded work)."""
        out: dict[int, tuple] = {}
        for kind in ([i for i in row_ids if i > 0], [i for i in row_ids if i < 0]):
            if not kind:
                continue
            marks = ", ".join("?" * len(kind))
            out.update((row[0], row[1:]) for row in self.conn.execute(
                "SELECT s.rowid, c.id, c.title, co.name, c.status, "
                "CASE WHEN s.rowid > 0 THEN s.rowid END, "
                "CASE WHEN s.rowid > 0 THEN (SELECT started_at FROM interactions "
                "WHERE id = s.rowid) ELSE c.last_activity_at END, "
                f"CASE WHEN {ROW_BYTES} <= {search_words.PIECE} THEN "
                f"snippet(search_index, -1, '{MARK_START}', '{MARK_END}', '…', "
                f"{search_words.WORDS}) END "
                # CROSS JOIN keeps the index the outer loop, and `+` keeps the rowid list a
                # filter on the scan (as a constraint it would run the MATCH once per row).
                "FROM search_index s CROSS JOIN cases c ON c.id = s.case_id "
                "CROSS JOIN companies co ON co.id = c.company_id "
                f"WHERE search_index MATCH ? AND s.rowid BETWEEN ? AND ? "
                f"AND +s.rowid IN ({marks})", (match, min(kind), max(kind), *kind)))
        for row_id, fields in list(out.items()):
            if fields[-1] is None:
                out[row_id] = (*fields[:-1], self._long_snippet(match, row_id))
        return out

    def _long_snippet(self, match: str, row_id: int) -> str:
        columns = self.conn.execute(
            f"SELECT {', '.join(f'substr({c}, 1, {search_words.SCAN + 1})' for c in TEXT_COLUMNS)} "
            "FROM search_index_content WHERE id = ?", (row_id,)).fetchone()
        long = getattr(self, "_long", None)
        if long is None:
            long = self._long = LongSnippets(self.conn)
        return long.snippet(match, [c or "" for c in columns], MARK_START, MARK_END)

    def _settle(self) -> None:
        if (words := getattr(self, "_prefix", None)) is not None:
            words.settle()

    def _prefix_words(self, prefix: str) -> list[str] | None:
        words = getattr(self, "_prefix", None)
        if words is None:
            words = self._prefix = PrefixWords(self.conn)
        return words.terms(prefix)


class QuickRank:
    """Per connection: the scratch table a typed query's sample is ranked in."""

    def __init__(self, conn: sqlite3.Connection, weights: tuple[float, ...]):
        self.conn = conn
        self.weights = ", ".join(f"{w:g}" for w in weights)
        self._ready = False

    def rank(self, match: str, row_ids: list[int]) -> list[tuple[int, float]]:
        """(row id, rank) for `row_ids` (search rows matching `match`), best first, ties by
        row. A row whose match lies past QUICK_TEXT ranks after every other."""
        if not row_ids:
            return []
        self._prepare()
        conn, cut = self.conn, QUICK_TEXT
        marks = ", ".join("?" * len(row_ids))
        try:
            conn.execute(
                "INSERT INTO temp.quick_sample (rowid, title, refs, people, body) "
                f"SELECT id, substr(c1, 1, {cut}), substr(c2, 1, {cut}), substr(c3, 1, {cut}), "
                f"substr(c4, 1, {cut}) FROM search_index_content WHERE id IN ({marks})",
                row_ids)
            ranked = conn.execute(
                f"SELECT rowid, bm25(quick_sample, {self.weights}) AS rank "
                "FROM temp.quick_sample WHERE quick_sample MATCH ? ORDER BY rank, rowid",
                (match,)).fetchall()
        finally:
            # Emptied in one step: a contentless table cannot delete a row by row.
            conn.execute("INSERT INTO temp.quick_sample (quick_sample) VALUES ('delete-all')")
        seen = {row_id for row_id, _ in ranked}
        return ranked + [(row_id, 0.0) for row_id in sorted(row_ids) if row_id not in seen]

    def _prepare(self) -> None:
        if self._ready:
            return
        self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.quick_sample USING "
                          f"fts5(title, refs, people, body, content = '', "
                          f"tokenize = '{TOKENIZER}')")
        self._ready = True
