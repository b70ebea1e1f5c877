"""Commitments of both parties and the ladder's milestones, written through every entry
point (issue 12, items 1, 3 and 4): what they asked of you (`log --asked`, `promise --add
--mine`), when a promise was settled, a contact's milestone, and a bare-date due read as the
end of that day in local time everywhere (the CLI, the store the forms save through, the
import)."""

from __future__ import annotations

import io
import json
import time
from datetime import timedelta

import pytest

from tui.store import Store, ValidationError
from tui.exports.dossier import render_markdown

from conftest import NOW, NOW_ISO


def promises(db_path) -> list[dict]:
    with Store(db_path, clock=lambda: NOW) as store:
        rows = store.conn.execute(
            "SELECT id, interaction_id, party, text, due_at, status, settled_at FROM promises "
            "ORDER BY id").fetchall()
    keys = ("id", "interaction_id", "party", "text", "due_at", "status", "settled_at")
    return [dict(zip(keys, r)) for r in rows]


def milestones(db_path) -> list:
    with Store(db_path, clock=lambda: NOW) as store:
        return [r[0] for r in store.conn.execute("SELECT milestone FROM interactions "
                                                 "ORDER BY id")]


@pytest.fixture
def case(run) -> str:
    run.ok("new", "--company", "Bank", "--title", "Card dispute", "--opened", "2026-11-01")
    return "1"


# -- asks: what they asked of you ----------------------------------------------------------
def test_log_asked_records_an_ask_of_yours_on_the_contact(run, db_path, case):
    out = run.ok("log", case, "--channel", "email", "--outcome", "info", "--direction", "in",
                 "--at", "2026-11-02T10:00", "--asked", "send the cancellation confirmation",
                 "--asked-due", "2026-11-09")
    assert out == ("1 (they asked you: p1 send the cancellation confirmation, due "
                   "2026-11-09 23:59)\n")
    assert promises(db_path) == [{
        "id": 1, "interaction_id": 1, "party": "me", "text": "send the cancellation "
        "confirmation", "due_at": "2026-11-09T23:59:59Z", "status": "pending",
        "settled_at": None}]


def test_log_without_an_ask_prints_the_id_alone(run, case):
    assert run.ok("log", case, "--channel", "phone", "--outcome", "info") == "1\n"


def test_asked_due_without_asked_names_asked_due(run, db_path, case):
    result = run("log", case, "--channel", "email", "--outcome", "info", "--asked-due", "fri")
    assert result.exit_code == 2
    assert result.stderr == ("supportlog: --asked-due needs --asked: what did they ask you "
                             "to do?\n")
    assert milestones(db_path) == []  # nothing logged


def test_asked_due_without_asked_is_refused_by_the_store_too(store):
    c = store.create_case("Bank", "x")
    with pytest.raises(ValidationError) as exc:
        store.log_interaction(c.id, "email", "info", asked_due="2026-11-30")
    assert exc.value.field == "asked-due"
    live = store.start_contact(c.id, "phone")
    with pytest.raises(ValidationError) as exc:
        store.finish_contact(live.id, "info", asked_due="2026-11-30")
    assert exc.value.field == "asked-due"
    assert store.get_interaction(live.id).live  # the refused finish changed nothing


def test_an_ask_due_before_its_contact_names_asked_due(store):
    c = store.create_case("Bank", "x", opened_at="2026-11-01")
    with pytest.raises(ValidationError) as exc:
        store.log_interaction(c.id, "email", "info", started_at="2026-11-10T10:00",
                              asked="send it", asked_due="2026-11-09")
    assert exc.value.field == "asked-due" and "before the contact" in exc.value.message


def test_an_ask_does_not_stand_for_the_promise_of_a_promised_contact(run, case):
    result = run("log", case, "--channel", "chat", "--outcome", "promised", "--asked", "reply")
    assert result.exit_code == 2
    assert result.stderr == ("supportlog: outcome promised needs the promise: add --promise "
                             "TEXT [--due D]\n")


def test_a_promise_and_an_ask_in_one_contact(run, db_path, case):
    out = json.loads(run.ok("log", case, "--channel", "phone", "--outcome", "promised",
                            "--promise", "refund in 5 days", "--due", "2026-11-30",
                            "--asked", "send the receipt", "--json"))
    assert out["promise"]["text"] == "refund in 5 days" and out["promise"]["party"] == "company"
    assert out["asked"]["text"] == "send the receipt" and out["asked"]["party"] == "me"
    assert out["asked"]["due_at"] is None  # no due: the advice applies its default wait
    assert [p["party"] for p in promises(db_path)] == ["company", "me"]


