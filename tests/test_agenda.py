"""The agenda (issue 13 item 4): `supportlog due` and the calendar file, through the real CLI
on real notebooks; the ICS parsed back with the `icalendar` library, event by event."""

from __future__ import annotations

import json
import os
import shutil
import stat
from datetime import date, datetime, timezone

import icalendar
import pytest

from tui.advice.agenda import build, until_iso
from tui.commands.json_schema import load_schema
from tui.store import Store

from conftest import NOW, Cli

ICS_PARSE = icalendar.Calendar.from_ical


def iso(day: str, at: str = "12:00:00") -> str:
    return f"{day}T{at}Z"


SEEDED: dict = {}   # the folder the seeded notebook is built in, once per module


@pytest.fixture(scope="module", autouse=True)
def seeded_folder(tmp_path_factory):
    SEEDED["folder"] = tmp_path_factory.mktemp("agenda")
    yield
    SEEDED.clear()


def seed(run) -> None:
    """The stories below, told once through the real CLI (by the first test that needs
    them, in its own test's surroundings); each test gets its own copy of that notebook."""
    template = SEEDED["folder"] / "seeded.db"
    if not template.exists():
        tell_the_stories(Cli(template))
    shutil.copy(template, run.db_path)


def tell_the_stories(run) -> None:
    """Four stories at NOW (2026-11-25 12:00 UTC): an overdue ask, a promise due this week
    at a time, a price-adjustment window closing in two days, a snooze waking later."""
    run.ok("new", "--company", "Gymflex", "--title", "Cancel membership", "--opened",
           "2026-10-20", "--due", "2026-11-20")                                       # 1
    run.ok("promise", "1", "--add", "send the cancellation e-mail", "--due", "2026-11-09",
           "--mine")
    run.ok("new", "--company", "Acme", "--title", "Refund for the kettle")             # 2
    run.ok("promise", "2", "--add", "refund the 20", "--due", "2026-11-27T14:00")
    run.ok("new", "--company", "Currys", "--title", "TV price drop", "--purchased",
           "2026-11-20", "--category", "price_change", "--want", "refund")            # 3
    run.ok("company", "edit", "Currys", "--policy", "price adjustment: 7 days from purchased",
           "--chat-url", "https://currys.example/chat")
    run.ok("new", "--company", "Skylark", "--title", "Lost bag", "--opened", "2026-11-01")  # 4
    run.ok("promise", "4", "--add", "call back", "--due", "2026-11-20")
    run.ok("snooze", "4", "2026-12-08")


def due_json(run, *args, now: str | None = None) -> dict:
    kw = {"now": now} if now else {}
    return json.loads(run.ok("due", "--json", *args, **kw))


def test_the_agenda_is_in_date_order_overdue_first(run):
    seed(run)
    data = due_json(run)
    rows = [(i["group"], i["day"], i["case_id"], i["kind"], i["who"]) for i in data["items"]]
    assert rows == [
        ("overdue", "2026-11-09", 1, "ask", "you"),
        ("overdue", "2026-11-20", 1, "due", "you"),
        ("week", "2026-11-27", 2, "promise", "them"),
        ("week", "2026-11-27", 3, "closes", "you"),
        ("later", "2026-12-08", 4, "snooze", "you")]
    assert data["counts"] == {"overdue": 2, "today": 0, "week": 2, "later": 1}
    assert (data["today"], data["last_day"], data["days"]) == ("2026-11-25", "2026-12-09", 14)
    ask, _, promise, window, _ = data["items"]
    assert ask["what"] == 'Gymflex asked you: "send the cancellation e-mail"'
    assert ask["next"].startswith("Your move: send the cancellation e-mail")
    assert (promise["when"], promise["timed"]) == ("2026-11-27T14:00:00Z", True)
    assert window["what"] == "Currys: price adjustment: last day"
    assert window["guidance"].startswith("Guidance, not legal advice: Currys's price "
                                         "adjustment policy")
    assert window["next"] and "by chat" in window["next"]
    assert window["clock"].startswith("policy:") and not window["timed"]


def test_the_text_groups_overdue_today_this_week_later(run):
    seed(run)
    run.ok("promise", "3", "--add", "call me back", "--due", "2026-11-25T18:00")
    out = run.ok("due")
    heads = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert heads == ["Overdue (2)", "Today (1)", "This week (2)", "Later (1)"]
    assert "  2026-11-27 14:00  #2 Refund for the kettle (Acme): Acme promised \"refund the " \
           "20\" [their move]" in out
    assert "Guidance, not legal advice: Currys's price adjustment policy" in out


@pytest.mark.parametrize("now, group, what", [
    ("2026-11-26T12:00:00Z", "week", "Currys: price adjustment: last day"),
    ("2026-11-27T12:00:00Z", "today", "Currys: price adjustment: last day"),
    ("2026-11-28T12:00:00Z", "overdue", "Currys: price adjustment: closed on 2026-11-27")])
