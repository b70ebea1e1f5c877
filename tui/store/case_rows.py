"""One case read as rows by name: the case, its references, its contacts and its promises.
The Store makes its records from them (cases.py); `supportlog show` prints them straight
from a bare connection (reader.py), so this module stays light to import: no records, no
validation, nothing that writes."""

from __future__ import annotations

import sqlite3

from .errors import NotFound
from .fields import CASE_SELECT, INTERACTION_SELECT, PROMISE_SELECT


def _by_name(conn: sqlite3.Connection, sql: str, args: tuple) -> sqlite3.Cursor:
    cur = conn.execute(sql, args)
    cur.row_factory = sqlite3.Row   # on the cursor: the connection may be the Store's
    return cur


def resolve_case(conn: sqlite3.Connection, ref: str | int) -> int:
    """A case's integer id from its id or its uid (as typed on the command line)."""
    s = str(ref).strip()
    if s.isdigit():
        row = conn.execute("SELECT id FROM cases WHERE id = ?", (int(s),)).fetchone()
    else:
        row = conn.execute("SELECT id FROM cases WHERE uid = ?", (s,)).fetchone()
    if not row:
        raise NotFound(f"no case {s!r}; `supportlog list` shows the cases")
    return row[0]


def case_row(conn: sqlite3.Connection, case_id: int) -> sqlite3.Row:
    """The case's row of CASE_SELECT, by name."""
    row = _by_name(conn, f"SELECT {CASE_SELECT} FROM cases c JOIN companies co "
                         "ON co.id = c.company_id WHERE c.id = ?", (case_id,)).fetchone()
    if not row:
        raise NotFound(f"no case {case_id}; `supportlog list` shows the cases")
    return row


def ref_rows(conn: sqlite3.Connection, case_id: int) -> list[tuple[str, str]]:
    """(kind, value) of each reference, in the order they were added."""
    return conn.execute("SELECT kind, value FROM case_refs WHERE case_id = ? ORDER BY id",
                        (case_id,)).fetchall()


def interaction_rows(conn: sqlite3.Connection, case_id: int) -> list[sqlite3.Row]:
    """The case's contacts, oldest first, by the names of INTERACTION_ATTRS."""
    return _by_name(conn, f"SELECT {INTERACTION_SELECT} FROM interactions i "
                          "WHERE i.case_id = ? ORDER BY i.started_at, i.id", (case_id,)
                    ).fetchall()


def promise_rows(conn: sqlite3.Connection, case_id: int) -> list[sqlite3.Row]:
    """The case's promises and asks by due date (or when recorded), by the names of
    fields.PROMISE_SELECT."""
    return _by_name(conn, f"SELECT {PROMISE_SELECT} FROM promises p WHERE case_id = ? "
                          "ORDER BY coalesce(due_at, created_at), id", (case_id,)).fetchall()
