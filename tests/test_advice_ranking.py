"""ranking and explain over a real notebook: the same decisions as assess, most urgent first,
snoozes, the kept rows (re-assessed only when stale), and the channel counters behind them."""

from __future__ import annotations

import os

import pytest

from tui.advice import any_stalled, assess, default_playbook, explain, fingerprint, ranking
from tui.store import Store
from tui.store.times import from_iso, to_iso
from tui.store.records import OUTCOMES, PROGRESS_OUTCOMES

from advice_helpers import ago, contact, contacts, new_case
from conftest import NOW


@pytest.fixture
def notebook(store):
    """A handful of cases, each stalled in its own way, plus quiet and closed ones."""
    made = {}
    made["dead"] = new_case(store, "Acme", "dead ends", opened=ago(days=3))
    contacts(store, made["dead"].id, ["transferred", "refused"], start_days_ago=2)
    made["promise"] = new_case(store, "Acme", "broken promise", opened=ago(days=30))
    contact(store, made["promise"].id, "promised", ago(days=25), agent="Sam", reference="P-1",
            promise="refund", promise_due=ago(days=20))
    made["quiet"] = new_case(store, "Globex", "quiet", opened=ago(days=9))
    made["door"] = new_case(store, "MegaMart", "door", opened=ago(days=4), seller="Gadget Hut",
                            category="shipping")
    contact(store, made["door"].id, "info", ago(days=3), channel="chat")
    made["fine"] = new_case(store, "Globex", "all good", opened=ago(days=2))
    contact(store, made["fine"].id, "info", ago(days=1))
    made["closed"] = new_case(store, "Acme", "closed", opened=ago(days=90))
    contacts(store, made["closed"].id, ["transferred"] * 6, start_days_ago=80)
    store.set_status(made["closed"].id, "resolved")
    made["live"] = new_case(store, "Initech", "on the phone", opened=ago(days=2))
    contact(store, made["live"].id, None, ago(seconds=120))
    return made


def test_ranking_matches_assess_case_by_case(store, notebook):
    rows = ranking(store, NOW)
    active = {c.id for k, c in notebook.items() if k != "closed"}
    assert {r.case_id for r in rows} == active
    full = {a.case_id: a for a in explain(store, [r.case_id for r in rows], NOW)}
    for r in rows:
        detail = store.get_detail(r.case_id)
        one = assess(detail, NOW, history=lambda d=detail: store.channel_stats(d.case.company_id))
        assert full[r.case_id] == one
        assert (r.score, r.turn, r.rung, r.move, r.who, r.channel, r.due, r.stalled) == (
            one.score, one.turn, one.rung, one.next_move.line, one.next_move.who,
            one.next_move.channel, one.next_move.due, one.stalled)


def test_most_urgent_first_then_longest_untouched(store, notebook):
    rows = ranking(store, NOW)
    stalled = [r for r in rows if r.stalled]
    assert [r.score for r in stalled] == sorted((r.score for r in stalled), reverse=True)
    assert rows[0].case_id == notebook["promise"].id      # 6 + 20 days late, capped at 12
    calm = [r.case_id for r in rows if not r.stalled]
    assert calm == [notebook["live"].id, notebook["fine"].id]   # the most recently active first
    assert rows[-len(calm):] == [r for r in rows if not r.stalled]


def test_cases_due_soon_come_right_after_the_stalled(store, notebook):
    soon = new_case(store, "Initech", "due soon", opened=ago(days=2))
    contact(store, soon.id, "promised", ago(days=1), promise="refund", promise_due="2026-11-27")
    rows = ranking(store, NOW)
    calm = [r.case_id for r in rows if not r.stalled]
    assert calm == [soon.id, notebook["live"].id, notebook["fine"].id]


def test_ties_go_to_the_oldest_activity(store):
    newer = new_case(store, "A", "newer", opened=ago(days=8))
    older = new_case(store, "B", "older", opened=ago(days=8, seconds=60))
    rows = ranking(store, NOW)
    assert rows[0].score == rows[1].score
    assert [r.case_id for r in rows] == [older.id, newer.id]


def test_a_snooze_keeps_findings_but_scores_zero_until_it_expires(store, notebook):
    case = notebook["dead"]
    store.snooze(case.id, "2026-11-30")
    snoozed = assess(store.get_detail(case.id), NOW)
    assert snoozed.snoozed and not snoozed.stalled and snoozed.score == 0
    assert snoozed.turn == "nobody" and snoozed.next_move.who == "nobody"
    assert [f.rule for f in snoozed.findings] == ["dead_ends"]
    assert snoozed.findings[0].score > 0          # the finding keeps its own term
    row = next(r for r in ranking(store, NOW) if r.case_id == case.id)
    # gone_quiet could start under the snooze, a week after the last contact
    assert (row.snoozed, row.stalled, row.changes_at) == (True, False, "2026-11-30T13:00:00Z")
    woken = assess(store.get_detail(case.id), NOW.replace(month=12, day=1))
    assert woken.stalled and not woken.snoozed and woken.score > 0
    store.snooze(case.id, None)
    assert assess(store.get_detail(case.id), NOW).stalled


