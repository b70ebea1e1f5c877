"""The case screen: header, timeline, advice, brief; status changes, promises, delete + undo,
logging after the fact (with inline validation), editing, transcripts."""

from __future__ import annotations

from textual.widgets import Input, Select, TextArea
from ui_fixtures import (  # noqa: F401
    open_case,
    SIZE,
    app_factory,
    clock,
    debug_errors,
    messages,
    plain,
    seeded,
    settle,
    table_text,
    ui,
)

from tui.screens.case import CaseScreen
from tui.screens.contact_form import ContactForm
from tui.screens.interaction import InteractionScreen
from tui.screens.transcript import TranscriptViewer
from tui.store import Store


async def press(app, pilot, key: str):
    """Press `key` and return the screen it brings up (e.g. a form)."""
    await pilot.press(key)
    await settle(pilot)
    return app.screen


async def press_on_case(app, pilot, case_id: int, key: str):
    await open_case(app, pilot, case_id)
    return await press(app, pilot, key)


def case_in(db_path, case_id):
    with Store(db_path) as s:
        return s.get_detail(case_id)


@ui
async def test_case_shows_header_timeline_advice_and_brief(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, seeded.stalled)
        header = plain(screen.query_one("#case-header"))
        for text in ("Amazon", "refund", "order: 112-3345", "129.99 EUR"):
            assert text in header
        timeline = table_text(screen.query_one("#timeline"))
        assert "transferred" in timeline and "Priya" in timeline and "20m (12m)" in timeline
        assert "Refund issued" in table_text(screen.query_one("#promises"))
        advice = plain(screen.query_one("#case-advice"))
        # One next move first, then the findings as its reasons, each with its evidence.
        assert advice.startswith("Next move  you · chat\nFollow up with Amazon by chat")
        assert "Why (stall score 12.0)" in advice and "2 dead-end contacts in a row" in advice
        assert "score: 6 (broken_promise) + 2 (4 days late x 0.5) = 8" in advice
        assert "Turn: theirs" in header and "Rung: another agent (2 of 7)" in header
        # Press restart is not the move here (the broken promise is): no banner beside it.
        assert not screen.query_one("#case-restart").display
        await pilot.press("y")
        assert "112-3345" in app._clipboard and "Amazon" in app._clipboard


@ui
async def test_resolve_and_reopen(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.quiet)
        await pilot.press("r", "enter")              # the note is optional: Enter resolves
        await settle(pilot)
        assert case_in(db_path, seeded.quiet).case.status == "resolved"
        assert "resolved" in plain(app.screen.query_one("#case-title"))
        await pilot.press("o")
        await settle(pilot)
        assert case_in(db_path, seeded.quiet).case.status == "open"
        await pilot.press("a")
        await settle(pilot)
        assert case_in(db_path, seeded.quiet).case.status == "abandoned"


@ui
async def test_promises_kept_and_broken(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.stalled)
        app.screen.query_one("#promises").focus()
        await pilot.press("k")
        await settle(pilot)
        assert case_in(db_path, seeded.stalled).promises[0].status == "kept"
        await pilot.press("b")
        await settle(pilot)
        assert case_in(db_path, seeded.stalled).promises[0].status == "broken"
        assert "broken" in table_text(app.screen.query_one("#promises"))


@ui
async def test_delete_asks_then_undo_brings_it_back(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.stalled)
        await pilot.press("d")
        await pilot.press("n")                       # no: nothing happens
        await settle(pilot)
        assert case_in(db_path, seeded.stalled)
        await pilot.press("d", "y")
        await settle(pilot)
        with Store(db_path) as s:
            assert s.count_cases() == 2
        assert not isinstance(app.screen, CaseScreen)
        assert any("undo" in m for m in messages(app))
        await pilot.press("u")
        await settle(pilot)
        with Store(db_path) as s:
            back = [c for c in s.iter_cases() if c.title == "Package never arrived"]
            assert len(back) == 1
            detail = s.get_detail(back[0].id)
            assert len(detail.interactions) == 2 and len(detail.promises) == 1
        assert back[0].id in [int(str(k.value)) for k in app.screen.query_one("#cases").rows]


