"""The stall rules on real notebooks: each rule's boundaries (just under, exactly at, over),
what silences it, its evidence and advice, and which cases get nothing at all."""

from __future__ import annotations

import pytest

from tui.advice import assess
from tui.store.records import Case, CaseDetail, Interaction

from advice_helpers import ago, contact, contacts, findings, new_case
from conftest import NOW

DEAD = ["transferred", "no_progress", "disconnected", "refused", "restarted"]


# -- dead_ends --------------------------------------------------------------------------------
@pytest.mark.parametrize("outcomes, streak", [
    (["transferred"], None),                                # one dead end: under
    (["info", "transferred"], None),
    (["transferred", "info", "refused"], None),             # broken by progress
    (["transferred", "no_progress"], 2),                    # exactly at the threshold
    (["info", "disconnected", "refused", "restarted"], 3),  # over
    (DEAD, 5),
])
def test_dead_ends_boundaries(store, outcomes, streak):
    case = new_case(store, opened=ago(days=5))
    made = contacts(store, case.id, outcomes)
    found = findings(store, case.id).get("dead_ends")
    if streak is None:
        assert found is None
        return
    assert found.press_restart
    assert found.headline == f"{streak} dead-end contacts in a row"
    assert found.contact_ids == tuple(i.id for i in made[-streak:])
    assert found.score == 4.0 + (streak - 2) * 1.0
    assert [line.split(" ")[0] for line in found.evidence] == outcomes[-streak:]


def test_dead_ends_ignore_a_live_contact(store):
    case = new_case(store, opened=ago(days=5))
    contacts(store, case.id, ["no_progress", "refused"])
    contact(store, case.id, None, ago(seconds=60))      # on the phone right now
    assert "dead_ends" in findings(store, case.id)


def test_dead_end_evidence_names_date_channel_agent_and_reference(store):
    case = new_case(store, opened=ago(days=5))
    contact(store, case.id, "transferred", "2026-11-20T10:00:00Z", agent="Priya",
            agent_id="4411", reference="R-1")
    contact(store, case.id, "disconnected", "2026-11-22T09:30:00Z", channel="chat")
    found = findings(store, case.id)["dead_ends"]
    assert found.evidence == (
        "transferred 2026-11-20 10:00 (phone, agent Priya #4411, ref R-1)",
        "disconnected 2026-11-22 09:30 (chat)")
    # mixed channels: no channel to blame, so another agent and then a supervisor
    assert found.advice.startswith("Press restart")
    assert "supervisor" in found.advice


def test_dead_ends_on_one_channel_without_history_name_chat(store):
    case = new_case(store, opened=ago(days=5),
                    company_details={"chat_url": "https://acme.example/chat"})
    contacts(store, case.id, ["transferred", "no_progress"], channel="phone")
    advice = findings(store, case.id)["dead_ends"].advice
    assert "All of them were by phone; next, try chat (https://acme.example/chat)" in advice
    assert "routes you to an agent who knows" in advice


def test_dead_ends_on_chat_without_history_name_email(store):
    case = new_case(store, opened=ago(days=5))
    contacts(store, case.id, ["transferred", "refused"], channel="chat")
    assert "next, try e-mail" in findings(store, case.id)["dead_ends"].advice


def test_dead_ends_name_the_channel_that_worked_before_with_this_company(store):
    old = new_case(store, "Acme", "Earlier trouble", opened=ago(days=60))
    contacts(store, old.id, ["info", "info", "escalated"], channel="letter",
             start_days_ago=50)
    contacts(store, old.id, ["transferred", "no_progress"], channel="chat", start_days_ago=40)
    other = new_case(store, "Globex", "Elsewhere", opened=ago(days=60))
    contacts(store, other.id, ["info"] * 4, channel="email", start_days_ago=45)
    case = new_case(store, "Acme", opened=ago(days=5))
    contacts(store, case.id, ["transferred", "disconnected"], channel="phone")
    advice = findings(store, case.id)["dead_ends"].advice
    # letter made progress 3 of 3 times at Acme; Globex's e-mail record is not Acme's
    assert "next, try a letter: 3 of your 3 contacts with Acme by a letter made progress" \
        in advice


# -- broken_promise ---------------------------------------------------------------------------
@pytest.mark.parametrize("due, broken", [
    (ago(days=-1), False),        # due tomorrow
    (ago(), False),               # due this very second: not passed yet
    (ago(seconds=1), True),       # one second late
    (ago(days=3), True),
])
def test_broken_promise_boundaries(store, due, broken):
    case = new_case(store, opened=ago(days=10))
    contact(store, case.id, "promised", ago(days=6), agent="Sam", reference="T-9",
            promise="send a replacement", promise_due=due)
    found = findings(store, case.id).get("broken_promise")
    assert (found is not None) == broken
    if broken:
        assert found.advice.startswith('Follow up now and cite it: Sam promised on '
                                       f'{ago(days=6)[:10]} to "send a replacement" by '
                                       f'{due[:10]} (reference T-9).')
        assert "supervisor" not in found.advice
        assert found.evidence[0].startswith(f'Sam promised on {ago(days=6)[:10]} to '
                                            '"send a replacement" (ref T-9): due')


