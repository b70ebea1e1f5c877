"""The demo notebook: about thirty cases that show every channel, outcome and stall.

The stall checks look at the raw rows (the conditions of DESIGN.md's stall rules), not at the
advice layer, so they say whether the demo *has* such cases, whatever the rules' code does.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tui.store import Store, StoreError
from tui.demo.notebook import build_demo
from tui.store.records import CHANNELS, DEAD_END_OUTCOMES, OUTCOMES, PROGRESS_OUTCOMES, REF_KINDS
from tui.store.times import to_iso

NOW = datetime(2026, 11, 25, 14, 30, tzinfo=timezone.utc)


def days_before(days: float) -> str:
    return to_iso(NOW - timedelta(days=days))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("demo") / "demo.db", clock=lambda: NOW)
    count = build_demo(store, NOW)
    yield store, count
    store.close()


@pytest.fixture(scope="module")
def active(demo):
    """Each open or waiting, not snoozed case's detail."""
    store, _ = demo
    return [store.get_detail(c.id) for c in store.iter_cases(status="active")
            if not (c.snoozed_until and c.snoozed_until > to_iso(NOW))]


def test_about_thirty_cases_across_companies(demo):
    store, count = demo
    assert 25 <= count <= 35
    assert store.count_cases() == count
    assert len(store.companies()) >= 8
    assert all(store.status_counts()[s] for s in ("open", "waiting", "resolved", "abandoned"))


def test_every_channel_and_outcome(demo):
    store, _ = demo
    channels = {r[0] for r in store.conn.execute("SELECT channel FROM interactions")}
    outcomes = {r[0] for r in store.conn.execute("SELECT outcome FROM interactions")}
    assert channels == set(CHANNELS)
    assert outcomes == set(OUTCOMES)
    assert {r[0] for r in store.conn.execute("SELECT direction FROM interactions")} == {"in", "out"}


def test_rich_records(demo):
    store, _ = demo
    conn = store.conn
    assert conn.execute("SELECT count(*) FROM transcripts").fetchone()[0] >= 1
    refs = [r[0] for r in conn.execute("SELECT transcript_ref FROM interactions "
                                       "WHERE transcript_ref IS NOT NULL")]
    assert any(r.startswith(("~/", "/")) for r in refs)          # a local file
    assert any(r.startswith("https://") for r in refs)           # a URL
    kinds = {r[0] for r in conn.execute("SELECT kind FROM case_refs")}
    assert len(kinds) >= 5 and kinds <= set(REF_KINDS)
    currencies = {r[0] for r in conn.execute("SELECT currency FROM cases WHERE amount NOT NULL")}
    assert len(currencies) >= 3 and None not in currencies
    assert conn.execute("SELECT count(*) FROM promises WHERE status = 'kept'").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM promises WHERE status = 'broken'").fetchone()[0]
    company = store.get_company("Amazon")
    assert company.phone and company.chat_url and "7 days" in company.notes


def test_closed_cases_close_in_the_past(demo):
    store, _ = demo
    for case in store.iter_cases():
        assert case.last_activity_at <= to_iso(NOW)
        if case.status in ("resolved", "abandoned"):
            assert case.closed_at and case.closed_at < days_before(1)


def test_a_snoozed_case(demo):
    store, _ = demo
    snoozed = [c for c in store.iter_cases(status="active")
               if c.snoozed_until and c.snoozed_until > to_iso(NOW)]
    assert len(snoozed) == 1


def test_cases_for_every_stall_rule(active):
    now = to_iso(NOW)

    def dead_ends(d):
        return len(d.interactions) >= 2 and all(i.dead_end for i in d.interactions[-2:])

    def broken_promise(d):
        return any(p.status == "pending" and p.due_at and p.due_at < now for p in d.promises)

    def gone_quiet(d):
        return d.case.last_activity_at < days_before(7) and not any(
            p.status == "pending" and p.due_at and p.due_at > now for p in d.promises)

    def long_single_hold(d):
        return any(i.hold_seconds >= 20 * 60 for i in d.interactions)

    def long_total_hold(d):
        return sum(i.hold_seconds for i in d.interactions) >= 45 * 60

    def many_contacts(d):
        return len(d.interactions) >= 5

    def wrong_door_shipping(d):
        return bool(d.case.seller) and d.case.category in ("shipping", "product_question") \
            and all(i.channel != "seller" for i in d.interactions)

    def wrong_door_refund(d):
        return bool(d.case.seller) and d.case.category == "refund" \
            and all(i.channel == "seller" for i in d.interactions)

    rules = (dead_ends, broken_promise, gone_quiet, long_single_hold, long_total_hold,
             many_contacts, wrong_door_shipping, wrong_door_refund)
    for rule in rules:
        assert any(rule(d) for d in active), rule.__name__
    # Healthy waiting cases: a promise still ahead, recent progress, and no stall at all.
    healthy = [d for d in active if d.case.status == "waiting" and not any(r(d) for r in rules)
               and d.interactions[-1].outcome in PROGRESS_OUTCOMES]
    assert len(healthy) >= 3
    assert any(i.outcome in DEAD_END_OUTCOMES for d in active for i in d.interactions)


def test_search_finds_refunds(demo):
    store, _ = demo
    hits = store.search("refund")
    assert len(hits) >= 5
    assert store.search("KitchenPro")


def test_demo_only_fills_an_empty_notebook(demo):
    store, _ = demo
    with pytest.raises(StoreError, match="already has cases"):
        build_demo(store, NOW)


def test_deterministic(demo, tmp_path):
    store, _ = demo
    sql = ("SELECT c.title, c.status, c.closed_at, i.channel, i.outcome, i.started_at, i.notes "
           "FROM cases c JOIN interactions i ON i.case_id = c.id ORDER BY c.id, i.id")
    with Store(tmp_path / "again.db", clock=lambda: NOW) as again:
        build_demo(again, NOW)
        assert again.conn.execute(sql).fetchall() == store.conn.execute(sql).fetchall()
