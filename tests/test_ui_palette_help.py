"""The command palette (jump to a case, actions), F1 help, NO_COLOR (the theme:
test_config.py)."""

from __future__ import annotations

from textual.command import CommandInput, CommandPalette
from textual.filter import Monochrome
from ui_fixtures import SIZE, app_factory, clock, debug_errors, plain, seeded, settle, ui  # noqa: F401

from tui.screens.case import CaseScreen
from tui.screens.case_form import CaseForm
from tui.screens.help import HelpScreen


async def palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    pilot.app.screen.query_one(CommandInput).value = text    # what is matched, not the keys
    await pilot.pause(0.1)
    await settle(pilot)


@ui
async def test_palette_jumps_to_a_case_by_reference_or_company(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "112-33")                 # the order number, as typed
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == seeded.stalled
        await palette(pilot, "skyl")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == seeded.done


@ui
async def test_palette_runs_actions(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette(pilot, "new ca")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseForm)


@ui
async def test_help_lists_keys_tips_and_channel_guides(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = " ".join(plain(p) for p in app.screen.query("#help-keys > Static"))
        for expected in ("Press restart", "Hold on/off", "Copy brief", "Search", "ctrl+p"):
            assert expected in keys
        tips = plain(app.screen.query_one("#help-tips"))
        for title, _ in app.playbook.tips:
            assert title in tips
        guides = plain(app.screen.query_one("#help-guides"))
        assert all(channel.replace("_", " ") in guides for channel in app.playbook.channel_guides)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


def test_no_color_is_honoured(app_factory, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_factory()
    assert app.no_color and any(isinstance(f, Monochrome) for f in app._filters)
    monkeypatch.delenv("NO_COLOR")
    assert not app_factory().no_color
