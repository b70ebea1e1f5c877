"""The company directory (issue 13, item 1 and 5's company part): routes and policy windows
in the store, the `company` commands, the upgrade from schema 4, the interchange, the dossier."""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import NOW
from tui.advice.channels import route
from tui.commands.json_schema import load_schema
from tui.store import Store, ValidationError
from tui.store.companies import CompanyChanges
from tui.exports.dossier import render_markdown
from tui.store.policies import parse_policy, policy_text

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = load_schema()
ACME = ("company", "add", "Acme", "--phone", "support=+1 555 0100", "--hours", "Mon-Fri 9-17",
        "--chat-url", "https://acme.example/chat", "--policy", "return: 30 days from delivered",
        "--policy-source", "https://acme.example/returns")


def valid(name: str, data) -> None:
    errors = list(Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{name}"}).iter_errors(data))
    assert not errors, [e.message for e in errors]


def shown(run, name="Acme") -> dict:
    data = json.loads(run.ok("company", "show", name, "--json"))
    valid("company_show", data)
    return data


# -- the policy text ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("return: 30 days from delivered", ("return", 30, "days", "delivered")),
    ("price adjustment: 7 days from purchased", ("price adjustment", 7, "days", "purchased")),
    ("refund processing: 10 working days from the refund promise",
     ("refund processing", 10, "working_days", "refund_promise")),
    ("Return:  30 days from delivery", ("Return", 30, "days", "delivered")),
    ("price match: 14 days from purchase", ("price match", 14, "days", "purchased")),
    ("repair: 2 weeks from the formal complaint", ("repair", 2, "weeks", "formal_complaint")),
    ("warranty: 1 month from the statement", ("warranty", 1, "months", "statement")),
    ("credit: 5 business days from final response", ("credit", 5, "working_days",
                                                     "final_response")),
    ("refund: 7 days from cancellation", ("refund", 7, "days", "cancelled")),
])
def test_policy_text_in_its_natural_spellings(text, expected):
    assert tuple(parse_policy(text)) == expected
    assert tuple(parse_policy(policy_text(*expected))) == expected   # written back, read again


@pytest.mark.parametrize("text, says", [
    ("return 30 days from delivered", "no name before a colon"),
    (": 30 days from delivered", "the name before the colon is empty"),
    ("return: thirty days from delivered", "'thirty' is not a whole number"),
    ("return: 0 days from delivered", "0 is out of range"),
    ("return: 30 dayz from delivered", "the unit 'dayz' is not one we know; use days, working "
                                       "days, weeks or months"),
    ("return: 30 days from the parcel", "'the parcel' is not a date of the case we know; use "
                                        "one of: purchased, delivered, opened"),
    ("return: 30 days", "is not 'N days from EVENT'"),
])
def test_a_wrong_policy_names_the_part_that_is_wrong(text, says):
    with pytest.raises(ValidationError) as err:
        parse_policy(text)
    assert says in str(err.value)


# -- the CLI -------------------------------------------------------------------------------------
def test_add_then_show_shows_it_all(run):
    out = run.ok(*ACME)
    assert "phone (support): +1 555 0100  hours Mon-Fri 9-17" in out
    text = run.ok("company", "show", "acme")     # names match ignoring case
    assert "[2] chat: https://acme.example/chat" in text
    assert ("return: 30 days from delivered  (source https://acme.example/returns, read "
            "2026-11-25)") in text
    data = shown(run)
    assert [(r["kind"], r["label"], r["value"], r["hours"]) for r in data["routes"]] == [
        ("phone", "support", "+1 555 0100", "Mon-Fri 9-17"),
        ("chat", None, "https://acme.example/chat", None)]
    [policy] = data["policies"]
    assert (policy["name"], policy["days"], policy["unit"], policy["starts"], policy["source"],
            policy["read_on"]) == ("return", 30, "days", "delivered",
                                   "https://acme.example/returns", "2026-11-25")


