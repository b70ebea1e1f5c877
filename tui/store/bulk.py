"""Bulk loading: generated notebooks (benchmarks, load tests) and imports.

`bulk_insert` fills a new notebook in one transaction with executemany. It skips the Store's
per-field validation, including payment-card masking: it is for machine-generated rows whose
text is known to be clean (bench/generate.py writes none), never for user input. An import
checks every record first (interchange_check) and then uses `lift`, `rebuild_cases` and
`rebuild_channels` below, the same set-wise work, for the rows it wrote.

The end state is the one the Store API produces for the same rows: the same search index
rows, the same denormalised case columns (`contacts`, `last_activity_at`), case_digests and
company_channels rows, and each case's status and dates derived from its timeline (the case
rows' own status and closed_at are overwritten: a status set by hand is a status_events
row). Row by row, the schema's insert triggers would do that work, but FTS5 flushes a
segment for every triggered insert, which makes a million contacts several times slower
than one INSERT ... SELECT. So inside the one transaction the insert triggers are
lifted, their work is done set-wise with the same expressions, and they are put back
verbatim (DDL is transactional in SQLite: a failure rolls all of it back).
tests/test_bench_generate.py compares the result with an import through the Store API, and
tests/test_import_scale.py a bulk import with a row-by-row one, so a change to the triggers
that is not mirrored here shows.
"""

from __future__ import annotations

from typing import Iterable

from . import timeline
from .companies import ROUTE_INSERT, legacy_route_rows
from .db import split_sql
from .errors import StoreError
from .fields import CASE_NAMES
from .schema_v7 import FILL_FIGURES
from .schema_v11 import FILL_TOTALS

# Row layouts: each iterable yields tuples in this column order. Ids are given explicitly so
# the rows can point at each other without asking SQLite for every new id.
COMPANY_COLUMNS = ("id", "uid", "name", "phone", "chat_url", "email", "hours", "notes",
                   "created_at", "updated_at")
COMPANY_INSERT = ("INSERT INTO companies (id, uid, name, notes, created_at, updated_at) "
                  "VALUES (?1, ?2, ?3, ?8, ?9, ?10)")
CASE_COLUMNS = ("id", "uid", "company_id", *CASE_NAMES, "created_at", "updated_at")
REF_COLUMNS = ("case_id", "kind", "value")
INTERACTION_COLUMNS = ("id", "uid", "case_id", "channel", "direction", "agent", "agent_id",
                       "started_at", "ended_at", "hold_seconds", "outcome", "reference",
                       "transcript_ref", "notes", "created_at", "updated_at", "milestone")
TRANSCRIPT_COLUMNS = ("interaction_id", "text")
PROMISE_COLUMNS = ("id", "uid", "case_id", "interaction_id", "text", "due_at", "status",
                   "created_at", "updated_at", "party", "settled_at")
STATUS_EVENT_COLUMNS = ("id", "uid", "case_id", "status", "at", "note", "created_at",
                        "updated_at")

# A large page cache while loading: the uid indexes take random inserts, and a 2 MB cache
# would send most of them to the OS. Restored afterwards (it is per connection, not stored).
BULK_CACHE_KIB = 512 * 1024

# The insert triggers of schema.sql whose work is done below in one statement each.
LIFTED_TRIGGERS = ("cases_ai", "case_refs_ai", "interactions_ai", "transcripts_ai",
                   "interactions_digest_ai", "interactions_channels_ai", "promises_progress_ai")
# The stats figures and their totals, filled once from the loaded rows (schema_v7's
# FILL_FIGURES, then schema_v11's FILL_TOTALS once company_channels is filled too).
FIGURES_LIFTED = ("cases_figures_ai", "interactions_figures_ai", "promises_figures_ai",
                  "cases_active_ai", "channel_figures_totals_ai", "channel_figures_totals_au",
                  "company_channels_totals_ai")
# A new notebook has no kept assessments to invalidate; an import keeps these triggers.
ADVICE_LIFTED = ("interactions_advice_ai", "promises_advice_ai", "status_events_advice_ai",
                 "case_refs_advice_ai")
