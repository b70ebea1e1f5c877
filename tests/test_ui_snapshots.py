"""Snapshots at 120x40 with a fixed clock: home (empty and with data), case, live, help.
Update after a deliberate change with `pytest tests/test_ui_snapshots.py --snapshot-update`."""

from __future__ import annotations

from ui_fixtures import SNAPSHOT_SIZE as SIZE  # noqa: F401
from ui_fixtures import app_factory, clock, debug_errors, seeded, settle  # noqa: F401


def prepared(*then):
    """run_before: wait for the workers, stop cursors blinking, then do `then`."""
    async def run_before(pilot) -> None:
        await settle(pilot)
        for step in then:
            await step(pilot)
            await settle(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        await pilot.pause()
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
