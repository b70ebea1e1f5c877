"""The case field registry (tui/store/fields.py) drives the CLI options, the interchange,
the reading of rows and the case form: each test fails when one of them stops following it."""

from __future__ import annotations

import io
import json
import sqlite3

import click
from click.testing import CliRunner
from textual.widgets import Input, Select

from tui.cli import cli
from tui.commands.cases import edit, new
from tui.screens.case_form import CaseForm
from tui.store import Store
from tui.store.cases import CASE_COLUMNS, case_from_row
from tui.store.fields import CASE, CASE_ATTRS, CASE_EXPORTED, CASE_FLAGGED, CASE_SHOWN
from tui.store.interchange_check import CASE_FIELDS
from tui.widgets.text import PlainTextArea

from conftest import NOW
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