def test_a_kept_promise_is_not_broken(store):
    case = new_case(store, opened=ago(days=10))
    contact(store, case.id, "promised", ago(days=6), promise="refund", promise_due=ago(days=2))
    store.set_promise_status(store.get_detail(case.id).promises[0].id, "kept")
    assert "broken_promise" not in findings(store, case.id)


def test_second_unkept_promise_asks_for_a_supervisor(store):
    case = new_case(store, opened=ago(days=20))
    contact(store, case.id, "promised", ago(days=15), agent="Ann", promise="call back",
            promise_due=ago(days=12))
    first = store.get_detail(case.id).promises[0]
    store.set_promise_status(first.id, "broken")
    contact(store, case.id, "promised", ago(days=8), agent="Bo", promise="refund",
            promise_due=ago(days=4))
    found = findings(store, case.id)["broken_promise"]
    # the one still owed is cited first; the one marked broken counts towards a supervisor
    assert "Bo promised" in found.advice and "ask for a supervisor" in found.advice
    assert "That makes 2 promises" in found.advice
    assert set(found.promise_ids) == {p.id for p in store.get_detail(case.id).promises}
    assert found.evidence[-1].startswith('Ann promised on') and "marked broken" in \
        found.evidence[-1]
    # base 6 + 4 days late x 0.5 + 1 more unkept promise x 2
    assert found.score == 10.0
    assert sum(v for _, v in found.terms) == pytest.approx(found.score)


# -- gone_quiet -------------------------------------------------------------------------------
@pytest.mark.parametrize("last, quiet", [
    (ago(days=7, seconds=-1), False),   # a second short of a week
    (ago(days=7), True),                # exactly a week
    (ago(days=9), True),
])
def test_gone_quiet_boundaries(store, last, quiet):
    case = new_case(store, opened=ago(days=30))
    contact(store, case.id, "info", last, reference="R-5")
    found = findings(store, case.id).get("gone_quiet")
    assert (found is not None) == quiet
    if quiet:
        assert found.evidence == (f"last contact: {last[:10]} {last[11:16]} (phone, ref R-5)",)
        assert f"citing your last contact on {last[:10]}, reference R-5" in found.advice


def test_no_contact_yet_is_your_first_move_not_silence(store):
    """A case with no contact is your turn: never 'gone quiet', a first move after a week."""
    assert not findings(store, new_case(store, opened=ago(days=6)).id)
    case = new_case(store, opened=ago(days=8))
    found = findings(store, case.id)
    assert list(found) == ["first_contact"]
    assert found["first_contact"].headline == "no contact yet, 8 days after opening"
    assert found["first_contact"].evidence == (
        f"opened {ago(days=8)[:10]}, no contact logged since",)
    assert found["first_contact"].score == 3.25


@pytest.mark.parametrize("due", [ago(days=-2), ago()])     # later, or due this very second
def test_a_promise_still_to_come_silences_gone_quiet(store, due):
    case = new_case(store, opened=ago(days=30))
    contact(store, case.id, "promised", ago(days=20), promise="refund", promise_due=due)
    assert not {"gone_quiet", "broken_promise"} & findings(store, case.id).keys()
    # once it is overdue it no longer excuses the silence: one finding covers those days
    later = findings(store, case.id, now=NOW.replace(month=12, day=5))
    assert list(later) == ["broken_promise"]


# -- long_hold --------------------------------------------------------------------------------
@pytest.mark.parametrize("holds, fires", [
    ([1199], False),              # 19m59s in one contact
    ([1200], True),               # 20m exactly
    ([840, 840, 780], False),     # 44m over the case
    ([900, 900, 900], True),      # 45m over the case
])
def test_long_hold_boundaries(store, holds, fires):
    case = new_case(store, opened=ago(days=5))
    for k, hold in enumerate(holds):
        contact(store, case.id, "info", ago(days=3, seconds=-7200 * k), duration=3600,
                hold=hold)
    found = findings(store, case.id).get("long_hold")
    assert (found is not None) == fires
    if fires:
        # the case's one channel: chat, since the holds were on the phone
        assert "callback" in found.advice and "contact them by chat" in found.advice


def test_long_hold_evidence_names_the_held_contact(store):
    case = new_case(store, opened=ago(days=5))
    contact(store, case.id, "info", ago(days=3), duration=3600, hold=300)
    held = contact(store, case.id, "info", ago(days=2), duration=3600, hold=1800, agent="Kim")
    found = findings(store, case.id)["long_hold"]
    assert found.contact_ids == (held.id,)
    assert found.headline == "held 30m in one contact"
    assert found.evidence[0].startswith("held 30m ") and "agent Kim" in found.evidence[0]
    assert found.evidence[-1] == "35m on hold in all, over 2 contacts in the last 30 days"
    assert found.score == 2.5       # 2 + 10 minutes over x 0.05


