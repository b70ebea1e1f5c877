"""Forgiving: `u` takes back the last status change, promise mark or delete (a small stack, each
action's notification says what `u` will undo), resolving offers a note, one palette entry per
action, stats colours that mean one thing each, and the welcome's "Load the demo" button."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Button, Input
from ui_fixtures import MARKUP, SIZE, messages, open_case, plain, settle, ui
from ui_fixtures import app_factory, clock, debug_errors, seeded  # noqa: F401

from tui.screens.case import CaseScreen
from tui.screens.dialogs import ConfirmScreen
from tui.screens.home import HomeScreen
from tui.screens.resolve import ResolveDialog
from tui.screens.stats import StatsScreen
from tui.store import Store, undo, undo_records
from tui.demo.notebook import is_demo_file
from tui.store.paths import demo_db_path
from tui.undo_stack import LIMIT, Entry, UndoStack


def rows(db_path, clock, case_id: int) -> dict:
    """Every row the case owns, as the delete's snapshot reads them."""
    with Store(db_path, clock=clock) as s:
        return undo.snapshot(s.conn, case_id)["rows"]


def detail(db_path, clock, case_id: int):
    with Store(db_path, clock=clock) as s:
        return s.get_detail(case_id)


async def press(pilot, *keys: str):
    await pilot.press(*keys)
    await settle(pilot)
    return pilot.app.screen


# -- the stack itself ----------------------------------------------------------------------
def test_the_stack_keeps_the_newest_and_hands_back_what_falls_off():
    stack = UndoStack(limit=3)
    entries = [Entry(f"action {n}", {"kind": "delete" if n == 0 else "status"})
               for n in range(5)]
    assert stack.push(entries[0]) == [] and stack.holds("delete")
    for e in entries[1:3]:
        assert stack.push(e) == []
    assert stack.push(entries[3]) == [entries[0]]            # the oldest goes, and is said
    assert not stack.holds("delete") and stack.newest("delete") is None
    assert stack.push(entries[4]) == [entries[1]]
    assert [stack.pop().label for _ in range(3)] == ["action 4", "action 3", "action 2"]
    assert stack.pop() is None and stack.peek() is None and len(stack) == 0
    assert UndoStack().limit == LIMIT == 10


# -- the store: what reverting a status change records ---------------------------------------
def test_undoing_a_status_removes_its_event_and_note_so_a_waiting_case_waits_again(
        db_path, clock, seeded):
    before = rows(db_path, clock, seeded.stalled)
    assert detail(db_path, clock, seeded.stalled).case.status == "waiting"
    with Store(db_path, clock=clock) as s:
        record = undo_records.set_status(s, seeded.stalled, "open", note="they said wait [b]")
        assert s.get_case(seeded.stalled).status == "open"       # open by hand, after the promise
        assert record["event"] == s.conn.execute(
            "SELECT uid FROM status_events WHERE case_id = ?", (seeded.stalled,)).fetchone()[0]
        assert undo_records.revert(s, record) == seeded.stalled
        # Recording "open" again, or "waiting" by hand, would leave an event pinning a status
        # the timeline derives; the event goes instead and the rules decide as before.
        assert s.get_case(seeded.stalled).status == "waiting"
    assert rows(db_path, clock, seeded.stalled) == before       # notes and events as they were


def test_a_spent_undo_says_so(db_path, clock, seeded):
    with Store(db_path, clock=clock) as s:
        record = undo_records.set_status(s, seeded.quiet, "resolved")
        promise = s.get_detail(seeded.stalled).promises[0]
        marked = undo_records.mark_promise(s, promise.id, "kept")
        s.set_promise_status(promise.id, "broken")              # marked again meanwhile
        s.delete_case(seeded.quiet)                              # and the case gone
        for spent, said in ((marked, "is broken now, marked again since"),
                            (record, "no longer in the notebook")):
            try:
                undo_records.revert(s, spent)
            except undo_records.NothingToUndo as exc:
                assert said in str(exc)
            else:
                raise AssertionError("reverted what changed since")


