"""Amounts and dates as people write them (issue 11, items 3 and 4): tables through the parse
functions, the real CLI, and the forms' "= Fri 2026-11-27 23:59" line through the app.

The clock is Wednesday 2026-11-25 12:00 UTC (local time is UTC in tests) unless a test moves
it: Friday is 11-27, the weekend 11-28/29, Monday 11-30."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st
from textual.widgets import Input, Select
from ui_fixtures import (  # noqa: F401
    SIZE, app_factory, clock, debug_errors, plain, settle, ui)

from tui.cli import cli
from tui.screens.case_form import CaseForm
from tui.screens.contact_form import ContactForm, PromiseForm
from tui.store import Store, ValidationError
from tui.store import validate as v
from tui.store.when import add_working_days

WED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
FRI = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
SAT = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
MON = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
AMBIGUOUS = "write 1299 or 1.299,00 or 1,299.00"


# -- amounts -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, amount, currency", [
    ("129,99", "129.99", None),             # was stored as 12999
    ("1.299,00", "1299.00", None),          # was stored as 1.29900
    ("1,299.00", "1299.00", None),
    ("€129.99", "129.99", "EUR"),
    ("129.99 EUR", "129.99", "EUR"),
    ("EUR 129.99", "129.99", "EUR"),
    ("129,99 €", "129.99", "EUR"),
    ("eur129,99", "129.99", "EUR"),
    ("$1,299", "1299", "USD"),              # a dollar amount writes thousands with a comma
    ("£5", "5", "GBP"),
    ("C$5.50", "5.50", "CAD"),
    ("1 299,00", "1299.00", None),
    ("1\u00a0299,00", "1299.00", None),     # no-break space
    ("1\u202f299,00 €", "1299.00", "EUR"),  # narrow no-break space, as French writes it
    ("1'299.00", "1299.00", None),
    ("1.299.000,50", "1299000.50", None),
    ("1,299,000", "1299000", None),
    ("129", "129", None),
    ("129.9", "129.9", None),
    ("0,299", "0.299", None),               # no thousands start with 0
    ("1299,000", "1299.000", None),         # four digits before: cannot be a thousands mark
    (" 12.50 ", "12.50", None),
    (49, "49", None),
])
def test_amounts_as_people_write_them(text, amount, currency):
    money = v.parse_money("amount", text)
    assert (money.amount, money.currency) == (amount, currency)


@pytest.mark.parametrize("text, says", [
    ("1,299", AMBIGUOUS),
    ("1.299", AMBIGUOUS),
    ("€1.299", "write 1299 or 1.299,00 or 1,299.00"),
    ("$1.299", "ambiguous"),                # a dot after $ is still either
    ("12,345", "write 12345 or 12.345,00 or 12,345.00"),
    ("1,29,000", "groups of three"),
    ("1.299.00", "groups of three"),
    ("12 99", "groups of three"),
    ("1 299.000,00", "not an amount"),
    ("1.299,00,5", "not an amount"),
    ("€5 EUR", "currency twice"),
    ("ten", "not an amount"),
    ("1e30", "not an amount"),
    ("inf", "not an amount"),
    ("-5", "must not be negative"),
    ("€-5", "must not be negative"),
    ("9" * 30, "too large"),
])
def test_amounts_refused_say_how_to_write_them(text, says):
    with pytest.raises(ValidationError) as err:
        v.parse_money("amount", text)
    assert err.value.field == "amount" and says in err.value.message


def test_a_stored_amount_is_taken_as_it_is():
    """An import carries the stored form: 1.299 there is one point two nine nine."""
    assert v.parse_amount("amount", "1.299", stored=True) == "1.299"
    assert v.parse_amount("amount", "1,299.00", stored=True) == "1299.00"
    with pytest.raises(ValidationError):
        v.parse_amount("amount", "1,299", stored=True)


# -- dates and times -----------------------------------------------------------------------------
@pytest.mark.parametrize("text, at, due", [
    # text, as --at (start of the day, a weekday looks back), as --due (end, looks ahead)
    ("today", "2026-11-25T00:00:00Z", "2026-11-25T23:59:59Z"),
    ("tomorrow", "2026-11-26T00:00:00Z", "2026-11-26T23:59:59Z"),
    ("Yesterday", "2026-11-24T00:00:00Z", "2026-11-24T23:59:59Z"),
    ("friday", "2026-11-20T00:00:00Z", "2026-11-27T23:59:59Z"),
    ("fri", "2026-11-20T00:00:00Z", "2026-11-27T23:59:59Z"),
    ("wed", "2026-11-25T00:00:00Z", "2026-11-25T23:59:59Z"),     # today's weekday is today
    ("next wed", "2026-12-02T00:00:00Z", "2026-12-02T23:59:59Z"),
    ("last wednesday", "2026-11-18T00:00:00Z", "2026-11-18T23:59:59Z"),
    ("next fri", "2026-11-27T00:00:00Z", "2026-11-27T23:59:59Z"),
    ("+3d", "2026-11-28T00:00:00Z", "2026-11-28T23:59:59Z"),
    ("-2d", "2026-11-23T00:00:00Z", "2026-11-23T23:59:59Z"),
    ("in 3 days", "2026-11-28T00:00:00Z", "2026-11-28T23:59:59Z"),
    ("in 2 weeks", "2026-12-09T00:00:00Z", "2026-12-09T23:59:59Z"),
    ("in a week", "2026-12-02T00:00:00Z", "2026-12-02T23:59:59Z"),
    ("3 days ago", "2026-11-22T00:00:00Z", "2026-11-22T23:59:59Z"),
    ("in 10 working days", "2026-12-09T00:00:00Z", "2026-12-09T23:59:59Z"),
    ("in 3 business days", "2026-11-30T00:00:00Z", "2026-11-30T23:59:59Z"),  # over a weekend
    ("5 working days ago", "2026-11-18T00:00:00Z", "2026-11-18T23:59:59Z"),
    ("in 1 month", "2026-12-25T00:00:00Z", "2026-12-25T23:59:59Z"),
    ("yesterday 14:30", "2026-11-24T14:30:00Z", "2026-11-24T14:30:00Z"),
    ("friday at 9am", "2026-11-20T09:00:00Z", "2026-11-27T09:00:00Z"),
    ("tomorrow 12pm", "2026-11-26T12:00:00Z", "2026-11-26T12:00:00Z"),
    ("2026-11-27 2pm", "2026-11-27T14:00:00Z", "2026-11-27T14:00:00Z"),
    ("now", "2026-11-25T12:00:00Z", "2026-11-25T12:00:00Z"),
    ("2h ago", "2026-11-25T10:00:00Z", "2026-11-25T10:00:00Z"),
    ("in 30 minutes", "2026-11-25T12:30:00Z", "2026-11-25T12:30:00Z"),
    ("2026-11-25", "2026-11-25T00:00:00Z", "2026-11-25T23:59:59Z"),          # ISO as before
    ("2026-11-25T14:30", "2026-11-25T14:30:00Z", "2026-11-25T14:30:00Z"),
])
def test_dates_as_people_write_them(text, at, due):
    assert v.parse_when("at", text, now=WED) == at
    assert v.parse_when("due", text, now=WED, end_of_day=True) == due


def test_friday_on_a_friday_is_today_and_next_friday_a_week_away():
    assert v.parse_when("due", "friday", now=FRI, end_of_day=True) == "2026-11-27T23:59:59Z"
    assert v.parse_when("at", "friday", now=FRI) == "2026-11-27T00:00:00Z"
    assert v.parse_when("due", "next friday", now=FRI, end_of_day=True) == "2026-12-04T23:59:59Z"
    assert v.parse_when("at", "last friday", now=FRI) == "2026-11-20T00:00:00Z"


@pytest.mark.parametrize("now, text, due", [
    (FRI, "in 1 working day", "2026-11-30"),       # Friday -> Monday
    (FRI, "in 10 working days", "2026-12-11"),
    (SAT, "in 1 working day", "2026-11-30"),       # from the weekend: Monday
    (SAT, "in 5 working days", "2026-12-04"),
    (SAT, "+1d", "2026-11-29"),                    # plain days count the weekend
    (MON, "1 working day ago", "2026-11-27"),      # Monday -> the Friday before
    (SAT, "1 working day ago", "2026-11-27"),
    (datetime(2026, 1, 31, 9, tzinfo=timezone.utc), "in a month", "2026-02-28"),
])
def test_working_days_and_months_over_weekends_and_month_ends(now, text, due):
    assert v.parse_when("due", text, now=now, end_of_day=True) == f"{due}T23:59:59Z"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.integers(min_value=-60, max_value=60).filter(bool))
def test_n_working_days_later_is_a_weekday_n_weekdays_away(start, n):
    end = add_working_days(start, n)
    assert end.weekday() < 5
    if n > 0:   # the days after the start, up to and with the end
        days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    else:       # from the end, up to the day before the start
        days = [end + timedelta(days=i) for i in range((start - end).days)]
    assert sum(1 for d in days if d.weekday() < 5) == abs(n)


def test_relative_dates_are_local_days(monkeypatch):
    """23:30 UTC is already tomorrow in Berlin: "today" is the Berlin day."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    late = datetime(2026, 11, 25, 23, 30, tzinfo=timezone.utc)   # Thu 00:30 in Berlin
    assert v.parse_when("at", "today", now=late) == "2026-11-25T23:00:00Z"
    assert v.parse_when("due", "tomorrow", now=late, end_of_day=True) == "2026-11-27T22:59:59Z"
    assert v.parse_when("due", "thu", now=late, end_of_day=True) == "2026-11-26T22:59:59Z"
    assert v.parse_date("purchased_on", "yesterday", now=late) == "2026-11-25"