def test_promise_add_mine_and_show_lists_asks_apart(run, db_path, case):
    run.ok("log", case, "--channel", "phone", "--outcome", "promised", "--promise",
           "refund", "--at", "2026-11-02T10:00")
    assert run.ok("promise", case, "--add", "ship the laptop back", "--due", "2026-11-30",
                  "--mine") == "p2\n"
    assert promises(db_path)[1]["party"] == "me"
    shown = run.ok("show", case)
    assert "\nPromises:\n  [p1] pending   refund\n" in shown
    assert ("\nThey asked you:\n  [p2] pending  due 2026-11-30 23:59  ship the laptop back\n"
            in shown)


def test_promise_case_state_picks_the_party(run, db_path, case):
    run.ok("promise", case, "--add", "refund")
    run.ok("promise", case, "--add", "send photos", "--mine")
    assert run.ok("promise", case, "kept", "--mine") == "ask 2 is kept\n"
    assert run.ok("promise", case, "broken") == "promise 1 is broken\n"
    result = run("promise", case, "kept", "--mine")
    assert result.exit_code == 2
    assert result.stderr.startswith("supportlog: case 1 has 0 pending asks (none)")


def test_add_promise_refuses_an_unknown_party(store):
    c = store.create_case("Bank", "x")
    with pytest.raises(ValidationError) as exc:
        store.add_promise(c.id, "send it", party="you")
    assert exc.value.field == "party"


# -- settled_at ----------------------------------------------------------------------------
def test_settled_at_is_when_it_became_kept_or_broken(db_path):
    clock = [NOW]
    with Store(db_path, clock=lambda: clock[0]) as store:
        c = store.create_case("Bank", "x", opened_at="2026-11-01")
        p = store.add_promise(c.id, "refund", "2026-11-20")
        assert p.settled_at is None
        clock[0] = NOW + timedelta(hours=1)
        assert store.set_promise_status(p.id, "broken").settled_at == "2026-11-25T13:00:00Z"
        clock[0] = NOW + timedelta(hours=2)   # marked broken again: still since the first time
        assert store.set_promise_status(p.id, "broken").settled_at == "2026-11-25T13:00:00Z"
        clock[0] = NOW + timedelta(hours=3)
        assert store.set_promise_status(p.id, "kept").settled_at == "2026-11-25T15:00:00Z"
        assert store.set_promise_status(p.id, "pending").settled_at is None


# -- milestones ----------------------------------------------------------------------------
def test_formal_complaint_and_final_response_set_the_milestone(run, db_path, case):
    run.ok("log", case, "--channel", "letter", "--outcome", "escalated", "--formal-complaint",
           "--at", "2026-11-02T10:00")
    run.ok("log", case, "--channel", "letter", "--outcome", "info", "--final-response",
           "--direction", "in", "--at", "2026-11-20T10:00")
    run.ok("log", case, "--channel", "phone", "--outcome", "info")
    assert milestones(db_path) == ["formal_complaint", "final_response", None]
    lines = [line.split() for line in run.ok("show", case).splitlines() if "] 2026-" in line]
    assert [" ".join(words[4:]) for words in lines] == [
        "escalated (your formal complaint)", "info (they contacted you; their final response)",
        "info"]


def test_both_milestones_on_one_contact_is_one_error(run, db_path, case):
    result = run("log", case, "--channel", "letter", "--outcome", "info",
                 "--formal-complaint", "--final-response")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--formal-complaint and --final-response exclude each other" in result.stderr
    assert milestones(db_path) == []


def test_a_milestone_is_kept_by_edits_that_leave_it_out_and_cleared_by_none(store):
    c = store.create_case("Bank", "x")
    live = store.start_contact(c.id, "letter")
    assert store.finish_contact(live.id, "escalated",
                                milestone="formal_complaint").milestone == "formal_complaint"
    assert store.edit_interaction(live.id, notes="sent").milestone == "formal_complaint"
    assert store.edit_interaction(live.id, milestone=None).milestone is None
    with pytest.raises(ValidationError) as exc:
        store.edit_interaction(live.id, milestone="ombudsman")
    assert exc.value.field == "milestone"


def test_finish_contact_records_the_ask(store):
    c = store.create_case("Repair shop", "Laptop")
    live = store.start_contact(c.id, "phone")
    store.finish_contact(live.id, "info", asked="ship the laptop", asked_due="2026-11-28")
    [ask] = store.get_detail(c.id).promises
    assert (ask.party, ask.interaction_id, ask.due_at) == ("me", live.id,
                                                           "2026-11-28T23:59:59Z")