# -- the app: each kind, and several in a row ------------------------------------------------
@ui
async def test_resolve_asks_for_a_note_and_u_takes_it_back(app_factory, seeded, db_path, clock):
    before = rows(db_path, clock, seeded.stalled)
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.stalled)
        dialog = await press(pilot, "r")
        assert isinstance(dialog, ResolveDialog)
        assert app.focused is dialog.query_one("#resolve-note", Input)
        await press(pilot, "escape")                             # cancelled: nothing changes
        assert isinstance(app.screen, CaseScreen)
        assert rows(db_path, clock, seeded.stalled) == before
        note = "refund came through, ref R-9 " + " ".join(MARKUP)
        await press(pilot, "r")
        await pilot.press(*note)
        await press(pilot, "enter")
        case = detail(db_path, clock, seeded.stalled).case
        assert case.status == "resolved" and case.notes.endswith(f"resolved: {note}")
        with Store(db_path, clock=clock) as s:
            assert s.conn.execute("SELECT status, note FROM status_events WHERE case_id = ?",
                                  (seeded.stalled,)).fetchall() == [("resolved", note)]
        said = messages(app)[-1]
        assert said.startswith(f"Resolved #{seeded.stalled} with the note") and "u undoes" in said
        assert "resolved" in plain(app.screen.query_one("#case-title"))
        await press(pilot, "u")
        assert rows(db_path, clock, seeded.stalled) == before
        assert messages(app)[-1] == (f"Undone: Resolved #{seeded.stalled}; the case is waiting "
                                     "again.")
        assert "waiting" in plain(app.screen.query_one("#case-title"))   # the screen follows
        await press(pilot, "u")
        assert messages(app)[-1] == "Nothing to undo."


@ui
async def test_a_promise_mark_undone_gets_its_old_status_and_time_back(
        app_factory, seeded, db_path, clock):
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.stalled)
        await press(pilot, "tab", "k")                           # to the promises, one kept
        kept = detail(db_path, clock, seeded.stalled).promises[0]
        assert kept.status == "kept" and kept.settled_at
        assert messages(app)[-1].startswith(f"Promise marked kept on #{seeded.stalled} — u "
                                            "undoes")
        clock.advance(3600)
        await press(pilot, "b")
        assert detail(db_path, clock, seeded.stalled).promises[0].status == "broken"
        await press(pilot, "u")
        back = detail(db_path, clock, seeded.stalled).promises[0]
        assert (back.status, back.settled_at) == ("kept", kept.settled_at)   # not "since now"
        assert messages(app)[-1].endswith("; it is kept again.")
        await press(pilot, "u")
        again = detail(db_path, clock, seeded.stalled)
        assert (again.promises[0].status, again.promises[0].settled_at) == ("pending", None)
        assert again.case.status == "waiting"                   # the timeline follows the promise


@ui
async def test_several_in_a_row_come_back_newest_first(app_factory, seeded, db_path, clock):
    before = rows(db_path, clock, seeded.stalled)
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.stalled)
        await press(pilot, "tab", "k")                           # a promise kept
        await press(pilot, "r", "enter")                         # resolved, no note
        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")                                  # and deleted
        assert isinstance(app.screen, HomeScreen)
        assert messages(app)[-1].startswith(f"Deleted #{seeded.stalled}: “Package never "
                                            "arrived” — u undoes")
        assert [e.label for e in app.undo_stack.entries] == [
            f"Promise marked kept on #{seeded.stalled}", f"Resolved #{seeded.stalled}",
            f"Deleted #{seeded.stalled}"]
        await press(pilot, "u")                                  # on home: the delete
        assert messages(app)[-1].startswith(f"Restored case {seeded.stalled}")
        assert detail(db_path, clock, seeded.stalled).case.status == "resolved"
        await open_case(app, pilot, seeded.stalled)
        await press(pilot, "u")                                  # on the case: the resolve
        assert detail(db_path, clock, seeded.stalled).case.status == "open"
        await press(pilot, "ctrl+z")                             # ctrl+z too: the mark
        assert rows(db_path, clock, seeded.stalled) == before
        assert len(app.undo_stack) == 0


@ui
async def test_an_undo_whose_rows_changed_elsewhere_is_spent_and_the_next_one_follows(
        app_factory, seeded, db_path, clock):
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.quiet)
        await pilot.press("a")                                   # abandoned (open_case settles)
        await open_case(app, pilot, seeded.stalled)
        await press(pilot, "tab", "k")
        with Store(db_path, clock=clock) as cli:                 # `supportlog promise p1 broken`
            cli.set_promise_status(detail(db_path, clock, seeded.stalled).promises[0].id,
                                   "broken")
        await press(pilot, "u")
        assert "marked again since; nothing to undo" in messages(app)[-1]
        assert detail(db_path, clock, seeded.stalled).promises[0].status == "broken"
        await press(pilot, "u")                                  # the one below it
        assert detail(db_path, clock, seeded.quiet).case.status == "open"


