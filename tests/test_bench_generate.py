"""The benchmark generator's bulk path ends where the Store API would: same rows, same search
index, same case counters; and it writes nothing the card masking would have changed."""

from __future__ import annotations

import importlib.util
import io
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tui.store import Store, StoreError
from tui.store.bulk import bulk_insert
from tui.store.validate import mask_cards

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
GENERATE_PY = Path(__file__).resolve().parents[1] / "bench" / "generate.py"


def load_generate():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "bench.db"
    store = Store(path)
    result = load_generate().generate(store, 200, 2000, seed=3, now=NOW)
    yield store, result
    store.close()


def rows(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return sorted(conn.execute(sql).fetchall(), key=repr)


# Everything but the bookkeeping times and integer ids, keyed by uid.
CASES_SQL = ("SELECT c.uid, co.name, c.title, c.category, c.want, c.status, c.seller, c.opened_at,"
             " c.closed_at, c.purchased_on, c.amount, c.currency, c.notes, c.contacts,"
             " c.last_activity_at FROM cases c JOIN companies co ON co.id = c.company_id")
INTERACTIONS_SQL = ("SELECT i.uid, c.uid, i.channel, i.direction, i.agent, i.agent_id,"
                    " i.started_at, i.ended_at, i.hold_seconds, i.outcome, i.reference,"
                    " i.transcript_ref, i.notes, t.text FROM interactions i"
                    " JOIN cases c ON c.id = i.case_id"
                    " LEFT JOIN transcripts t ON t.interaction_id = i.id")
PROMISES_SQL = ("SELECT p.uid, c.uid, i.uid, p.text, p.due_at, p.status FROM promises p"
                " JOIN cases c ON c.id = p.case_id LEFT JOIN interactions i"
                " ON i.id = p.interaction_id")
REFS_SQL = "SELECT c.uid, r.kind, r.value FROM case_refs r JOIN cases c ON c.id = r.case_id"
# The search index row of each case and contact, named by the owner's uid.
# The counters kept by triggers: contacts per company and channel, each case's digest
# (its contact ids swapped for uids, as the two notebooks number contacts differently).
CHANNELS_SQL = ("SELECT co.name, k.channel, k.progress, k.contacts FROM company_channels k"
                " JOIN companies co ON co.id = k.company_id")
DIGESTS_SQL = ("SELECT c.uid, d.contacts, d.hold_total, d.hold_max, d.held, d.first_at,"
               " d.last_at, (SELECT uid FROM interactions WHERE id = d.last_id), d.last_channel,"
               " d.last_outcome, d.last_direction, d.streak, d.streak_channels, d.channels,"
               " d.to_seller, d.escalated, d.complained_at, d.final_at, d.live_at"
               " FROM cases c LEFT JOIN case_digests d ON d.case_id = c.id")
INDEX_SQL = ("SELECT coalesce((SELECT uid FROM cases WHERE id = -s.rowid),"
             " (SELECT uid FROM interactions WHERE id = s.rowid)),"
             " s.case_id IS NOT NULL, s.title, s.refs, s.people, s.body FROM search_index s")


def test_counts_and_shape(generated):
    store, result = generated
    counts = result["counts"]
    assert counts["cases"] == 200 and counts["interactions"] == 2000
    for table in ("companies", "cases", "case_refs", "interactions", "transcripts", "promises"):
        assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == counts[table]
    statuses = store.status_counts()
    closed = statuses["resolved"] + statuses["abandoned"]
    assert 0.6 <= closed / 200 <= 0.9            # mostly closed, as a long-kept notebook is
    assert statuses["open"] and statuses["waiting"]
    channels = {r[0] for r in store.conn.execute("SELECT DISTINCT channel FROM interactions")}
    assert len(channels) >= 8


def test_same_end_state_as_the_store_api(generated, tmp_path):
    store, _ = generated
    out = io.StringIO()
    store.export_json(out)
    with Store(tmp_path / "api.db") as api:
        api.import_records(json.loads(out.getvalue()))
        for sql in (CASES_SQL, INTERACTIONS_SQL, PROMISES_SQL, REFS_SQL, INDEX_SQL,
                    CHANNELS_SQL, DIGESTS_SQL):
            assert rows(store.conn, sql) == rows(api.conn, sql), sql
        for words in ("refund", "courier claim", "supervisor", "Priya"):
            bulk_hits = {(h.case_id, h.interaction_id) for h in store.search(words, limit=5000)}
            api_hits = {(h.case_id, h.interaction_id) for h in api.search(words, limit=5000)}
            assert bulk_hits and len(bulk_hits) == len(api_hits)
        # The denormalised columns are what the rows say.
        assert store.conn.execute(
            "SELECT count(*) FROM cases c WHERE contacts != (SELECT count(*) FROM interactions "
            "WHERE case_id = c.id) OR last_activity_at != max(opened_at, coalesce((SELECT "
            "max(started_at) FROM interactions WHERE case_id = c.id), ''))").fetchone()[0] == 0


def test_integrity_and_triggers_back(generated):
    store, _ = generated
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    triggers = {r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"cases_ai", "case_refs_ai", "interactions_ai", "transcripts_ai"} <= triggers
    # The notebook keeps working through the Store API afterwards.
    case = store.list_cases(status="open", limit=1).items[0]
    store.log_interaction(case.id, "chat", "info", notes="zanzibar follow-up after the bulk load",
                          started_at=NOW)
    assert store.get_case(case.id).contacts == case.contacts + 1
    assert store.search("zanzibar")[0].case_id == case.id


def test_no_card_numbers_in_generated_text(generated):
    store, _ = generated
    for (text,) in store.conn.execute(
            "SELECT notes FROM cases UNION ALL SELECT notes FROM interactions UNION ALL "
            "SELECT reference FROM interactions UNION ALL SELECT transcript_ref FROM interactions "
            "UNION ALL SELECT text FROM transcripts UNION ALL SELECT value FROM case_refs"):
        if text:
            assert mask_cards(text) == text


def test_deterministic(tmp_path):
    generate = load_generate().generate
    dumps = []
    for name in ("a.db", "b.db"):
        with Store(tmp_path / name) as store:
            generate(store, 30, 120, seed=11, now=NOW)
            dumps.append([rows(store.conn, sql) for sql in (CASES_SQL, INTERACTIONS_SQL)])
    assert dumps[0] == dumps[1]


def test_bulk_refuses_a_notebook_with_cases(generated):
    store, _ = generated
    with pytest.raises(StoreError, match="not empty"):
        bulk_insert(store, [], [], [], [], [], [])
