"""The company directory's listing as plain rows (`supportlog company list` on a bare
connection, reader.py): names, case counts, route kinds and policy names, in the orders
companies.py's load_companies gives them, without its records or validation."""

from __future__ import annotations

import sqlite3


def like_prefix(prefix: str) -> str:
    """A LIKE pattern for names starting with `prefix` (its %, _ and \\ taken literally)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def directory_rows(conn: sqlite3.Connection, prefix: str = ""
                   ) -> list[tuple[str, tuple[int, int], list[str], list[str]]]:
    """(name, its case counts, route kinds in their order, policy names by name) of each
    company whose name starts with `prefix`, by name, read in one transaction."""
    conn.execute("BEGIN")   # one read: the lists agree even while another process writes
    try:
        companies = conn.execute(
            "SELECT id, name FROM companies WHERE name LIKE ? ESCAPE '\\' "
            "ORDER BY name COLLATE NOCASE LIMIT -1", (like_prefix(prefix),)).fetchall()
        routes: dict[int, list[str]] = {}
        for company_id, kind in conn.execute(
                "SELECT company_id, kind FROM company_routes ORDER BY company_id, position, id"):
            routes.setdefault(company_id, []).append(kind)
        policies: dict[int, list[str]] = {}
        for company_id, name in conn.execute(
                "SELECT company_id, name FROM company_policies "
                "ORDER BY company_id, name COLLATE NOCASE, id"):
            policies.setdefault(company_id, []).append(name)
        counts = case_counts(conn)
    finally:
        conn.execute("COMMIT")
    return [(name, counts.get(i, (0, 0)), routes.get(i, []), policies.get(i, []))
            for i, name in companies]


def case_counts(conn: sqlite3.Connection) -> dict[int, tuple[int, int]]:
    """company id -> (cases, open or waiting cases), both kept by triggers."""
    return {cid: (n, active) for cid, n, active in conn.execute(
        "SELECT company_id, cases, active FROM company_figures WHERE cases > 0")}
