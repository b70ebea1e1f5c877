"""The rules pack: each shipped clock at its boundary (the day before its last day, the day,
the day after), working days over a weekend, months over short months, DST, the
jurisdictions and the user's rules.toml from the config folder, and `supportlog rules`."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui.advice.clocks import (DEFAULT_JURISDICTIONS, Clock, ConfigError, Source,
                               case_clocks, case_dates, clock_instances, end_day, pack_clocks)
from tui.advice.playbook import default_playbook
from tui.advice.settings import load_rules
from tui.store.records import CLOCK_STARTS, Policy

PACK = {c.key: c for c in pack_clocks()}
UTC = timezone.utc


def at(day: str, hh: int = 12, mm: int = 0, ss: int = 0) -> datetime:
    """A moment of a local day (the tests' local time is UTC unless a test sets TZ)."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time()).replace(
        hour=hh, minute=mm, second=ss).astimezone()


def one(key: str, dates: dict, now: datetime, **kw):
    clock = replace(PACK[key], enabled=True)
    found = clock_instances(dates, [clock], now, case_id=7, **kw)
    assert len(found) == 1, found
    return found[0]


def set_tz(monkeypatch, name: str) -> None:
    monkeypatch.setenv("TZ", name)
    time.tzset()


# -- the pack itself --------------------------------------------------------------------------
def test_the_pack_ships_the_clocks_the_issue_names_each_with_a_source_and_date():
    assert set(PACK) == {"us_card_billing_error", "card_chargeback",
                         "uk_ombudsman_after_8_weeks", "uk_ombudsman_referral_limit",
                         "eu_withdrawal", "eu_withdrawal_refund", "eu_air_refund",
                         "us_cfpb_response"}
    ladder = set(default_playbook().ladder)
    for clock in PACK.values():
        assert clock.source.title and (clock.source.url or clock.source.cite or
                                       clock.key == "card_chargeback"), clock.key
        assert clock.read_on == "2026-12-01" and clock.origin == "pack"
        assert set(clock.starts) <= set(CLOCK_STARTS) and clock.action
        assert clock.rung is None or clock.rung in ladder
        assert clock.guidance.startswith("Guidance, not legal advice: " + clock.source.title)
        assert clock.source.url is None or clock.source.url.startswith("https://")
    # CFPB only when the complaint went through its portal; flights cannot be told apart.
    assert not PACK["us_cfpb_response"].enabled and not PACK["eu_air_refund"].enabled
    assert PACK["uk_ombudsman_after_8_weeks"].kind == "opens"
    assert PACK["eu_air_refund"].party == PACK["eu_withdrawal_refund"].party == "company"


def test_the_pack_header_says_what_it_was_checked_against():
    text = (Path(__file__).resolve().parents[1] / "tui/rules/consumer.toml").read_text()
    assert "Checked against the seed's notes" in text and "2026-12-01" in text


# -- each shipped clock at its boundary -------------------------------------------------------
BOUNDARIES = [
    # key, the case's dates, the last day
    ("us_card_billing_error", {"statement": "2026-11-01"}, "2026-12-31"),
    ("card_chargeback", {"purchased": "2026-11-20", "delivered": "2026-11-25"}, "2027-03-20"),
    ("card_chargeback", {"delivered": "2026-11-25"}, "2027-03-25"),
    ("uk_ombudsman_after_8_weeks", {"formal_complaint": "2026-11-04T10:00:00Z"}, "2026-12-30"),
    ("uk_ombudsman_referral_limit", {"final_response": "2026-08-31"}, "2027-02-28"),
    ("eu_withdrawal", {"delivered": "2026-11-20"}, "2026-12-04"),        # a Friday
    ("eu_withdrawal", {"delivered": "2026-11-22"}, "2026-12-07"),        # Sunday -> Monday
    ("eu_withdrawal", {"delivered": "2026-11-21"}, "2026-12-07"),        # Saturday -> Monday
    ("eu_withdrawal_refund", {"cancelled": "2026-11-23"}, "2026-12-07"),
    ("eu_air_refund", {"cancelled": "2026-11-25"}, "2026-12-02"),
    ("eu_air_refund", {"cancelled": "2026-11-25", "refund_promise": "2026-11-24T09:00:00Z"},
     "2026-12-01"),
    ("us_cfpb_response", {"formal_complaint": "2026-11-10"}, "2026-11-25"),
]


