"""Masking again what older versions stored: their rule let many card forms through (a CVV
after the number, dots, no-break spaces...), so the upgrade to schema 3 runs today's rule over
every text a person wrote."""

from __future__ import annotations

import sqlite3

from .cards import mask_cards

# The columns that hold what people typed or imported; the triggers carry a change into the
# search index (case_refs has no update trigger: its search row is rebuilt here).
TEXT_COLUMNS = {
    "companies": ("name", "phone", "chat_url", "email", "hours", "notes"),
    "cases": ("title", "seller", "notes"),
    "case_refs": ("value",),
    "interactions": ("agent", "agent_id", "reference", "transcript_ref", "notes"),
    "transcripts": ("text",),
    "promises": ("text",),
}


def remask(conn: sqlite3.Connection) -> int:
    """Mask card numbers and security codes in every stored text; returns the rows changed.
    Runs inside the upgrade's write unit."""
    changed = 0
    for table, columns in TEXT_COLUMNS.items():
        for rowid, *values in _rows(conn, table, columns):
            new = {c: mask_cards(v) for c, v in zip(columns, values) if isinstance(v, str)}
            new = {c: v for c, v in new.items() if v != values[columns.index(c)]}
            if not new:
                continue
            changed += 1
            sets = ", ".join(f"{c} = ?" for c in new)
            if table != "case_refs":
                conn.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", (*new.values(), rowid))
                continue
            case_id = conn.execute("SELECT case_id FROM case_refs WHERE rowid = ?",
                                   (rowid,)).fetchone()[0]
            try:
                conn.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", (*new.values(), rowid))
            except sqlite3.IntegrityError:
                # Two references that differ only in a card's hidden digits: the masked twin
                # is already there, so this one goes.
                conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
            conn.execute("UPDATE search_index SET refs = (SELECT group_concat(value, ' ') "
                         "FROM case_refs WHERE case_id = ?) WHERE rowid = ?", (case_id, -case_id))
    return changed


def _rows(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], chunk: int = 5000):
    """Every row, a chunk at a time by rowid (memory stays flat; each chunk is read whole
    before any of it is changed). Every row: a card may be written in full-width digits,
    which no GLOB of [0-9] would see."""
    last = None
    sql = f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?"
    while rows := conn.execute(sql, (-(1 << 63) if last is None else last, chunk)).fetchall():
        yield from rows
        last = rows[-1][0]
