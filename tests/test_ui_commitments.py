"""The app's forms for issue 12: what they asked of you (an ask: a commitment of party "me")
and a contact's milestone (your formal complaint, their final response), in the finish-contact
dialog, the log form and the promise form; errors shown inline with nothing typed lost."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, OptionList, Select
from ui_fixtures import (  # noqa: F401
    SIZE,
    app_factory,
    clock,
    debug_errors,
    plain,
    seeded,
    settle,
    ui,
)

from tui.screens.contact_form import ContactForm, PromiseForm
from tui.screens.dialogs import FinishContactScreen
from tui.screens.live import LiveScreen
from tui.store import Store
from tui.store.records import OUTCOMES


def commitments(db_path, case_id) -> list[tuple]:
    """(party, text, due_at, interaction_id, status) of a case's commitments, oldest first."""
    with Store(db_path) as s:
        return [tuple(r) for r in s.conn.execute(
            "SELECT party, text, due_at, interaction_id, status FROM promises "
            "WHERE case_id = ? ORDER BY id", (case_id,))]


def milestone_of(db_path, interaction_id) -> str | None:
    with Store(db_path) as s:
        return s.conn.execute("SELECT milestone FROM interactions WHERE id = ?",
                              (interaction_id,)).fetchone()[0]


async def finish_dialog(app, pilot, case_id: int) -> tuple[LiveScreen, FinishContactScreen]:
    await settle(pilot)
    app.open_case(case_id)
    await settle(pilot)
    app.start_live(case_id, "phone")
    await settle(pilot)
    live = app.screen
    assert isinstance(live, LiveScreen)
    await pilot.press("f9")
    await settle(pilot)
    assert isinstance(app.screen, FinishContactScreen)
    return live, app.screen


@ui
async def test_finishing_a_contact_saves_what_they_asked_and_the_milestone(
        app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live, dialog = await finish_dialog(app, pilot, seeded.quiet)
        iid = live.contact.id
        dialog.query_one(OptionList).highlighted = OUTCOMES.index("info")
        await pilot.press("tab")                       # the ask comes after the outcomes
        assert app.focused is dialog.query_one("#asked", Input)
        await pilot.press(*"send the receipt [b]now[/b]", "enter")
        assert app.focused is dialog.query_one("#asked_due", Input)
        await pilot.press(*"2026-11-27")
        dialog.query_one("#milestone", Select).value = "final_response"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, (FinishContactScreen, LiveScreen))
    assert commitments(db_path, seeded.quiet) == [
        ("me", "send the receipt [b]now[/b]", "2026-11-27T23:59:59Z", iid, "pending")]
    assert milestone_of(db_path, iid) == "final_response"
    with Store(db_path) as s:
        assert s.get_interaction(iid).outcome == "info"


@ui
async def test_enter_on_an_outcome_still_saves_at_once_with_no_ask(app_factory, seeded,
                                                                   db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live, dialog = await finish_dialog(app, pilot, seeded.quiet)
        dialog.query_one(OptionList).highlighted = OUTCOMES.index("no_progress")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, FinishContactScreen)
    assert commitments(db_path, seeded.quiet) == []
    assert milestone_of(db_path, live.contact.id) is None