# -- many_contacts ----------------------------------------------------------------------------
@pytest.mark.parametrize("count, score", [(4, None), (5, 3.0), (7, 4.0)])
def test_many_contacts_boundaries(store, count, score):
    case = new_case(store, opened=ago(days=10))
    contacts(store, case.id, ["info"] * count)
    found = findings(store, case.id).get("many_contacts")
    assert (found and found.score) == score
    if score:
        assert f"supportlog export {case.id} --format md" in found.advice
        assert found.evidence[0].startswith(f"{count} contacts since ")


def test_live_contacts_do_not_count_as_contacts(store):
    case = new_case(store, opened=ago(days=10))
    contacts(store, case.id, ["info"] * 4)
    contact(store, case.id, None, ago(seconds=30))
    assert "many_contacts" not in findings(store, case.id)


# -- wrong_door -------------------------------------------------------------------------------
@pytest.mark.parametrize("fields, channels, door", [
    ({"category": "shipping"}, ["phone", "chat"], "to the seller"),
    ({"category": "damaged", "want": "replacement"}, ["email"], "to the seller"),
    ({"category": "shipping"}, ["phone", "seller"], None),      # the seller was asked
    ({"category": "shipping"}, [], None),                       # nobody asked yet
    ({"category": "refund"}, ["seller", "seller"], "to the marketplace"),
    ({"category": "damaged", "want": "refund"}, ["seller"], "to the marketplace"),
    ({"category": "damaged", "want": "refund"}, ["phone"], None),   # refunds: marketplace
    ({"category": "billing"}, ["phone"], None),
])
def test_wrong_door(store, fields, channels, door):
    case = new_case(store, "MegaMart", opened=ago(days=5), seller="Gadget Hut", **fields)
    for k, channel in enumerate(channels):
        contact(store, case.id, "info", ago(days=3, seconds=-3600 * k), channel=channel)
    found = findings(store, case.id).get("wrong_door")
    if door is None:
        assert found is None
    elif door == "to the seller":
        assert found.headline == "every contact went to MegaMart"
        assert "contact Gadget Hut through the seller's contact form" in found.advice
    else:
        assert found.headline == "every contact went to the seller Gadget Hut"
        assert found.advice.startswith("Refunds go through MegaMart, not the seller")


def test_no_seller_no_wrong_door(store):
    case = new_case(store, opened=ago(days=5), category="shipping")
    contact(store, case.id, "info", ago(days=2))
    assert "wrong_door" not in findings(store, case.id)


# -- which cases get findings -----------------------------------------------------------------
@pytest.mark.parametrize("status, expected", [
    ("open", True), ("waiting", True), ("resolved", False), ("abandoned", False)])
def test_only_open_and_waiting_cases_get_findings(store, status, expected):
    case = new_case(store, opened=ago(days=40))
    contacts(store, case.id, DEAD, start_days_ago=30)
    store.set_status(case.id, status)
    result = assess(store.get_detail(case.id), NOW)
    assert bool(result.findings) == expected
    assert result.stalled == expected


def test_every_finding_shows_terms_that_add_up_to_its_score(store):
    case = new_case(store, opened=ago(days=60), seller="S", category="shipping")
    contact(store, case.id, "promised", ago(days=29), promise="x", promise_due=ago(days=28),
            hold=1500, duration=3600)
    contacts(store, case.id, DEAD * 3, start_days_ago=20)
    result = assess(store.get_detail(case.id), NOW)
    assert {f.rule for f in result.findings} == {"dead_ends", "broken_promise", "long_hold",
                                                "many_contacts", "wrong_door"}
    for f in result.findings:
        assert sum(v for _, v in f.terms) == pytest.approx(f.score), f.rule
        assert f.breakdown.endswith(f"= {f.score:g}")
    assert any(label.startswith("capped at") for f in result.findings for label, _ in f.terms)
    assert result.score == pytest.approx(sum(f.score for f in result.findings))


def test_rules_on_records_built_by_hand_with_a_history_mapping():
    """assess is pure: plain records in, findings out; `history` may be the stats themselves."""
    case = Case(7, "u7", "Acme", "Modem", opened_at=ago(days=9), company_id=1)
    calls = [Interaction(k, f"i{k}", 7, "email", ago(days=8, seconds=-60 * k),
                         outcome="no_progress", agent=name)
             for k, name in enumerate(["Ann", "Bo", "Cy"], start=1)]
    live = Interaction(9, "i9", 7, "phone", ago(seconds=5))
    detail = CaseDetail(case, interactions=(*calls, live))
    result = assess(detail, NOW, history={"letter": (2, 3), "email": (1, 10)})
    dead = next(f for f in result.findings if f.rule == "dead_ends")
    assert dead.contact_ids == (1, 2, 3) and dead.score == 5.0
    assert "next, try a letter: 2 of your 3 contacts with Acme by a letter" in dead.advice
    assert {f.rule for f in result.findings} == {"dead_ends"}    # on the phone now: not quiet