def test_an_unchanged_notebook_reruns_no_rules(store, notebook):
    """Kept rows are read back; a write makes only its own case stale again."""
    first = ranking(store, NOW)
    pb = default_playbook()
    assert store.advice_stale(to_iso(NOW), fingerprint(pb)) == []
    assert ranking(store, NOW) == first
    contact(store, notebook["fine"].id, "transferred", ago(seconds=60))
    # the case, and the other Globex case: the company's channel record changed
    assert store.advice_stale(to_iso(NOW), fingerprint(pb)) == [notebook["quiet"].id,
                                                                notebook["fine"].id]
    assert any_stalled(store, NOW)


def test_the_clock_alone_makes_a_row_stale_at_changes_at(store):
    case = new_case(store, opened=ago(days=3))
    contact(store, case.id, "promised", ago(days=2), promise="refund", promise_due="2026-11-27")
    row, = ranking(store, NOW)
    assert (row.turn, row.stalled, row.changes_at) == ("theirs", False, "2026-11-28T00:00:00Z")
    later = from_iso(row.changes_at)
    assert store.advice_stale(row.changes_at, fingerprint(default_playbook())) == [case.id]
    row, = ranking(store, later)
    assert (row.stalled, row.rule) == (True, "broken_promise")


def test_a_read_only_notebook_is_ranked_without_saving(db_path, store, notebook):
    store.close()
    os.chmod(db_path, 0o400)
    try:
        ro = Store(db_path, clock=lambda: NOW)
        try:
            rows = ranking(ro, NOW)
            assert rows[0].case_id == notebook["promise"].id
            assert any_stalled(ro, NOW)
        finally:
            ro.close()
    finally:
        os.chmod(db_path, 0o600)


def test_channel_stats_count_progress_per_channel_over_the_company(store, notebook):
    acme = notebook["dead"].company_id
    # Acme: 1 promise, 2 + 6 dead ends (the resolved case counts too), nothing live
    assert store.channel_stats(acme) == {"phone": (1, 9)}
    contact(store, notebook["dead"].id, "resolved", ago(seconds=30), channel="chat")
    assert store.channel_stats(acme)["chat"] == (1, 1)     # the counters saw the write


# What company_channels must say: counted from the contacts themselves.
# A promised contact is progress with its promise recorded.
COUNTED = ("SELECT c.company_id, i.channel, sum(i.outcome IN ({progress}) AND (i.outcome != "
           "'promised' OR EXISTS (SELECT 1 FROM promises p WHERE p.interaction_id = i.id))), "
           "count(*) "
           "FROM interactions i JOIN cases c ON c.id = i.case_id WHERE i.outcome IS NOT NULL "
           "GROUP BY 1, 2 ORDER BY 1, 2")
KEPT = ("SELECT company_id, channel, progress, contacts FROM company_channels "
        "WHERE contacts > 0 ORDER BY 1, 2")


def assert_counters_match(store):
    progress = ", ".join(f"'{o}'" for o in PROGRESS_OUTCOMES)
    assert store.conn.execute(KEPT).fetchall() == store.conn.execute(
        COUNTED.format(progress=progress)).fetchall()
    assert store.conn.execute("SELECT count(*) FROM company_channels WHERE contacts < 0 "
                              "OR progress < 0 OR progress > contacts").fetchone()[0] == 0


def test_channel_counters_follow_every_kind_of_write(store, notebook):
    assert_counters_match(store)
    case = new_case(store, "Initech", "moves around", opened=ago(days=9))
    for outcome in sorted(OUTCOMES):                            # every outcome, once
        contact(store, case.id, outcome, ago(days=8), channel="email",
                promise="a reply" if outcome == "promised" else None)
    live = store.start_contact(case.id, "phone", started_at=ago(seconds=900))
    assert_counters_match(store)
    assert store.channel_stats(store.get_case(case.id).company_id) == {
        "email": (len(PROGRESS_OUTCOMES), len(OUTCOMES))}
    store.finish_contact(live.id, "info")
    first = store.get_detail(case.id).interactions[0]
    store.edit_interaction(first.id, channel="chat", outcome="refused")
    store.delete_interaction(store.get_detail(case.id).interactions[1].id)
    assert_counters_match(store)
    store.update_case(case.id, company="Acme")                 # the counts move along
    assert_counters_match(store)
    store.delete_case(notebook["dead"].id)
    store.delete_case(case.id)
    assert_counters_match(store)