def test_edit_changes_replaces_and_removes(run):
    run.ok(*ACME)
    run.ok("company", "edit", "Acme", "--phone", "support=+1 555 0101", "--phone",
           "billing=+1 555 0199", "--ombudsman", "Retail ADR=https://adr.example",
           "--complaints-email", "complaints@acme.example",
           "--policy", "price adjustment: 7 days from purchase", "--notes", "ask for Sam")
    data = shown(run)
    assert [(r["kind"], r["purpose"], r["label"], r["value"]) for r in data["routes"]] == [
        ("phone", "support", "support", "+1 555 0101"),      # same kind and label: replaced
        ("chat", "support", None, "https://acme.example/chat"),
        ("phone", "support", "billing", "+1 555 0199"),
        ("email", "complaints", None, "complaints@acme.example"),
        ("web", "ombudsman", "Retail ADR", "https://adr.example")]
    assert data["routes"][0]["hours"] == "Mon-Fri 9-17"     # kept through the replacement
    assert [p["name"] for p in data["policies"]] == ["price adjustment", "return"]
    assert data["notes"] == "ask for Sam"
    run.ok("company", "edit", "Acme", "--policy", "return: 14 days from delivered")
    assert [p["days"] for p in shown(run)["policies"]] == [7, 14]    # same name: replaced
    chat = str(data["routes"][1]["id"])
    run.ok("company", "edit", "Acme", "--remove-route", chat, "--remove-route", "phone:billing",
           "--remove-route", "ombudsman", "--remove-policy", "RETURN", "--name", "Acme Corp")
    data = shown(run, "Acme Corp")
    assert [(r["kind"], r["purpose"]) for r in data["routes"]] == [("phone", "support"),
                                                                     ("email", "complaints")]
    assert [p["name"] for p in data["policies"]] == ["price adjustment"]


def test_list_json_lists_them_with_their_cases(run):
    run.ok(*ACME)
    run.ok("new", "--company", "Acme", "--title", "broken kettle")
    run.ok("company", "add", "Zeta Bank", "--email", "help@zeta.example")
    data = json.loads(run.ok("company", "list", "--json"))
    valid("company_list", data)
    assert [(c["name"], c["cases"], c["active"], len(c["routes"]), len(c["policies"]))
            for c in data["companies"]] == [("Acme", 1, 1, 2, 1), ("Zeta Bank", 0, 0, 1, 0)]
    table = run.ok("company", "list")
    assert "Acme" in table and "phone, chat" in table and "return" in table
    assert [c["name"] for c in json.loads(run.ok("company", "list", "ze", "--json"))[
        "companies"]] == ["Zeta Bank"]


def test_the_case_counts_follow_every_change_to_the_cases(store):
    """The company list's counts (company_figures' total, the active cases by index) stay
    what counting the cases gives, through status changes, a move, a delete and an undo."""
    def counted():
        return {cid: (n, active) for cid, n, active in store.conn.execute(
            "SELECT company_id, count(*), sum(status IN ('open', 'waiting')) FROM cases "
            "GROUP BY company_id")}

    a = store.create_case("Acme", "a", opened_at="2026-11-01")
    b = store.create_case("Acme", "b", opened_at="2026-11-01")
    c = store.create_case("Zeta", "c", opened_at="2026-11-01", status="waiting")
    assert store.company_case_counts() == counted() == {a.company_id: (2, 2),
                                                        c.company_id: (1, 1)}
    store.set_status(a.id, "resolved")
    store.set_status(c.id, "abandoned")
    store.update_case(b.id, company="Zeta")
    assert store.company_case_counts() == counted() == {a.company_id: (1, 0),
                                                        c.company_id: (2, 1)}
    store.set_status(a.id, "open")
    deleted = store.delete_case(b.id)
    assert store.company_case_counts() == counted() == {a.company_id: (1, 1),
                                                        c.company_id: (1, 0)}
    store.restore_case(deleted)
    assert store.company_case_counts() == counted()