@ui
async def test_a_deleted_cases_files_go_when_its_undo_falls_off_the_stack(
        app_factory, seeded, db_path, clock, tmp_path):
    receipt = tmp_path / "receipt.txt"
    receipt.write_text("the deleted case's receipt\n")
    with Store(db_path, clock=clock) as s:
        kept = s.attach_file(seeded.quiet, receipt)
    app = app_factory()
    path = app.store.evidence_path(kept.sha256)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.quiet)
        await pilot.press("d", "y")                              # open_case settles
        await open_case(app, pilot, seeded.stalled)
        await press(pilot, "tab", *"k" * (LIMIT - 1))            # the delete still held
        assert path.is_file() and app.last_deleted["id"] == seeded.quiet
        await press(pilot, "k")                                  # the tenth action after it
        assert app.last_deleted is None and not path.exists()
        assert len(app.undo_stack) == LIMIT


# -- the palette: one entry per action -------------------------------------------------------
async def palette_entries(pilot) -> list[tuple[str, str]]:
    await press(pilot, "ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.pause(0.3)
    await settle(pilot)
    entries = [tuple(str(o.prompt).split("\n", 1) + [""])[:2]
               for o in pilot.app.screen.query_one(CommandList).options]
    await press(pilot, "escape")
    return entries


@ui
async def test_the_palette_lists_each_action_once_and_names_the_undo(app_factory, seeded,
                                                                      db_path, clock):
    with Store(db_path, clock=clock) as s:
        s.update_case(seeded.stalled, title="Package " + " ".join(MARKUP))
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        home = [name for name, _ in await palette_entries(pilot)]
        assert len(home) == len(set(home)) and "Undo" not in home
        for gone in ("Switch theme", "Keys", "Demo notebook"):
            assert gone not in home
        assert {"Theme", "Help", "Load the demo"} <= set(home)
        await open_case(app, pilot, seeded.stalled)
        await press(pilot, "r", "enter")
        entries = await palette_entries(pilot)
        names = [name for name, _ in entries]
        assert len(names) == len(set(names)), names
        assert dict(entries)["Undo"] == f"Take back: Resolved #{seeded.stalled}"


# -- stats: a colour per meaning -------------------------------------------------------------
@pytest.mark.slow   # the whole CSS applied again for every theme
@ui
async def test_stats_hold_bars_are_not_the_progress_green_in_any_theme(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        app.action_stats()
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)

        def colour(chart: str, part: int = 0) -> str:
            widget = app.screen.query_one(f"#{chart}")
            return str(widget.get_component_rich_style(f"bar-chart--part-{part}").color)
        for theme in app.available_themes:
            app.theme = theme
            await pilot.pause()
            progress = colour("chart-channel-progress")
            assert colour("chart-company-progress") == colour("chart-promises", 0) == progress
            assert colour("chart-channel-hold") == colour("chart-company-hold")
            meanings = [progress, colour("chart-channel-hold"), colour("chart-resolution"),
                        colour("chart-promises", 1), colour("chart-promises", 2)]
            assert len(set(meanings)) == len(meanings), (theme, meanings)


# -- the welcome: "Load the demo" ------------------------------------------------------------
@ui
async def test_the_welcome_button_builds_and_opens_the_demo_never_your_notebook(
        app_factory, db_path):
    app = app_factory()
    demo = demo_db_path()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#lists").current == "welcome"
        button = app.screen.query_one("#load-demo", Button)
        assert app.focused is button and str(button.label) == "Load the demo"
        assert not demo.exists()
        await press(pilot, "enter")
        assert app.store.path == demo and is_demo_file(demo)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#lists").current == "cases"
        assert app.screen.query_one("#cases").row_count > 0
        assert app.focused is app.screen.query_one("#cases")    # j, k, Enter work at once
        assert "demo.db" in plain(app.screen.query_one("#topbar"))
        assert any(m.startswith("This is the demo notebook") for m in messages(app))
        await press(pilot, "ctrl+p")                             # once more: already there
        await pilot.press(*"load the demo")
        await pilot.pause(0.3)
        await press(pilot, "enter")
        assert messages(app)[-1] == "This is the demo notebook already."
    with Store(db_path) as mine:
        assert mine.count_cases() == 0                           # yours stays empty


@ui
async def test_the_demo_leaves_a_file_that_is_not_a_demo_alone(app_factory, db_path):
    demo = demo_db_path()
    demo.parent.mkdir(parents=True)
    demo.write_text("my own notes, kept where the demo would go\n")
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert app.store.path == db_path
        assert "is not a demo notebook, so the demo leaves it alone" in messages(app)[-1]
    assert demo.read_text() == "my own notes, kept where the demo would go\n"