def test_the_dossier_lists_asks_apart_and_marks_milestones(store):
    c = store.create_case("Bank", "Card dispute", opened_at="2026-11-01")
    store.log_interaction(c.id, "email", "promised", started_at="2026-11-02T10:00",
                          promise="refund", promise_due="2026-11-10",
                          asked="send the statement", asked_due="2026-11-05")
    store.log_interaction(c.id, "letter", "escalated", started_at="2026-11-12T10:00",
                          milestone="formal_complaint")
    text = render_markdown(store.get_detail(c.id), NOW_ISO)
    assert "## Promises\n\n| Promise | Made | By | Due | Status |" in text
    assert "| refund | #1 2026-11-02 10:00 |  | 2026-11-10 23:59 | overdue since 2026-11-10 |" \
        in text
    assert ("## What they asked of me\n\n| They asked me to | Made | By | Due | Status |"
            in text)
    assert "| send the statement | #1 2026-11-02 10:00 |  | 2026-11-05 23:59 | overdue since" \
        in text
    assert "| escalated; my formal complaint |" in text
    assert "- Promises: 1 (0 kept, 0 broken, 0 pending, 1 overdue)" in text
    assert "- Asked of me: 1 (0 done, 0 not done, 0 pending, 1 overdue)" in text


# -- a bare-date due is the end of that day, local time, at every entry point ----------------
NEW_YORK_END = "2026-12-01T04:59:59Z"   # 2026-11-30 23:59:59 in New York (EST, UTC-5)


@pytest.fixture
def new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_bare_date_dues_from_the_cli(run, db_path, case, new_york):
    run.ok("log", case, "--channel", "phone", "--outcome", "promised", "--promise", "refund",
           "--due", "2026-11-30", "--asked", "send id", "--asked-due", "2026-11-30")
    run.ok("promise", case, "--add", "call back", "--due", "2026-11-30")
    run.ok("promise", case, "--add", "reply", "--due", "2026-11-30", "--mine")
    assert [p["due_at"] for p in promises(db_path)] == [NEW_YORK_END] * 4


def test_bare_date_dues_from_the_store_the_forms_save_through(store, new_york):
    c = store.create_case("Bank", "x", opened_at="2026-11-01")
    store.log_interaction(c.id, "phone", "promised", promise="refund", promise_due="2026-11-30",
                          asked="send id", asked_due="2026-11-30")
    live = store.start_contact(c.id, "chat")
    store.finish_contact(live.id, "promised", promise="credit", promise_due="2026-11-30",
                         asked="photos", asked_due="2026-11-30")
    store.add_promise(c.id, "reply", "2026-11-30", party="me")
    assert [p.due_at for p in store.get_detail(c.id).promises] == [NEW_YORK_END] * 5


def test_bare_date_due_on_import_is_the_end_of_that_local_day(store, new_york):
    """The defect: an imported `"due_at": "2026-11-30"` was read as 00:00 local, so the
    promise fell due a whole day early."""
    store.import_records({"format": "supportlog/1", "cases": [{
        "uid": "c1", "company": "Bank", "title": "x", "opened_at": "2026-11-01",
        "promises": [{"uid": "p1", "text": "refund", "due_at": "2026-11-30"},
                     {"uid": "p2", "text": "send id", "due_at": "2026-11-30", "party": "me"},
                     {"uid": "p3", "text": "at a time", "due_at": "2026-11-30T09:00"}]}]})
    got = {uid: due for uid, due in store.conn.execute("SELECT uid, due_at FROM promises")}
    assert got == {"p1": NEW_YORK_END, "p2": NEW_YORK_END, "p3": "2026-11-30T14:00:00Z"}


# -- the interchange -------------------------------------------------------------------------
def _export(store) -> dict:
    buf = io.StringIO()
    store.export_json(buf)
    return json.loads(buf.getvalue())


def _filled(store) -> None:
    c = store.create_case("Bank", "Card dispute", opened_at="2026-11-01")
    store.log_interaction(c.id, "email", "info", direction="in", started_at="2026-11-02T10:00",
                          asked="send the statement", asked_due="2026-11-09")
    store.log_interaction(c.id, "letter", "escalated", started_at="2026-11-12T10:00",
                          milestone="formal_complaint", promise="answer in 8 weeks")
    broken = store.add_promise(c.id, "call back", "2026-11-20")
    store.set_promise_status(broken.id, "broken")


def test_export_writes_party_settled_at_and_milestones(store):
    _filled(store)
    [case] = _export(store)["cases"]
    assert [(p["party"], p["text"], p["status"], p["settled_at"]) for p in case["promises"]] == [
        ("me", "send the statement", "pending", None),
        ("company", "answer in 8 weeks", "pending", None),
        ("company", "call back", "broken", NOW_ISO)]
    assert ["milestone" in i for i in case["interactions"]] == [False, True]
    assert case["interactions"][1]["milestone"] == "formal_complaint"