@pytest.mark.parametrize("args, says", [
    (("--policy", "return: 30 dayz from delivered"),
     "--policy 'return: 30 dayz from delivered': the unit 'dayz' is not one we know"),
    (("--policy", "return 30 days"), "--policy 'return 30 days': 'return 30 days' has no name"),
    (("--remove-policy", "warranty"), "--remove-policy: no policy called 'warranty'; this "
                                      "company has: return"),
    (("--remove-route", "fax"), "--remove-route: 'fax' names no route of this company"),
    (("--policy-source", "https://x.example"), "--policy-source, --policy-read-on and "
                                               "--policy-note describe the --policy options"),
    (("--policy", "x: 3 days from due", "--policy-read-on", "the other day"),
     "--policy-read-on 'the other day'"),
])
def test_errors_name_the_option_keep_what_was_typed_and_change_nothing(run, args, says):
    run.ok(*ACME)
    before = shown(run)
    result = run("company", "edit", "Acme", "--phone", "new=+1 555 0177", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert says in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert shown(run) == before          # one write unit: the good --phone did not land


def test_hours_need_a_phone_line_and_companies_are_added_once(run):
    result = run("company", "add", "Acme", "--chat-url", "https://a.example", "--hours", "9-5")
    assert result.exit_code == 2
    assert "--hours: the company has no phone line to give the hours to" in result.stderr
    assert json.loads(run.ok("company", "list", "--json")) == {"companies": []}
    run.ok("company", "add", "Acme")
    result = run("company", "add", "ACME")
    assert result.exit_code == 2 and "'Acme' is in the directory already" in result.stderr
    result = run("company", "show", "Nobody")
    assert result.exit_code == 2 and "no company called 'Nobody'" in result.stderr


def test_reading_commands_never_create_a_notebook(run, db_path):
    assert run("company", "list").exit_code == 3
    assert not db_path.exists()


def test_user_text_is_never_markup_or_escape_codes(run):
    run.ok("company", "add", "[b]Acme[/b]", "--phone", "x=\x1b[31m+1 555", "--notes",
           "[red]hi[/red]")
    out = run.ok("company", "show", "[b]Acme[/b]")
    assert "\x1b[31m" not in out and "[b]Acme[/b]" in out and "[red]hi[/red]" in out


def test_the_case_dates_clocks_run_from(run):
    run.ok("new", "--company", "Acme", "--title", "charge", "--statement", "2026-11-03",
           "--cancelled", "2026-11-02")
    data = json.loads(run.ok("show", "1", "--json"))
    assert (data["statement_on"], data["cancelled_on"]) == ("2026-11-03", "2026-11-02")
    run.ok("edit", "1", "--statement", "2026-11-10")
    assert "statement:     2026-11-10" in run.ok("show", "1")
    valid("show", json.loads(run.ok("show", "1", "--json")))


# -- the store -----------------------------------------------------------------------------------
def test_company_keeps_phone_chat_email_hours_for_its_callers(store):
    case = store.create_case("Acme", "t", company_details={
        "phone": "+1 555 0100", "chat_url": "https://acme.example/chat", "hours": "9-5"})
    company = store.get_detail(case.id).company
    assert (company.phone, company.chat_url, company.email, company.hours) == (
        "+1 555 0100", "https://acme.example/chat", None, "9-5")
    assert route(company, "chat") == "https://acme.example/chat"      # the advice's reader
    store.update_company("Acme", email="help@acme.example", phone="")  # blank removes it
    company = store.get_company("Acme")
    assert (company.phone, company.email) == (None, "help@acme.example")
    assert store.companies_by_id([company.id])[company.id] == company  # the advice's bulk read


def test_a_route_or_policy_change_marks_the_company_changed_for_the_advice(store):
    store.create_case("Acme", "t")
    rev = store.get_company("Acme").advice_rev
    store.edit_company("Acme", CompanyChanges(routes=[{"kind": "chat", "value": "https://c"}]))
    assert store.get_company("Acme").advice_rev > rev
    rev = store.get_company("Acme").advice_rev
    store.edit_company("Acme", CompanyChanges(policies=["return: 30 days from delivered"]))
    assert store.get_company("Acme").advice_rev > rev


# -- the upgrade from schema 4 -----------------------------------------------------------------
def test_the_upgrade_moves_phone_chat_email_and_hours_into_routes(tmp_path):
    path = tmp_path / "v4.db"
    shutil.copy(FIXTURES / "notebook-v4.db", path)
    old = sqlite3.connect(path)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 4
    old.execute("UPDATE companies SET phone = '+1 555 0100', chat_url = 'https://a.example/chat', "
                "email = 'help@a.example', hours = 'Mon-Fri 9-17' WHERE name = 'Amazon'")
    old.execute("UPDATE companies SET hours = '24/7', notes = 'kind people' WHERE name = 'Comcast'")
    old.execute("UPDATE companies SET chat_url = 'https://bank.example', hours = '8-20' "
                "WHERE name = 'Bank'")
    old.commit()
    old.close()
    with Store(path, clock=lambda: NOW) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= 5  # past 4
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(companies)")}
        assert not columns & {"phone", "chat_url", "email", "hours"}       # one source
        amazon, bank, comcast = (store.get_company(n) for n in ("Amazon", "Bank", "Comcast"))
        assert [(r.kind, r.purpose, r.value, r.hours) for r in amazon.routes] == [
            ("phone", "support", "+1 555 0100", "Mon-Fri 9-17"),
            ("chat", "support", "https://a.example/chat", None),
            ("email", "support", "help@a.example", None)]
        assert (amazon.phone, amazon.chat_url, amazon.email, amazon.hours) == (
            "+1 555 0100", "https://a.example/chat", "help@a.example", "Mon-Fri 9-17")
        assert [(r.kind, r.hours) for r in bank.routes] == [("chat", "8-20")]  # no phone line
        assert comcast.routes == () and comcast.notes == "kind people\nHours: 24/7"
        assert all(len(r.uid) == 16 and not r.uid.isdigit() for r in amazon.routes)
        assert store.count_cases() == 3
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store.edit_company("Amazon", CompanyChanges(policies=["return: 30 days from delivered"]))
    assert list(tmp_path.glob("v4.db.v4-*.bak"))


def test_the_upgrade_matches_a_new_notebook(tmp_path):
    """What step 5 makes (the directory's tables, triggers, the companies and cases columns)
    is what schema.sql makes; tests/test_facts.py compares the whole chain from schema 3."""
    path = tmp_path / "v4.db"
    shutil.copy(FIXTURES / "notebook-v4.db", path)
    Store(path, clock=lambda: NOW).close()
    Store(tmp_path / "new.db", clock=lambda: NOW).close()

    def shape(p):
        conn = sqlite3.connect(p)
        names = {(t, n, sql) for t, n, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'compan%' "
            "AND name NOT LIKE 'company_channels%'")}
        columns = {t: {r[1:4] for r in conn.execute(f"PRAGMA table_info({t})")}
                   for t in ("companies", "cases", "company_routes", "company_policies")}
        conn.close()
        # Comments aside, and the ", col TYPE" that ALTER TABLE ADD COLUMN appends.
        plain = {(t, n, re.sub(r" ([,)])", r"\1",
                               " ".join(re.sub(r"--[^\n]*", "", sql or "").split())))
                 for t, n, sql in names}
        return plain, columns
    assert shape(path) == shape(tmp_path / "new.db")


