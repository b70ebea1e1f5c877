"""The deadline rule (issue 13 item 3): the issue's three stories on real notebooks, each the
day before, the day and the day after, with their exact texts; the case's own due date; a
rules-pack window through the card issuer; what the kept rows and the cache fingerprint
know of the clocks."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tui.advice import assess, fingerprint, ranking
from tui.advice.settings import load_playbook
from tui.advice.source import source_fingerprint
from tui.store import Store
from tui.store.companies import CompanyChanges

GUIDE = "Guidance, not legal advice: "


def at(day: str, hhmm: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=timezone.utc)


WRITTEN = [at("2026-11-22", "09:00")]     # the store's clock: when the next write is made


@pytest.fixture
def book(tmp_path):
    WRITTEN[0] = at("2026-11-22", "09:00")
    s = Store(tmp_path / "n.db", clock=lambda: WRITTEN[0])
    yield s
    s.close()


def judge(store, case_id, day, playbook=None, hhmm="12:00"):
    return assess(store.get_detail(case_id), at(day, hhmm), playbook)


def tv(store) -> int:
    """The TV bought on 20 Nov whose price fell on 22 Nov; ShopCo adjusts within 7 days."""
    store.add_company("ShopCo")
    store.edit_company("ShopCo", CompanyChanges(
        policies=["price adjustment: 7 days from purchased"],
        policy_source="https://shop.example/prices", policy_read_on="2026-11-22",
        routes=[{"kind": "chat", "value": "https://shop.example/chat"}]))
    return store.create_case("ShopCo", "TV price dropped", opened_at="2026-11-22T09:00:00Z",
                             purchased_on="2026-11-20", category="price_change",
                             want="refund").id


TV_EVIDENCE = ("ShopCo's price adjustment window: 7 days from purchased on 2026-11-20, "
               "last day 2026-11-27",
               GUIDE + "ShopCo's price adjustment policy (https://shop.example/prices), "
               "read 2026-11-22")


def test_the_tv_price_drop_warns_from_five_days_before_with_the_companys_route(book):
    cid = tv(book)
    eve = judge(book, cid, "2026-11-21")
    assert "deadline" not in {f.rule for f in eve.findings}
    assert eve.changes_at == "2026-11-22T00:00:00Z"        # the warning starts at midnight
    first = judge(book, cid, "2026-11-22")
    assert first.top.rule == "deadline" and first.score == 4.0
    assert first.next_move.text == (
        "ShopCo's price adjustment window closes in 5 days (2026-11-27). Ask ShopCo under "
        "its price adjustment policy by chat (https://shop.example/chat) before the end of "
        "2026-11-27.")
    assert first.next_move.line == ("Before 2026-11-27 (in 5 days): ask ShopCo under its "
                                    "price adjustment policy by chat")
    assert (first.next_move.who, first.next_move.channel, first.next_move.due) == (
        "you", "chat", "2026-11-27T23:59:59Z")
    assert first.top.headline == ("ShopCo's price adjustment window closes in 5 days "
                                  "(2026-11-27)")
    assert first.top.evidence == TV_EVIDENCE
    assert first.changes_at == "2026-11-23T00:00:00Z"      # a day closer, a higher score
    eve_of = judge(book, cid, "2026-11-26")
    assert eve_of.top.headline.endswith("closes tomorrow (2026-11-27)") and eve_of.score == 8
    last = judge(book, cid, "2026-11-27")
    assert last.score == 9.0 and last.top.breakdown == ("4 (deadline) + 5 (5 days closer x 1)"
                                                        " = 9")
    assert last.changes_at == "2026-11-27T23:59:59Z"
    gone = judge(book, cid, "2026-11-28")
    assert gone.top.rule == "deadline" and gone.score == 1.0
    assert gone.top.headline == "ShopCo's price adjustment window closed on 2026-11-27"
    assert gone.top.advice == (
        "The window closed on 2026-11-27: what it gave is gone unless ShopCo agrees as a "
        "goodwill gesture: ask by chat (https://shop.example/chat), citing when you first "
        "raised it.")
    assert gone.top.evidence == TV_EVIDENCE and gone.next_move.due is None


def test_a_closed_window_is_reported_once_until_a_contact_or_the_days_after(book):
    cid = tv(book)
    assert "deadline" in {f.rule for f in judge(book, cid, "2026-12-04").findings}  # 7 days on
    assert "deadline" not in {f.rule for f in judge(book, cid, "2026-12-05").findings}
    WRITTEN[0] = at("2026-11-28", "10:30")
    book.log_interaction(cid, "chat", "no_progress", started_at="2026-11-28T10:00:00Z")
    assert "deadline" not in {f.rule for f in judge(book, cid, "2026-11-29").findings}


def energy(store) -> int:
    case = store.create_case("Ridgeline Energy", "Meter fault",
                             opened_at="2026-11-01T09:00:00Z",
                             company_details={"email": "complaints@ridgeline.example"})
    store.log_interaction(case.id, "email", "info", started_at="2026-11-04T10:00:00Z",
                          milestone="formal_complaint", reference="RE-CMP-1")
    return case.id


def uk(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[rules]\njurisdictions = ["UK", "card"]\n')
    return load_playbook(config)


def test_the_energy_complaint_makes_the_ombudsman_the_next_move_on_30_dec(book, tmp_path):
    cid, pb = energy(book), uk(tmp_path)
    eve = judge(book, cid, "2026-12-29", pb)
    assert eve.next_move.line == "Wait for Ridgeline Energy's final response; ombudsman from " \
                                 "2026-12-30"
    assert eve.next_move.due == eve.changes_at == "2026-12-30T00:00:00Z"
    # The door opens on the clock's day, from its first minute.
    for day, hhmm in (("2026-12-30", "00:00"), ("2026-12-30", "12:00"), ("2026-12-31", "12:00")):
        a = judge(book, cid, day, pb, hhmm)
        assert (a.top.rule, a.next_move.rung) == ("ombudsman", "ombudsman"), day
        assert a.next_move.text == (
            "Take it to the ombudsman: your formal complaint of 2026-11-04 (ref RE-CMP-1) has "
            "had no final response in 8 weeks; send them the record: supportlog export "
            f"{cid} --format md")
        assert a.top.evidence[1:] == (
            "Ombudsman after 8 weeks: 8 weeks from formal complaint on 2026-11-04, opens "
            "2026-12-30",
            GUIDE + "FCA Handbook, complaint time limits; Financial Ombudsman Service time "
            "limits, DISP 1.6 (https://www.handbook.fca.org.uk/handbook/DISP/1/6.html), "
            "read 2026-12-01")


def test_without_an_ombudsman_clock_in_force_the_playbook_period_counts(book):
    cid = energy(book)
    assert judge(book, cid, "2026-12-30", hhmm="09:59").top is None
    a = judge(book, cid, "2026-12-30", hhmm="10:00")
    assert a.top.rule == "ombudsman" and not any(GUIDE in e for e in a.top.evidence)


def laptop(store) -> int:
    case = store.create_case("Northwind", "Laptop RMA", opened_at="2026-11-15T09:00:00Z",
                             category="damaged", want="repair")
    store.log_interaction(case.id, "chat", "info", started_at="2026-11-15T10:00:00Z",
                          agent="Sam", reference="RMA-77",
                          asked="ship the laptop to the repair centre", asked_due="2026-11-22")
    return case.id


def test_the_laptop_ship_by_ask_warns_before_it_falls_due_and_is_overdue_after(book):
    cid = laptop(book)
    quiet = judge(book, cid, "2026-11-16")
    assert quiet.top is None and quiet.changes_at == "2026-11-17T00:00:00Z"
    warned = judge(book, cid, "2026-11-20")
    assert (warned.top.rule, warned.score) == ("deadline", 7.0)
    assert warned.next_move.text == (
        "Your move: ship the laptop to the repair centre by 2026-11-22, due in 2 days; Sam "
        "asked for it on 2026-11-15 (ref RMA-77).")
    assert warned.next_move.line == ("Your move: ship the laptop to the repair centre (due in "
                                     "2 days, 2026-11-22)")
    assert warned.top.headline == "your move: ship the laptop to the repair centre (due in " \
                                  "2 days)"
    assert warned.top.evidence == ('Sam asked you on 2026-11-15 (ref RMA-77) to "ship the '
                                   'laptop to the repair centre": due 2026-11-22, in 2 days',)
    assert judge(book, cid, "2026-11-21").next_move.line.endswith("(due tomorrow, 2026-11-22)")
    today = judge(book, cid, "2026-11-22")
    assert (today.top.rule, today.score) == ("deadline", 9.0)
    assert today.next_move.line.endswith("(due today, 2026-11-22)")
    late = judge(book, cid, "2026-11-23")
    assert late.top.rule == "your_move" and "deadline" not in {f.rule for f in late.findings}
    assert late.next_move.line == ("Your move: ship the laptop to the repair centre (due "
                                   "2026-11-22, 1 day ago)")


def test_the_cases_own_due_date_warns_whichever_side_acts(book):
    case = book.create_case("Acme", "Deposit back", opened_at="2026-11-10T09:00:00Z",
                            due_on="2026-11-30")
    book.log_interaction(case.id, "phone", "promised", started_at="2026-11-20T10:00:00Z",
                         promise="return the deposit", promise_due="2026-12-10")
    assert "deadline" not in {f.rule for f in judge(book, case.id, "2026-11-24").findings}
    a = judge(book, case.id, "2026-11-25")
    assert a.top.rule == "deadline" and a.top.headline == "due in 5 days (2026-11-30)"
    assert a.next_move.line == "Before 2026-11-30 (in 5 days): settle it with Acme by phone"
    assert a.top.evidence == ("The case's due date: 0 days from due on 2026-11-30, last day "
                              "2026-11-30",)


def test_a_chargeback_window_goes_through_the_card_issuer(book):
    case = book.create_case("Gadgetry", "Never arrived", opened_at="2026-07-01T09:00:00Z",
                            purchased_on="2026-07-01")
    book.log_interaction(case.id, "email", "no_progress", started_at="2026-10-25T10:00:00Z")
    a = judge(book, case.id, "2026-10-27")              # 120 days: last day 29 Oct
    assert a.top.rule == "deadline" and a.next_move.rung == "chargeback"
    assert a.next_move.channel is None
    assert a.next_move.text.startswith("Card-network chargeback window closes in 2 days "
                                       "(2026-10-29). For a card payment, ask your card issuer")
    assert a.next_move.text.endswith("Go through your card issuer, not Gadgetry.")
    assert a.top.evidence[-1].startswith(GUIDE + "Card-network dispute timelines")


def test_the_kept_rows_change_at_the_warning_and_follow_the_jurisdictions(book, tmp_path):
    cid = energy(book)
    rows = {r.case_id: r for r in ranking(book, at("2026-12-29"), uk(tmp_path))}
    assert rows[cid].changes_at == "2026-12-30T00:00:00Z" and not rows[cid].stalled
    rows = {r.case_id: r for r in ranking(book, at("2026-12-30", "01:00"), uk(tmp_path))}
    assert rows[cid].rule == "ombudsman"
    # Another choice of jurisdictions is another engine: the kept rows are all stale.
    assert fingerprint(uk(tmp_path)) != fingerprint(load_playbook(None))
    rows = {r.case_id: r for r in ranking(book, at("2026-12-30", "01:00"))}
    assert rows[cid].rule is None


def test_the_source_fingerprint_follows_every_byte_of_the_config(tmp_path):
    """A checksum, not a cryptographic hash: it must still see an edit that keeps the
    length (a digit changed, two characters swapped) and stay put when nothing changed."""
    config = tmp_path / "config.toml"
    config.write_text("[thresholds]\nsilence_days = 7\n")
    before = source_fingerprint(config)
    assert source_fingerprint(config) == before
    seen = {before}
    for text in ("[thresholds]\nsilence_days = 8\n", "[thresholds]\nsilence_dyas = 7\n",
                 "[thresholds]\nsilence_days = 7\n\n"):
        config.write_text(text)
        seen.add(source_fingerprint(config))
    assert len(seen) == 4
    config.write_text("[thresholds]\nsilence_days = 7\n")
    assert source_fingerprint(config) == before


def test_the_source_fingerprint_reads_rules_toml_beside_the_config(tmp_path):
    config = tmp_path / "config.toml"
    before = source_fingerprint(config)
    (tmp_path / "rules.toml").write_text('[[clock]]\nkey = "eu_air_refund"\nenabled = true\n')
    assert source_fingerprint(config) != before
    pb = load_playbook(config)          # no config.toml: rules.toml is read all the same
    assert fingerprint(pb) != fingerprint(load_playbook(None))