# cases_ai + case_refs_ai: a case's row (rowid -id) holds title, company and seller, the
# references joined in the order the trigger's subquery reads them, and the case notes.
# Ascending rowid order is what FTS5 appends fastest.
INDEX_CASES_SQL = """
INSERT INTO search_index (rowid, case_id, title, refs, people, body)
SELECT -c.id, c.id,
    c.title || ' ' || (SELECT name FROM companies WHERE id = c.company_id)
        || ' ' || coalesce(c.seller, ''),
    (SELECT group_concat(value, ' ') FROM case_refs WHERE case_id = c.id),
    '', coalesce(c.notes, '')
FROM cases c {where} ORDER BY c.id DESC"""
# interactions_ai + transcripts_ai: the body gets ' ' and the transcript text when there is one.
INDEX_INTERACTIONS_SQL = """
INSERT INTO search_index (rowid, case_id, title, refs, people, body)
SELECT i.id, i.case_id, '',
    coalesce(i.reference, '') || ' ' || coalesce(i.transcript_ref, ''),
    coalesce(i.agent, '') || ' ' || coalesce(i.agent_id, ''),
    coalesce(i.notes, '') || coalesce(' ' || t.text, '')
FROM interactions i LEFT JOIN transcripts t ON t.interaction_id = i.id {where} ORDER BY i.id"""
# interactions_ai's counters: one contact each, last activity at the latest start.
COUNTERS_SQL = """
UPDATE cases SET
    contacts = (SELECT count(*) FROM interactions WHERE case_id = cases.id),
    last_activity_at = max(opened_at, coalesce((SELECT max(started_at) FROM interactions
        WHERE case_id = cases.id), '')) {where}"""
# interactions_digest_ai + promises_progress_ai: every case's case_digests row, set-wise for a
# new notebook, case by case (case_digest_refresh) for the cases an import touched.
DIGEST_SQL = "INSERT INTO case_digests SELECT * FROM case_digest_rows"
REFRESH_DIGESTS_SQL = "INSERT INTO case_digest_refresh (case_id) SELECT id FROM cases {where}"
# interactions_channels_ai + promises_progress_ai: each company's finished contacts per channel
# (a promised one is progress with its promise).
CHANNELS_SQL = """
INSERT INTO company_channels (company_id, channel, progress, contacts)
SELECT c.company_id, i.channel, sum(i.progress AND (i.outcome IS NOT 'promised'
    OR EXISTS (SELECT 1 FROM promises p WHERE p.interaction_id = i.id))), count(*)
FROM interactions i JOIN cases c ON c.id = i.case_id WHERE i.outcome IS NOT NULL {where}
GROUP BY c.company_id, i.channel"""


def _insert_sql(table: str, columns: tuple[str, ...], extra: dict[str, str] | None = None) -> str:
    """INSERT with numbered parameters, so `extra` columns can reuse one (?9) or be literals."""
    extra = extra or {}
    names = ", ".join((*columns, *extra))
    values = ", ".join((*(f"?{n}" for n in range(1, len(columns) + 1)), *extra.values()))
    return f"INSERT INTO {table} ({names}) VALUES ({values})"