def test_the_price_window_the_day_before_the_day_and_after(run, now, group, what):
    seed(run)
    [window] = [i for i in due_json(run, now=now)["items"] if i["kind"] == "closes"]
    assert (window["day"], window["group"], window["what"]) == ("2026-11-27", group, what)


def test_a_closed_window_leaves_the_agenda_two_weeks_after(run):
    seed(run)
    kinds = lambda now: {i["kind"] for i in due_json(run, now=now)["items"]}
    assert "closes" in kinds("2026-12-11T12:00:00Z")
    assert "closes" not in kinds("2026-12-12T12:00:00Z")


def test_a_closed_window_no_longer_says_act_before_it_closes(run):
    seed(run)
    [closed] = [i for i in due_json(run, now="2026-12-11T12:00:00Z")["items"]
                if i["kind"] == "closes"]
    assert "closed on" in closed["what"]
    assert closed["action"].startswith("The window closed on ")
    assert "before" not in closed["action"]


def test_the_ombudsman_opens_eight_weeks_after_the_complaint(run, tmp_path):
    config = tmp_path / "xdg-config" / "supportlog" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[rules]\njurisdictions = ["UK"]\n')
    run.ok("new", "--company", "Brightpower", "--title", "Wrong bill", "--opened",
           "2026-11-01")
    run.ok("log", "1", "--channel", "email", "--outcome", "info", "--at", "2026-11-04T10:00",
           "--formal-complaint")
    at = "2026-12-20T12:00:00Z"
    [door] = [i for i in due_json(run, now=at)["items"] if i["kind"] == "opens"]
    assert (door["day"], door["what"], door["who"]) == (
        "2026-12-30", "Ombudsman after 8 weeks: opens", "you")
    assert door["guidance"].startswith("Guidance, not legal advice: ")
    assert door["clock"] == "uk_ombudsman_after_8_weeks"
    assert not [i for i in due_json(run, "--within", "7d", now=at)["items"]
                if i["kind"] == "opens"]


def test_a_snoozed_case_hides_its_overdue_promise_until_it_wakes(run):
    seed(run)
    before = [(i["case_id"], i["kind"]) for i in due_json(run)["items"] if i["case_id"] == 4]
    assert before == [(4, "snooze")]
    after = [(i["case_id"], i["kind"], i["group"])
             for i in due_json(run, now="2026-12-09T12:00:00Z")["items"] if i["case_id"] == 4]
    assert after == [(4, "promise", "overdue")]


def test_closed_cases_and_settled_promises_are_not_due(run):
    seed(run)
    run.ok("promise", "2", "kept")
    run.ok("status", "1", "resolved")
    assert {i["case_id"] for i in due_json(run)["items"]} == {3, 4}


@pytest.mark.parametrize("within, last_day", [("7d", "2026-12-02"), ("2w", "2026-12-09"),
                                              ("14", "2026-12-09"), ("0", "2026-11-25")])
def test_within_takes_days_and_weeks(run, within, last_day):
    seed(run)
    data = due_json(run, "--within", within)
    assert data["last_day"] == last_day
    assert all(i["day"] <= last_day for i in data["items"])


