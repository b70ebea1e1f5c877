"""Keys typed while a form opens reach the form: typed in one burst after `n` (as a fast
typist or a paste does), they used to go to the screen below and were lost."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tui.screens.case_form import CaseForm
from tui.screens import form as forms

from ui_fixtures import (SIZE, app_factory, clock, debug_errors, open_case, seeded,  # noqa: F401
                         settle, ui)


def burst(app, keys: str) -> None:
    """Keys as a terminal delivers them: all queued at once, nothing waits for a screen."""
    for key in keys:
        app.post_message(events.Key(key, key))


@ui
async def test_text_typed_right_after_n_lands_in_the_company_field(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "nAcme")
        await settle(pilot)
        assert isinstance(app.screen, CaseForm)
        assert app.screen.query_one("#company", Input).value == "Acme"
        await pilot.press("x")                      # typed after it opened: after the burst
        assert app.screen.query_one("#company", Input).value == "Acmex"


@ui
async def test_text_typed_right_after_edit_on_the_case_screen_lands_in_the_form(
        app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.quiet)
        burst(app, "eB")
        await settle(pilot)
        assert isinstance(app.screen, CaseForm)
        # The prefilled name is selected on focus: typing replaces it, as once open.
        assert app.screen.query_one("#company", Input).value == "B"


@ui
async def test_a_key_the_field_took_is_not_typed_twice(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("A", "b")
        assert app.screen.query_one("#company", Input).value == "Ab"
        assert not forms.give_typed_key(app.screen.query_one("#company"), events.Key("a", "a"))
