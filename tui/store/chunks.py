"""Reading rows for many ids: IN (...) lists a chunk at a time, under SQLite's limit on
bound variables (light on purpose: the advice cache's fast paths use it too)."""

from __future__ import annotations

from typing import Iterator

MAX_IDS = 900   # ids bound in one IN (...): below SQLite's oldest variable limit (999)


def marks(ids: list) -> str:
    """The placeholders for `ids` in an IN (...)."""
    return ", ".join("?" * len(ids))


def by_ids(conn, sql: str, ids: list, *params) -> Iterator[tuple]:
    """The rows of `sql` (its `{marks}` for the ids, then `params`) for `ids`, read MAX_IDS
    at a time. With `ids` sorted and `sql` ordered by them, the rows come in that order."""
    for start in range(0, len(ids), MAX_IDS):
        chunk = ids[start:start + MAX_IDS]
        yield from conn.execute(sql.format(marks=marks(chunk)), (*chunk, *params))