@ui
async def test_log_after_the_fact_keeps_typing_on_errors(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        form = await press_on_case(app, pilot, seeded.quiet, "l")
        assert isinstance(form, ContactForm)
        form.query_one("#started_at", Input).value = "2026-11-20 09:00"
        form.query_one("#duration", Input).value = "a while"
        form.query_one("#hold", Input).value = "5m"
        form.query_one("#agent", Input).value = "Marta"
        form.query_one("#promise", Input).value = "Replacement shipped"
        form.query_one("#promise_due", Input).value = "2026-12-01"
        form.query_one("#notes", TextArea).text = "she was helpful"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form                                    # no outcome yet
        assert "choose" in plain(form.query_one("#err-outcome"))
        form.query_one("#outcome", Select).value = "promised"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "not a duration" in plain(form.query_one("#err-duration"))
        assert form.query_one("#agent", Input).value == "Marta"       # nothing typed is lost
        form.query_one("#duration", Input).value = "25m"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        detail = case_in(db_path, seeded.quiet)
        logged = detail.interactions[0]                               # back-dated: oldest
        assert (logged.started_at, logged.ended_at) == ("2026-11-20T09:00:00Z",
                                                        "2026-11-20T09:25:00Z")
        assert (logged.hold_seconds, logged.agent, logged.notes) == (300, "Marta",
                                                                     "she was helpful")
        assert detail.promises[0].text == "Replacement shipped"
        assert detail.case.status == "waiting"
        assert "Marta" in table_text(app.screen.query_one("#timeline"))


@ui
async def test_cancel_with_typed_text_asks_first(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        form = await press_on_case(app, pilot, seeded.quiet, "p")
        form.query_one("#promise", Input).value = "call back"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")                                         # keep editing
        await settle(pilot)
        assert app.screen is form and form.query_one("#promise", Input).value == "call back"


@ui
async def test_edit_case_changes_fields_and_references(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        form = await press_on_case(app, pilot, seeded.stalled, "e")
        form.query_one("#title", Input).value = "Package never arrived (2nd try)"
        form.query_one("#ref-new", Input).value = "ticket:T-99"
        form.query_one("#ref-new", Input).focus()
        await pilot.press("enter")
        refs = form.query_one("#refs")
        refs.focus()
        refs.highlighted = 0
        await pilot.press("delete")                                   # drops order:112-3345
        form.query_one("#amount", Input).value = "twelve"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "not an amount" in plain(form.query_one("#err-amount"))
        form.query_one("#amount", Input).value = "12.50"
        await pilot.press("ctrl+s")
        await settle(pilot)
        detail = case_in(db_path, seeded.stalled)
        assert detail.case.title == "Package never arrived (2nd try)"
        assert detail.case.amount == "12.50"
        assert [(r.kind, r.value) for r in detail.refs] == [("ticket", "T-99")]


@ui
async def test_interaction_and_transcripts(app_factory, seeded, db_path, tmp_path, clock):
    eml = tmp_path / "chat.eml"
    eml.write_text("From: help@shop.example\nTo: me@example.com\nSubject: Your chat [/]\n"
                   "Content-Type: text/plain; charset=utf-8\n\nAgent: refund approved [b]\n")
    with Store(db_path, clock=clock) as s:
        s.edit_interaction(seeded.dead_end, transcript_ref=str(eml))
        s.log_interaction(seeded.quiet, "chat", "info", transcript_ref="https://x.example/t/1",
                          started_at="2026-11-24T16:00:00Z")
        s.log_interaction(seeded.quiet, "email", "info", transcript_ref="Re: order 55",
                          started_at="2026-11-24T17:00:00Z")
    opened: list[str] = []
    app = app_factory()
    app.url_opener = lambda url: opened.append(url) or True
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.stalled)
        timeline = app.screen.query_one("#timeline")
        timeline.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InteractionScreen)
        assert "line went dead" in plain(app.screen.query_one("#interaction-notes"))
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, TranscriptViewer)
        text = app.screen.query_one(TextArea).text
        assert "Subject: Your chat [/]" in text and "refund approved [b]" in text
        await pilot.press("escape", "escape", "escape")
        await open_case(app, pilot, seeded.quiet)      # which settles first
        app.screen.query_one("#timeline").move_cursor(row=1)
        await pilot.press("t")
        assert opened == ["https://x.example/t/1"]
        app.screen.query_one("#timeline").move_cursor(row=2)
        await pilot.press("t")
        assert app._clipboard == "Re: order 55"       # shown and copied, never run
        assert any("Re: order 55" in m for m in messages(app))


