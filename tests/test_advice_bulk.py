"""The store's paths (ranking from facts, explaining a page) against the one-case path
(assess of get_detail), on generated data and on the cases whose facts are easy to get wrong:
the same decisions, scores and words whichever way a case is read."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from tui.advice import assess, default_playbook, explain, ranking
from tui.advice.clocks import Rules, pack_clocks
from tui.store import Store
from tui.store.companies import CompanyChanges
from tui.store import facts as store_facts
from tui.demo.notebook import build_demo

from advice_helpers import ago, contact, contacts, new_case
from conftest import NOW

GENERATE_PY = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
TIGHT = {"dead_end_streak": 1, "many_contacts": 2, "hold_one_minutes": 1,
         "hold_total_minutes": 3, "quiet_days": 1, "wrong_door_contacts": 2,
         "supervisor_after_promises": 3}
NOWS = [NOW, NOW + timedelta(days=12, hours=5)]


def tight_playbook():
    pb = default_playbook()
    return replace(pb, thresholds={**pb.thresholds, **TIGHT})


def active_ids(store) -> list[int]:
    return [row[0] for row in store.conn.execute(
        "SELECT id FROM cases WHERE status IN ('open', 'waiting') ORDER BY id")]


def assert_same_as_one_by_one(store, now, playbook=None) -> list:
    """explain (a page read through the store) and the ranking rows against
    assess(get_detail(id)) for every open or waiting case."""
    ids = active_ids(store)
    explained = explain(store, ids, now, playbook)
    rows = {r.case_id: r for r in ranking(store, now, playbook)}
    assert [a.case_id for a in explained] == ids and sorted(rows) == ids
    for a in explained:
        detail = store.get_detail(a.case_id)
        one = assess(detail, now, playbook,
                     history=lambda d=detail: store.channel_stats(d.case.company_id))
        assert a == one, a.case_id
        row = rows[a.case_id]
        assert (row.score, row.stalled, row.turn, row.rung, row.move, row.who, row.channel,
                row.due, row.changes_at) == (
            one.score, one.stalled, one.turn, one.rung, one.next_move.line,
            one.next_move.who, one.next_move.channel, one.next_move.due, one.changes_at)
        assert row.headline == (one.top.headline if one.stalled else row.headline)
    return explained


def add_edge_cases(store) -> None:
    """Cases whose summary is easy to get wrong."""
    dead = ["transferred", "no_progress", "disconnected", "refused", "restarted"]
    at = ago(days=9)
    # Two contacts started the same second: the older id comes first in the timeline.
    tie = new_case(store, "Tieco", "same second", opened=ago(days=10))
    contact(store, tie.id, "info", at, channel="chat")
    contact(store, tie.id, "refused", at)
    contact(store, tie.id, "transferred", at, channel="email")
    tie2 = new_case(store, "Tieco", "same second, progress last", opened=ago(days=10))
    contact(store, tie2.id, "refused", at)
    contact(store, tie2.id, "info", at)
    # Logged out of order: ids do not follow the timeline; one contact moved later on.
    late = new_case(store, "Orderly", "logged late", opened=ago(days=20))
    made = [contact(store, late.id, o, ago(days=d), channel=ch, agent="Kim", reference=ref)
            for o, d, ch, ref in [("no_progress", 2, "phone", "R-9"),
                                  ("info", 15, "chat", None),
                                  ("transferred", 3, "phone", None),
                                  ("escalated", 8, "email", "E")]]
    store.edit_interaction(made[1].id, started_at=ago(days=1))
    # A live contact after the last finished one, and one that is the only contact.
    live = new_case(store, "Livewire", "on hold now", opened=ago(days=30))
    contacts(store, live.id, dead[:3], start_days_ago=25)
    store.start_contact(live.id, "phone", started_at=ago(seconds=300))
    only_live = new_case(store, "Livewire", "only live", opened=ago(days=30))
    store.start_contact(only_live.id, "chat", started_at=ago(days=20))
    # Opened after its contacts started (a backdated log): the opened date moves back.
    backdated = new_case(store, "Orderly", "opened late", opened=ago(days=10))
    contacts(store, backdated.id, ["refused", "refused"], start_days_ago=30)
    # Promises: overdue, broken, kept, without a due date or a contact, on a live contact,
    # and one naming another case's contact.
    prom = new_case(store, "Promiseland", "many promises", opened=ago(days=50))
    contact(store, prom.id, "promised", ago(days=40), agent="Ana", agent_id="7",
            reference="P-1", promise="a refund", promise_due=ago(days=30))
    contact(store, prom.id, "promised", ago(days=35), promise="a callback",
            promise_due=ago(days=33))
    kept = contact(store, prom.id, "promised", ago(days=34), promise="a label",
                   promise_due=ago(days=31))
    broke = contact(store, prom.id, "info", ago(days=20), promise="a credit",
                    promise_due=ago(days=15))
    by_id = {p.interaction_id: p for p in store.get_detail(prom.id).promises}
    store.set_promise_status(by_id[kept.id].id, "kept")
    store.set_promise_status(by_id[broke.id].id, "broken")
    store.add_promise(prom.id, "an email, some day")
    store.add_promise(prom.id, "someone's word", due=ago(days=3),
                      interaction_id=contact(store, tie.id, "info", ago(days=8)).id)
    livep = store.start_contact(prom.id, "phone", started_at=ago(days=2))
    store.add_promise(prom.id, "during the call", due=ago(days=1), interaction_id=livep.id)
    ahead = new_case(store, "Promiseland", "promise ahead", opened=ago(days=60))
    contact(store, ahead.id, "promised", ago(days=50), promise="soon", promise_due=ago(days=-2))
    contact(store, ahead.id, "promised", ago(days=49), promise="late", promise_due=ago(days=9))
    # Holds at exactly the limits: one long hold, and a long total of short ones.
    held = new_case(store, "Holdings", "one long hold", opened=ago(days=6))
    contact(store, held.id, "info", ago(days=5), hold=1200, duration=3600)
    contact(store, held.id, "info", ago(days=4), hold=60, duration=600)
    total = new_case(store, "Holdings", "long in all", opened=ago(days=6))
    for k in range(3):
        contact(store, total.id, "info", ago(days=5, seconds=-k * 3600), hold=900, duration=1800)
    # Sellers: a refund only asked of the seller, a shipping question never asked of them.
    refund = new_case(store, "Bazaar", "refund from the seller", seller="Shop A",
                      category="refund", opened=ago(days=6))
    contacts(store, refund.id, ["info", "no_progress"], channel="seller", start_days_ago=5)
    ship = new_case(store, "Bazaar", "where is it", seller="Shop B", category="shipping",
                    opened=ago(days=6))
    contacts(store, ship.id, ["info", "refused", "refused"], start_days_ago=5)
    mixed = new_case(store, "Bazaar", "asked both", seller="Shop C", category="refund",
                     opened=ago(days=6))
    contact(store, mixed.id, "info", ago(days=5), channel="seller")
    contact(store, mixed.id, "info", ago(days=4), channel="chat")
    # Many contacts with channels and outcomes tied in count (their first use decides).
    many = new_case(store, "Tieco", "round in circles", opened=ago(days=30))
    for k, (ch, o) in enumerate([("email", "info"), ("chat", "refused"), ("chat", "info"),
                                 ("email", "refused"), ("phone", "escalated"),
                                 ("phone", "escalated")]):
        contact(store, many.id, o, ago(days=20, seconds=-k * 3600), channel=ch)
    # One channel failing where the company's history says another works.
    contacts(store, new_case(store, "Orderly", "chat works here").id, ["resolved"] * 3,
             channel="chat", start_days_ago=40)
    contacts(store, new_case(store, "Orderly", "phone keeps failing").id, dead[:3],
             start_days_ago=3)
    # Snoozed until later, and a snooze already over; no contact at all; closed cases.
    sleepy = new_case(store, "Globex", "snoozed", opened=ago(days=20))
    store.snooze(sleepy.id, (NOW + timedelta(days=3)).date().isoformat())
    woke = new_case(store, "Globex", "snooze over", opened=ago(days=20))
    store.snooze(woke.id, (NOW - timedelta(days=3)).date().isoformat())
    new_case(store, "Globex", "never contacted", opened=ago(days=200))
    gone = new_case(store, "Globex", "closed", opened=ago(days=20))
    contacts(store, gone.id, dead, start_days_ago=15)
    store.set_status(gone.id, "abandoned")


# Notebooks made before the covering index keep the first one (same schema version).
FIRST_INDEX = "CREATE INDEX interactions_case ON interactions(case_id, started_at, id)"


@pytest.fixture(scope="module", params=["index", "first index"])
def generated(tmp_path_factory, request):
    """Generated data (bench/generate.py, small) plus the edge cases, with either index."""
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    store = Store(tmp_path_factory.mktemp("bulk") / "notebook.db", clock=lambda: NOW)
    module.generate(store, 400, 4000, seed=5, now=NOW)
    add_edge_cases(store)
    if request.param == "first index":
        store.conn.executescript(f"DROP INDEX interactions_case; {FIRST_INDEX};")
    yield store
    store.close()


@pytest.mark.parametrize("now", NOWS, ids=["now", "later"])
@pytest.mark.parametrize("tight", [False, True], ids=["packaged", "tight"])
def test_generated_and_edge_cases_match_one_by_one(generated, now, tight):
    explained = assert_same_as_one_by_one(generated, now, tight_playbook() if tight else None)
    rules = {f.rule for a in explained for f in a.findings}
    assert {"dead_ends", "broken_promise", "gone_quiet", "long_hold", "many_contacts",
            "wrong_door", "first_contact"} <= rules


@pytest.mark.parametrize("now", NOWS, ids=["now", "later"])
def test_the_demo_matches_one_by_one(store, now):
    build_demo(store, NOW)
    assert_same_as_one_by_one(store, now)
    assert_same_as_one_by_one(store, now, tight_playbook())


def test_small_pages_change_nothing(generated, monkeypatch):
    ids = active_ids(generated)
    whole = explain(generated, ids, NOW)
    monkeypatch.setattr(store_facts, "PAGE", 7)
    assert explain(generated, ids, NOW) == whole
    pages = list(generated.iter_case_facts(NOW.isoformat(), 1200, 2700))
    assert max(map(len, pages)) == 7 and sum(map(len, pages)) == len(whole)


def test_ranking_reads_no_contact(generated, monkeypatch):
    calls = []
    real = generated.contacts_for
    monkeypatch.setattr(generated, "contacts_for", lambda ids: calls.append(ids) or real(ids))
    generated.conn.execute("DELETE FROM case_advice")
    rows = ranking(generated, NOW)
    assert calls == [] and rows and all(r.headline for r in rows if r.stalled)


def refund_promised(store, company: str) -> int:
    case = new_case(store, company, "refund promised", opened=ago(days=20), want="refund")
    contact(store, case.id, "promised", ago(days=9), promise="a refund to your card",
            promise_due=ago(days=-30))
    return case.id


def test_a_refund_promise_is_read_when_a_policy_counts_from_it(store):
    """Ranking reads the refund promises only when a clock counts from them: a company
    policy that does is seen by the ranking as by the one-case path (deadline, changes_at)."""
    store.add_company("Refundco")
    store.edit_company("Refundco", CompanyChanges(
        policies=["refund processing: 10 working days from the refund promise"]))
    case_id = refund_promised(store, "Refundco")
    explained = assert_same_as_one_by_one(store, NOW)
    assert [f.rule for f in explained[0].findings] == ["deadline"] and explained[0].case_id \
        == case_id


def test_a_refund_promise_is_read_when_a_clock_in_force_counts_from_it(store):
    """The same for a pack clock switched on (the air refund clock counts from it too)."""
    refund_promised(store, "Airline")
    clocks = tuple(replace(c, enabled=True) if c.key == "eu_air_refund" else c
                   for c in pack_clocks())
    playbook = replace(default_playbook(), rules=Rules(clocks, ("card", "EU")))
    explained = assert_same_as_one_by_one(store, NOW, playbook)
    assert "deadline" in {f.rule for f in explained[0].findings}


def test_a_refund_promise_is_read_when_a_clock_closes_sooner_on_it(store):
    """A clock of the user's that opens its door sooner on a refund promise reads it too."""
    from tui.advice.clocks import parse_clocks
    refund_promised(store, "Airline")
    mine = parse_clocks('[[clock]]\nkey = "door"\nname = "A door"\njurisdiction = "mine"\n'
                        'starts = "opened"\nperiod = "60 days"\nkind = "opens"\n'
                        'sooner_on = ["refund_promise"]\naction = "Go."\n'
                        'source = { title = "mine" }\n', "rules.toml", origin="user")
    playbook = replace(default_playbook(), rules=Rules((*pack_clocks(), *mine)))
    explained = assert_same_as_one_by_one(store, NOW, playbook)
    assert "deadline" in {f.rule for f in explained[0].findings}