@pytest.mark.parametrize("bad", ["soon", "-3", "7x", "99999"])
def test_a_bad_within_is_one_line_naming_the_option(run, bad):
    seed(run)
    result = run("due", "--within", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith("supportlog: --within: ") and result.stderr.count("\n") == 1


def test_fail_if_due_exits_1_with_one_line(run):
    seed(run)
    result = run("due", "--fail-if-due")
    assert result.exit_code == 1
    assert result.stdout == "5 due: 2 overdue, 3 within 14 days; `supportlog due` lists them\n"
    assert run("due", "--fail-if-due", "--json").exit_code == 1


def test_fail_if_due_is_quiet_and_0_when_nothing_is_due(run):
    run.ok("new", "--company", "Acme", "--title", "Nothing dated")
    result = run("due", "--fail-if-due")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "nothing overdue or due within 14 days" in run.ok("due")


def test_due_json_matches_its_definition(run):
    from jsonschema import Draft202012Validator
    seed(run)
    schema = load_schema()
    validator = Draft202012Validator({**schema, "$ref": "#/$defs/due"})
    errors = list(validator.iter_errors(due_json(run)))
    assert not errors, errors[:3]


def test_due_never_creates_a_notebook(tmp_path, run):
    result = run("due")
    assert result.exit_code == 3 and not run.db_path.exists()


# -- the calendar ----------------------------------------------------------------------------
def events(path) -> list:
    return ICS_PARSE(path.read_bytes()).walk("VEVENT")


def test_the_calendar_has_one_event_per_item_with_its_dates(run, tmp_path):
    seed(run)
    out = tmp_path / "due.ics"
    result = run("calendar", "-o", str(out))
    assert result.exit_code == 0 and "wrote 5 events" in result.stderr
    cal = ICS_PARSE(out.read_bytes())
    assert str(cal["VERSION"]) == "2.0" and "supportlog" in str(cal["PRODID"])
    items = due_json(run)["items"]
    found = events(out)
    assert len(found) == len(items)
    for event, item in zip(found, items):
        assert str(event["UID"]) == item["uid"] + "@supportlog"
        start = event.decoded("DTSTART")
        assert event.decoded("DTSTAMP") == NOW
        if item["timed"]:
            assert isinstance(start, datetime) and start == datetime.fromisoformat(
                item["when"].replace("Z", "+00:00"))
            assert "DTEND" not in event
        else:
            assert type(start) is date and start.isoformat() == item["day"]
            assert (event.decoded("DTEND") - start).days == 1
        summary, text = str(event["SUMMARY"]), str(event["DESCRIPTION"])
        assert summary == f"{item['what']}: case {item['case_id']} {item['title']}"
        assert f"Case {item['case_id']}: {item['title']} ({item['company']})" in text
        if item["next"]:
            assert f"Next: {item['next']}" in text
        if item["guidance"]:
            assert item["guidance"] in text
    window = found[3]
    assert "Guidance, not legal advice" in str(window["DESCRIPTION"])
    assert str(window["TRANSP"]) == "TRANSPARENT"


def test_uids_are_stable_across_two_exports(run, tmp_path):
    seed(run)
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    run.ok("calendar", "-o", str(first))
    run.ok("promise", "2", "--add", "a new one", "--due", "2026-11-30")
    run.ok("calendar", "-o", str(second), now="2026-11-26T09:00:00Z")
    uids = lambda p: [str(e["UID"]) for e in events(p)]
    assert set(uids(first)) < set(uids(second))
    assert len(set(uids(second))) == len(uids(second)) == 6


def test_export_format_ics_writes_the_same_calendar(run, tmp_path):
    seed(run)
    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    run.ok("calendar", "-o", str(a))
    run.ok("export", "--format", "ics", "-o", str(b))
    assert a.read_bytes() == b.read_bytes()
    assert run("export", "--format", "ics").stdout_bytes == a.read_bytes()
    only = tmp_path / "only.ics"
    run.ok("export", "3", "--format", "ics", "-o", str(only))
    assert [str(e["SUMMARY"]) for e in events(only)] == [
        "Currys: price adjustment: last day: case 3 TV price drop"]


def test_the_calendar_file_is_private_and_never_overwritten_without_force(run, tmp_path):
    seed(run)
    out = tmp_path / "due.ics"
    out.write_text("keep me")
    result = run("calendar", "-o", str(out))
    assert result.exit_code == 3 and "already exists; pass --force" in result.stderr
    assert out.read_text() == "keep me"
    run.ok("calendar", "-o", str(out), "--force")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600 and len(events(out)) == 5
    result = run("calendar", "-o", str(run.db_path), "--force")
    assert result.exit_code == 3 and "is the notebook" in result.stderr


def test_user_text_in_the_calendar_comes_back_exactly(run, tmp_path):
    title = 'Refund; "now", \\ [bold]x[/bold] \u202eevil\u202c दिल्ली 😀\nline two'
    run.ok("new", "--company", "Acme, Inc; [red]", "--title", title)
    run.ok("promise", "1", "--add", "pay back", "--due", "2026-11-26")
    out = tmp_path / "due.ics"
    run.ok("calendar", "-o", str(out))
    [event] = events(out)
    assert str(event["SUMMARY"]) == f"Acme, Inc; [red] promised \"pay back\": case 1 {title}"
    assert f"Case 1: {title} (Acme, Inc; [red])" in str(event["DESCRIPTION"])


# -- the pure builder and the store reader -------------------------------------------------------
def test_the_store_reads_commitments_a_page_at_a_time_in_due_order(db_path):
    with Store(db_path, clock=lambda: NOW) as store:
        case = store.create_case("Acme", "t", opened_at=iso("2026-10-01"))
        for n, day in enumerate(["2026-11-03", "2026-11-01", "2026-11-03", "2026-11-02",
                                 "2026-11-03", "2026-12-30"]):
            store.add_promise(case.id, f"p{n}", due=iso(day))
        pages = list(store.iter_commitments_due(until_iso(NOW, 14), page=2))
        got = [p.text for page in pages for p, _ in page]
        assert [len(p) for p in pages] == [2, 2, 1]
        assert got == ["p1", "p3", "p0", "p2", "p4"]


def test_build_is_pure_and_takes_plain_records(db_path):
    with Store(db_path, clock=lambda: NOW) as store:
        case = store.create_case("Acme", "t", due_on="2026-11-30")
        detail = store.get_detail(case.id)
    agenda = build(NOW, 14, [], [detail], moves={case.id: ("Wait for Acme", "theirs")})
    [item] = agenda.items
    assert (item.kind, item.day, item.who, item.next) == ("due", "2026-11-30", "them",
                                                          "Wait for Acme")
    assert agenda.group(item) == "week" and agenda.due
    assert build(datetime(2026, 12, 1, 12, tzinfo=timezone.utc), 3, [], [detail]).items[0] \
        .overdue
