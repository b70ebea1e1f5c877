"""Bulk loading for generated notebooks (benchmarks, load tests): one transaction, executemany.

This path skips the Store's per-field validation, including payment-card masking. It is for
machine-generated rows whose text is known to be clean (bench/generate.py writes none), never
for user input: everything a person types goes through the Store API.

The end state is the one the Store API produces for the same rows: the same search index
rows, the same denormalised case columns (`contacts`, `last_activity_at`, `digest`) and
company_channels rows. Row by row, the schema's insert triggers would do that work, but FTS5
flushes a segment for every triggered insert, which makes a million contacts several times
slower than one INSERT ... SELECT. So inside the one transaction the insert triggers are
lifted, their work is done set-wise with the same expressions, and they are put back
verbatim (DDL is transactional in SQLite: a failure rolls all of it back).
tests/test_bench_generate.py compares the result with an import through the Store API, so a
change to the triggers that is not mirrored here shows.
"""

from __future__ import annotations

from typing import Iterable

from .errors import StoreError

# Row layouts: each iterable yields tuples in this column order. Ids are given explicitly so
# the rows can point at each other without asking SQLite for every new id.
COMPANY_COLUMNS = ("id", "uid", "name", "phone", "chat_url", "email", "hours", "notes",
                   "created_at", "updated_at")
CASE_COLUMNS = ("id", "uid", "company_id", "title", "category", "want", "status", "seller",
                "opened_at", "closed_at", "purchased_on", "delivered_on", "due_on", "amount",
                "currency", "notes", "snoozed_until", "created_at", "updated_at")
REF_COLUMNS = ("case_id", "kind", "value")
INTERACTION_COLUMNS = ("id", "uid", "case_id", "channel", "direction", "agent", "agent_id",
                       "started_at", "ended_at", "hold_seconds", "outcome", "reference",
                       "transcript_ref", "notes", "created_at", "updated_at")
TRANSCRIPT_COLUMNS = ("interaction_id", "text")
PROMISE_COLUMNS = ("id", "uid", "case_id", "interaction_id", "text", "due_at", "status",
                   "created_at", "updated_at")

# A large page cache while loading: the uid indexes take random inserts, and a 2 MB cache
# would send most of them to the OS. Restored afterwards (it is per connection, not stored).
BULK_CACHE_KIB = 512 * 1024

# The insert triggers of schema.sql whose work is done below in one statement each.
LIFTED_TRIGGERS = ("cases_ai", "case_refs_ai", "interactions_ai", "transcripts_ai",
                   "interactions_digest_ai", "interactions_channels_ai")
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
FROM cases c ORDER BY c.id DESC"""
# interactions_ai + transcripts_ai: the body gets ' ' and the transcript text when there is one.
INDEX_INTERACTIONS_SQL = """
INSERT INTO search_index (rowid, case_id, title, refs, people, body)
SELECT i.id, i.case_id, '',
    coalesce(i.reference, '') || ' ' || coalesce(i.transcript_ref, ''),
    coalesce(i.agent, '') || ' ' || coalesce(i.agent_id, ''),
    coalesce(i.notes, '') || coalesce(' ' || t.text, '')
FROM interactions i LEFT JOIN transcripts t ON t.interaction_id = i.id ORDER BY i.id"""
# interactions_ai's counters: one contact each, last activity at the latest start.
COUNTERS_SQL = """
UPDATE cases SET
    contacts = (SELECT count(*) FROM interactions WHERE case_id = cases.id),
    last_activity_at = max(opened_at, coalesce((SELECT max(started_at) FROM interactions
        WHERE case_id = cases.id), ''))"""
# interactions_digest_ai: every case's digest of its finished contacts.
DIGEST_SQL = ("UPDATE cases SET digest = (SELECT digest FROM contact_digests "
              "WHERE case_id = cases.id)")
# interactions_channels_ai: each company's finished contacts per channel.
CHANNELS_SQL = """
INSERT INTO company_channels (company_id, channel, progress, contacts)
SELECT c.company_id, i.channel, sum(i.outcome IN ('resolved', 'promised', 'escalated', 'info')),
    count(*)
FROM interactions i JOIN cases c ON c.id = i.case_id WHERE i.outcome IS NOT NULL
GROUP BY c.company_id, i.channel"""


def _insert_sql(table: str, columns: tuple[str, ...], extra: dict[str, str] | None = None) -> str:
    """INSERT with numbered parameters, so `extra` columns can reuse one (?9) or be literals."""
    extra = extra or {}
    names = ", ".join((*columns, *extra))
    values = ", ".join((*(f"?{n}" for n in range(1, len(columns) + 1)), *extra.values()))
    return f"INSERT INTO {table} ({names}) VALUES ({values})"


def bulk_insert(store, companies: Iterable[tuple], cases: Iterable[tuple],
                interactions: Iterable[tuple], promises: Iterable[tuple],
                refs: Iterable[tuple], transcripts: Iterable[tuple]) -> dict[str, int]:
    """Fill an empty notebook in one write unit; returns the row count per table.

    The iterables are consumed in this order: companies, cases, refs, interactions,
    transcripts, promises; so a generator of interactions may fill the transcript and
    promise lists as it goes. Case rows carry no `contacts` or `last_activity_at`: those are
    counted from the interactions, as the triggers would.
    """
    conn = store.conn
    old_cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    opened_param = f"?{CASE_COLUMNS.index('opened_at') + 1}"
    steps = (
        ("companies", _insert_sql("companies", COMPANY_COLUMNS), companies),
        # Placeholders until COUNTERS_SQL: no contacts, last activity when opened.
        ("cases", _insert_sql("cases", CASE_COLUMNS, {"last_activity_at": opened_param,
                                                      "contacts": "0"}), cases),
        ("case_refs", _insert_sql("case_refs", REF_COLUMNS), refs),
        ("interactions", _insert_sql("interactions", INTERACTION_COLUMNS), interactions),
        ("transcripts", _insert_sql("transcripts", TRANSCRIPT_COLUMNS), transcripts),
        ("promises", _insert_sql("promises", PROMISE_COLUMNS), promises),
    )
    counts: dict[str, int] = {}
    try:
        with store.write():
            if conn.execute("SELECT EXISTS(SELECT 1 FROM cases) OR EXISTS(SELECT 1 FROM "
                            "companies)").fetchone()[0]:
                raise StoreError(f"{store.path} is not empty; bulk loading fills a new notebook")
            triggers = conn.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                f"({', '.join('?' * len(LIFTED_TRIGGERS))})", LIFTED_TRIGGERS).fetchall()
            if len(triggers) != len(LIFTED_TRIGGERS):
                raise StoreError("the schema's insert triggers changed; update "
                                 "tui/store/bulk.py to match")
            for name, _ in triggers:
                conn.execute(f"DROP TRIGGER {name}")
            for table, sql, rows in steps:
                counts[table] = conn.executemany(sql, rows).rowcount
            conn.execute(INDEX_CASES_SQL)
            conn.execute(INDEX_INTERACTIONS_SQL)
            conn.execute(COUNTERS_SQL)
            conn.execute(DIGEST_SQL)
            conn.execute(CHANNELS_SQL)
            for _, sql in triggers:
                conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA cache_size = {old_cache}")
    return counts