@pytest.mark.parametrize("key, dates, last", BOUNDARIES,
                         ids=[f"{k}-{last}" for k, _, last in BOUNDARIES])
def test_each_clock_the_day_before_the_day_and_the_day_after(key, dates, last):
    kind = PACK[key].kind
    before, on, after = ("closing", "closing", "closed") if kind == "closes" else \
        ("opening", "opening", "open")
    day = date.fromisoformat(last)
    eve = one(key, dates, at((day - timedelta(days=1)).isoformat()))
    assert (eve.last_day, eve.days_left, eve.state) == (last, 1, before)
    assert eve.ends_at == f"{last}T23:59:59Z" and eve.case_id == 7
    final = one(key, dates, at(last, 23, 59, 58))
    assert (final.days_left, final.state) == (0, on)
    gone = one(key, dates, at((day + timedelta(days=1)).isoformat(), 0, 0, 0))
    assert (gone.days_left, gone.state) == (-1, after)


def test_far_from_its_end_a_window_is_open_and_a_door_is_waiting():
    now = at("2026-11-25")
    assert one("card_chargeback", {"purchased": "2026-11-20"}, now).state == "open"
    door = one("uk_ombudsman_after_8_weeks", {"formal_complaint": "2026-11-04"}, now)
    assert (door.state, door.days_left) == ("waiting", 35)
    # Six days out is outside the default five; a wider warning catches it.
    six = at("2026-12-24")
    assert one("uk_ombudsman_after_8_weeks", {"formal_complaint": "2026-11-04"}, six
               ).state == "waiting"
    assert one("uk_ombudsman_after_8_weeks", {"formal_complaint": "2026-11-04"}, six,
               warn_days=6).state == "opening"


def test_a_final_response_opens_the_ombudsman_door_at_once():
    dates = {"formal_complaint": "2026-11-04T10:00:00Z",
             "final_response": "2026-11-20T15:00:00Z"}
    before = one("uk_ombudsman_after_8_weeks", dates, datetime(2026, 11, 20, 14, tzinfo=UTC))
    assert before.ends_at == "2026-11-20T15:00:00Z" and before.state == "opening"
    assert one("uk_ombudsman_after_8_weeks", dates,
               datetime(2026, 11, 20, 15, tzinfo=UTC)).state == "open"


def test_a_clock_without_its_start_event_or_switched_off_does_not_run():
    now = at("2026-11-25")
    assert clock_instances({"purchased": None, "opened": "2026-11-01"},
                           [PACK["card_chargeback"]], now) == []
    assert clock_instances({"cancelled": "2026-11-25"}, [PACK["eu_air_refund"]], now) == []


def test_instances_come_soonest_end_first():
    dates = {"purchased": "2026-11-20", "statement": "2026-11-01", "delivered": "2026-11-22"}
    found = clock_instances(dates, pack_clocks(), at("2026-11-25"))
    assert [i.clock.key for i in found] == ["eu_withdrawal", "us_card_billing_error",
                                            "card_chargeback"]


# -- counting: working days, months, DST ----------------------------------------------------
def user_clock(period_days: int, unit: str, **kw) -> Clock:
    return Clock(key="t", name="t", jurisdiction="t", starts=("refund_promise",),
                 days=period_days, unit=unit, kind="closes", action="a",
                 source=Source("s"), **kw)


COUNTS = [
    # start, n, unit, last day
    ("2026-11-20", 10, "working_days", "2026-12-04"),   # Friday + 10 working days: Friday
    ("2026-11-20", 1, "working_days", "2026-11-23"),    # Friday + 1: over the weekend
    ("2026-11-21", 1, "working_days", "2026-11-23"),    # from a Saturday
    ("2026-11-22", 5, "working_days", "2026-11-27"),    # from a Sunday
    ("2026-11-23", 4, "working_days", "2026-11-27"),    # within one week
    ("2027-01-31", 1, "months", "2027-02-28"),          # 31 Jan + 1 month: end of February
    ("2028-01-31", 1, "months", "2028-02-29"),          # a leap year
    ("2026-08-31", 6, "months", "2027-02-28"),
    ("2026-11-30", 3, "months", "2027-02-28"),
    ("2026-12-31", 2, "months", "2027-02-28"),
    ("2026-11-04", 8, "weeks", "2026-12-30"),
    ("2026-12-25", 7, "days", "2027-01-01"),            # over a year's end
]


