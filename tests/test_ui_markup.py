"""User text is shown literally everywhere: every text field is fed markup-like text through
the forms, then every screen, table, notification and palette entry that shows it is read."""

from __future__ import annotations

from textual.command import CommandInput, CommandPalette
from textual.widgets import Input, Select, TextArea
from ui_fixtures import (  # noqa: F401
    MARKUP,
    SIZE,
    app_factory,
    clock,
    debug_errors,
    messages,
    plain,
    settle,
    table_text,
    ui,
)

from tui.screens.case import CaseScreen
from tui.screens.dialogs import FinishContactScreen
from tui.store import Store

TRICKY = " ".join(MARKUP)          # [/] [bold] [link=x] \[ [b]x[/b] $accent


def typed(name: str) -> str:
    return f"{name} {TRICKY}"


@ui
async def test_every_field_round_trips_markup_like_text(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        for name in ("company", "title", "seller", "notes"):
            widget = form.query_one(f"#{name}")
            if isinstance(widget, TextArea):
                widget.text = typed(name)
            else:
                widget.value = typed(name)
        form.query_one("#ref-new", Input).value = f"order:{typed('ref')}"
        await pilot.press("ctrl+s")
        await settle(pilot)
        case = app.screen
        assert isinstance(case, CaseScreen)
        header = plain(case.query_one("#case-header"))
        for name in ("company", "seller", "ref"):
            assert typed(name) in header
        assert typed("title") in plain(case.query_one("#case-title"))

        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        form.query_one("#outcome", Select).value = "promised"
        for name in ("agent", "agent_id", "reference", "transcript_ref", "promise", "notes"):
            widget = form.query_one(f"#{name}")
            if isinstance(widget, TextArea):
                widget.text = typed(name)
            else:
                widget.value = typed(name)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is case
        timeline = table_text(case.query_one("#timeline"))
        assert typed("agent")[:38] in timeline            # the cell truncates; literal
        assert typed("promise") in table_text(case.query_one("#promises"))
        await pilot.press("enter")                       # the contact itself
        await settle(pilot)
        fields = plain(app.screen.query_one("#interaction-fields"))
        for name in ("agent", "agent_id", "reference", "transcript_ref"):
            assert typed(name) in fields
        assert plain(app.screen.query_one("#interaction-notes")) == typed("notes")
        await pilot.press("o")                           # not a file or link: shown as is
        assert app._clipboard == typed("transcript_ref")
        assert any(typed("transcript_ref") in m for m in messages(app))
        await pilot.press("escape", "escape")
        await settle(pilot)

        home_cases = table_text(app.screen.query_one("#cases"))
        assert typed("title") in home_cases and typed("company")[:28] in home_cases
        await pilot.press("slash")                      # the query is no markup: set, not typed
        app.screen.query_one("#search", Input).value = "title"
        await settle(pilot)
        assert typed("company")[:28] in table_text(app.screen.query_one("#hits"))
        await pilot.press("escape")

        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        palette.query_one(CommandInput).value = "title"
        await pilot.pause(0.1)
        await settle(pilot)
        shown = [str(o.prompt) for o in palette.query_one("CommandList").options]
        assert any(typed("title") in p and typed("company") in p for p in shown)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d", "y")                       # the notification names it
        await settle(pilot)
        assert any(typed("title") in m for m in messages(app))

    with Store(db_path) as s:                            # and it is stored as typed
        assert s.count_cases() == 0


@ui
async def test_live_fields_and_filters_take_markup_like_text(app_factory, db_path, clock):
    with Store(db_path, clock=clock) as s:
        case = s.create_case(typed("company"), typed("title"))
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_live(case.id, "chat")
        await settle(pilot)
        live = app.screen
        for name in ("agent", "agent_id", "reference"):
            live.query_one(f"#{name}", Input).value = typed(name)
        live.query_one("#notes", TextArea).text = typed("notes")
        live.save()
        assert typed("title") in plain(live.query_one("#live-what"))
        await pilot.press("escape")                          # Esc asks how it ended
        await settle(pilot)
        assert isinstance(app.screen, FinishContactScreen)
        await pilot.press("enter")                         # resolved
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f", *TRICKY, "enter")            # company filter: no match, no crash
        await settle(pilot)
        assert app.screen.query_one("#cases").row_count == 0
    with Store(db_path) as s:
        done = s.get_detail(case.id).interactions[0]
    assert (done.agent, done.agent_id, done.reference, done.notes) == tuple(
        typed(n) for n in ("agent", "agent_id", "reference", "notes"))


def test_snippets_keep_the_match_in_view_and_stay_literal():
    from tui.store import MARK_END, MARK_START
    from tui.widgets.text import SNIPPET_STYLE, snippet_cell
    cell = snippet_cell(f"…Asked [b]her[/b] to e-mail the chat {MARK_START}transcript{MARK_END}"
                        " [/] to me")
    assert cell.plain == "…e-mail the chat transcript [/] to me"
    assert [cell.plain[s.start:s.end] for s in cell.spans if s.style == SNIPPET_STYLE] == [
        "transcript"]
    assert snippet_cell("no match here, [b]the notes[/b] as written").plain == \
        "no match here, [b]the notes[/b] as written"
