"""The app follows the notebook when another process writes to it (SQLite's data_version),
keeping the cursor, the scroll and what is being typed; and the live-contact screen's
transcript reference, notes box, F3 and press restart."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from textual.widgets import Input, OptionList, TextArea
from ui_fixtures import SIZE, messages, plain, settle, table_text, ui
from ui_fixtures import app_factory, clock, debug_errors, seeded, steady_home  # noqa: F401

from tui.screens.case import CaseScreen
from tui.screens.dialogs import ChannelPicker
from tui.screens.following import NotebookWatch
from tui.screens.live import LiveScreen
from tui.store import Store
from tui.store.companies import CompanyChanges


async def seen_by_app(app, pilot, write) -> None:
    """Run `write` (another connection, as another process would) and wait until the app's
    watch has told the screens, then for what they reload."""
    told = asyncio.Event()
    app.watch(app, "data_version", lambda: told.set(), init=False)
    write()
    await asyncio.wait_for(told.wait(), timeout=10)
    await settle(pilot)


def add_cases(db_path, clock, n: int) -> None:
    with Store(db_path, clock=clock) as s:
        for i in range(n):
            s.create_case("Zenith", f"Filler case {i:02d}", opened_at="2026-10-01T09:00:00Z")


# -- the watch itself, on real connections -----------------------------------------------
def test_the_watch_tells_another_connections_commit_from_the_apps_own(db_path, seeded, clock):
    main, reader, other = (Store(db_path, clock=clock) for _ in range(3))
    try:
        watch = NotebookWatch(main)
        assert not watch.changed()
        main.meta_set("k", "main")                     # the app's own write: never news
        assert not watch.changed()
        watch.run(reader, lambda: reader.meta_set("k", "reader"))   # its reader's
        assert not watch.changed()
        other.meta_set("k", "other")                   # another process
        assert watch.changed() and not watch.changed()
        # Another process writes while the reader works (or before it): news, even though
        # the reader wrote too.
        watch.run(reader, lambda: (other.meta_set("k", "o2"), reader.meta_set("k", "r2")))
        assert watch.changed()
        other.meta_set("k", "o3")
        watch.run(reader, lambda: reader.meta_set("k", "r3"))
        assert watch.changed() and not watch.changed()
        watch.run(reader, lambda: reader.meta_get("k"))   # a read alone
        assert not watch.changed()
        # Another process commits just after the app's own, before the poll: data_version
        # moves once for both, and the other's write is still news.
        watch.run(reader, lambda: reader.meta_set("k", "r4"))
        other.meta_set("k", "o4")
        assert watch.changed() and not watch.changed()
        # A tool that does not count its writes (sqlite-utils, Datasette) is news too.
        watch.run(reader, lambda: reader.meta_set("k", "r5"))
        assert not watch.changed()
        tool = sqlite3.connect(db_path)
        with tool:
            tool.execute("UPDATE cases SET notes = 'from a tool' WHERE id = 1")
        tool.close()
        assert watch.changed() and not watch.changed()
    finally:
        for s in (main, reader, other):
            s.close()


@pytest.mark.parametrize("stored", [None, "abc", "9.2e18"])
def test_a_write_count_that_is_not_a_number_never_fails_a_write(db_path, seeded, clock, stored):
    with Store(db_path, clock=clock) as s:
        s.conn.execute("UPDATE meta SET value = ? WHERE key = 'writes'", (stored,))
        s.conn.commit()
        s.set_status(seeded.quiet, "waiting")          # committed, and said so
        assert s.get_case(seeded.quiet).status == "waiting"
        s.set_status(seeded.quiet, "open")
        count = s.conn.execute("SELECT value FROM meta WHERE key = 'writes'").fetchone()[0]
        assert int(count) >= 1 and int(count) == s.marks[-1]


# -- the app ------------------------------------------------------------------------------
@ui
async def test_a_cli_write_reaches_home_rows_keeping_cursor_and_scroll(app_factory, seeded,
                                                                       db_path, clock,
                                                                       steady_home):
    add_cases(db_path, clock, 70)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")                         # All: every case, a page at a time
        await settle(pilot)
        table = app.screen.query_one("#cases")
        await pilot.press(*"j" * 45)                   # past the first screenful
        await settle(pilot)
        key, scroll = table.highlighted_key, table.scroll_y
        assert scroll > 0 and table.cursor_row == 45

        def write():
            with Store(db_path, clock=clock) as s:
                s.update_case(seeded.quiet, title="Broken toaster, second one")
        await seen_by_app(app, pilot, write)
        assert "Broken toaster, second one" in table_text(table)
        assert table.highlighted_key == key and table.scroll_y == scroll
        assert app.focused is table


@ui
async def test_a_cli_write_reaches_an_open_case_screen_keeping_its_cursor(app_factory, seeded,
                                                                          db_path, clock):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_case(seeded.stalled)
        await settle(pilot)
        screen = app.screen
        timeline = screen.query_one("#timeline")
        timeline.move_cursor(row=0)                    # the first contact, not the last
        key = timeline.highlighted_key

        def write():
            with Store(db_path, clock=clock) as s:
                s.log_interaction(seeded.stalled, "email", "info",
                                  started_at="2026-11-21T09:00:00Z", duration="5m",
                                  agent="Mail desk")
                s.update_case(seeded.stalled, notes="Logged from the shell")
        await seen_by_app(app, pilot, write)
        assert app.screen is screen and isinstance(screen, CaseScreen)
        assert "Mail desk" in table_text(timeline) and timeline.row_count == 3
        assert timeline.highlighted_key == key         # by contact: one came in before it
        assert "Logged from the shell" in plain(screen.query_one("#case-notes"))


@ui
async def test_a_cli_write_keeps_a_half_typed_search(app_factory, seeded, db_path, clock):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"toas")
        await settle(pilot)
        search = app.screen.query_one("#search", Input)

        def write():
            with Store(db_path, clock=clock) as s:
                s.set_status(seeded.quiet, "waiting")
        await seen_by_app(app, pilot, write)
        assert (search.value, app.focused) == ("toas", search)
        await pilot.press(*"ter")
        assert search.value == "toaster"


@ui
async def test_the_apps_own_writes_settle_after_one_reload_at_most(app_factory, seeded):
    """The app's writes on its main connection never show in its data_version; the advice
    its readers save right after a write may count once (a reader cannot tell it from
    another process's commit without touching the main connection from its thread, which
    deadlocked against a write waiting on the lock), and then the app is quiet."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_case(seeded.stalled)
        await settle(pilot)
        await pilot.press("tab", "k")                  # a promise kept: the ranking saves
        await settle(pilot)
        app.check_notebook()                           # what the timer does
        await settle(pilot)
        version = app.data_version
        app.check_notebook()
        await settle(pilot)
        assert app.data_version == version