@pytest.mark.parametrize("start, n, unit, last", COUNTS)
def test_counting(start, n, unit, last):
    assert end_day(user_clock(n, unit), date.fromisoformat(start)).isoformat() == last


def test_a_working_day_deadline_over_a_weekend_at_its_boundary():
    clock = user_clock(1, "working_days")
    dates = {"refund_promise": "2026-11-20T16:00:00Z"}   # a Friday afternoon
    for now, state in ((at("2026-11-22"), "closing"), (at("2026-11-23", 23, 59, 58), "closing"),
                       (at("2026-11-24", 0, 0, 0), "closed")):
        [found] = clock_instances(dates, [clock], now)
        assert (found.last_day, found.state) == ("2026-11-23", state), now


DST = [
    # zone, the last day, its end in UTC
    ("Europe/London", "2026-10-15", "2026-10-15T22:59:59Z"),      # summer time
    ("Europe/London", "2026-10-25", "2026-10-25T23:59:59Z"),      # the day clocks go back
    ("Europe/London", "2027-03-28", "2027-03-28T22:59:59Z"),      # the day they go forward
    ("America/New_York", "2026-10-31", "2026-11-01T03:59:59Z"),
    ("America/New_York", "2026-11-01", "2026-11-02T04:59:59Z"),   # DST ends that day
]


@pytest.mark.parametrize("zone, last, ends", DST)
def test_the_end_is_the_end_of_the_local_day_across_dst(monkeypatch, zone, last, ends):
    set_tz(monkeypatch, zone)
    start = (date.fromisoformat(last) - timedelta(days=14)).isoformat()
    clock = PACK["eu_withdrawal"]
    end = datetime.fromisoformat(ends.replace("Z", "+00:00"))
    [found] = clock_instances({"delivered": start}, [replace(clock, roll=False)],
                              end - timedelta(seconds=1))
    assert (found.ends_at, found.last_day, found.days_left, found.state) == (
        ends, last, 0, "closing")
    [found] = clock_instances({"delivered": start}, [replace(clock, roll=False)],
                              end + timedelta(seconds=1))
    assert found.state == "closed"


def test_a_start_time_counts_from_its_local_day(monkeypatch):
    """23:30 UTC on 4 Nov is already 5 Nov in Paris: the 8 weeks run from 5 Nov there."""
    dates = {"formal_complaint": "2026-11-04T23:30:00Z"}
    clock = PACK["uk_ombudsman_after_8_weeks"]
    [utc] = clock_instances(dates, [clock], at("2026-11-25"))
    assert utc.last_day == "2026-12-30"
    set_tz(monkeypatch, "Europe/Paris")
    [paris] = clock_instances(dates, [clock], at("2026-11-25"))
    assert (paris.last_day, paris.ends_at) == ("2026-12-31", "2026-12-31T22:59:59Z")
    assert paris.starts_at == "2026-11-04T23:30:00Z"


# -- filters and company policies -------------------------------------------------------------
def test_applies_filters_by_category_want_channel_and_company():
    clock = replace(PACK["eu_air_refund"], enabled=True)
    air = replace(clock, applies=replace(clock.applies, companies=("SkyLine",)))
    dates, now = {"cancelled": "2026-11-25"}, at("2026-11-26")
    assert clock_instances(dates, [air], now, company="skyline")
    assert not clock_instances(dates, [air], now, company="Acme")
    refunds = replace(clock, applies=replace(clock.applies, wants=("refund",),
                                             channels=("chat",)))
    assert clock_instances(dates, [refunds], now, want="refund", channels=["phone", "chat"])
    assert not clock_instances(dates, [refunds], now, want="repair", channels=["chat"])
    assert not clock_instances(dates, [refunds], now, want="refund", channels=["phone"])


