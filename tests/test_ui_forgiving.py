"""Small things that make the app forgiving: focus back on the list after a filter, case
notes on the case screen, one palette entry per action, a promise back to pending."""

from __future__ import annotations

import json

from textual.command import Command, CommandInput, CommandList, CommandPalette
from textual.widgets import Select
from ui_fixtures import MARKUP, SIZE, messages, plain, settle, ui
from ui_fixtures import app_factory, clock, debug_errors, seeded  # noqa: F401

from tui.screens.case import CaseScreen
from tui.store import Store


@ui
async def test_channel_filter_chosen_with_keys_gives_the_keys_back_to_the_list(app_factory,
                                                                              seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "f", "tab")           # company filter, then the channel one
        await settle(pilot)
        select = app.screen.query_one("#channel-filter", Select)
        assert app.focused is select
        await pilot.press("enter")                   # open the list of channels
        await settle(pilot)
        phone = [v for _, v in select._options].index("phone")
        await pilot.press(*["down"] * phone, "enter")
        await settle(pilot)
        assert select.value == "phone"
        table = app.screen.query_one("#cases")
        assert app.focused is table
        await pilot.press("enter")                   # Enter opens the one phone case at once
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == seeded.stalled


@ui
async def test_company_filter_gives_the_keys_back_to_the_list(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "f", *"Acme", "enter")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#cases")
        await pilot.press("G", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == seeded.quiet


@ui
async def test_case_notes_show_on_the_case_screen_literally(app_factory, seeded, db_path, clock):
    notes = "Keep the box.\nSpoke to the courier " + " ".join(MARKUP)
    with Store(db_path, clock=clock) as s:
        s.update_case(seeded.quiet, notes=notes)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_case(seeded.quiet)
        await settle(pilot)
        panel = app.screen.query_one("#case-notes")
        assert panel.display
        shown = plain(panel)
        assert "Keep the box." in shown and " ".join(MARKUP) in shown   # as typed, no markup
        app.open_case(seeded.stalled)                                    # no notes: no panel
        await settle(pilot)
        assert not app.screen.query_one("#case-notes").display


async def palette_entries(pilot, typed: str = "") -> list[str]:
    """What the open palette lists for `typed`; one palette serves every query, since what
    it lists depends only on the text in its input."""
    assert isinstance(pilot.app.screen, CommandPalette)
    palette = pilot.app.screen
    palette.query_one(CommandInput).value = typed
    await pilot.pause(0.3)
    for _ in range(50):      # under load the search can outlast Textual's "No matches" timer
        await settle(pilot)
        if not any(worker.is_running for worker in palette.workers):
            break
        await pilot.pause(0.1)
    commands = palette.query_one(CommandList)
    return [str(o.hit.text or o.prompt).split("\n")[0]
            for o in commands.options if isinstance(o, Command)]


@ui
async def test_palette_lists_one_entry_per_action(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        entries = await palette_entries(pilot)
        assert "Theme" in entries and "Help" in entries
        assert "Switch theme" not in entries and "Keys" not in entries
        assert len(entries) == len(set(entries))
        for typed, one in (("theme", "Theme"), ("help", "Help")):
            assert await palette_entries(pilot, typed) == [one], typed
        assert "Keys" not in await palette_entries(pilot, "keys")


def test_cli_puts_a_promise_back_to_pending_and_the_case_waits_again(run, seeded, db_path):
    case = str(seeded.stalled)

    def status() -> tuple[str, str]:
        data = json.loads(run.ok("show", case, "--json"))
        return data["status"], data["promises"][0]["status"]
    assert status() == ("waiting", "pending")
    assert run.ok("promise", "p1", "kept") == "promise 1 is kept\n"
    assert status() == ("open", "kept")
    assert run.ok("promise", "p1", "pending") == "promise 1 is pending\n"
    assert status() == ("waiting", "pending")             # the timeline follows the promise
    run.ok("promise", case, "broken")
    assert run.ok("promise", case, "pending") == "promise 1 is pending\n"   # its one settled
    failed = run("promise", case, "pending")               # none settled now: says which
    assert failed.exit_code == 2 and "0 kept or broken promises" in failed.output


@ui
async def test_the_same_key_again_puts_a_promise_back_to_pending(app_factory, seeded, db_path,
                                                                 clock):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_case(seeded.stalled)
        await settle(pilot)
        await pilot.press("tab")                            # to the promises
        await settle(pilot)
        assert app.focused is app.screen.query_one("#promises")

        def stored() -> tuple[str, str]:
            with Store(db_path, clock=clock) as s:
                detail = s.get_detail(seeded.stalled)
                return detail.case.status, detail.promises[0].status
        assert stored() == ("waiting", "pending")
        await pilot.press("k")
        await settle(pilot)
        assert stored() == ("open", "kept") and "k again" in messages(app)[-1]
        await pilot.press("k")
        await settle(pilot)
        assert stored() == ("waiting", "pending")       # re-derived by the store, as the CLI
        assert "back to pending" in messages(app)[-1]
        assert "pending" in plain_row(app.screen.query_one("#promises"))
        await pilot.press("b", "b")
        await settle(pilot)
        assert stored() == ("waiting", "pending")
        await pilot.press("b", "k")                      # another mark still changes it
        await settle(pilot)
        assert stored() == ("open", "kept")


def plain_row(table) -> str:
    return " ".join(str(c) for c in table.get_row_at(table.cursor_row))