def test_party_milestone_and_settled_at_round_trip(store, tmp_path):
    _filled(store)
    first = _export(store)
    with Store(tmp_path / "other.db", clock=lambda: NOW) as other:
        other.import_records(first)
        assert _export(other) == first
        assert {k: v for k, v in other.import_records(first).items() if v} == {"unchanged": 1}


def test_a_file_without_party_or_milestone_means_company_and_none(store):
    store.import_records({"format": "supportlog/1", "cases": [{
        "uid": "c1", "company": "Bank", "title": "x", "opened_at": "2026-11-01T00:00:00Z",
        "interactions": [{"uid": "i1", "channel": "phone", "started_at": "2026-11-02T10:00:00Z",
                          "outcome": "info"}],
        "promises": [{"uid": "p1", "text": "refund"},
                     {"uid": "p2", "text": "late", "status": "broken",
                      "updated_at": "2026-11-20T08:00:00Z"}]}]})
    detail = store.get_detail(store.resolve_case("c1"))
    assert [(p.party, p.settled_at) for p in detail.promises] == [
        ("company", None), ("company", "2026-11-20T08:00:00Z")]  # settled: when it last changed
    assert detail.interactions[0].milestone is None


def test_a_newer_file_merges_party_status_and_milestone(store, tmp_path):
    _filled(store)
    doc = _export(store)
    case = doc["cases"][0]
    later = "2026-11-25T13:00:00Z"
    case["interactions"][1].pop("milestone")      # cleared there
    case["interactions"][1]["updated_at"] = later
    case["interactions"][0].update(milestone="final_response", updated_at=later)
    case["promises"][0].update(status="kept", updated_at=later)   # a file that says not when
    case["promises"][0].pop("settled_at")
    case["promises"][1].update(party="me", updated_at=later)
    counts = store.import_records(doc)
    assert (counts["interactions_updated"], counts["promises_updated"]) == (2, 2)
    detail = store.get_detail(1)
    assert [i.milestone for i in detail.interactions] == ["final_response", None]
    assert [(p.party, p.status, p.settled_at) for p in sorted(detail.promises,
                                                              key=lambda p: p.id)] == [
        ("me", "kept", later), ("me", "pending", None), ("company", "broken", NOW_ISO)]


def test_an_older_file_keeps_the_milestone_here(store):
    _filled(store)
    doc = _export(store)
    doc["cases"][0]["interactions"][1].pop("milestone")
    doc["cases"][0]["interactions"][1]["updated_at"] = "2026-11-01T00:00:00Z"
    report = store.import_records(doc)
    assert store.get_detail(1).interactions[1].milestone == "formal_complaint"
    assert report["conflicts"][0]["fields"] == ["milestone"]


@pytest.mark.parametrize("where, field, value, expected", [
    ("promises", "party", "you",
     "cases[0] (uid c1).promises[0] (uid p1).party: unknown value 'you'; use one of: company, me"),
    ("interactions", "milestone", "ombudsman",
     "cases[0] (uid c1).interactions[0] (uid i1).milestone: unknown value 'ombudsman'; use one "
     "of: formal_complaint, final_response"),
    ("promises", "settled_at", "soon",
     "cases[0] (uid c1).promises[0] (uid p1).settled_at: 'soon' is not a date"),
])
def test_an_unknown_value_names_the_record_and_the_field(run, db_path, tmp_path, where, field,
                                                         value, expected):
    doc = {"format": "supportlog/1", "cases": [{
        "uid": "c1", "company": "Bank", "title": "x", "opened_at": "2026-11-01T00:00:00Z",
        "interactions": [{"uid": "i1", "channel": "phone", "started_at": "2026-11-02T10:00:00Z",
                          "outcome": "info"}],
        "promises": [{"uid": "p1", "text": "refund", "status": "broken"}]}]}
    doc["cases"][0][where][0][field] = value
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    result = run("import", str(path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"supportlog: {path}: {expected}"), result.stderr
    assert not db_path.exists() or run.ok("list") == "no cases\n"


def test_stats_count_the_companys_promises_not_what_it_asked_of_you(store):
    c = store.create_case("Bank", "x", opened_at="2026-11-01")
    store.log_interaction(c.id, "email", "promised", started_at="2026-11-02T10:00",
                          promise="refund", asked="send the statement")
    for p in store.get_detail(c.id).promises:
        store.set_promise_status(p.id, "broken")
    [company] = store.company_stats()
    [channel] = store.channel_stats_all()
    assert (company.promises_broken, channel.promises_broken) == (1, 1)