def test_a_company_policy_is_a_clock_of_the_same_shape():
    """The TV bought on 20 Nov with a 7-day price-adjustment policy: closing on 22 Nov,
    gone after 27 Nov (the old advice said nothing until 29 Nov)."""
    policy = Policy(id=1, uid="pol-1", company_id=1, name="price adjustment", days=7,
                    unit="days", starts="purchased", source="https://shop.example/prices",
                    read_on="2026-11-20")
    clock = Clock.from_policy(policy, "ShopCo")
    assert (clock.jurisdiction, clock.origin, clock.period) == ("company", "policy", "7 days")
    assert clock.guidance == ("Guidance, not legal advice: ShopCo's price adjustment policy "
                              "(https://shop.example/prices), read 2026-11-20")
    [found] = clock_instances({"purchased": "2026-11-20"}, [clock], at("2026-11-22"),
                              company="ShopCo")
    assert (found.last_day, found.days_left, found.state) == ("2026-11-27", 5, "closing")
    [gone] = clock_instances({"purchased": "2026-11-20"}, [clock], at("2026-11-28"),
                             company="ShopCo")
    assert gone.state == "closed"
    noted = Clock.from_policy(replace(policy, source="the receipt"), "ShopCo")
    assert noted.source.url is None and "the receipt" in noted.guidance


# -- config.toml [rules] and rules.toml ------------------------------------------------------
@pytest.fixture
def config(tmp_path) -> Path:
    folder = tmp_path / "cfg"
    folder.mkdir()
    return folder / "config.toml"


def test_no_config_means_the_card_network_clocks(config):
    rules = load_rules(config)
    assert rules.jurisdictions == DEFAULT_JURISDICTIONS == ("card",) and not rules.chosen
    assert [c.key for c in rules.active] == ["card_chargeback"]
    assert load_rules(None).active == rules.active


def test_jurisdictions_from_config(config):
    config.write_text('[thresholds]\nquiet_days = 9\n[rules]\njurisdictions = ["uk", "EU"]\n')
    rules = load_rules(config)
    assert rules.jurisdictions == ("UK", "EU") and rules.chosen
    assert [c.key for c in rules.active] == ["uk_ombudsman_after_8_weeks",
                                             "uk_ombudsman_referral_limit", "eu_withdrawal",
                                             "eu_withdrawal_refund"]
    assert "opt-in" in rules.why_not(PACK["eu_air_refund"])
    assert "jurisdiction card" in rules.why_not(PACK["card_chargeback"])
    config.write_text("[rules]\njurisdictions = []\n")
    assert load_rules(config).active == ()


@pytest.mark.parametrize("text, words", [
    ("[rules]\njurisdiction = ['UK']\n", ["unknown key 'jurisdiction' in [rules]",
                                          "jurisdictions"]),
    ("[rules]\njurisdictions = ['UK', 'Mars']\n", ["unknown jurisdiction 'Mars'",
                                                   "card, EU, UK, US"]),
    ("[rules]\njurisdictions = 'UK'\n", ["must be a list"]),
    ("[rules]\njurisdictions = [\n", ["is not valid TOML"]),
    ("rules = 3\n", ["[rules] must be a table"]),
])
def test_a_bad_rules_table_names_the_file_and_the_key(config, text, words):
    config.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_rules(config)
    message = str(caught.value)
    assert message.startswith(f"config file {config}: ") and "\n" not in message
    for word in words:
        assert word in message


USER_FILE = """
[[clock]]
key = "eu_air_refund"
enabled = true
applies = { companies = ["SkyLine"] }

[[clock]]
key = "card_chargeback"
period = "90 days"

[[clock]]
key = "my_refund_wait"
name = "Refund processing"
jurisdiction = "mine"
starts = "the refund promise"
period = "10 working days"
kind = "closes"
party = "company"
action = "Chase the refund."
source = { title = "the agent on the phone" }
"""