# -- the interchange ---------------------------------------------------------------------------
def _export(store) -> dict:
    out = io.StringIO()
    store.export_json(out)
    doc = json.loads(out.getvalue())
    valid("interchange", doc)
    return doc


def _directory(store) -> None:
    store.create_case("Acme", "kettle", delivered_on="2026-11-20", statement_on="2026-11-21")
    store.edit_company("Acme", CompanyChanges(routes=[
        {"kind": "phone", "label": "support", "value": "+1 555 0100", "hours": "9-17"},
        {"kind": "web", "purpose": "ombudsman", "value": "https://adr.example"}],
        policies=["return: 30 days from delivered"], policy_source="https://acme.example/r"))


def test_export_then_import_round_trips_routes_and_policies(tmp_path):
    with Store(tmp_path / "a.db", clock=lambda: NOW) as a:
        _directory(a)
        doc = _export(a)
    with Store(tmp_path / "b.db", clock=lambda: NOW) as b:
        report = b.import_records(doc)
        assert (report["companies_added"], report["routes_added"],
                report["policies_added"]) == (1, 2, 1)
        again = _export(b)
        assert again["companies"] == doc["companies"] and again["cases"] == doc["cases"]
        twice = b.import_records(doc)
        assert not any(v for k, v in twice.items() if k.endswith(("added", "updated")))


