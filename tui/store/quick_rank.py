"""Ranking while the user types: bm25 among a small sample of the newest matches.

FTS5's bm25() first counts, for each query term, every row of the index holding it (the
term's document frequency), however few rows are then ranked: for a common word at 1M
contacts that count costs more than the rest of a search. So a search typed a letter at a
time ranks only the QUICK_CAP newest matches of each kind, copied (each column cut to
QUICK_TEXT characters) into a scratch FTS5 table with the index's tokenizer and column
weights, where bm25's counts cover just that sample. The order is close to the full one, not
equal to it (term frequencies are the sample's); Enter ranks fully (queries.search).
"""

from __future__ import annotations

import sqlite3

from .prefix import TOKENIZER

QUICK_CAP = 200     # newest matches of each kind (contacts, cases) ranked while typing
QUICK_TEXT = 600    # characters of each column a sampled row is ranked on


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
