"""A case's status and dates follow its timeline, not the order of typing (issue 11: B1, B2,
B3); statuses set by hand are events on that timeline; times that cannot be true are refused
at the door; the upgrade to schema 3 keeps every status; interchange carries the events."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from textual.widgets import Input, Select

from tui.cli import cli
from tui.screens.contact_form import ContactForm
from tui.store import Store, ValidationError
from tui.store import timeline
from tui.store.schema import schema_version
from tui.store.records import OUTCOMES

from conftest import NOW
from ui_fixtures import (  # noqa: F401 - fixtures
    SIZE, app_factory, clock, messages, plain, seeded, settle, ui)

FIXTURES = Path(__file__).parent / "fixtures"


class Sl:
    """The real CLI with the clock set the way a person would: SUPPORTLOG_NOW."""

    def __init__(self, db: Path, now: str):
        self.db, self.now, self.runner = db, now, CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(cli, ["--db", str(self.db), *args],
                                  env={"SUPPORTLOG_NOW": self.now}, catch_exceptions=False)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, (result.output, result.stderr)
        return result.stdout


def show(sl: Sl, case: str) -> dict:
    return json.loads(sl.ok("show", case, "--json"))


def export(store) -> dict:
    buf = io.StringIO()
    store.export_json(buf)
    return json.loads(buf.getvalue())


# -- the bugs, through the real CLI ------------------------------------------------------------

def test_b1_a_resolution_logged_later_closes_the_case_at_its_own_time(db_path):
    sl = Sl(db_path, "2026-11-20T10:00")
    sl.ok("new", "--company", "Acme", "--title", "t1", "--opened", "2026-11-01")
    sl.ok("log", "1", "--channel", "phone", "--outcome", "resolved", "--at", "2026-11-02T10:00")
    case = show(sl, "1")
    assert (case["status"], case["closed_at"]) == ("resolved", "2026-11-02T10:00:00Z")  # not 11-20
    acme = json.loads(sl.ok("stats", "--json"))["companies"][0]
    assert round(acme["days_to_resolution"], 1) == 1.4                                  # not 19.4
    table = sl.ok("stats").splitlines()
    column = table[0].index("DAYS TO RESOLVE")
    assert table[1][column:].split()[0] == "1.4"


def test_b1_with_a_duration_the_case_closes_when_the_contact_ended(db_path):
    sl = Sl(db_path, "2026-11-20T10:00")
    sl.ok("new", "--company", "Acme", "--title", "t1", "--opened", "2026-11-01")
    sl.ok("log", "1", "--channel", "phone", "--outcome", "resolved", "--at", "2026-11-02T10:00",
          "--duration", "30m")
    assert show(sl, "1")["closed_at"] == "2026-11-02T10:30:00Z"


def test_b2_back_dated_contacts_move_the_opened_date_and_say_so(db_path, tmp_path):
    sl = Sl(db_path, "2026-11-20T10:00")
    sl.ok("new", "--company", "Acme", "--title", "late entry")
    assert show(sl, "1")["opened_at"] == "2026-11-20T10:00:00Z"
    result = sl("log", "1", "--channel", "phone", "--outcome", "info", "--at", "2026-11-15")
    assert result.exit_code == 0
    assert result.stderr == ("supportlog: warning: case 1: opened date moved from 2026-11-20 "
                             "10:00 to 2026-11-15 00:00, its earliest contact\n")
    assert show(sl, "1")["opened_at"] == "2026-11-15T00:00:00Z"
    with Store(db_path) as store:
        assert store.get_case(1).last_activity_at == "2026-11-15T00:00:00Z"
    # A second contact, later than the opening, says nothing.
    again = sl("log", "1", "--channel", "chat", "--outcome", "info", "--at", "2026-11-16")
    assert again.exit_code == 0 and again.stderr == ""
    out = tmp_path / "dossier.md"
    sl.ok("export", "1", "--format", "md", "-o", str(out))
    dossier = out.read_text()
    assert "| Opened | 2026-11-15" in dossier and "Opened | 2026-11-20" not in dossier
    assert "Days open: 5 (still open)" in dossier                                  # not 0


def test_b3_back_filling_an_older_promise_keeps_a_resolved_case_resolved(db_path):
    sl = Sl(db_path, "2026-11-20T10:00")
    sl.ok("new", "--company", "Bank", "--title", "double charge", "--opened", "2026-11-01")
    sl.ok("log", "1", "--channel", "phone", "--outcome", "resolved", "--at", "2026-11-10T10:00")
    sl.ok("log", "1", "--channel", "chat", "--outcome", "promised", "--at", "2026-11-05T10:00",
          "--promise", "refund in 3 days", "--due", "2026-11-08")
    case = show(sl, "1")
    assert (case["status"], case["closed_at"]) == ("resolved", "2026-11-10T10:00:00Z")
    advice = json.loads(sl.ok("advice", "1", "--json"))[0]
    assert (advice["status"], advice["score"], advice["findings"]) == ("resolved", 0, [])
    # A later contact does reopen it, and the pending promise makes it wait.
    sl.ok("log", "1", "--channel", "email", "--outcome", "info", "--at", "2026-11-12T10:00")
    case = show(sl, "1")
    assert (case["status"], case["closed_at"]) == ("waiting", None)


# -- the same contacts in any order ------------------------------------------------------------

T0 = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)


@st.composite
def contact_lists(draw):
    n = draw(st.integers(1, 6))
    contacts = []
    for _ in range(n):
        start = T0 + timedelta(minutes=draw(st.integers(-7 * 1440, 14 * 1440)) // 30 * 30)
        outcome = draw(st.sampled_from(OUTCOMES))
        promise = outcome == "promised" or draw(st.booleans())
        contacts.append({
            "outcome": outcome, "started_at": start.strftime("%Y-%m-%dT%H:%M"),
            "duration": draw(st.sampled_from((None, "10m", "3h"))),
            "promise": "a refund" if promise else None,
            "promise_due": (start + timedelta(days=draw(st.integers(0, 20)))).strftime(
                "%Y-%m-%dT%H:%M") if promise else None})
    order = draw(st.permutations(range(n)))
    return contacts, order


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    """A new, empty notebook: each example copies it rather than creating the schema again."""
    path = tmp_path_factory.mktemp("timeline") / "blank.db"
    Store(path, clock=lambda: NOW).close()
    return path


def logged(contacts, order, blank: Path):
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(blank, Path(folder) / "n.db")
        with Store(Path(folder) / "n.db", clock=lambda: NOW) as store:
            case = store.create_case("Acme", "t", opened_at=T0)
            for k in order:
                c = contacts[k]
                store.log_interaction(case.id, "phone", c["outcome"],
                                      started_at=c["started_at"], duration=c["duration"],
                                      promise=c["promise"], promise_due=c["promise_due"])
            got = store.get_case(case.id)
            return ((got.status, got.closed_at, got.opened_at, got.last_activity_at),
                    store.company_stats(), store.channel_stats_all(),
                    store.conn.execute("SELECT progress, contacts FROM company_channels"
                                       ).fetchall())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=contact_lists())
def test_the_same_contacts_in_any_order_give_the_same_record(blank, drawn):
    contacts, order = drawn
    typed = logged(contacts, order, blank)
    assert typed == logged(contacts, sorted(order), blank)
    # And the record is the timeline's: the latest finished contact decides.
    last = max(contacts, key=lambda c: (_end(c), c["outcome"] == "resolved"))
    status, closed, opened, _ = typed[0]
    if last["outcome"] == "resolved":
        assert (status, closed) == ("resolved", _iso(_end(last)))
    else:
        assert status == ("waiting" if any(c["promise"] for c in contacts) else "open")
    assert opened == min(_iso(T0), *(_iso(_start(c)) for c in contacts))


def _start(c) -> datetime:
    return datetime.fromisoformat(c["started_at"]).replace(tzinfo=timezone.utc)


def _end(c) -> datetime:
    return _start(c) + {None: timedelta(0), "10m": timedelta(minutes=10),
                        "3h": timedelta(hours=3)}[c["duration"]]


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- statuses set by hand ---------------------------------------------------------------------

def test_a_status_set_by_hand_stands_until_a_later_contact(store):
    case = store.create_case("Acme", "t", opened_at="2026-11-01")
    store.log_interaction(case.id, "phone", "no_progress", started_at="2026-11-10T10:00")
    c = store.set_status(case.id, "resolved", note="refund arrived [/]")
    assert (c.status, c.closed_at) == ("resolved", "2026-11-25T12:00:00Z")
    assert c.notes == "2026-11-25 resolved: refund arrived [/]"
    assert store.conn.execute("SELECT status, at, note FROM status_events").fetchall() == [
        ("resolved", "2026-11-25T12:00:00Z", "refund arrived [/]")]
    # A back-dated contact older than the resolution does not undo it...
    store.log_interaction(case.id, "chat", "transferred", started_at="2026-11-20T10:00")
    assert store.get_case(case.id).status == "resolved"
    # ...a later one does.
    store.log_interaction(case.id, "email", "info", started_at="2026-11-25T13:00")
    c = store.get_case(case.id)
    assert (c.status, c.closed_at) == ("open", None)


def test_status_at_a_time_through_the_cli(run):
    run.ok("new", "--company", "Acme", "--title", "t", "--opened", "2026-11-01")
    run.ok("log", "1", "--channel", "phone", "--outcome", "info", "--at", "2026-11-10T10:00")
    assert run.ok("status", "1", "abandoned", "--at", "2026-11-12T09:00", "--note", "not worth it"
                  ) == "case 1 is abandoned\n"
    case = json.loads(run.ok("show", "1", "--json"))
    assert (case["status"], case["closed_at"]) == ("abandoned", "2026-11-12T09:00:00Z")
    assert case["notes"] == "2026-11-12 abandoned: not worth it"
    run.ok("log", "1", "--channel", "phone", "--outcome", "refused", "--at", "2026-11-11T10:00")
    assert json.loads(run.ok("show", "1", "--json"))["status"] == "abandoned"
    run.ok("log", "1", "--channel", "phone", "--outcome", "refused", "--at", "2026-11-13T10:00")
    assert json.loads(run.ok("show", "1", "--json"))["status"] == "open"
    for at, field in (("2026-10-01", "before the case was opened"),
                      ("2026-12-01", "more than a day from now")):
        result = run("status", "1", "resolved", "--at", at)
        assert result.exit_code == 2 and field in result.stderr, result.stderr


def test_open_by_hand_stands_against_older_promises_not_newer_ones(db_path):
    clock = [NOW]
    store = Store(db_path, clock=lambda: clock[0])
    case = store.create_case("Acme", "t", opened_at="2026-11-01")
    store.log_interaction(case.id, "phone", "promised", started_at="2026-11-10T10:00",
                          promise="a call back", promise_due="2026-11-30")
    assert store.get_case(case.id).status == "waiting"
    assert store.set_status(case.id, "open").status == "open"   # the pending promise is older
    clock[0] += timedelta(minutes=1)
    store.add_promise(case.id, "a letter", "2026-12-05")
    assert store.get_case(case.id).status == "waiting"          # this one is newer
    p = store.add_promise(case.id, "x", "2026-12-06")
    for promise in store.get_detail(case.id).promises:
        store.set_promise_status(promise.id, "kept")
    assert store.get_case(case.id).status == "open" and p.status == "pending"
    store.close()


def test_created_closed_and_edited_statuses_are_events(store):
    case = store.create_case("Acme", "t", opened_at="2026-11-01", status="abandoned",
                             closed_at="2026-11-03T10:00")
    assert (case.status, case.closed_at) == ("abandoned", "2026-11-03T10:00:00Z")
    moved = store.update_case(case.id, closed_at="2026-11-04T10:00")
    assert (moved.status, moved.closed_at) == ("abandoned", "2026-11-04T10:00:00Z")
    assert store.update_case(case.id, status="open").status == "open"
    with pytest.raises(ValidationError) as err:
        store.update_case(case.id, closed_at="2026-11-05")
    assert err.value.field == "closed_at"
    assert store.conn.execute("SELECT count(*) FROM status_events").fetchone()[0] == 3


def test_the_opened_date_cannot_be_edited_past_the_first_contact(store):
    case = store.create_case("Acme", "t", opened_at="2026-11-01")
    store.log_interaction(case.id, "phone", "info", started_at="2026-11-10T10:00")
    with pytest.raises(ValidationError, match="first contact") as err:
        store.update_case(case.id, opened_at="2026-11-12")
    assert err.value.field == "opened_at"
    assert store.update_case(case.id, opened_at="2026-11-05").opened_at == "2026-11-05T00:00:00Z"


def test_the_opened_date_follows_the_earliest_contact_both_ways(store):
    case = store.create_case("Acme", "t", opened_at="2026-11-20")
    early = store.log_interaction(case.id, "phone", "info", started_at="2026-11-02T10:00")
    assert store.get_case(case.id).opened_at == "2026-11-02T10:00:00Z"
    store.edit_interaction(early.id, started_at="2026-11-18T10:00")     # a typo, mended
    assert store.get_case(case.id).opened_at == "2026-11-18T10:00:00Z"
    store.delete_interaction(early.id)
    c = store.get_case(case.id)
    assert (c.opened_at, c.last_activity_at) == ("2026-11-20T00:00:00Z",) * 2
    assert store.take_warnings() == [
        "case 1: opened date moved from 2026-11-20 00:00 to 2026-11-02 10:00, its earliest "
        "contact"]


def test_editing_and_deleting_contacts_follow_the_timeline(store):
    case = store.create_case("Acme", "t", opened_at="2026-11-01")
    done = store.log_interaction(case.id, "phone", "resolved", started_at="2026-11-10T10:00")
    later = store.log_interaction(case.id, "chat", "no_progress", started_at="2026-11-12T10:00")
    assert store.get_case(case.id).status == "open"
    store.edit_interaction(later.id, started_at="2026-11-09T10:00")   # moved before it
    assert store.get_case(case.id).closed_at == "2026-11-10T10:00:00Z"
    store.edit_interaction(done.id, ended_at="2026-11-10T11:00")
    assert store.get_case(case.id).closed_at == "2026-11-10T11:00:00Z"
    store.delete_interaction(done.id)
    assert store.get_case(case.id).status == "open"
    live = store.start_contact(case.id, "phone", started_at="2026-11-20T10:00")
    assert store.get_case(case.id).status == "open"                   # a live contact: no say
    store.finish_contact(live.id, "resolved", ended_at="2026-11-20T10:30")
    c = store.get_case(case.id)
    assert (c.status, c.closed_at) == ("resolved", "2026-11-20T10:30:00Z")


# -- sanity at the door -----------------------------------------------------------------------

@pytest.mark.parametrize("args, field, words", [
    ({"promise": "refund", "promise_due": "2026-11-01", "started_at": "2026-11-10T10:00"},
     "due", "before the contact that made it"),
    ({"started_at": "2030-01-01T10:00"}, "at", "more than a day from now"),
    ({"started_at": "2026-11-26T13:00"}, "at", "more than a day from now"),
])
def test_times_that_cannot_be_true_are_refused(store, args, field, words):
    case = store.create_case("Acme", "t", opened_at="2026-10-01")
    with pytest.raises(ValidationError, match=words) as err:
        store.log_interaction(case.id, "phone", "info", **args)
    assert err.value.field == field
    assert store.get_case(case.id).contacts == 0


def test_an_edit_cannot_move_a_contact_past_its_promise_or_into_the_future(store):
    case = store.create_case("Acme", "t", opened_at="2026-10-01")
    made = store.log_interaction(case.id, "phone", "promised", started_at="2026-11-10T10:00",
                                 promise="refund", promise_due="2026-11-12")
    with pytest.raises(ValidationError, match="after the due date of the promise") as err:
        store.edit_interaction(made.id, started_at="2026-11-13T10:00")
    assert err.value.field == "at"
    with pytest.raises(ValidationError, match="more than a day from now"):
        store.edit_interaction(made.id, started_at="2027-01-01T10:00")
    store.edit_interaction(made.id, started_at="2026-11-10T10:00", notes="unchanged start")
    assert store.get_interaction(made.id).started_at == "2026-11-10T10:00:00Z"


def test_a_contact_up_to_a_day_ahead_is_accepted(store):
    case = store.create_case("Acme", "t", opened_at="2026-10-01")
    store.log_interaction(case.id, "phone", "info", started_at="2026-11-26T11:00")


def test_a_promise_recorded_on_its_own_cannot_fall_due_before_its_case(store, run):
    case = store.create_case("Acme", "t", opened_at="2026-10-01")
    with pytest.raises(ValidationError, match="before the case was opened") as err:
        store.add_promise(case.id, "refund", "2026-09-25")
    assert err.value.field == "due"
    result = run("promise", "1", "--add", "refund", "--due", "2020-01-01")
    assert result.exit_code == 2 and "due" in result.stderr and not store.get_detail(1).promises
    store.add_promise(case.id, "refund", "2026-11-21")     # recorded late, already overdue


def test_the_cli_refuses_promised_without_the_promise(run):
    run.ok("new", "--company", "Acme", "--title", "t")
    result = run("log", "1", "--channel", "phone", "--outcome", "promised")
    assert result.exit_code == 2
    assert result.stderr == ("supportlog: outcome promised needs the promise: add --promise "
                             "TEXT [--due D]\n")
    result = run("log", "1", "--channel", "phone", "--outcome", "promised", "--promise",
                 "refund", "--due", "2026-11-20")
    assert result.exit_code == 2 and "due" in result.stderr
    assert json.loads(run.ok("show", "1", "--json"))["interactions"] == []


def test_the_store_refuses_promised_without_the_promise(store):
    case = store.create_case("Acme", "t")
    with pytest.raises(ValidationError, match="outcome promised needs the promise") as err:
        store.log_interaction(case.id, "phone", "promised")
    assert err.value.field == "promise"
    live = store.start_contact(case.id, "phone")
    with pytest.raises(ValidationError) as err:
        store.finish_contact(live.id, "promised")
    assert err.value.field == "promise"
    done = store.log_interaction(case.id, "phone", "info")
    with pytest.raises(ValidationError) as err:
        store.edit_interaction(done.id, outcome="promised")
    assert err.value.field == "promise"
    store.finish_contact(live.id, "promised", promise="a refund", promise_due="2026-11-30")
    assert store.get_case(case.id).status == "waiting"


LEGACY = {"format": "supportlog/1", "cases": [{
    "uid": "c1", "company": "Acme", "title": "old one", "opened_at": "2026-11-01T10:00:00Z",
    "status": "open", "interactions": [
        {"uid": "i1", "channel": "phone", "started_at": "2026-11-02T10:00:00Z",
         "outcome": "transferred"},
        {"uid": "i2", "channel": "phone", "started_at": "2026-11-03T10:00:00Z",
         "outcome": "promised"}]}]}


def test_promised_without_a_promise_is_no_progress_anywhere(store):
    store.import_records(LEGACY)    # written before the promise was required
    assert store.channel_stats(1) == {"phone": (0, 2)}
    assert store.company_stats()[0].progress == 0
    assert store.get_case(1).status == "open"
    from advice_helpers import findings
    assert "dead_ends" in findings(store, 1)           # two dead ends in a row, not one
    # Its promise arrives with a later file (of this version): now it is progress.
    later = json.loads(json.dumps(LEGACY))
    later["cases"][0]["promises"] = [{"uid": "p1", "interaction_uid": "i2", "text": "refund",
                                      "due_at": "2026-11-30T23:59:59Z"}]
    later["cases"][0]["status_events"] = []
    store.import_records(later)
    assert store.channel_stats(1) == {"phone": (1, 2)}
    assert store.company_stats()[0].progress == 1
    assert "dead_ends" not in findings(store, 1)
    assert store.get_case(1).status == "waiting"
    store.delete_interaction(store.get_detail(1).interactions[1].id)
    assert store.channel_stats(1) == {"phone": (0, 1)}


# -- the upgrade to schema 3 -------------------------------------------------------------------

def test_the_upgrade_keeps_statuses_set_by_hand(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "notebook-v2.db", path)
    conn = sqlite3.connect(path)
    # What the old set_status left: the double charge abandoned by hand (its contacts alone
    # say waiting), the parcel reopened by hand with its promise still pending.
    conn.execute("UPDATE cases SET status = 'abandoned', closed_at = '2026-11-20T09:00:00Z', "
                 "updated_at = '2026-11-20T09:00:00Z' WHERE title = 'Double charge'")
    conn.execute("UPDATE cases SET status = 'open', updated_at = '2026-11-21T09:00:00Z' "
                 "WHERE title LIKE 'Package%'")
    conn.commit()
    before = dict(conn.execute("SELECT title, status FROM cases"))
    conn.close()
    with Store(path, clock=lambda: NOW) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        after = {c.title: c for c in store.iter_cases()}
        assert {t: c.status for t, c in after.items()} == before
        assert after["Double charge"].closed_at == "2026-11-20T09:00:00Z"
        # The router was resolved by its contact: closed when that happened (B1).
        assert after["Router keeps dropping"].closed_at == "2026-09-03T15:00:00Z"
        assert sorted(store.conn.execute("SELECT c.title, e.status, e.at FROM status_events e "
                                         "JOIN cases c ON c.id = e.case_id")) == [
            ("Double charge", "abandoned", "2026-11-20T09:00:00Z"),
            ("Package [/] never arrived", "open", "2026-11-21T09:00:00Z")]
        # From here on the timeline decides: a later contact reopens the abandoned case.
        store.log_interaction(after["Double charge"].id, "phone", "info",
                              started_at="2026-11-24T10:00")
        assert store.get_case(after["Double charge"].id).status == "waiting"
    assert list(tmp_path.glob("old.db.v2-*.bak"))


def test_the_v3_fixture_round_trips_its_status_events(tmp_path):
    copy = tmp_path / "v3.db"
    shutil.copy(FIXTURES / "notebook-v3.db", copy)
    with Store(copy, clock=lambda: NOW) as store:
        doc = export(store)
    router = next(c for c in doc["cases"] if c["title"] == "Router keeps dropping")
    assert [e["status"] for e in router["status_events"]] == ["resolved"]


# -- interchange -------------------------------------------------------------------------------

def test_export_import_round_trips_status_events(store, tmp_path):
    case = store.create_case("Acme", "t", opened_at="2026-11-01")
    store.log_interaction(case.id, "phone", "info", started_at="2026-11-10T10:00")
    store.set_status(case.id, "abandoned", note="gave up", at="2026-11-12T10:00")
    first = export(store)
    assert first["cases"][0]["status_events"] == [{
        "uid": first["cases"][0]["status_events"][0]["uid"], "status": "abandoned",
        "at": "2026-11-12T10:00:00Z", "note": "gave up", "created_at": "2026-11-25T12:00:00Z"}]
    with Store(tmp_path / "other.db", clock=lambda: NOW) as other:
        counts = other.import_records(first)
        assert counts["status_events_added"] == 1
        assert export(other) == first
        assert {k: v for k, v in other.import_records(first).items() if v} == {"unchanged": 1}
        # A contact logged on the other machine after the abandoning reopens it there, and
        # merging back brings the same result here.
        other.log_interaction(1, "email", "info", started_at="2026-11-14T10:00")
        store.import_records(export(other))
    assert store.get_case(case.id).status == "open"


def test_an_old_file_keeps_its_statuses_as_set_by_hand(store):
    doc = {"format": "supportlog/1", "exported_at": "2026-11-22T08:00:00Z", "cases": [
        {"uid": "a", "company": "Acme", "title": "given up", "opened_at": "2026-11-01T10:00:00Z",
         "status": "abandoned", "closed_at": "2026-11-15T10:00:00Z",
         "interactions": [{"uid": "ia", "channel": "phone", "outcome": "refused",
                           "started_at": "2026-11-10T10:00:00Z"}]},
        {"uid": "b", "company": "Acme", "title": "done", "opened_at": "2026-11-01T10:00:00Z",
         "status": "resolved", "closed_at": "2026-11-20T10:00:00Z",
         "interactions": [{"uid": "ib", "channel": "phone", "outcome": "resolved",
                           "started_at": "2026-11-10T10:00:00Z"}]},
        {"uid": "c", "company": "Acme", "title": "waiting", "opened_at": "2026-11-01T10:00:00Z",
         "status": "waiting", "interactions": [{"uid": "ic", "channel": "phone",
                                                "outcome": "info",
                                                "started_at": "2026-11-10T10:00:00Z"}]}]}
    counts = store.import_records(doc)
    assert counts["status_events_added"] == 2           # the resolved one agrees with its contacts
    got = {c.title: (c.status, c.closed_at) for c in store.iter_cases()}
    assert got == {"given up": ("abandoned", "2026-11-15T10:00:00Z"),
                   "done": ("resolved", "2026-11-10T10:00:00Z"),
                   "waiting": ("waiting", None)}
    assert store.conn.execute("SELECT status, at FROM status_events ORDER BY at").fetchall() == [
        ("abandoned", "2026-11-15T10:00:00Z"), ("waiting", "2026-11-22T08:00:00Z")]
    assert {k: v for k, v in store.import_records(doc).items() if v} == {"unchanged": 3}


@pytest.mark.parametrize("event, field", [
    ({"status": "closed", "at": "2026-11-02T10:00:00Z"}, "status"),
    ({"status": "resolved"}, "at"),
    ({"status": "resolved", "at": 5}, "at"),
])
def test_bad_status_events_are_refused_naming_the_field(store, event, field):
    doc = {"format": "supportlog/1", "cases": [
        {"company": "Acme", "title": "t", "opened_at": "2026-11-01T10:00:00Z",
         "status_events": [event]}]}
    with pytest.raises(ValidationError) as err:
        store.import_records(doc)
    assert err.value.field == f"cases[0].status_events[0].{field}"
    assert store.count_cases() == 0


# -- bulk loading ------------------------------------------------------------------------------

def test_generated_statuses_follow_the_rule(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "bench_generate", Path(__file__).resolve().parents[1] / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Store(tmp_path / "bench.db") as store:
        module.generate(store, 300, 2000, seed=5, now=NOW)
        counts = store.status_counts()
        assert all(counts[s] for s in ("open", "waiting", "resolved", "abandoned"))
        before = store.conn.execute("SELECT id, status, closed_at, opened_at FROM cases "
                                    "ORDER BY id").fetchall()
        with store.write():
            store.conn.execute("UPDATE cases SET status = 'open', closed_at = NULL")
            timeline.rederive(store.conn)
        assert store.conn.execute("SELECT id, status, closed_at, opened_at FROM cases "
                                  "ORDER BY id").fetchall() == before
        assert store.conn.execute(
            "SELECT count(*) FROM cases c WHERE status = 'resolved' AND closed_at != (SELECT "
            "max(coalesce(ended_at, started_at)) FROM interactions WHERE case_id = c.id)"
        ).fetchone()[0] == 0


# -- the forms show the store's refusals next to the field ------------------------------------


@ui
async def test_the_contact_form_shows_the_store_refusals_inline(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactForm(seeded.quiet))
        await settle(pilot)
        form = app.screen
        form.query_one("#outcome", Select).value = "promised"
        form.query_one("#started_at", Input).value = "2026-11-20 09:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "outcome promised needs the promise" in plain(form.query_one("#err-promise"))
        form.query_one("#promise", Input).value = "a new toaster"
        form.query_one("#promise_due", Input).value = "2026-11-19"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "before the contact that made it" in plain(form.query_one("#err-promise_due"))
        form.query_one("#promise_due", Input).value = "2026-11-30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        # Back-dated before the case was opened (11-23): accepted, and said.
        assert any("opened date moved" in m for m in messages(app))
    with Store(db_path) as s:
        case = s.get_case(seeded.quiet)
        assert (case.status, case.opened_at) == ("waiting", "2026-11-20T09:00:00Z")


# -- issue 12: whose commitments make a case wait, and who can resolve it ----------------------

def test_a_forum_answer_does_not_resolve_the_case(store):
    case = store.create_case("Acme", "Refund for the kettle", opened_at="2026-11-10T09:00")
    store.log_interaction(case.id, "forum", "resolved", started_at="2026-11-12T10:00")
    assert store.get_case(case.id).status == "open"
    store.log_interaction(case.id, "chat", "resolved", started_at="2026-11-13T10:00")
    assert store.get_case(case.id).status == "resolved"


def test_what_they_asked_of_you_does_not_make_the_case_wait(store):
    case = store.create_case("Bank", "Card dispute", opened_at="2026-11-01T09:00")
    store.log_interaction(case.id, "phone", "info", started_at="2026-11-02T10:00",
                          asked="send the statement", asked_due="2026-11-09")
    assert store.get_case(case.id).status == "open"
    store.add_promise(case.id, "a decision within 10 days", "2026-11-20")
    assert store.get_case(case.id).status == "waiting"


def test_the_upgrade_to_4_keeps_a_case_a_forum_answer_resolved(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "notebook-v3.db", path)
    conn = sqlite3.connect(path)
    case_id = conn.execute("SELECT id FROM cases ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("INSERT INTO interactions (uid, case_id, channel, started_at, outcome, "
                 "created_at, updated_at) VALUES ('forum-1', ?, 'forum', "
                 "'2026-11-24T10:00:00Z', 'resolved', '2026-11-24T10:00:00Z', "
                 "'2026-11-24T10:00:00Z')", (case_id,))
    conn.execute("UPDATE cases SET status = 'resolved', closed_at = '2026-11-24T10:00:00Z' "
                 "WHERE id = ?", (case_id,))
    conn.commit()
    conn.close()
    with Store(path, clock=lambda: NOW) as store:
        assert store.get_case(case_id).status == "resolved"
        store.update_case(case_id, notes="still resolved after an edit")   # re-derives
        assert store.get_case(case_id).status == "resolved"
        # From here the new rule decides: another forum answer leaves it open.
        store.log_interaction(case_id, "forum", "resolved", started_at="2026-11-25T10:00")
        assert store.get_case(case_id).status in ("open", "waiting")