@pytest.mark.parametrize("text", ["fridya", "next week", "someday", "in -3 days",
                                  "tomorrow at 9", "tomorrow 25:00", "fr", "+99999d", "3d",
                                  "in 3 fortnights"])
def test_dates_refused_say_how_to_write_them(text):
    with pytest.raises(ValidationError) as err:
        v.parse_when("due", text, now=WED, end_of_day=True)
    assert err.value.field == "due"
    assert err.value.message == (f"{text!r} is not a date; write 2026-11-25, 2026-11-25T14:30, "
                                 "today, tomorrow, friday, +3d, in 2 weeks, 3 days ago or in 10 "
                                 "working days")


def test_out_of_range_and_clockless_dates_are_refused():
    with pytest.raises(ValidationError, match="year 2218 is out of range"):
        v.parse_when("due", "in 9999 weeks", now=WED)
    # Without the clock (an import, --now itself) only ISO is a date, and the message says so.
    with pytest.raises(ValidationError) as err:
        v.parse_when("at", "tomorrow")
    assert err.value.message == "'tomorrow' is not a date; write 2026-11-25 or 2026-11-25T14:30"


@pytest.mark.parametrize("text, back, ahead", [
    ("yesterday", "2026-11-24", "2026-11-24"),
    ("fri", "2026-11-20", "2026-11-27"),
    ("in 2 weeks", "2026-12-09", "2026-12-09"),
    ("3 days ago", "2026-11-22", "2026-11-22"),
    ("2026-11-25T14:30", "2026-11-25", "2026-11-25"),
])
def test_calendar_dates(text, back, ahead):
    assert v.parse_date("purchased_on", text, now=WED) == back
    assert v.parse_date("due_on", text, now=WED, ahead=True) == ahead