def test_rules_toml_adds_and_overrides_by_key(config):
    config.write_text('[rules]\njurisdictions = ["card"]\n')
    config.with_name("rules.toml").write_text(USER_FILE)
    rules = load_rules(config)
    by_key = {c.key: c for c in rules.clocks}
    assert rules.user_path == config.with_name("rules.toml")
    assert by_key["card_chargeback"].period == "90 days"
    assert by_key["card_chargeback"].source == PACK["card_chargeback"].source  # kept
    assert by_key["eu_air_refund"].applies.companies == ("SkyLine",)
    mine = by_key["my_refund_wait"]
    assert (mine.starts, mine.unit, mine.days, mine.origin) == (("refund_promise",),
                                                                 "working_days", 10, "user")
    assert [c.key for c in rules.active] == ["card_chargeback", "eu_air_refund",
                                             "my_refund_wait"]
    assert (by_key["card_chargeback"].origin, by_key["card_chargeback"].opted_in) == (
        "changed", False)
    # Added or switched on by name: in force whatever the jurisdictions; only changed: not.
    config.write_text("[rules]\njurisdictions = []\n")
    assert [c.key for c in load_rules(config).active] == ["eu_air_refund", "my_refund_wait"]
    config.with_name("rules.toml").write_text('[[clock]]\nkey = "card_chargeback"\n'
                                              'enabled = false\n')
    off = load_rules(config)
    assert off.active == () and off.why_not(off.clocks[1]) == (
        "switched off in rules.toml (enabled = false)")


@pytest.mark.parametrize("text, words", [
    ('[[clock]]\nkey = "card_chargeback"\nlength = "9 days"\n',
     ["clock 'card_chargeback': unknown key 'length'", "known keys: key, name"]),
    ('[[clock]]\nkey = "new_one"\nname = "x"\n', ["clock 'new_one': jurisdiction is missing"]),
    ('[[clock]]\nkey = "card_chargeback"\nperiod = "nine days"\n',
     ["period = 'nine days' is not usable", '"10 working days"']),
    ('[[clock]]\nkey = "card_chargeback"\nperiod = "9 fortnights"\n', ["period"]),
    ('[[clock]]\nkey = "card_chargeback"\nperiod = "0 days"\n', ["period"]),
    ('[[clock]]\nkey = "card_chargeback"\nstarts = "lunch"\n',
     ["starts = 'lunch' is not usable", "purchased, delivered, opened"]),
    ('[[clock]]\nkey = "card_chargeback"\nkind = "shuts"\n', ["use one of: closes, opens"]),
    ('[[clock]]\nkey = "card_chargeback"\nrung = "boss"\n', ["use one of: first_contact"]),
    ('[[clock]]\nkey = "card_chargeback"\nenabled = "yes"\n', ["write true or false"]),
    ('[[clock]]\nkey = "card_chargeback"\nread_on = "soon"\n', ["write a date"]),
    ('[[clock]]\nkey = "card_chargeback"\nsource = "me"\n', ["{ title ="]),
    ('[[clock]]\nkey = "card_chargeback"\napplies = { wants = ["money"] }\n',
     ["wants is a list of: refund"]),
    ('[[clock]]\nkey = "Bad Key"\n', ["key must be a word"]),
    ('[[clock]]\nkey = "eu_withdrawal"\n[[clock]]\nkey = "eu_withdrawal"\n',
     ["'eu_withdrawal' is given twice"]),
    ('[clock]\nkey = "a"\n', ["[[clock]]"]),
    ('[rules]\njurisdictions = ["UK"]\n', ["unknown key 'rules'"]),
])
def test_a_bad_rules_file_names_the_file_and_the_key(config, text, words):
    path = config.with_name("rules.toml")
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_rules(config)
    message = str(caught.value)
    assert message.startswith(f"config file {path}: ") and "\n" not in message
    for word in words:
        assert word in message, message


# -- supportlog rules ---------------------------------------------------------------------------
def config_dir(tmp_path) -> Path:
    """Where the CLI looks for config.toml in tests (XDG_CONFIG_HOME from conftest)."""
    folder = tmp_path / "xdg-config" / "supportlog"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_rules_lists_what_is_in_force_with_a_guidance_line_each(run, tmp_path, db_path):
    (config_dir(tmp_path) / "config.toml").write_text('[rules]\njurisdictions = ["UK"]\n')
    out = run.ok("rules")
    assert out.startswith("Jurisdictions: UK (from ")
    assert out.count("Guidance, not legal advice: ") == 2
    assert "uk_ombudsman_after_8_weeks: Ombudsman after 8 weeks [UK]" in out
    assert "8 weeks from formal complaint; opens: a door once it is over" in out
    assert "Next rung: ombudsman" in out and "card_chargeback" not in out
    assert ("Guidance, not legal advice: FCA Handbook, referral time limits; Financial "
            "Ombudsman Service time limits, DISP 2.8 (https://www.handbook.fca.org.uk/"
            "handbook/DISP/2/8.html), read 2026-12-01") in out.splitlines()[-1]
    assert not db_path.exists()   # a listing of the rules never makes a notebook