def test_a_newer_route_or_policy_wins_the_merge(tmp_path):
    with Store(tmp_path / "a.db", clock=lambda: NOW) as a:
        _directory(a)
        doc = _export(a)
    later = "2026-11-26T09:00:00Z"
    acme = doc["companies"][0]
    acme["routes"][0].update(value="+1 555 0199", updated_at=later)
    acme["policies"][0].update(days=14, updated_at=later)
    acme["policies"].append({"uid": "p2", "name": "price adjustment", "days": 7,
                             "unit": "days", "starts": "purchased", "note": None,
                             "source": None, "read_on": None, "updated_at": later})
    with Store(tmp_path / "a.db", clock=lambda: NOW) as a:
        report = a.import_records(doc)
        assert (report["routes_updated"], report["policies_updated"],
                report["policies_added"]) == (1, 1, 1)
        company = a.get_company("Acme")
        assert company.phone == "+1 555 0199"
        assert [(p.name, p.days) for p in company.policies] == [("price adjustment", 7),
                                                                 ("return", 14)]


def test_an_older_file_gives_phone_and_hours_as_routes(store):
    doc = {"format": "supportlog/1", "companies": [
        {"uid": "co1", "name": "Acme", "phone": "+1 555 0100", "hours": "9-5",
         "chat_url": "https://acme.example/chat"}], "cases": []}
    assert store.import_records(doc)["companies_added"] == 1
    company = store.get_company("Acme")
    assert [(r.kind, r.value, r.hours) for r in company.routes] == [
        ("phone", "+1 555 0100", "9-5"), ("chat", "https://acme.example/chat", None)]
    assert store.import_records(doc)["companies_updated"] == 0     # twice changes nothing


@pytest.mark.parametrize("change, says", [
    (lambda c: c["routes"][0].update(kind="fax"), "companies[0] (uid co1).routes[0] (uid r1)"
                                                  ".kind: unknown value 'fax'"),
    (lambda c: c["policies"][0].update(days="30"), "companies[0] (uid co1).policies[0] (uid p1)"
                                                   ".days: expected a whole number of days"),
    (lambda c: c["policies"].append({**c["policies"][0], "uid": "p2"}),
     "policies[1] (uid p2).name: repeats the name of"),
])
def test_a_bad_route_or_policy_in_a_file_is_named(store, change, says):
    company = {"uid": "co1", "name": "Acme",
               "routes": [{"uid": "r1", "kind": "phone", "value": "555"}],
               "policies": [{"uid": "p1", "name": "return", "days": 30, "unit": "days",
                             "starts": "delivered"}]}
    change(company)
    with pytest.raises(ValidationError) as err:
        store.import_records({"format": "supportlog/1", "companies": [company], "cases": []})
    assert says in str(err.value)
    assert store.companies() == []


# -- the dossier -------------------------------------------------------------------------------
def test_the_dossier_lists_the_company_routes_and_policies(store):
    _directory(store)
    text = render_markdown(store.get_detail(1), "2026-11-25T12:00:00Z")
    assert "## Acme: how to reach them" in text
    assert "| phone (support) | support | +1 555 0100 | 9-17 |" in text
    assert "| web | ombudsman | https://adr.example |  |" in text
    assert ("| return | 30 days | delivered | https://acme.example/r | 2026-11-25 |") in text
    assert "| Card statement | 2026-11-21 |" in text