def bulk_insert(store, companies: Iterable[tuple], cases: Iterable[tuple],
                interactions: Iterable[tuple], promises: Iterable[tuple],
                refs: Iterable[tuple], transcripts: Iterable[tuple],
                status_events: Iterable[tuple] = ()) -> dict[str, int]:
    """Fill an empty notebook in one write unit; returns the row count per table.

    The iterables are consumed in this order: companies, cases, refs, interactions,
    transcripts, promises, status_events; so a generator of interactions may fill the
    transcript, promise and status event lists as it goes. Case rows carry no `contacts` or
    `last_activity_at`: those are counted from the interactions, as the triggers would.
    """
    conn = store.conn
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    opened_param = f"?{CASE_COLUMNS.index('opened_at') + 1}"
    steps = (
        # The legacy phone, chat_url, email and hours of each row become its routes.
        ("companies", COMPANY_INSERT, companies := list(companies)),
        ("company_routes", ROUTE_INSERT, legacy_route_rows(companies)),
        # Placeholders until COUNTERS_SQL: no contacts, last activity when opened.
        ("cases", _insert_sql("cases", CASE_COLUMNS, {"opened_given": opened_param,
                                                      "last_activity_at": opened_param,
                                                      "contacts": "0"}), cases),
        ("case_refs", _insert_sql("case_refs", REF_COLUMNS), refs),
        ("interactions", _insert_sql("interactions", INTERACTION_COLUMNS), interactions),
        ("transcripts", _insert_sql("transcripts", TRANSCRIPT_COLUMNS), transcripts),
        ("promises", _insert_sql("promises", PROMISE_COLUMNS), promises),
        ("status_events", _insert_sql("status_events", STATUS_EVENT_COLUMNS), status_events),
    )
    counts: dict[str, int] = {}
    try:
        with store.write():
            if conn.execute("SELECT EXISTS(SELECT 1 FROM cases) OR EXISTS(SELECT 1 FROM "
                            "companies)").fetchone()[0]:
                raise StoreError(f"{store.path} is not empty; bulk loading fills a new notebook")
            triggers = lift(conn, (*LIFTED_TRIGGERS, *ADVICE_LIFTED, *FIGURES_LIFTED))
            for table, sql, rows in steps:
                counts[table] = conn.executemany(sql, rows).rowcount
            for statement in split_sql(FILL_FIGURES):
                conn.execute(statement)
            for sql in (INDEX_CASES_SQL, INDEX_INTERACTIONS_SQL, COUNTERS_SQL, DIGEST_SQL,
                        CHANNELS_SQL):
                conn.execute(sql.format(where=""))
            for statement in split_sql(FILL_TOTALS):
                conn.execute(statement)
            timeline.rederive(conn)
            restore(conn, triggers)
    finally:
        conn.execute(f"PRAGMA cache_size = {old_cache}")
    return counts


def lift(conn, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """Drop the named triggers (inside the caller's write unit); returns them for `restore`."""
    triggers = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
        f"({', '.join('?' * len(names))})", names).fetchall()
    if len(triggers) != len(names):
        raise StoreError("the schema's triggers changed; update tui/store/bulk.py to match")
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    return triggers


def restore(conn, triggers: list[tuple[str, str]]) -> None:
    for _, sql in triggers:
        conn.execute(sql)


# -- merging an import in bulk -----------------------------------------------------------------
# An import writes rows into any notebook, new or old, and updates some: every trigger that
# keeps the index and the summaries on insert or update is lifted, and `rebuild_cases` and
# `rebuild_channels` redo their work for the cases the import changed (deletes never happen).
IMPORT_LIFTED = (*LIFTED_TRIGGERS, "cases_opened_au", "cases_au", "cases_channels_au",
                 "interactions_au", "interactions_digest_au", "interactions_channels_au",
                 "transcripts_au", "promises_progress_au")
IN_CHUNK = 500  # ids per statement, well under SQLite's parameter limit


def rebuild_cases(conn, after: int, changed: list[int]) -> None:
    """Index and summarise cases as the triggers would have: those with ids above `after`
    are new (no index rows yet), `changed` ones had rows before the import."""
    for start in range(0, len(changed), IN_CHUNK):
        ids = changed[start:start + IN_CHUNK]
        marks = ", ".join("?" * len(ids))
        conn.execute(f"DELETE FROM search_index WHERE rowid IN (SELECT -id FROM cases WHERE id "
                     f"IN ({marks}) UNION ALL SELECT id FROM interactions WHERE case_id IN "
                     f"({marks}))", (*ids, *ids))
    wheres = [(("WHERE c.id > ?", "WHERE i.case_id > ?", "WHERE id > ?"), (after,))]
    for start in range(0, len(changed), IN_CHUNK):
        ids = changed[start:start + IN_CHUNK]
        marks = ", ".join("?" * len(ids))
        wheres.append(((f"WHERE c.id IN ({marks})", f"WHERE i.case_id IN ({marks})",
                        f"WHERE id IN ({marks})"), ids))
    for (cases, contacts, rows), args in wheres:
        for sql, where in ((INDEX_CASES_SQL, cases), (INDEX_INTERACTIONS_SQL, contacts),
                           (COUNTERS_SQL, rows), (REFRESH_DIGESTS_SQL, rows)):
            conn.execute(sql.format(where=where), args)


def rebuild_channels(conn, company_ids: set[int]) -> None:
    """Recount how each channel went with the given companies, over all their cases."""
    ids = sorted(company_ids)
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start:start + IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        conn.execute(f"DELETE FROM company_channels WHERE company_id IN ({marks})", chunk)
        conn.execute(CHANNELS_SQL.format(where=f"AND c.company_id IN ({marks})"), chunk)
