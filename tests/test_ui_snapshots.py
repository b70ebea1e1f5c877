"""Snapshots at 120x40 with a fixed clock: home (empty and with data), case, live, help.
Update after a deliberate change with `pytest tests/test_ui_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest

from ui_fixtures import SNAPSHOT_SIZE as SIZE  # noqa: F401
from ui_fixtures import app_factory, clock, debug_errors, seeded, settle  # noqa: F401
from ui_fixtures import steady_home  # noqa: F401

pytestmark = pytest.mark.usefixtures("steady_home")


def prepared(*then):
    """run_before: wait for the workers, stop cursors blinking, then do `then`."""
    async def run_before(pilot) -> None:
        await settle(pilot)
        for step in then:
            await step(pilot)
            await settle(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False     # snap_compare pauses before the picture
    return run_before


async def open_stalled(pilot) -> None:
    await pilot.press("enter")


async def go_live(pilot) -> None:
    pilot.app.start_live(pilot.app.screen.case_id, "phone")


def test_home_empty(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=prepared())


def test_home_with_cases(snap_compare, app_factory, seeded):
    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=prepared())


def test_case(snap_compare, app_factory, seeded):
    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=prepared(open_stalled))


def test_live_contact(snap_compare, app_factory, seeded):
    assert snap_compare(app_factory(), terminal_size=SIZE,
                        run_before=prepared(open_stalled, go_live))


def test_help(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=SIZE, press=["f1"], run_before=prepared())


SMALL = (80, 24)      # the smallest terminal the app fits: the two directory-and-dates screens


def _directory(db_path, clock) -> None:
    from tui.store import Store
    from tui.store.companies import CompanyChanges
    with Store(db_path, clock=clock) as s:
        s.edit_company("Amazon", CompanyChanges(
            routes=[{"kind": "phone", "value": "+1 888 280 4331", "hours": "24/7"},
                    {"kind": "chat", "value": "https://amazon.example/chat"},
                    {"kind": "postal", "purpose": "complaints", "value": "PO Box 81226"}],
            policies=["return: 30 days from delivered"],
            policy_source="https://amazon.example/returns"))
        case = s.create_case("Amazon", "Air fryer price dropped", purchased_on="2026-11-20",
                             opened_at="2026-11-22T09:00:00Z")
        s.edit_company("Amazon", CompanyChanges(policies=["price adjustment: 7 days from "
                                                          "purchased"]))
        s.log_interaction(case.id, "chat", "info", started_at="2026-11-23T10:00:00Z",
                          duration="5m")


def test_companies(snap_compare, app_factory, seeded, db_path, clock):
    _directory(db_path, clock)

    async def open_directory(pilot) -> None:
        from tui.screens.companies import CompaniesScreen
        pilot.app.push_screen(CompaniesScreen("Amazon"))
        pilot.app.clear_notifications()     # the start-up toast would cover the screen
    assert snap_compare(app_factory(), terminal_size=SMALL,
                        run_before=prepared(open_directory))


def test_agenda(snap_compare, app_factory, seeded, db_path, clock):
    _directory(db_path, clock)

    async def open_agenda(pilot) -> None:
        await pilot.press("a")
        pilot.app.clear_notifications()
    assert snap_compare(app_factory(), terminal_size=SMALL, run_before=prepared(open_agenda))
