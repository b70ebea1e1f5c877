"""Which cases a listing shows, as SQL: its filters, its sorts and keyset pages over the
columns a caller asks for, read as plain rows. The Store's listing (lists.py) makes its Case
records from it; `supportlog list` reads the rows on a bare connection (reader.py), so this
module stays light to import: no records, no validation."""

from __future__ import annotations

import sqlite3
from typing import Any, Iterator

from .errors import ValidationError
from .vocab import STATUS_FILTERS

# sort name -> (ORDER BY columns, direction); every sort ends on id so keys are unique.
SORTS = {
    "recent": ("c.last_activity_at", "DESC"),   # latest activity first
    "quiet": ("c.last_activity_at", "ASC"),     # longest silence first
    "opened": ("c.opened_at", "DESC"),
    "id": ("c.id", "ASC"),
}
FROM = "FROM cases c JOIN companies co ON co.id = c.company_id"
PAGE = 500   # rows per keyset page when a listing is read to its end


def filters(status: str | None, company: str | None,
            channel: str | None) -> tuple[list[str], list[Any]]:
    """The WHERE terms and their arguments; `channel` is a word of CHANNELS already (the
    Store checks what it is given, the command line offers only those)."""
    where, args = [], []
    status = (status or "all").lower()
    if status not in STATUS_FILTERS:
        raise ValidationError("status", f"unknown value {status!r}; use one of: "
                                        f"{', '.join(STATUS_FILTERS)}")
    if status == "active":
        where.append("c.status IN ('open', 'waiting')")
    elif status != "all":
        where.append("c.status = ?")
        args.append(status)
    if company:
        where.append("c.company_id = (SELECT id FROM companies WHERE name = ?)")
        args.append(company.strip())
    if channel:
        where.append("EXISTS (SELECT 1 FROM interactions i WHERE i.case_id = c.id "
                     "AND i.channel = ?)")
        args.append(channel)
    return where, args


def sort_of(sort: str) -> tuple[str, str]:
    if sort not in SORTS:
        raise ValidationError("sort", f"unknown value {sort!r}; use one of: {', '.join(SORTS)}")
    return SORTS[sort]


def page_sql(columns: str, *, status: str | None = None, company: str | None = None,
             channel: str | None = None, sort: str = "recent", after: tuple | None = None,
             reverse: bool = False) -> tuple[str, list[Any]]:
    """One page of `columns` (SQL over `cases c` and `companies co`) in the sort's order,
    after the key `after` (the sort column's value and the id; the id alone for the id
    sort); its LIMIT is the last argument, left to the caller."""
    column, direction = sort_of(sort)
    if reverse:
        direction = "ASC" if direction == "DESC" else "DESC"
    where, args = filters(status, company, channel)
    if after is not None:
        op = "<" if direction == "DESC" else ">"
        if column == "c.id":
            where.append(f"c.id {op} ?")
            args.append(after[-1])
        else:
            where.append(f"({column}, c.id) {op} (?, ?)")
            args.extend(after)
    sql = (f"SELECT {columns} {FROM}" + (" WHERE " + " AND ".join(where) if where else "")
           + f" ORDER BY {column} {direction}, c.id {direction} LIMIT ?")
    return sql, args


def case_rows(conn: sqlite3.Connection, columns: str, *, limit: int | None = None,
              **listing: Any) -> Iterator[tuple]:
    """`columns` of every case the listing (page_sql's filters and sort) shows, in its
    order, at most `limit` (all when None), read a keyset page at a time."""
    column = sort_of(listing.get("sort", "recent"))[0]
    after = None
    while limit is None or limit > 0:
        page = PAGE if limit is None else min(limit, PAGE)
        sql, args = page_sql(f"{column}, c.id, {columns}", after=after, **listing)
        rows = conn.execute(sql, (*args, page)).fetchall()
        for row in rows:
            yield row[2:]
        if len(rows) < page:
            return
        after = rows[-1][:2]
        if limit is not None:
            limit -= page