# -- your account number with them (issue 14 item 5: letters cite it) ------------------------------
def test_the_account_is_set_shown_and_cleared(run):
    out = run.ok("company", "add", "Acme", "--account", "  AC-2291 0093 ")
    assert "  account: AC-2291 0093\n" in out
    assert "account: AC-2291 0093" in run.ok("company", "show", "Acme")
    assert shown(run)["account"] == "AC-2291 0093"
    assert json.loads(run.ok("company", "list", "--json"))["companies"][0]["account"] == \
        "AC-2291 0093"
    run.ok("company", "edit", "Acme", "--notes", "ask for Sam")      # not given: kept
    assert shown(run)["account"] == "AC-2291 0093"
    run.ok("company", "edit", "Acme", "--account", "")
    assert shown(run)["account"] is None
    assert "account:" not in run.ok("company", "show", "Acme")


def test_a_card_number_given_as_the_account_is_masked(run):
    run.ok("company", "add", "Acme", "--account", "4111 1111 1111 1111")
    assert "1111 1111 1111" not in shown(run)["account"]


def test_the_account_round_trips_through_export_and_import(tmp_path):
    a_db, b_db = tmp_path / "a.db", tmp_path / "b.db"
    with Store(a_db, clock=lambda: NOW) as a:
        _directory(a)
        a.edit_company("Acme", CompanyChanges(account="AC-2291", set_account=True))
        doc = _export(a)
    assert doc["companies"][0]["account"] == "AC-2291"
    (tmp_path / "acme.json").write_text(json.dumps(doc), encoding="utf-8")
    from conftest import Cli
    b = Cli(b_db)
    b.ok("import", str(tmp_path / "acme.json"))
    assert "account: AC-2291" in b.ok("company", "show", "Acme")
    # the side changed later wins, as for every other field
    with Store(b_db, clock=lambda: NOW) as store:
        assert _export(store)["companies"] == doc["companies"]
        doc["companies"][0].update(account="AC-7777", updated_at="2026-11-26T09:00:00Z")
        assert store.import_records(doc)["companies_updated"] == 1
        assert store.get_company("Acme").account == "AC-7777"
        # a file from before accounts were kept says nothing about it: the account stays
        old = {k: v for k, v in doc["companies"][0].items() if k != "account"}
        store.import_records({"format": "supportlog/1", "companies": [old], "cases": []})
        assert store.get_company("Acme").account == "AC-7777"


def test_an_account_that_is_not_text_in_a_file_is_named(store):
    company = {"uid": "co1", "name": "Acme", "account": 2291}
    with pytest.raises(ValidationError) as err:
        store.import_records({"format": "supportlog/1", "companies": [company], "cases": []})
    assert "companies[0] (uid co1).account: expected" in str(err.value)


def test_the_company_form_edits_the_account_and_keeps_it_when_untouched(db_path):
    """The app's form: an Account field, filled with what is stored."""
    import asyncio

    from textual.widgets import Input
    from ui_fixtures import SIZE, Clock, make_app, settle

    from tui.screens.company_form import CompanyForm
    with Store(db_path, clock=lambda: NOW) as s:
        s.add_company("ShopCo", CompanyChanges(account="SC-1", set_account=True,
                                               routes=[{"kind": "phone", "value": "555"}]))

    def stored() -> tuple[str | None, str | None]:
        with Store(db_path) as s:
            company = s.get_company("ShopCo")
            return company.account, company.notes

    async def edit() -> None:
        app = make_app(db_path, Clock())
        try:
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                # One app for both edits: each form is built afresh from what is stored.
                for value, expected in ((None, ("SC-1", "ask for Sam")),
                                        (" SC-2 ", ("SC-2", "ask for Sam"))):
                    app.push_screen(CompanyForm(app.store.get_company("ShopCo")))
                    await settle(pilot)
                    account = app.screen.query_one("#account", Input)
                    assert account.value == "SC-1", value
                    if value is None:       # another field changed, the account left alone
                        app.screen.query_one("#notes").text = "ask for Sam"
                    else:
                        account.value = value
                    await pilot.press("ctrl+s")
                    await settle(pilot)
                    assert not isinstance(app.screen, CompanyForm), value
                    assert stored() == expected, value
        finally:
            app.store.close()

    asyncio.run(edit())
