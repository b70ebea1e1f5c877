"""The playbook (packaged texts, config overrides, bad config), channel suggestions from the
user's history, and the brief."""

from __future__ import annotations

import pytest

from tui.advice import (RUNGS, ConfigError, Playbook, load_playbook, make_brief, suggest_channels)
from tui.store.records import CHANNELS

from advice_helpers import ago, contact, contacts, findings, new_case
from conftest import NOW


def write_config(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_playbook_has_the_tips_guides_and_ladder():
    pb = load_playbook()
    assert [title for title, _ in pb.tips] == ["Be polite", "Be prepared", "Explain the problem",
                                               "Ask for what you need", "Press restart",
                                               "Know the rules"]
    assert set(pb.channel_guides) == set(CHANNELS)
    assert all(g.serves and g.weak and g.ready for g in pb.channels.values())
    assert "transcript" in pb.channels["chat"].serves
    assert tuple(pb.ladder) == RUNGS and "card issuer" in pb.ladder["chargeback"]
    assert pb.thresholds["no_due_wait_days"] == 14 and pb.thresholds["hold_window_days"] == 30
    assert pb.thresholds["ombudsman_after_weeks"] == 8
    assert pb.thresholds["live_no_progress_minutes"] == 15
    assert pb.thresholds["live_hold_minutes"] == 10
    assert Playbook().thresholds == pb.thresholds        # a bare Playbook is the default one


def test_a_missing_config_file_means_the_defaults(tmp_path):
    assert load_playbook(tmp_path / "nope.toml").thresholds == load_playbook().thresholds


def test_config_overrides_thresholds_and_weights(tmp_path, store):
    path = write_config(tmp_path, 'theme = "nord"\n\n[thresholds]\nquiet_days = 3\n'
                                  'live_hold_minutes = 4\n\n[weights]\ngone_quiet = 10\n'
                                  'gone_quiet_max = 20.5\n')
    pb = load_playbook(path)
    assert pb.thresholds["quiet_days"] == 3 and pb.thresholds["live_hold_minutes"] == 4
    assert pb.thresholds["many_contacts"] == 5            # the rest keep their defaults
    assert pb.config_path == path
    case = new_case(store, opened=ago(days=10))
    contact(store, case.id, "info", ago(days=4))
    assert "gone_quiet" not in findings(store, case.id)
    found = findings(store, case.id, playbook=pb)["gone_quiet"]
    assert found.score == 10.25                            # 10 + 1 more day x 0.25


@pytest.mark.parametrize("text, key", [
    ("[thresholds]\nquiet_days = \"soon\"\n", "quiet_days"),
    ("[thresholds]\nquiet_days = 0\n", "quiet_days"),
    ("[thresholds]\nmany_contacts = 2.5\n", "many_contacts"),
    ("[thresholds]\nhold_one_minutes = true\n", "hold_one_minutes"),
    ("[weights]\ndead_ends = -1\n", "dead_ends"),
    ("[thresholds]\nquiet_dayz = 3\n", "quiet_dayz"),
    ("[weights]\nbogus = 1\n", "bogus"),
    ("thresholds = 3\n", "thresholds"),
])
def test_bad_config_is_one_line_naming_the_file_and_key(tmp_path, text, key):
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_playbook(path)
    message = str(err.value)
    assert "\n" not in message and str(path) in message and key in message
    assert err.value.key == key


def test_broken_toml_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_playbook(write_config(tmp_path, "[thresholds\n"))


def test_suggest_channels_ranks_by_how_often_progress_was_made():
    stats = {"phone": (1, 6), "chat": (4, 5), "email": (2, 2), "forum": (0, 0)}
    assert suggest_channels(stats) == [
        ("email", 2, 2, "email: 2 of 2 contacts made progress"),
        ("chat", 4, 5, "chat: 4 of 5 contacts made progress"),
        ("phone", 1, 6, "phone: 1 of 6 contacts made progress")]


def test_history_no_better_than_the_failing_channel_falls_back_to_the_default(store):
    old = new_case(store, "Acme", "before", opened=ago(days=40))
    contacts(store, old.id, ["info", "transferred"], channel="phone", start_days_ago=30)
    contacts(store, old.id, ["no_progress", "refused"], channel="email", start_days_ago=20)
    case = new_case(store, "Acme", opened=ago(days=5))
    contacts(store, case.id, ["transferred", "refused"], channel="phone")
    # phone made progress 1 of 4 times, e-mail never: chat, the default, is the better bet
    assert "next, try chat:" in findings(store, case.id)["dead_ends"].advice


def test_the_brief_says_who_what_went_wrong_and_what_you_want(store):
    case = new_case(store, "Acme", "Blender arrived broken", opened=ago(days=10),
                    category="damaged", want="refund", amount="89.50", currency="eur",
                    seller="Gadget Hut", purchased_on="2026-11-01",
                    refs=[("order", "112-555"), ("ticket", "T-7")])
    contact(store, case.id, "promised", ago(days=9), agent="Priya", reference="R-1",
            promise="refund within 3 days", promise_due=ago(days=6),
            transcript_ref="chat-991", channel="chat")
    contact(store, case.id, "transferred", ago(days=4), agent="Sam")
    contact(store, case.id, "disconnected", ago(days=3), notes="card 4111 1111 1111 1111")
    brief = make_brief(store.get_detail(case.id), now=NOW)
    lines = dict(brief.lines)
    assert list(lines) == ["Who I am", "What it is about", "What went wrong", "What I want",
                           "References"]
    assert lines["Who I am"] == "A customer of Acme, order 112-555"
    assert lines["What it is about"] == ("Blender arrived broken (an item that arrived "
                                         "damaged, sold by Gadget Hut, bought 2026-11-01)")
    assert lines["What went wrong"] == (
        f"3 contacts so far, 2 without progress (transferred {ago(days=4)[:10]}, disconnected "
        f'{ago(days=3)[:10]}). Priya promised "refund within 3 days" by {ago(days=6)[:10]}, '
        "and it has not happened.")
    assert lines["What I want"] == "A refund of 89.50 EUR."
    assert lines["References"] == (f"order 112-555; ticket T-7; given on earlier contacts: "
                                   f"R-1 (Priya, chat, {ago(days=9)[:10]})")
    checklist = "\n".join(brief.checklist)
    assert "Order number: 112-555" in checklist
    assert "last 4 digits only; never give the full card number or the security code" \
        in checklist
    assert f"Sam (phone, {ago(days=4)[:10]})" in checklist
    assert "Transcripts to cite: chat-991" in checklist
    assert "4111" not in brief.text and "Before you start:" in brief.text
    assert all(f"{label}: {text}" in brief.text for label, text in brief.lines)


def test_the_brief_of_a_new_case(store):
    case = new_case(store, "ISP", "Slow line", want="repair")
    brief = make_brief(store.get_detail(case.id), now=NOW)
    lines = dict(brief.lines)
    assert lines["Who I am"] == "A customer of ISP"
    assert lines["What went wrong"] == "Nothing yet: this is my first contact about it."
    assert lines["What I want"] == "A repair."
    assert lines["References"] == "none yet"
    assert any(item.startswith("Order number: find it") for item in brief.checklist)


def test_the_brief_never_says_nothing_resolved_it_when_a_contact_did(store):
    case = new_case(store, "ISP", "Slow line", want="repair", opened=ago(days=5))
    contact(store, case.id, "info", ago(days=4))
    assert dict(make_brief(store.get_detail(case.id), now=NOW).lines)["What went wrong"] == \
        "1 contact so far, none resolved it."
    contact(store, case.id, "resolved", ago(days=3))
    assert dict(make_brief(store.get_detail(case.id), now=NOW).lines)["What went wrong"] == \
        "2 contacts so far."


def test_the_brief_never_reads_what_they_asked_of_me_as_their_broken_promise(store):
    case = new_case(store, "Bank", "Card dispute", opened=ago(days=20))
    store.log_interaction(case.id, "phone", "info", started_at=ago(days=18), agent="Priya",
                          asked="send the cancellation e-mail", asked_due=ago(days=10)[:10])
    wrong = dict(make_brief(store.get_detail(case.id), now=NOW).lines)["What went wrong"]
    assert "promised" not in wrong
    assert wrong.endswith(f'You asked me to "send the cancellation e-mail" '
                          f'(by {ago(days=10)[:10]}).')