def test_a_calendar_date_is_not_a_moment():
    with pytest.raises(ValidationError, match="not a date"):
        v.parse_date("purchased_on", "2h ago", now=WED)


# -- the real CLI ------------------------------------------------------------------------------
def case_json(run, case_id="1", **kw) -> dict:
    return json.loads(run.ok("show", case_id, "--json", **kw))


@pytest.mark.parametrize("typed, stored", [("1.299,00", "1299.00"), ("129,99", "129.99"),
                                           ("1,299.00", "1299.00"), ("1 299,00", "1299.00")])
def test_new_amount_is_stored_as_the_decimal_meant(run, typed, stored):
    run.ok("new", "--company", "Acme", "--title", "t", "--amount", typed)
    assert case_json(run)["amount"] == stored


def test_the_currency_written_in_the_amount_is_stored(run):
    run.ok("new", "--company", "Acme", "--title", "t", "--amount", "€129.99")
    assert (case_json(run)["amount"], case_json(run)["currency"]) == ("129.99", "EUR")
    run.ok("edit", "1", "--amount", "£5")
    assert (case_json(run)["amount"], case_json(run)["currency"]) == ("5", "GBP")
    run.ok("new", "--company", "Acme", "--title", "t", "--amount", "$1,299", "--currency", "cad")
    assert (case_json(run, "2")["amount"], case_json(run, "2")["currency"]) == ("1299", "CAD")
    run.ok("new", "--company", "Acme", "--title", "t", "--amount", "12", "--currency", "€")
    assert case_json(run, "3")["currency"] == "EUR"


def test_a_currency_that_disagrees_with_the_amount_is_refused(run):
    result = run("new", "--company", "Acme", "--title", "t", "--amount", "€129.99",
                 "--currency", "USD")
    assert result.exit_code == 2
    assert result.stderr == ("supportlog: currency: is USD but the amount says €; give the "
                             "currency once or make them agree\n")
    assert run("list").stdout.strip() == "no cases"


