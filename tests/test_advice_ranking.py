"""assess_all over a real notebook: the same findings as assess, most urgent first, snoozes,
and the bulk reads behind it (channel_stats)."""

from __future__ import annotations

import pytest

from tui.advice import Finding, assess, assess_all
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


def test_assess_all_matches_assess_case_by_case(store, notebook):
    ranked = assess_all(store, NOW)
    active = {c.id for k, c in notebook.items() if k != "closed"}
    assert {a.case_id for a in ranked} == active
    for a in ranked:
        detail = store.get_detail(a.case_id)
        one = assess(detail, NOW, history=lambda d=detail: store.channel_stats(d.case.company_id))
        assert a.findings == one.findings and a.score == one.score
        assert a.case.id == a.case_id


def test_most_urgent_first_then_longest_untouched(store, notebook):
    ranked = assess_all(store, NOW)
    scores = [a.score for a in ranked]
    assert scores == sorted(scores, reverse=True)
    assert ranked[0].case_id == notebook["promise"].id      # 6 + 20 days late, capped at 12
    quiet_ones = [a for a in ranked if a.score == 0]
    assert [a.case_id for a in quiet_ones] == [notebook["fine"].id, notebook["live"].id]
    assert not any(a.stalled for a in quiet_ones)


def test_ties_go_to_the_oldest_activity(store):
    newer = new_case(store, "A", "newer", opened=ago(days=8))
    older = new_case(store, "B", "older", opened=ago(days=8, seconds=60))
    ranked = assess_all(store, NOW)
    assert ranked[0].score == ranked[1].score
    assert [a.case_id for a in ranked] == [older.id, newer.id]


def test_a_snooze_keeps_findings_but_scores_zero_until_it_expires(store, notebook):
    case = notebook["quiet"]
    store.snooze(case.id, "2026-11-30")
    snoozed = next(a for a in assess_all(store, NOW) if a.case_id == case.id)
    assert snoozed.snoozed and not snoozed.stalled and snoozed.score == 0
    assert [f.rule for f in snoozed.findings] == ["gone_quiet"]
    assert snoozed.findings[0].score > 0          # the finding keeps its own term
    woken = assess(store.get_detail(case.id), NOW.replace(month=12, day=1))
    assert woken.stalled and not woken.snoozed and woken.score > 0
    store.snooze(case.id, None)
    assert assess(store.get_detail(case.id), NOW).stalled


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


def test_findings_built_directly_or_worded_later_are_the_same_frozen_record():
    direct = Finding("gone_quiet", 3.0, ("last contact: x",), "Chase them.", "no contact",
                     (4,), terms=(("gone_quiet", 3.0),))
    later = Finding("gone_quiet", 3.0, interaction_ids=(4,), render=lambda: (
        "no contact", ["last contact: x"], "Chase them.", [("gone_quiet", 3.0)]))
    assert later == direct and hash(later) == hash(direct)
    assert later.evidence == ("last contact: x",) and later.breakdown == "3 (gone_quiet) = 3"
    with pytest.raises(AttributeError):
        direct.score = 0