@ui
async def test_deleted_case_under_a_screen_is_left_cleanly(app_factory, seeded, db_path, clock):
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.quiet)
        with Store(db_path, clock=clock) as s:       # e.g. the CLI, at the same time
            s.delete_case(seeded.quiet)
        app.screen.load()
        await settle(pilot)
        assert not isinstance(app.screen, CaseScreen)
        assert any("no longer exists" in m for m in messages(app))


@ui
async def test_new_case_completes_known_companies(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await pilot.press("a", "m")                      # the company field has focus
        await settle(pilot)
        await pilot.press("right")                       # accept the grey suggestion
        assert form.query_one("#company", Input).value == "Amazon"
        form.query_one("#title", Input).value = "Second order missing"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        with Store(db_path) as s:
            assert s.get_case(app.screen.case_id).company == "Amazon"
            assert len(s.companies("Am")) == 1           # no second "Amazon" company


@ui
async def test_edit_a_logged_contact(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.quiet)
        await pilot.press("enter")                       # the only contact
        await settle(pilot)
        form = await press(app, pilot, "e")
        assert form.query_one("#agent", Input).value == "Sam"
        assert form.query_one("#duration", Input).value == "10m"
        form.query_one("#agent", Input).value = "Samira"
        form.query_one("#outcome", Select).value = "escalated"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InteractionScreen)
        assert "Samira" in plain(app.screen.query_one("#interaction-fields"))
        contact = case_in(db_path, seeded.quiet).interactions[0]
        assert (contact.agent, contact.outcome, contact.ended_at) == (
            "Samira", "escalated", "2026-11-24T15:10:00Z")


@ui
async def test_snooze_from_the_case_screen(app_factory, seeded, db_path):
    from tui.screens.contact_form import SnoozeForm
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_case(seeded.stalled)
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, SnoozeForm)
        app.screen.query_one("#until", Input).value = "someday"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SnoozeForm)  # kept open, with what was typed
        assert app.screen.query_one("#until", Input).value == "someday"
        assert "someday" in plain(app.screen.query_one("#err-until"))
        app.screen.query_one("#until", Input).value = "2026-12-05"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert "Snoozed until: 2026-12-05" in plain(app.screen.query_one("#case-header"))
    with Store(db_path) as s:
        assert s.get_case(seeded.stalled).snoozed_until == "2026-12-05T23:59:59Z"


@ui
async def test_promise_ledger_says_which_contact_made_each_promise(app_factory, seeded, db_path,
                                                                   clock):
    with Store(db_path, clock=clock) as s:   # logged today, about a call a week ago
        s.log_interaction(seeded.quiet, "phone", "promised", agent="[b]Noor[/b]",
                          started_at="2026-11-18T10:00:00Z", promise="Call back",
                          promise_due="2026-11-28")
        s.add_promise(seeded.quiet, "Written confirmation", "2026-11-30")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, seeded.quiet)
        rows = table_text(screen.query_one("#promises")).splitlines()
        assert "2026-11-18 [b]Noor[/b]" in rows[0] and "Call back" in rows[0]
        assert rows[1].endswith("2026-11-25") and "Written confirmation" in rows[1]