def test_an_ambiguous_amount_is_refused_and_nothing_is_written(run):
    result = run("new", "--company", "Acme", "--title", "t", "--amount", "1,299")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert AMBIGUOUS in result.stderr and "amount" in result.stderr
    run.ok("new", "--company", "Acme", "--title", "t", "--amount", "12")
    result = run("edit", "1", "--amount", "1.299")
    assert result.exit_code == 2 and AMBIGUOUS in result.stderr
    assert case_json(run)["amount"] == "12"


def test_log_at_yesterday_and_case_dates(run):
    run.ok("new", "--company", "Acme", "--title", "t", "--opened", "3 days ago",
           "--purchased", "last fri", "--delivered", "mon", "--due", "in 2 weeks")
    run.ok("log", "1", "--channel", "phone", "--outcome", "info", "--at", "yesterday")
    run.ok("log", "1", "--channel", "chat", "--outcome", "info", "--at", "yesterday 14:30",
           "--duration", "20m")
    case = case_json(run)
    assert case["opened_at"] == "2026-11-22T00:00:00Z"
    assert (case["purchased_on"], case["delivered_on"], case["due_on"]) == (
        "2026-11-20", "2026-11-23", "2026-12-09")
    assert [(i["started_at"], i["ended_at"]) for i in case["interactions"]] == [
        ("2026-11-24T00:00:00Z", None), ("2026-11-24T14:30:00Z", "2026-11-24T14:50:00Z")]


def test_promise_due_in_ten_working_days_over_a_weekend(run):
    friday = "2026-11-27T10:00:00Z"
    run.ok("new", "--company", "Acme", "--title", "t", now=friday)
    run.ok("promise", "1", "--add", "refund", "--due", "in 10 working days", now=friday)
    run.ok("log", "1", "--channel", "phone", "--outcome", "promised", "--promise", "call back",
           "--due", "monday", now=friday)
    dues = [p["due_at"] for p in case_json(run, now=friday)["promises"]]
    assert sorted(dues) == ["2026-11-30T23:59:59Z", "2026-12-11T23:59:59Z"]


def test_snooze_until_people_dates(run):
    run.ok("new", "--company", "Acme", "--title", "t")
    out = run.ok("snooze", "1", "fri")
    assert "snoozed until 2026-11-27 23:59" in out
    run.ok("snooze", "1", "in 10 working days")
    assert case_json(run)["snoozed_until"] == "2026-12-09T23:59:59Z"


