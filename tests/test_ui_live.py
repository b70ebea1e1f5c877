"""Live contact: saved as it goes, hold, the stall banner, press restart, ending with a
promise, and resuming after a crash."""

from __future__ import annotations

from textual.widgets import Input, OptionList, TextArea
from ui_fixtures import (  # noqa: F401
    SIZE,
    app_factory,
    clock,
    debug_errors,
    plain,
    seeded,
    settle,
    table_text,
    ui,
)

from tui.screens.case import CaseScreen
from tui.screens.dialogs import ChannelPicker, FinishContactScreen
from tui.screens.live_resume import ResumeLiveScreen
from tui.screens.live import LiveScreen
from tui.store import Store


def contact(db_path, interaction_id):
    with Store(db_path) as s:
        return s.get_interaction(interaction_id)


async def start_live(app, pilot, case_id: int, channel: str = "phone") -> LiveScreen:
    await settle(pilot)
    app.open_case(case_id)
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, ChannelPicker)
    app.screen.query_one(OptionList).highlighted = ["phone", "chat", "email"].index(channel)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, LiveScreen)
    return app.screen


async def live_now(app, pilot, case_id: int, channel: str = "phone") -> LiveScreen:
    """The live screen started straight from home, for tests about the screen itself (the
    way there through the case screen and its picker is `start_live`'s)."""
    await settle(pilot)
    app.start_live(case_id, channel)
    await settle(pilot)
    assert isinstance(app.screen, LiveScreen) and app.screen.contact.channel == channel
    return app.screen


def banner(screen) -> str:
    widget = screen.query_one("#live-banner")
    return plain(widget) if widget.display else ""


@ui
async def test_live_contact_saves_as_it_goes_and_counts_hold(app_factory, seeded, db_path,
                                                             clock):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await live_now(app, pilot, seeded.quiet)
        iid = live.contact.id
        assert contact(db_path, iid).live
        await pilot.press(*"Dana")
        live.query_one("#notes", TextArea).text = "asked for a supervisor"
        await pilot.pause(0.8)                              # the save debounce
        for _ in range(50):     # and the write itself, which a loaded machine may delay
            if (saved := contact(db_path, iid)).notes is not None:
                break
            await pilot.pause(0.1)
        assert (saved.agent, saved.notes, saved.outcome) == ("Dana", "asked for a supervisor",
                                                             None)
        await pilot.press("f2")                             # on hold
        clock.advance(150)
        live.tick()
        assert "ON HOLD 0:02:30" in plain(live.query_one("#live-hold"))
        await pilot.press("f2")                             # off hold: saved
        assert contact(db_path, iid).hold_seconds == 150
        assert "0:02:30" in plain(live.query_one("#live-clock"))


@ui
async def test_stall_banner_follows_the_playbook_thresholds(app_factory, seeded, clock):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await live_now(app, pilot, seeded.quiet)
        limits = app.playbook.thresholds
        clock.advance(limits["live_no_progress_minutes"] * 60 - 5)
        live.tick()
        assert banner(live) == ""
        clock.advance(10)
        live.tick()
        assert "without progress" in banner(live) and "F5" in banner(live)
        await pilot.press("f3")                             # progress noted
        assert banner(live) == ""
        await pilot.press("f2")
        clock.advance(limits["live_hold_minutes"] * 60 + 1)
        live.tick()
        assert "On hold for" in banner(live)


@ui
async def test_press_restart_ends_as_restarted_and_starts_the_next(app_factory, seeded,
                                                                     db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await live_now(app, pilot, seeded.quiet)
        first = live.contact.id
        live.query_one("#agent", Input).value = "Rude agent"
        await pilot.press("f5")
        await settle(pilot)
        ended = contact(db_path, first)
        assert (ended.outcome, ended.agent) == ("restarted", "Rude agent")
        assert isinstance(app.screen, ChannelPicker)
        app.screen.query_one(OptionList).highlighted = 1      # chat
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is live and live.contact.id != first
        assert live.contact.channel == "chat" and contact(db_path, live.contact.id).live
        assert live.query_one("#agent", Input).value == ""   # fresh agent fields
        assert "chat" in plain(live.query_one("#live-what"))


@ui
async def test_ending_with_a_promise(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await start_live(app, pilot, seeded.quiet)
        iid = live.contact.id
        await pilot.press(*"Kim", "f9")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FinishContactScreen)
        dialog.query_one(OptionList).highlighted = 1          # promised
        await pilot.press("enter")
        dialog.query_one("#promise", Input).value = "Refund in 5 days"
        await pilot.press("enter")                            # on to the due date
        dialog.query_one("#promise_due", Input).value = "2026-13-40"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and "not a date" in plain(dialog.query_one("#err-promise_due"))
        dialog.query_one("#promise_due", Input).value = "2026-11-30"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        with Store(db_path) as s:
            detail = s.get_detail(seeded.quiet)
        done = next(i for i in detail.interactions if i.id == iid)
        assert (done.outcome, done.agent) == ("promised", "Kim") and done.ended_at
        assert [p.text for p in detail.promises] == ["Refund in 5 days"]
        assert detail.case.status == "waiting"
        assert "Refund in 5 days" in table_text(app.screen.query_one("#promises"))


@ui
async def test_resume_after_a_crash_mid_contact(app_factory, seeded, db_path, clock):
    with Store(db_path, clock=clock) as s:
        crashed = s.start_contact(seeded.stalled, "phone", agent="Olu [/]",
                                  notes="was saying the refund [b]is approved")
        other = s.start_contact(seeded.quiet, "chat")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        offer = app.screen
        assert isinstance(offer, ResumeLiveScreen)
        listed = str(offer.query_one(OptionList).get_option_at_index(0).prompt)
        assert "Package never arrived" in listed and "Olu [/]" in listed
        await pilot.press("enter")
        await settle(pilot)
        live = app.screen
        assert isinstance(live, LiveScreen) and live.contact.id == crashed.id
        assert live.query_one("#agent", Input).value == "Olu [/]"
        assert live.query_one("#notes", TextArea).text == "was saying the refund [b]is approved"
        await pilot.press("f9")
        await settle(pilot)
        app.screen.query_one(OptionList).highlighted = 3      # info
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is offer                            # the other one is still live
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one(OptionList).highlighted = 5      # no progress
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ResumeLiveScreen)
    assert contact(db_path, crashed.id).outcome == "info"
    assert contact(db_path, other.id).outcome == "no_progress"