@ui
async def test_a_bad_ask_date_keeps_the_dialog_and_what_was_typed(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live, dialog = await finish_dialog(app, pilot, seeded.quiet)
        dialog.query_one(OptionList).highlighted = OUTCOMES.index("info")
        dialog.query_one("#asked", Input).value = "ship the laptop back"
        dialog.query_one("#asked_due", Input).value = "2026-13-40"
        dialog.query_one("#milestone", Select).value = "formal_complaint"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "not a date" in plain(dialog.query_one("#err-asked_due"))
        assert app.focused is dialog.query_one("#asked_due", Input)
        assert dialog.query_one("#asked", Input).value == "ship the laptop back"
        assert dialog.query_one("#milestone", Select).value == "formal_complaint"
        assert live.contact.id and milestone_of(db_path, live.contact.id) is None  # not ended
        dialog.query_one("#asked_due", Input).value = "2026-11-29"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog
    assert commitments(db_path, seeded.quiet)[0][:3] == ("me", "ship the laptop back",
                                                         "2026-11-29T23:59:59Z")
    assert milestone_of(db_path, live.contact.id) == "formal_complaint"


@ui
async def test_an_ask_date_without_the_ask_is_shown_beside_the_field(app_factory, seeded,
                                                                     db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactForm(seeded.quiet))
        await settle(pilot)
        form = app.screen
        form.query_one("#outcome", Select).value = "info"
        form.query_one("#asked_due", Input).value = "friday"
        form.query_one("#notes").text = "they want the receipt"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        shown = plain(form.query_one("#err-asked")) + plain(form.query_one("#err-asked_due"))
        assert "asked" in shown, shown
        assert form.query_one("#asked_due", Input).value == "friday"
        assert form.query_one("#notes").text == "they want the receipt"
    assert commitments(db_path, seeded.quiet) == []


@ui
async def test_the_log_form_saves_an_ask_and_a_formal_complaint(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactForm(seeded.quiet))
        await settle(pilot)
        form = app.screen
        form.query_one("#channel", Select).value = "letter"
        form.query_one("#outcome", Select).value = "info"
        form.query_one("#started_at", Input).value = "2026-11-25 09:00"
        form.query_one("#asked", Input).value = "send a copy of the letter"
        form.query_one("#milestone", Select).value = "formal_complaint"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    with Store(db_path) as s:
        logged = s.get_detail(seeded.quiet).interactions[-1]
    assert logged.channel == "letter" and milestone_of(db_path, logged.id) == "formal_complaint"
    assert commitments(db_path, seeded.quiet) == [
        ("me", "send a copy of the letter", None, logged.id, "pending")]


@ui
async def test_editing_a_contact_sets_and_clears_its_milestone(app_factory, seeded, db_path):
    with Store(db_path) as s:
        iid = s.get_detail(seeded.quiet).interactions[-1].id
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for value, saved in (("final_response", "final_response"), (Select.NULL, None)):
            with Store(db_path) as s:
                app.push_screen(ContactForm(seeded.quiet, s.get_interaction(iid)))
            await settle(pilot)
            form = app.screen
            assert not form.query("#asked")            # an edit adds no commitment
            form.query_one("#milestone", Select).value = value
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is not form
            assert milestone_of(db_path, iid) == saved


@ui
async def test_the_promise_form_records_an_ask_when_ticked(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for mine in (False, True):
            app.push_screen(PromiseForm(seeded.quiet))
            await settle(pilot)
            form = app.screen
            form.query_one("#promise", Input).value = "[b]photos[/b] of the toaster"
            form.query_one("#promise_due", Input).value = "2026-11-28"
            form.query_one("#mine", Checkbox).value = mine
            await settle(pilot)
            label = plain(form.query_one("#field-promise .field-label"))
            assert label == ("What they asked of me" if mine else "What they promised")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is not form
    assert [c[:3] for c in commitments(db_path, seeded.quiet)] == [
        ("company", "[b]photos[/b] of the toaster", "2026-11-28T23:59:59Z"),
        ("me", "[b]photos[/b] of the toaster", "2026-11-28T23:59:59Z")]


@ui
async def test_an_empty_ask_in_the_promise_form_keeps_the_tick_and_the_date(app_factory, seeded,
                                                                            db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PromiseForm(seeded.quiet))
        await settle(pilot)
        form = app.screen
        form.query_one("#promise_due", Input).value = "2026-11-28"
        form.query_one("#mine", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert plain(form.query_one("#err-promise"))
        assert form.query_one("#mine", Checkbox).value is True
        assert form.query_one("#promise_due", Input).value == "2026-11-28"
    assert commitments(db_path, seeded.quiet) == []