# -- the case screen's notes ----------------------------------------------------------------
@ui
async def test_case_notes_wrap_in_their_panel(app_factory, seeded, db_path, clock):
    words = " ".join(f"word{i:03d}" for i in range(60))
    with Store(db_path, clock=clock) as s:
        s.update_case(seeded.quiet, notes=words)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_case(seeded.quiet)
        await settle(pilot)
        panel = app.screen.query_one("#case-notes")
        assert plain(panel) == words
        lines = panel.render_lines(panel.region.reset_offset)   # what the terminal shows
        shown = " ".join("".join(seg.text for seg in line).strip(" │╭╮╰╯─") for line in lines)
        assert "word000" in shown and "word059" in shown and len(lines) > 4


# -- the live-contact screen ----------------------------------------------------------------
async def live_on(app, pilot, case_id: int, channel: str) -> LiveScreen:
    await settle(pilot)
    app.open_case(case_id)
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    app.screen.query_one(OptionList).highlighted = ["phone", "chat", "email"].index(channel)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, LiveScreen)
    return app.screen


@ui
async def test_live_transcript_reference_is_saved_with_the_contact(app_factory, seeded,
                                                                   db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await live_on(app, pilot, seeded.quiet, "chat")
        first = live.contact.id
        live.query_one("#transcript_ref", Input).focus()
        await pilot.press(*"CHAT-8812")
        await pilot.press("f5")                        # ends it, the fields saved with it
        await settle(pilot)
        with Store(db_path) as s:
            assert s.get_interaction(first).transcript_ref == "CHAT-8812"
        await pilot.press("enter")
        await settle(pilot)
        assert live.query_one("#transcript_ref", Input).value == ""   # the next one's own


def luminance(color) -> float:
    """WCAG relative luminance."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = color.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b) -> float:
    low, high = sorted((luminance(a), luminance(b)))
    return (high + 0.05) / (low + 0.05)


@pytest.mark.slow   # the whole CSS applied again for every theme
@ui
async def test_live_notes_box_stands_out_in_every_theme(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await live_on(app, pilot, seeded.quiet, "phone")
        notes = live.query_one("#notes", TextArea)
        behind = live.query_one("#live-fields")
        themes = sorted(app.available_themes)
        assert "textual-light" in themes and "textual-dark" in themes
        weak = []
        for theme in themes:
            app.theme = theme
            await settle(pilot)
            base = behind.styles.background
            screen_bg = live.styles.background if base.a == 0 else base
            if screen_bg.ansi is not None:
                continue    # the terminal's own colours, unknown here
            edge, color = notes.styles.border_left
            assert edge not in ("", "none", "hidden"), theme     # a frame, not a tint alone
            frame = screen_bg + color
            if contrast(frame, screen_bg) < 3:
                weak.append((theme, round(contrast(frame, screen_bg), 2)))
        assert weak == []


@ui
async def test_f3_says_progress_was_noted_and_restarts_the_banners_clock(app_factory, seeded,
                                                                         clock):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await live_on(app, pilot, seeded.quiet, "phone")
        limit = app.playbook.thresholds["live_no_progress_minutes"]
        clock.advance(limit * 60 + 60)
        live.tick()
        banner = live.query_one("#live-banner")
        assert banner.display and f"{limit + 1} min without progress" in plain(banner)
        assert f"progress {limit + 1}m ago" in plain(live.query_one("#live-progress"))
        await pilot.press("f3")
        await settle(pilot)
        assert "Progress noted" in messages(app)[-1]
        assert not banner.display
        assert "progress noted" in plain(live.query_one("#live-progress"))
        clock.advance(limit * 60 - 5)                  # the clock counts from F3
        live.tick()
        assert not banner.display
        clock.advance(10)
        live.tick()
        assert banner.display and f"{limit} min without progress" in plain(banner)


@ui
async def test_press_restart_proposes_the_advised_channel_and_its_route(app_factory, seeded,
                                                                        db_path, clock):
    with Store(db_path, clock=clock) as s:
        s.edit_company("Amazon", CompanyChanges(routes=[
            {"kind": "chat", "value": "https://amazon.example/chat", "label": "Returns team"}]))
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await live_on(app, pilot, seeded.stalled, "phone")   # 2 dead ends by phone
        await pilot.press("f5")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChannelPicker)
        options = picker.query_one(OptionList)
        assert options.highlighted_option.id == "chat"   # the advice's, not the same again
        assert "recommended" in str(options.highlighted_option.prompt)
        advice = plain(picker.query_one("#channel-advice"))
        assert advice.startswith("Advice: ") and "by chat" in advice
        guide = plain(picker.query_one("#channel-guide"))
        assert "Returns team" in guide and "https://amazon.example/chat" in guide
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is live and live.contact.channel == "chat"


# -- the live-contact screen follows the notebook too ---------------------------------------
@ui
async def test_a_cli_write_reaches_the_live_screen_keeping_the_typing_and_the_clock(
        app_factory, seeded, db_path, clock):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await live_on(app, pilot, seeded.quiet, "phone")
        await pilot.press(*"Priy")                     # the agent field has the focus
        live.query_one("#notes", TextArea).focus()
        await pilot.press(*"asked for the manager")
        await pilot.press("f2")                        # a hold running
        await settle(pilot)
        clock.advance(90)
        live.tick()                                    # saves the running hold
        await settle(pilot)
        app.check_notebook()    # the poll has seen that save: a commit since is news
        held, started = live.hold_since, live.started
        clock_before = plain(live.query_one("#live-clock"))
        notes = live.query_one("#notes", TextArea)
        cursor = notes.cursor_location

        def write():
            with Store(db_path, clock=clock) as s:
                s.update_case(seeded.quiet, title="Broken toaster, sparks now")
                s.log_interaction(seeded.quiet, "email", "info", agent="Mail desk",
                                  started_at="2026-11-25T08:00:00Z", duration="5m")
        await seen_by_app(app, pilot, write)
        assert app.screen is live and not messages(app)[-1].startswith("This contact")
        assert "Broken toaster, sparks now" in plain(live.query_one("#live-what"))
        assert "Mail desk" in plain(live.query_one("#live-brief"))
        assert live.query_one("#agent", Input).value == "Priy"
        assert (notes.text, notes.cursor_location) == ("asked for the manager", cursor)
        assert app.focused is notes
        assert (live.hold_since, live.started) == (held, started)
        clock.advance(5)
        live.tick()
        assert plain(live.query_one("#live-clock")) != clock_before   # still running
        assert "ON HOLD" in plain(live.query_one("#live-hold"))
        await pilot.press(*" again")
        assert notes.text == "asked for the manager again"


@ui
async def test_a_live_contact_ended_elsewhere_is_said_once(app_factory, seeded, db_path,
                                                           clock):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await live_on(app, pilot, seeded.quiet, "chat")
        await pilot.press(*"Sam")

        def write():
            with Store(db_path, clock=clock) as s:
                s.finish_contact(live.contact.id, "info")
        await seen_by_app(app, pilot, write)
        said = [m for m in messages(app) if m.startswith("This contact")]
        assert said == ["This contact was ended elsewhere (info)."]
        assert app.screen is live and live.query_one("#agent", Input).value == "Sam"
        app.notebook_changed()
        await settle(pilot)
        assert [m for m in messages(app) if m.startswith("This contact")] == said


# -- search: a reload keeps the hit under the cursor -----------------------------------------
@ui
async def test_a_cli_write_keeps_the_search_cursor_on_its_hit_past_the_first_page(
        app_factory, seeded, db_path, clock):
    """The reload read the first page only: a cursor further down went back to the top."""
    add_cases(db_path, clock, 70)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"filler", "enter")  # ranked fully, the hits have the keys
        await settle(pilot)
        hits = app.screen.query_one("#hits")
        await pilot.press(*"j" * 60)
        await settle(pilot)
        key, scroll = hits.highlighted_key, hits.scroll_y
        assert hits.cursor_row == 60 and scroll > 0

        def write():
            with Store(db_path, clock=clock) as s:
                s.update_case(seeded.quiet, title="Broken toaster, second one")
        await seen_by_app(app, pilot, write)
        await pilot.pause()
        assert (hits.highlighted_key, hits.scroll_y) == (key, scroll)
        assert app.focused is hits