def test_rules_all_lists_every_shipped_clock_and_why_one_is_not_in_force(run):
    out = run.ok("rules", "--all")
    assert out.count("Guidance, not legal advice: ") == len(PACK)
    assert "Jurisdictions: card (the default; choose them in " in out
    assert "not in force: jurisdiction EU not chosen in config.toml [rules]" in out
    assert "not in force: opt-in: set enabled = true for it in rules.toml" in out
    assert "(a deadline the company must meet)" in out


def test_rules_json(run, tmp_path):
    folder = config_dir(tmp_path)
    (folder / "rules.toml").write_text(USER_FILE)
    data = json.loads(run.ok("rules", "--json"))
    assert data["jurisdictions"] == ["card"] and data["jurisdictions_chosen"] is False
    assert data["user_file"] == str(folder / "rules.toml")
    assert [c["key"] for c in data["clocks"]] == ["card_chargeback", "eu_air_refund",
                                                  "my_refund_wait"]
    chargeback = data["clocks"][0]
    assert chargeback["period"] == {"days": 90, "unit": "days"} and chargeback["in_force"]
    assert chargeback["starts"] == ["purchased", "delivered"]
    assert chargeback["guidance"].startswith("Guidance, not legal advice: Card-network")
    every = json.loads(run.ok("rules", "--all", "--json"))["clocks"]
    assert len(every) == len(PACK) + 1
    assert {c["key"] for c in every if not c["in_force"]} == set(PACK) - {
        "card_chargeback", "eu_air_refund"}


def test_a_bad_config_is_one_line_and_exit_2(run, tmp_path):
    (config_dir(tmp_path) / "config.toml").write_text("[rules]\ncountry = 'UK'\n")
    result = run("rules")
    assert result.exit_code == 2
    assert result.stderr.startswith("supportlog: config file ") and "country" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


def test_user_text_in_rules_toml_is_printed_as_text(run, tmp_path):
    (config_dir(tmp_path) / "rules.toml").write_text(
        '[[clock]]\nkey = "x"\nname = "[bold]Mine[/bold] \\u001b[31mred"\njurisdiction = "me"\n'
        'starts = "due"\nperiod = "3 days"\nkind = "closes"\naction = "Act."\n'
        'source = { title = "my note" }\n')
    out = run.ok("rules")
    assert "x: [bold]Mine[/bold] " in out and "\x1b" not in out


def test_rules_json_matches_its_schema_definition(run, tmp_path):
    from jsonschema import Draft202012Validator

    from tui.commands.json_schema import definition, load_schema
    schema = load_schema()
    clock = schema["$defs"]["clock"]["properties"]
    words = lambda node: schema["$defs"][node["$ref"].rsplit("/", 1)[1]]["enum"]
    assert words(clock["starts"]["items"]) == list(CLOCK_STARTS)
    assert words(clock["period"]["properties"]["unit"]) == ["days", "working_days", "weeks",
                                                            "months"]
    validator = Draft202012Validator(definition(schema, "rules"))
    (config_dir(tmp_path) / "rules.toml").write_text(USER_FILE)
    for args in (("rules", "--json"), ("rules", "--all", "--json")):
        data = json.loads(run.ok(*args))
        assert not list(validator.iter_errors(data)), args
    data["clocks"][0]["kind"] = "shuts"
    assert list(validator.iter_errors(data))