def test_relative_dates_follow_supportlog_now(run):
    """The environment's clock, not the machine's, decides what "tomorrow" is."""
    env = {"SUPPORTLOG_NOW": "2030-01-15T09:00:00Z"}
    db = ["--db", str(run.db_path)]
    result = run.runner.invoke(cli, [*db, "new", "--company", "Acme", "--title", "t",
                                     "--opened", "yesterday"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    shown = run.runner.invoke(cli, [*db, "show", "1", "--json"], env=env)
    assert json.loads(shown.stdout)["opened_at"] == "2030-01-14T00:00:00Z"


def test_a_date_that_is_not_one_names_the_field(run):
    run.ok("new", "--company", "Acme", "--title", "t")
    result = run("log", "1", "--channel", "phone", "--outcome", "info", "--at", "fridya")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("supportlog: at: 'fridya' is not a date; write 2026-11-25,")
    result = run("promise", "1", "--add", "x", "--due", "someday")
    assert result.exit_code == 2 and "due: 'someday' is not a date" in result.stderr


def test_store_callers_use_the_store_clock(tmp_path):
    """Every store entry point reads relative dates from the store's clock."""
    with Store(tmp_path / "n.db", clock=lambda: FRI) as s:
        case = s.create_case("Acme", "t", opened_at="yesterday", due_on="mon",
                             purchased_on="mon")
        assert (case.opened_at, case.due_on, case.purchased_on) == (
            "2026-11-26T00:00:00Z", "2026-11-30", "2026-11-23")
        s.update_case(case.id, delivered_on="today")
        assert s.get_case(case.id).delivered_on == "2026-11-27"
        i = s.log_interaction(case.id, "phone", "info", started_at="2h ago", duration="10m")
        assert (i.started_at, i.ended_at) == ("2026-11-27T08:00:00Z", "2026-11-27T08:10:00Z")
        s.edit_interaction(i.id, started_at="yesterday 9am")
        assert s.get_interaction(i.id).started_at == "2026-11-26T09:00:00Z"
        j = s.log_interaction(case.id, "phone", "promised", promise="refund", promise_due="+1d")
        p = s.add_promise(case.id, "call", "next fri")
        live = s.start_contact(case.id, "chat")
        s.finish_contact(live.id, "promised", promise="parcel", promise_due="in 2 working days")
        dues = sorted(x.due_at for x in s.get_detail(case.id).promises)
        assert dues == ["2026-11-28T23:59:59Z", "2026-12-01T23:59:59Z", "2026-12-04T23:59:59Z"]
        assert j and p
        assert s.snooze(case.id, "tomorrow").snoozed_until == "2026-11-28T23:59:59Z"


# -- the forms show what they understood -------------------------------------------------------
def preview(form, name: str) -> str:
    widget = form.query_one(f"#{name}")
    return plain(widget.preview) if widget.preview.display else ""


def one_case(db_path, clock) -> int:
    with Store(db_path, clock=clock) as s:
        return s.create_case("Acme", "Broken toaster", opened_at="2026-11-23T09:00:00Z").id


@ui
async def test_promise_form_shows_the_date_it_understood_as_you_type(app_factory, clock,
                                                                     db_path):
    case_id = one_case(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PromiseForm(case_id))
        await settle(pilot)
        form = app.screen
        form.query_one("#promise", Input).value = "refund"
        assert preview(form, "promise_due") == ""               # nothing typed, nothing shown
        form.query_one("#promise_due", Input).focus()
        await pilot.press(*"fri")
        await settle(pilot)
        assert preview(form, "promise_due") == "= Fri 2026-11-27 23:59"
        await pilot.press(*"dya")
        await settle(pilot)
        assert preview(form, "promise_due").startswith("'fridya' is not a date; write ")
        # the keys above showed the preview following the typing; a whole new value is set
        form.query_one("#promise_due", Input).value = "in 10 working days"
        await settle(pilot)
        assert preview(form, "promise_due") == "= Wed 2026-12-09 23:59"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    with Store(db_path) as s:
        dues = [p.due_at for p in s.get_detail(case_id).promises]
    assert dues == ["2026-12-09T23:59:59Z"]


@ui
async def test_case_form_previews_days_and_saves_amounts_as_meant(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CaseForm())
        await settle(pilot)
        form = app.screen
        form.query_one("#company", Input).value = "Acme"
        form.query_one("#title", Input).value = "Broken kettle"
        form.query_one("#purchased_on", Input).value = "last fri"
        form.query_one("#due_on", Input).value = "fri"
        form.query_one("#amount", Input).value = "1.299,00 €"
        await settle(pilot)
        assert preview(form, "purchased_on") == "= Fri 2026-11-20"
        assert preview(form, "due_on") == "= Fri 2026-11-27"   # a due day looks ahead
        assert preview(form, "delivered_on") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CaseForm)
    with Store(db_path) as s:
        (case,) = s.iter_cases()
    assert (case.purchased_on, case.due_on, case.amount, case.currency) == (
        "2026-11-20", "2026-11-27", "1299.00", "EUR")


@ui
async def test_contact_form_previews_the_start_it_will_save(app_factory, clock, db_path):
    case_id = one_case(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactForm(case_id))
        await settle(pilot)
        form = app.screen
        assert preview(form, "started_at") == "= Wed 2026-11-25 12:00"   # prefilled: now
        form.query_one("#started_at", Input).value = "yesterday 14:30"
        await settle(pilot)
        assert preview(form, "started_at") == "= Tue 2026-11-24 14:30"
        form.query_one("#outcome", Select).value = "info"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ContactForm)
    with Store(db_path) as s:
        (contact,) = s.get_detail(case_id).interactions
    assert contact.started_at == "2026-11-24T14:30:00Z"


def test_an_amount_resent_as_stored_is_not_read_again(tmp_path):
    """The edit form sends every field back: a stored 1.299 must not become "ambiguous"."""
    from decimal import Decimal
    with Store(tmp_path / "n.db", clock=lambda: WED) as s:
        case = s.create_case("Acme", "t", amount=Decimal("1.299"), currency="EUR")
        assert case.amount == "1.299"
        s.update_case(case.id, title="renamed", amount="1.299", currency="EUR")
        assert (s.get_case(case.id).title, s.get_case(case.id).amount) == ("renamed", "1.299")
        with pytest.raises(ValidationError, match="ambiguous"):
            s.update_case(case.id, amount="2.500")
