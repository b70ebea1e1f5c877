"""What the advice reads (tui/store/facts.py): case_digests kept by triggers equal to the
set-wise view, the SQL facts equal to the Python ones worked out from a CaseDetail, over many
generated cases with ties, live contacts, bare `promised` contacts, milestones and holds
outside the window; and the upgrade from schema 3."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

from tui.store import Store, schema
from tui.store.facts import ContactFact, facts_from_detail
from tui.store.records import CHANNELS, OUTCOMES, Ref
from conftest import NOW

FIXTURES = Path(__file__).parent / "fixtures"
HOLD_SINCE = "2026-10-25T12:00:00Z"
KEPT_VS_VIEW = ("SELECT * FROM case_digests EXCEPT SELECT * FROM case_digest_rows "
                "UNION ALL SELECT * FROM case_digest_rows EXCEPT SELECT * FROM case_digests")


def all_facts(store, ids=None, page=None):
    return {f.id: f for p in store.iter_case_facts(HOLD_SINCE, 1200, 2700, ids=ids, page=page)
            for f in p}


def python_facts(store, case_id):
    return facts_from_detail(store.get_detail(case_id), HOLD_SINCE, 1200, 2700)


def bare(store, contact_id: int) -> None:
    """A promised contact whose promise is gone (older notebooks and imports have them)."""
    with store.write():
        store.conn.execute("DELETE FROM promises WHERE interaction_id = ?", (contact_id,))


def fill(store, seed: int, cases: int = 60) -> list[int]:
    """Cases of every shape, through the Store API (so the triggers keep case_digests)."""
    rng = random.Random(seed)
    ids = []
    for n in range(cases):
        case = store.create_case(rng.choice(["Amazon", "Bank", "Telco"]), f"case {n}",
                                 opened_at="2026-09-01T08:00", seller=rng.choice([None, "Gad"]),
                                 want=rng.choice(["refund", "repair"]),
                                 statement_on=rng.choice([None, "2026-10-03"]),
                                 cancelled_on=rng.choice([None, "2026-11-02"]))
        ids.append(case.id)
        for _ in range(rng.choice([0, 1, 2, 3, 5, 8])):
            # Few distinct times, so ties in started_at are common (the id breaks them).
            day = rng.randrange(2, 28)
            at = f"2026-{rng.choice(['09', '10', '11'])}-{day:02d}T{rng.choice(['09', '10'])}:00"
            if at > "2026-11-25T12:00":
                at = "2026-11-24T10:00"
            outcome = rng.choice(OUTCOMES)
            extra = {}
            if outcome == "promised":
                extra = {"promise": "refund", "promise_due": rng.choice([None, "2026-12-01"])}
            elif rng.random() < 0.2:
                extra = {"asked": "send photos", "asked_due": rng.choice([None, "2026-11-30"])}
            if rng.random() < 0.15:
                extra["milestone"] = rng.choice(["formal_complaint", "final_response"])
            contact = store.log_interaction(case.id, rng.choice(CHANNELS), outcome,
                                            started_at=at, direction=rng.choice(["in", "out"]),
                                            hold=rng.choice([0, 0, 300, 1500, 3000]), **extra)
            if outcome == "promised" and rng.random() < 0.5:
                bare(store, contact.id)
        if rng.random() < 0.2:
            store.start_contact(case.id, "phone", started_at="2026-11-25T11:00")
        if rng.random() < 0.3:
            # Only a word that starts with "refund" names one ("nonrefundable" does not).
            text = rng.choice(["call back", "Refund the fee", "nonrefundable, sorry"])
            p = store.add_promise(case.id, text, rng.choice([None, "2026-11-30"]),
                                  party=rng.choice(["company", "me"]))
            if rng.random() < 0.5:
                store.set_promise_status(p.id, rng.choice(["broken", "kept"]))
    return ids


def test_sql_facts_equal_the_python_ones(store):
    ids = fill(store, seed=3)
    kept = all_facts(store, ids=ids)
    assert sorted(kept) == ids
    for case_id in ids:
        assert kept[case_id] == python_facts(store, case_id), case_id
    # The shapes the test means to cover are there.
    facts = list(kept.values())
    assert any(f.streak >= 2 for f in facts) and any(f.live_at for f in facts)
    assert any(f.complained_at for f in facts) and any(f.final_at for f in facts)
    assert any(p.party == "me" for f in facts for p in f.promises)
    assert any(p.status == "broken" and p.settled_at for f in facts for p in f.promises)
    assert any(f.holds for f in facts) and any(f.hold_max >= 1200 and not f.holds
                                               or len(f.holds) < f.held for f in facts)
    assert any(f.contacts == 0 and f.live_at for f in facts)
    assert any(f.statement_on for f in facts) and any(f.cancelled_on for f in facts)
    assert any(f.refund_promise_at for f in facts) and any(
        f.want == "refund" and not f.refund_promise_at for f in facts)


def test_the_clock_events_of_the_facts_equal_the_clocks_case_dates(store):
    """The deadline rule reads the clock start events off CaseFacts; the rules pack reads
    them off a CaseDetail (clocks.case_dates): the same dates, refund promise included."""
    from tui.advice.clocks import case_dates
    from tui.advice.deadlines import FACT_EVENTS
    ids = fill(store, seed=5)
    kept = all_facts(store, ids=ids)
    for case_id in ids:
        f = kept[case_id]
        got = {e: getattr(f, name) for e, name in FACT_EVENTS.items() if getattr(f, name)}
        assert got == case_dates(store.get_detail(case_id)), case_id
    assert any("refund_promise" in case_dates(store.get_detail(i)) for i in ids)


def test_the_kept_digests_equal_the_set_wise_view(store):
    fill(store, seed=5)
    assert store.conn.execute(KEPT_VS_VIEW).fetchall() == []
    assert store.conn.execute("SELECT count(*) FROM case_digests").fetchone()[0] == \
        store.conn.execute("SELECT count(DISTINCT case_id) FROM interactions").fetchone()[0]


def test_digests_follow_every_kind_of_write(store):
    a = store.create_case("Amazon", "a", opened_at="2026-11-01")
    first = store.log_interaction(a.id, "phone", "transferred", started_at="2026-11-10T10:00",
                                  hold=120)
    tie = store.log_interaction(a.id, "chat", "refused", started_at="2026-11-10T10:00")
    bare_one = store.log_interaction(a.id, "email", "promised", started_at="2026-11-11T10:00",
                                     promise="refund")
    bare(store, bare_one.id)

    def row():
        return store.conn.execute("SELECT contacts, hold_total, last_id, last_outcome, streak, "
                                  "streak_channels, channels FROM case_digests WHERE case_id = ?",
                                  (a.id,)).fetchone()
    # The promised contact with no promise is a dead end: three in a row, on three channels.
    assert row() == (3, 120, bare_one.id, "no_progress", 3, 3, 3)
    store.add_promise(a.id, "refund", "2026-12-01", interaction_id=bare_one.id)
    assert row() == (3, 120, bare_one.id, "promised", 0, 0, 3)
    store.edit_interaction(tie.id, started_at="2026-11-12T10:00")   # now the last one
    assert row() == (3, 120, tie.id, "refused", 1, 1, 3)
    for i in (tie, bare_one, first):
        store.delete_interaction(i.id)
    assert row() is None
    live = store.start_contact(a.id, "phone", started_at="2026-11-25T11:00")
    assert store.conn.execute("SELECT contacts, live_at FROM case_digests WHERE case_id = ?",
                              (a.id,)).fetchone() == (0, "2026-11-25T11:00:00Z")
    store.finish_contact(live.id, "info", milestone="formal_complaint")
    assert python_facts(store, a.id) == all_facts(store)[a.id]
    assert all_facts(store)[a.id].complained_at == "2026-11-25T11:00:00Z"
    assert store.conn.execute(KEPT_VS_VIEW).fetchall() == []


def test_pages_and_ids(store):
    ids = fill(store, seed=7, cases=25)
    store.set_status(ids[0], "resolved")
    active = all_facts(store, page=4)
    assert ids[0] not in active and sorted(active) == sorted(
        i for i in ids if store.get_case(i).status in ("open", "waiting"))
    # Asked by id, a case is read whatever its status; unknown ids are left out.
    assert sorted(all_facts(store, ids=[ids[0], 10_000, ids[1]])) == [ids[0], ids[1]]
    assert [len(p) for p in store.iter_case_facts(HOLD_SINCE, 1200, 2700, ids=ids, page=10)] \
        == [10, 10, 5]


def test_contacts_refs_and_companies(store):
    a = store.create_case("Amazon", "a", refs=[("order", "112-1"), ("ticket", "T-9")],
                          opened_at="2026-11-01")
    late = store.log_interaction(a.id, "phone", "info", started_at="2026-11-12T10:00",
                                 agent="Priya", reference="R-1", direction="in")
    early = store.log_interaction(a.id, "chat", "promised", started_at="2026-11-11T10:00",
                                  milestone="final_response", promise="refund")
    store.start_contact(a.id, "phone")
    contacts = store.contacts_for([a.id, 999])
    assert contacts == {a.id: (
        ContactFact(early.id, a.id, "chat", "out", "2026-11-11T10:00:00Z", 0, "promised", None,
                    None, None, "final_response"),
        ContactFact(late.id, a.id, "phone", "in", "2026-11-12T10:00:00Z", 0, "info", "Priya",
                    None, "R-1", None))}
    assert store.refs_for([a.id]) == {a.id: (Ref("order", "112-1"), Ref("ticket", "T-9"))}
    company = store.get_case(a.id).company_id
    assert store.companies_by_id([company])[company].name == "Amazon"


def test_the_upgrade_from_schema_3_fills_the_digests(tmp_path):
    path = tmp_path / "v3.db"
    shutil.copy(FIXTURES / "notebook-v3.db", path)
    old = sqlite3.connect(path)
    settled = old.execute("SELECT count(*) FROM promises WHERE status <> 'pending'").fetchone()[0]
    old.close()
    with Store(path, clock=lambda: NOW) as store:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()
        assert "digest" not in {r[1] for r in conn.execute("PRAGMA table_info(cases)")}
        assert conn.execute("SELECT count(*) FROM case_digests").fetchone()[0] == 3
        assert conn.execute(KEPT_VS_VIEW).fetchall() == []
        facts = all_facts(store, ids=[c.id for c in store.iter_cases()])
        for case_id, f in facts.items():
            assert f == python_facts(store, case_id)
        assert conn.execute("SELECT count(*) FROM promises WHERE settled_at IS NOT NULL"
                            ).fetchone()[0] == settled
        # From here on the triggers keep them.
        case = next(iter(facts))
        store.log_interaction(case, "phone", "refused", started_at="2026-11-25T11:00",
                              milestone="formal_complaint")
        assert all_facts(store, ids=[case])[case] == python_facts(store, case)
        assert conn.execute(KEPT_VS_VIEW).fetchall() == []
    assert list(tmp_path.glob("v3.db.v3-*.bak"))


def test_the_upgrade_matches_a_new_notebook(tmp_path):
    """The frozen step makes the same tables, columns and triggers as schema.sql."""
    path = tmp_path / "v3.db"
    shutil.copy(FIXTURES / "notebook-v3.db", path)
    Store(path, clock=lambda: NOW).close()
    Store(tmp_path / "new.db", clock=lambda: NOW).close()

    def shape(p):
        conn = sqlite3.connect(p)
        names = {(t, n) for t, n in conn.execute("SELECT type, name FROM sqlite_master "
                                                 "WHERE name NOT LIKE 'sqlite_%'")}
        columns = {t: {r[1:4] for r in conn.execute(f"PRAGMA table_info({t})")}
                   for k, t in names if k == "table" and not t.startswith("search_index")}
        conn.close()
        return names, columns
    assert shape(path) == shape(tmp_path / "new.db")


def test_a_bulk_loaded_notebook_has_the_same_digests_and_facts(tmp_path):
    """bench/generate.py fills case_digests set-wise (bulk.py): the same rows the triggers
    keep, and facts equal to the Python ones, asks and milestones included."""
    import importlib.util
    path = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Store(tmp_path / "bulk.db", clock=lambda: NOW) as store:
        module.generate(store, 400, 4000, seed=5, now=NOW)
        conn = store.conn
        assert conn.execute(KEPT_VS_VIEW).fetchall() == []
        assert conn.execute("SELECT count(*) FROM case_digests").fetchone()[0] == 400
        # Made again case by case, the kept rows do not change.
        before = conn.execute("SELECT * FROM case_digests ORDER BY case_id").fetchall()
        with store.write():
            conn.execute("INSERT INTO case_digest_refresh (case_id) SELECT id FROM cases")
        assert conn.execute("SELECT * FROM case_digests ORDER BY case_id").fetchall() == before
        facts = all_facts(store)
        assert len(facts) > 50
        for case_id, f in facts.items():
            assert f == python_facts(store, case_id), case_id
        assert conn.execute("SELECT count(*) FROM promises WHERE party = 'me'").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM interactions WHERE milestone IS NOT NULL"
                            ).fetchone()[0]


def test_one_read_gives_the_commitments_and_the_first_refund_promise(store):
    """The pending and broken commitments and the refund promise (of any status, the
    company's only) come from one query: a kept refund promise still dates the refund."""
    case = store.create_case("Shop", "Lamp", opened_at="2026-09-01T08:00", want="refund")
    first = store.log_interaction(case.id, "phone", "promised", started_at="2026-10-02T09:00",
                                  promise="Refund the lamp", promise_due="2026-10-09")
    kept = [p for p in store.get_detail(case.id).promises if p.interaction_id == first.id][0]
    store.set_promise_status(kept.id, "kept")
    store.log_interaction(case.id, "chat", "promised", started_at="2026-10-20T10:00",
                          promise="call back", promise_due="2026-11-30")
    store.add_promise(case.id, "refund form", "2026-09-15", party="me")
    broken = store.add_promise(case.id, "nonrefundable fee back", None)
    store.set_promise_status(broken.id, "broken")
    [facts] = all_facts(store, ids=[case.id]).values()
    assert facts.refund_promise_at == "2026-10-02T09:00:00Z"
    assert [(p.text, p.status) for p in facts.promises] == [
        ("nonrefundable fee back", "broken"), ("refund form", "pending"),
        ("call back", "pending")]
    assert facts == python_facts(store, case.id)


def test_channel_stats_of_many_companies_equal_one_at_a_time(store):
    ids = fill(store, seed=8, cases=30)
    companies = {store.get_case(i).company_id for i in ids}
    quiet = store.create_case("Nobody Called", "x", opened_at="2026-09-01T08:00").company_id
    many = store.channel_stats_of(companies | {quiet})
    assert many == {c: store.channel_stats(c) for c in companies | {quiet}}
    assert many[quiet] == {} and any(many[c] for c in companies)
