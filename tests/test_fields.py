"""The field registries (tui/store/fields.py: cases, contacts, promises) drive the records,
the CLI options, the interchange, the reading of rows, the forms and the JSON Schema: each
test fails when one of them stops following them."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import click
from click.testing import CliRunner
from textual.widgets import Input, Select

from tui.cli import cli
from tui.commands.cases import edit, new
from tui.commands.contacts import LOG_REQUIRED, log
from tui.commands.json_schema import CONTACT_DEF, PROMISE_DEF, load_schema
from tui.screens.case_form import CaseForm
from tui.screens.contact_form import ContactForm
from tui.store import Store
from tui.store.cases import CASE_COLUMNS, case_from_row
from tui.store.fields import (CASE, CASE_ATTRS, CASE_EXPORTED, CASE_FLAGGED, CASE_SHOWN,
                              CONTACT, CONTACT_EXPORTED, CONTACT_FLAGGED, CONTACT_SHOWN,
                              INTERACTION_ATTRS, INTERACTION_SELECT, PROMISE, PROMISE_ATTRS,
                              PROMISE_EXPORTED, PROMISE_SELECT)
from tui.store.bulk import INDEX_CASES_SQL, INDEX_INTERACTIONS_SQL
from tui.store.importer import CONTACT_MERGED, PROMISE_MERGED
from tui.store.interchange_check import CASE_FIELDS, INTERACTION_FIELDS, PROMISE_FIELDS
from tui.store.records import Interaction, Promise, interaction_from_row, promise_from_row
from tui.widgets.plain_text_area import PlainTextArea

from conftest import NOW, Cli
from ui_fixtures import SIZE, app_factory, clock, seeded, settle, ui  # noqa: F401

# A value of each kind as a person types it, which the store keeps as typed; a field
# without a sample of its own takes its kind's.
BY_KIND = {"text": "Kettles & Co", "currency": "EUR", "date": "2026-11-02",
           "due_date": "2026-12-10", "when": "2026-11-06T09:00:00Z", "amount": "49.90"}
OWN = {"status": "waiting", "closed_at": None, "category": "damaged", "want": "repair",
       "snoozed_until": "2026-12-01T12:00:00Z"}
TYPED = {f.name: OWN[f.name] if f.name in OWN else BY_KIND.get(f.kind, f.choices and
                                                                 f.choices[0]) for f in CASE}
TYPED = {name: (value, value) for name, value in TYPED.items()}


def test_every_field_has_a_sample_here():
    assert all(TYPED[f.name][0] is not None for f in CASE if f.name != "closed_at")


def test_every_flagged_field_is_an_option_of_new_and_edit_with_its_help():
    for command in (new, edit):
        options = {p.name: p for p in command.params if isinstance(p, click.Option)}
        for f in CASE_FLAGGED:
            assert f.name in options, (command.name, f.name)
            assert f.flag in options[f.name].opts
            if f.choices:
                assert tuple(options[f.name].type.choices) == f.choices
    text = CliRunner().invoke(cli, ["new", "--help"], terminal_width=400).output
    for f in CASE_FLAGGED:
        assert f.flag in text
        if f.help and "{" not in f.help:
            assert f.help in " ".join(text.split()), f.name


def test_new_and_edit_set_every_flagged_field(run):
    flagged = {f.name: f for f in CASE_FLAGGED}
    args = ["new", "--company", "Acme"]
    for name, f in flagged.items():
        args += [f.flag, TYPED[name][0]]
    case_id = run.ok(*args).strip()
    record = json.loads(run.ok("show", case_id, "--json"))
    for name in flagged:
        assert record[name] == TYPED[name][1], name
    run.ok("edit", case_id, "--seller", "Other seller", "--statement", "2026-11-29")
    record = json.loads(run.ok("show", case_id, "--json"))
    assert (record["seller"], record["statement_on"]) == ("Other seller", "2026-11-29")


def test_the_interchange_carries_every_exported_field(tmp_path):
    assert CASE_FIELDS == CASE_EXPORTED
    values = {name: stored for name, (_, stored) in TYPED.items() if name != "status"}
    with Store(tmp_path / "a.db", clock=lambda: NOW) as a:
        case = a.create_case("Acme", **values)
        out = io.StringIO()
        a.export_json(out)
    with Store(tmp_path / "b.db", clock=lambda: NOW) as b:
        b.import_records(json.loads(out.getvalue()))
        record = b.case_record(b.resolve_case(case.uid))
    for name in CASE_EXPORTED:
        if name not in ("status", "closed_at"):   # these follow the timeline
            assert record[name] == values[name], name
    assert list(record)[2:2 + len(CASE_EXPORTED)] == list(CASE_EXPORTED)


def test_a_case_is_read_by_name_whatever_the_column_order(store):
    case = store.create_case("Acme", "Broken kettle", seller="Kettles & Co", amount="49.90",
                             statement_on="2026-11-30")
    sql = (f"SELECT {CASE_COLUMNS} FROM cases c JOIN companies co ON co.id = c.company_id "
           "WHERE c.id = ?")
    store.conn.row_factory = sqlite3.Row
    try:
        row = store.conn.execute(sql, (case.id,)).fetchone()
        backwards = dict(reversed(list(zip(row.keys(), row))))
    finally:
        store.conn.row_factory = None
    assert list(backwards) == list(reversed(CASE_ATTRS))
    assert case_from_row(backwards) == case_from_row(row) == store.get_case(case.id) == case
    assert case_from_row(backwards).statement_on == "2026-11-30"


@ui
async def test_the_case_form_has_an_input_per_shown_field(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(CaseForm(seeded.stalled))
        await settle(pilot)
        case = app.store.get_case(seeded.stalled)
        for f in CASE_SHOWN:
            widget = app.screen.query_one(f"#{f.name}")
            if f.choices:
                assert isinstance(widget, Select) and widget.value == getattr(case, f.name)
            elif f.multiline:
                assert isinstance(widget, PlainTextArea)
            else:
                assert isinstance(widget, Input)
                assert widget.value == (getattr(case, f.name) or ""), f.name
        hidden = [f.name for f in CASE if not f.shown]
        assert hidden and not any(app.screen.query(f"#{name}") for name in hidden)


# -- contacts and promises ----------------------------------------------------------------
# A value of each contact field as `log` takes it, and as the store keeps it (a text field
# without one of its own takes its name).
CONTACT_OWN = {"channel": ("chat", "chat"), "outcome": ("escalated", "escalated"),
                 "started_at": ("2026-11-20T09:30", "2026-11-20T09:30:00Z"),
                 "hold_seconds": ("12m", 720), "direction": ("in", "in"),
                 "agent": ("Dana", "Dana"), "agent_id": ("A-77", "A-77"),
                 "reference": ("TCK-1", "TCK-1"), "transcript_ref": ("chat-991", "chat-991"),
                 "notes": ("They escalated it", "They escalated it")}
CONTACT_TYPED = {f.name: CONTACT_OWN.get(f.name, (f.name, f.name)) for f in CONTACT_FLAGGED}


def test_the_records_and_the_interchange_follow_the_contact_and_promise_registries():
    interaction = [f.name for f in dataclasses.fields(Interaction)]
    promise = [f.name for f in dataclasses.fields(Promise)]
    assert sorted(interaction) == sorted(INTERACTION_ATTRS)
    assert sorted(promise) == sorted(PROMISE_ATTRS)
    assert INTERACTION_ATTRS == ("id", "uid", "case_id", *(f.name for f in CONTACT),
                                 "has_transcript")
    assert PROMISE_ATTRS == ("id", "uid", "case_id", *(f.name for f in PROMISE))
    assert INTERACTION_FIELDS == CONTACT_EXPORTED == tuple(f.name for f in CONTACT)
    assert PROMISE_FIELDS == PROMISE_EXPORTED == tuple(f.name for f in PROMISE if f.exported)
    assert "interaction_id" not in PROMISE_FIELDS    # the file names the contact by uid
    assert CONTACT_MERGED == (*CONTACT_EXPORTED, "transcript_text")
    assert PROMISE_MERGED == ("interaction_uid", *PROMISE_EXPORTED)
    schema = load_schema()["$defs"]
    for name, fields in ((CONTACT_DEF, CONTACT), (PROMISE_DEF, PROMISE)):
        exported = [f for f in fields if f.exported]
        assert {f.name for f in exported} <= set(schema[name]["properties"]), name
        assert [n for n in schema[name]["required"] if n in {f.name for f in exported}] == [
            f.name for f in exported if not f.omit_blank], name


def test_the_searchable_fields_are_the_ones_the_search_index_holds():
    for fields, sql, alias in ((CASE, INDEX_CASES_SQL, "c"),
                               (CONTACT, INDEX_INTERACTIONS_SQL, "i")):
        indexed = set(re.findall(rf"\b{alias}\.(\w+)", sql))
        assert {f.name for f in fields if f.searchable} == indexed & {f.name for f in fields}


def test_log_has_an_option_per_flagged_contact_field_with_its_help():
    options = {p.name: p for p in log.params if isinstance(p, click.Option)}
    for f in CONTACT_FLAGGED:
        assert f.name in options and f.flag in options[f.name].opts, f.name
        assert options[f.name].required == (f.name in LOG_REQUIRED), f.name
        if f.choices:
            assert tuple(options[f.name].type.choices) == f.choices
    text = " ".join(CliRunner().invoke(cli, ["log", "--help"], terminal_width=400).output.split())
    for f in CONTACT_FLAGGED:
        if "{" not in f.help:
            assert f.help in text, f.name


def test_log_sets_every_flagged_contact_field_and_export_import_keeps_them(run, tmp_path):
    assert all(f.kind == "text" for f in CONTACT_FLAGGED if f.name not in CONTACT_OWN)
    run.ok("new", "--company", "Acme", "--title", "Kettle", "--opened", "2026-11-19")
    args = ["log", "1", "--duration", "40m", "--promise", "a call back", "--due", "2026-11-28"]
    for f in CONTACT_FLAGGED:
        args += [f.flag, CONTACT_TYPED[f.name][0]]
    contact = json.loads(run.ok(*args, "--json"))
    for name, (_, stored) in CONTACT_TYPED.items():
        assert contact[name] == stored, name
    assert contact["ended_at"] == "2026-11-20T10:10:00Z"
    run.ok("promise", "1", "--add", "send the receipt", "--due", "2026-11-27", "--mine")
    doc = run.ok("export", "1")
    other = Cli(tmp_path / "other.db")
    other.ok("import", "-", input=doc)
    again = json.loads(other.ok("export", "1"))
    first = json.loads(doc)["cases"][0]
    for key in ("interactions", "promises"):
        assert again["cases"][0][key] == first[key], key
    kept = first["interactions"][0]
    assert list(kept)[1:1 + len(CONTACT_EXPORTED) - 1] == [
        n for n in CONTACT_EXPORTED if n != "milestone"]     # written only on a milestone
    assert [p["party"] for p in first["promises"]] == ["company", "me"]


def test_a_contact_and_a_promise_are_read_by_name_whatever_the_column_order(store):
    case = store.create_case("Acme", "Broken kettle")
    contact = store.log_interaction(case.id, "phone", "promised", started_at="2026-11-20T10:00",
                                    agent="Dana", hold="5m", promise="refund", promise_due="fri")
    promise = store.get_detail(case.id).promises[0]
    store.conn.row_factory = sqlite3.Row
    try:
        i_row = store.conn.execute(f"SELECT {INTERACTION_SELECT} FROM interactions i "
                                   "WHERE i.id = ?", (contact.id,)).fetchone()
        p_row = store.conn.execute(f"SELECT {PROMISE_SELECT} FROM promises p WHERE p.id = ?",
                                   (promise.id,)).fetchone()
    finally:
        store.conn.row_factory = None
    i_back = dict(reversed(list(zip(i_row.keys(), i_row))))
    p_back = dict(reversed(list(zip(p_row.keys(), p_row))))
    assert list(i_back) == list(reversed(INTERACTION_ATTRS))
    assert interaction_from_row(i_back) == interaction_from_row(i_row) == contact
    assert interaction_from_row(tuple(i_row)) == contact
    assert list(p_back) == list(reversed(PROMISE_ATTRS))
    assert promise_from_row(p_back) == promise_from_row(tuple(p_row)) == promise
    assert promise == store.get_promise(promise.id)
    assert (contact.hold_seconds, promise.interaction_id) == (300, contact.id)


@ui
async def test_the_contact_form_has_an_input_per_shown_field(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        contact = app.store.get_detail(seeded.stalled).interactions[-1]
        await app.push_screen(ContactForm(seeded.stalled, contact))
        await settle(pilot)
        for f in CONTACT_SHOWN:
            widget = app.screen.query_one(f"#{f.key}")
            value = getattr(contact, f.name)
            if f.choices:
                assert isinstance(widget, Select)
                assert widget.value == (value if value else Select.NULL), f.name
            elif f.multiline:
                assert isinstance(widget, PlainTextArea) and widget.text == (value or "")
            elif f.kind in ("text", "seconds"):
                assert isinstance(widget, Input)
                assert bool(widget.value) == bool(value), f.name
        hidden = [f.key for f in CONTACT if not f.shown]
        assert hidden and not any(app.screen.query(f"#{name}") for name in hidden)


# A contact field added to the registry, as a contributor would: one Field, one column.
NEW_FIELD = textwrap.dedent("""
    import sys, json
    from pathlib import Path
    import tui.store.fields as f
    source = Path(f.__file__).read_text(encoding="utf-8").replace(
        "CONTACT_BY_NAME = ", "CONTACT = (*CONTACT, Field('call_back_on', 'text', 'Call back on', "
        "'call back', '--call-back-on', help='The number they will call back from.'))\\n"
        "CONTACT_BY_NAME = ", 1)
    exec(compile(source, f.__file__, "exec"), vars(f))
    from click.testing import CliRunner
    from tui.cli import cli
    from tui.store import Store
    from tui.commands.json_schema import load_schema
    for name in sys.argv[1:]:
        with Store(Path(name)) as s:
            s.conn.execute("ALTER TABLE interactions ADD COLUMN call_back_on TEXT")
    def run(db, *args, input=None):
        out = CliRunner().invoke(cli, ["--db", db, "--now", "2026-11-25T12:00:00Z", *args],
                                 input=input, catch_exceptions=False)
        assert out.exit_code == 0, out.output
        return out.stdout
    a, b = sys.argv[1:]
    run(a, "new", "--company", "Acme", "--title", "Kettle")
    logged = json.loads(run(a, "log", "1", "--channel", "phone", "--outcome", "info",
                            "--call-back-on", "+31 20 555 0100", "--json"))
    doc = run(a, "export", "1")
    run(b, "import", "-", input=doc)
    shown = json.loads(run(b, "show", "1", "--json"))
    props = load_schema()["$defs"]["interaction_fields"]
    print(json.dumps({"help": run(a, "log", "--help"), "logged": logged["call_back_on"],
                      "exported": json.loads(doc)["cases"][0]["interactions"][0]["call_back_on"],
                      "imported": shown["interactions"][0]["call_back_on"],
                      "schema": props["properties"]["call_back_on"],
                      "required": "call_back_on" in props["required"]}))
""")


def test_a_new_contact_field_is_in_log_the_interchange_and_the_schema(tmp_path):
    out = subprocess.run([sys.executable, "-c", NEW_FIELD, str(tmp_path / "a.db"),
                          str(tmp_path / "b.db")], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert "--call-back-on" in seen["help"] and "call back from" in seen["help"]
    assert seen["logged"] == seen["exported"] == seen["imported"] == "+31 20 555 0100"
    assert seen["schema"] == {"description": "The number they will call back from.",
                              "type": ["string", "null"]}
    assert seen["required"]