# -- a real case's dates ------------------------------------------------------------------------
def test_a_case_in_the_notebook_gives_its_dates_and_its_company_policy(store):
    """The issue's stories on real records: the TV's 7-day price adjustment, the complaint
    waiting for its 8 weeks, a refund promised."""
    store.add_company("ShopCo")
    store.edit_company("ShopCo", _changes(policies=["price adjustment: 7 days from purchased"],
                                          policy_source="https://shop.example/prices"))
    case = store.create_case("ShopCo", "TV price drop", purchased_on="2026-11-20",
                             want="refund", statement_on="2026-11-21")
    store.log_interaction(case.id, "phone", "info", started_at="2026-11-04T10:00:00Z",
                          milestone="formal_complaint")
    store.log_interaction(case.id, "email", "info", started_at="2026-11-06T10:00:00Z",
                          milestone="formal_complaint")
    store.log_interaction(case.id, "chat", "promised", started_at="2026-11-22T09:00:00Z",
                          promise="will refund the difference", promise_due="2026-12-01")
    detail = store.get_detail(case.id)
    dates = case_dates(detail)
    assert dates["purchased"] == "2026-11-20" and dates["statement"] == "2026-11-21"
    assert dates["formal_complaint"] == "2026-11-04T10:00:00Z"   # the first one
    assert dates["refund_promise"] == "2026-11-22T09:00:00Z"     # the contact it was made in
    assert "final_response" not in dates and "cancelled" not in dates
    uk = [c for c in pack_clocks() if c.jurisdiction == "UK"]
    found = {i.clock.key: i for i in case_clocks(detail, uk, at("2026-11-22"))}
    policy = next(i for k, i in found.items() if k.startswith("policy:"))
    assert (policy.last_day, policy.state) == ("2026-11-27", "closing")
    assert "ShopCo's price adjustment policy (https://shop.example/prices)" in \
        policy.clock.guidance
    door = found["uk_ombudsman_after_8_weeks"]
    assert (door.last_day, door.state) == ("2026-12-30", "waiting")
    assert "uk_ombudsman_referral_limit" not in found     # no final response yet
    store.log_interaction(case.id, "letter", "info", started_at="2026-11-24T10:00:00Z",
                          milestone="final_response")
    found = {i.clock.key: i for i in case_clocks(store.get_detail(case.id), uk,
                                                 at("2026-11-25"))}
    assert found["uk_ombudsman_after_8_weeks"].state == "open"
    assert found["uk_ombudsman_referral_limit"].last_day == "2027-05-24"


def test_a_pending_promise_is_the_refund_promise_only_when_the_case_wants_a_refund():
    from tui.store.records import Case, CaseDetail, Promise as P
    promise = P(id=1, uid="p", case_id=1, text="will call back", created_at="2026-11-22T09:00:00Z")
    wants = CaseDetail(Case(id=1, uid="c", company="A", title="t", want="refund",
                            opened_at="2026-11-01T00:00:00Z"), promises=(promise,))
    assert case_dates(wants)["refund_promise"] == "2026-11-22T09:00:00Z"
    repair = replace(wants, case=replace(wants.case, want="repair"))
    assert "refund_promise" not in case_dates(repair)
    kept = replace(wants, promises=(replace(promise, status="kept"),))
    assert "refund_promise" not in case_dates(kept)
    mine = replace(wants, promises=(replace(promise, party="me", text="send the refund form"),))
    assert "refund_promise" not in case_dates(mine)


def _changes(**kw):
    from tui.store.companies import CompanyChanges
    return CompanyChanges(**kw)


# -- the per-pass tables (issue 12's budget: same results, worked out once) -----------------------
@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kathmandu", "Pacific/Kiritimati",
                                  "America/Santiago", "Pacific/Apia"])
def test_local_dates_from_the_day_table_equal_astimezone(monkeypatch, zone):
    """Santiago skips its midnight for DST, Apia skipped 30 Dec 2011 entirely."""
    from tui.advice import words
    from tui.store.times import from_iso
    set_tz(monkeypatch, zone)
    words.check_zone()
    start = datetime(2011, 12, 28, tzinfo=UTC).timestamp()
    times = [start + n * 1789 for n in range(0, 5000)] + [
        datetime(2026, 9, 6, 3, 59, 59, tzinfo=UTC).timestamp(),
        datetime(2026, 9, 6, 4, 0, 0, tzinfo=UTC).timestamp()]
    times += [datetime(2026, 1, 1, tzinfo=UTC).timestamp() + n * 3593 for n in range(3000)]
    for t in times:
        iso = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        want = from_iso(iso).astimezone().date()
        assert words.local_date(iso) == want, iso
        assert words.day(iso) == want.isoformat(), iso


def test_a_new_pass_reads_local_dates_in_the_new_time_zone(monkeypatch):
    """A notebook read in UTC, then the zone changes: the next pass names the new local days
    (a cache kept across zones named the old ones)."""
    from tui.advice.decide import Pass
    from tui.advice.words import day
    late = "2026-11-25T23:30:00Z"
    Pass(at("2026-11-26"), default_playbook())
    assert day(late) == "2026-11-25"
    set_tz(monkeypatch, "Asia/Tokyo")
    p = Pass(at("2026-11-26"), default_playbook())
    assert day(late) == "2026-11-26"
    assert p.days_since(late) == (p.today - date(2026, 11, 26)).days


def test_running_clocks_equal_clock_instances_case_by_case(monkeypatch):
    """The deadline rule's per-pass spans (one per clock and start dates) give what
    clock_instances gives each case alone: shared dates, other dates, a channel filter, a
    sooner-on door and a second `now` on the same Clocks."""
    from tui.advice.clocks import Rules
    from tui.advice.deadlines import Clocks
    from tui.store.facts import CaseFacts
    by_chat = Clock(key="chat_only", name="chat window", jurisdiction="card",
                    starts=("purchased", "delivered"), days=10, unit="days", kind="closes",
                    action="Ask.", source=Source("s"),
                    applies=replace(PACK["card_chargeback"].applies, channels=("chat",)))
    door = replace(PACK["uk_ombudsman_after_8_weeks"], jurisdiction="card",
                   starts=("opened",), sooner_on=("final_response",))
    clocks = Clocks(Rules((PACK["card_chargeback"], by_chat, door)))
    cases = []
    for n, (bought, delivered, channel, final) in enumerate([
            ("2026-08-01", None, "chat", None), ("2026-08-01", None, "phone", None),
            ("2026-08-01", "2026-08-03", "chat", "2026-10-01T10:00:00Z"),
            ("2026-11-20", None, None, None), ("2026-11-30", "2026-11-21", "chat", None),
            (None, None, "chat", None)]):
        cases.append(CaseFacts(
            id=n + 1, company="Acme", company_id=1, company_rev=0, status="open",
            category="billing", want="refund", seller=None, opened_at="2026-07-30T09:00:00Z",
            snoozed_until=None, last_activity_at="2026-11-01T09:00:00Z", purchased_on=bought,
            delivered_on=delivered, last_channel=channel, final_at=final))
    for now in (at("2026-11-28"), at("2026-12-03"), at("2026-11-28")):
        for f in cases:
            dates = {"purchased": f.purchased_on, "delivered": f.delivered_on,
                     "opened": f.opened_at, "final_response": f.final_at, "due": f.due_on}
            alone = clock_instances({k: v for k, v in dates.items() if v}, clocks.clocks, now,
                                    case_id=f.id, category=f.category, want=f.want,
                                    channels=(f.last_channel,) if f.last_channel else (),
                                    company=f.company)
            assert clocks.running(f, None, now, 5) == alone, (now, f.id)
    assert {i.clock.key for f in cases for i in clocks.running(f, None, at("2026-11-28"), 5)} \
        == {"card_chargeback", "chat_only", "uk_ombudsman_after_8_weeks"}


def test_the_dossier_lists_the_clocks_that_applied_with_their_sources(run, tmp_path):
    """Issue 13 item 5: the dossier names each clock, its period and start, its last day,
    its state and its source."""
    config = tmp_path / "xdg-config" / "supportlog" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[rules]\njurisdictions = ["UK"]\n', encoding="utf-8")
    run.ok("new", "--company", "Currys", "--title", "TV price drop", "--purchased", "2026-11-20")
    run.ok("company", "edit", "Currys", "--policy", "price adjustment: 7 days from purchased",
           "--policy-source", "https://currys.example/price")
    run.ok("log", "1", "--channel", "phone", "--outcome", "info", "--formal-complaint",
           "--at", "2026-11-04T10:00")
    dossier = run.ok("export", "1", "--format", "md")
    section = dossier.split("## Deadlines that applied", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0] == "| Clock | Period | Last day | State | Source |"
    assert any(r.startswith("| Currys: price adjustment | 7 days from purchased | 2026-11-27 |")
               and "https://currys.example/price" in r for r in rows[1:])
    assert any(r.startswith("| Ombudsman after 8 weeks | 8 weeks from formal complaint | "
                            "2026-12-30 | waiting |") and "DISP 1.6" in r for r in rows[1:])
    assert "Guidance, not legal advice" in section
