"""Snapshots at the three terminal sizes people have (80x24, 120x40, 200x50) with a fixed
clock: home, case, live contact, the new-case and log forms, stats and help. Update after a
deliberate change with `pytest tests/test_ui_sizes.py --snapshot-update`, then look at each."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tui.widgets.footer import Footer
from tui.widgets.status_tabs import StatusTabs

from ui_fixtures import app_factory, clock, debug_errors, seeded, settle, ui  # noqa: F401
from ui_fixtures import plain, resize
from ui_fixtures import steady_home  # noqa: F401

pytestmark = pytest.mark.usefixtures("steady_home")

SIZES = {"80x24": (80, 24), "120x40": (120, 40), "200x50": (200, 50)}


def prepared(*then, toast: bool = False):
    """run_before: wait for the workers, do `then`, stop cursors blinking; the start-up toast
    is kept only where its placement is the point (home)."""
    async def run_before(pilot) -> None:
        await settle(pilot)
        for step in then:
            await step(pilot)
            await settle(pilot)
        if not toast:
            pilot.app.clear_notifications()
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False     # snap_compare pauses before the picture
    return run_before


def press(*keys):
    async def step(pilot) -> None:
        await pilot.press(*keys)
    return step


async def go_live(pilot) -> None:
    pilot.app.start_live(pilot.app.screen.case_id, "phone")


SCREENS = {
    "home": prepared(toast=True),
    "case": prepared(press("enter")),
    "live": prepared(press("enter"), go_live),
    "new_case": prepared(press("n")),
    "log": prepared(press("l")),
    "stats": prepared(press("s")),
    "help": prepared(press("f1")),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_at_size(snap_compare, app_factory, seeded, screen, size):
    assert snap_compare(app_factory(), terminal_size=SIZES[size], run_before=SCREENS[screen])


# -- what a decision depends on is never cut at 80x24 -------------------------------------------

async def _home(app, pilot):
    await settle(pilot)
    return app.screen


def _on_screen(widget, width: int) -> bool:
    region = widget.region
    return widget.display and region.width > 0 and region.right <= width


def _tabs_whole(tabs, width: int) -> None:
    """Every tab's full label, as drawn on the tab bar's first line, inside the bar and
    inside the screen."""
    assert _on_screen(tabs, width)
    drawn = "".join(s.text for s in tabs.render_line(0))
    for tab, (start, end) in tabs.spans().items():
        label = tabs.labels[tab]
        assert drawn[start:end].strip() == label, (tab, drawn)
        assert tabs.region.x + end <= tabs.region.right <= width, (tab, tabs.region)


@ui
async def test_80x24_home_shows_every_tab_count_whole_and_quit_and_help(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _home(app, pilot)
        tabs = screen.query_one(StatusTabs)
        _tabs_whole(tabs, 80)
        assert tabs.labels["all"] == "All 3"
        keys = _keys(screen)
        assert "q" in keys and "f1" in keys


@ui
async def test_tab_counts_stay_whole_with_big_numbers(app_factory, seeded, monkeypatch):
    """At 100 columns the All tab read "All 3" for 30 cases: the filters took its room."""
    from tui.store import Store
    big = {"open": 45000, "waiting": 30000, "resolved": 20000, "abandoned": 5000}
    monkeypatch.setattr(Store, "status_counts", lambda self: dict(big))  # a 100k notebook's
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _home(app, pilot)
        tabs = screen.query_one(StatusTabs)
        assert tabs.labels["all"] == "All 100000"
        _tabs_whole(tabs, 100)


@ui
async def test_80x24_case_timeline_keeps_outcome_and_references(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case(seeded.stalled)
        await settle(pilot)
        timeline = app.screen.query_one("#timeline", DataTable)
        widths = {c.key.value: c.width for c in timeline.columns.values()}
        assert widths["outcome"] >= len("disconnected") and widths["reference"] >= len("T-1")
        used = sum(c.get_render_width(timeline) for c in timeline.columns.values())
        assert used <= timeline.scrollable_content_region.width
        header = app.screen.query_one("#case-header")
        shown = plain(header).split("\n")[:header.content_region.height]
        assert any("References: order: 112-3345" in line for line in shown)
        assert any("129.99 EUR" in line for line in shown)
        assert app.screen.query_one("#promises").region.height >= 3   # its rows show
        assert "f1" in _keys(app.screen)


@ui
async def test_80x24_start_toast_does_not_cover_the_list(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await _home(app, pilot)
        toasts = list(screen.query("Toast"))
        assert toasts, "the stalled-since-last-start toast"
        cases = screen.query_one("#cases").region
        for toast in toasts:
            assert not toast.region.overlaps(cases), (toast.region, cases)


@ui
async def test_preview_by_width_and_p_toggles_it(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _home(app, pilot)
        preview = screen.query_one("#preview")
        reason = screen.query_one("#home-reason")
        assert not preview.region.width and reason.region.height   # hidden: the reason shows
        assert "Follow up with Amazon" in plain(reason)
        await pilot.press("p")
        await pilot.pause()
        assert preview.region.width == 80 and preview.region.y > screen.query_one("#cases").region.y
        await resize(pilot, (150, 40))
        cases = screen.query_one("#cases").region
        assert preview.region.x >= cases.right and preview.region.width <= 64
        await pilot.press("p")
        await pilot.pause()
        assert not preview.region.width and screen.query_one("#cases").region.width > 140


# -- column widths ----------------------------------------------------------------------------

COLUMNS = (("score", "Score", 5, 0), ("case", "Case", 16, 3), ("status", "Status", 8, 0),
           ("why", "Why now", 14, 5))


def _widths(width: int, widest: dict[str, int]) -> dict[str, int]:
    from tui.widgets.case_table import FitTable
    table = FitTable(COLUMNS)
    table._widest = widest
    return table.column_widths(width)


def test_columns_no_wider_than_their_cells_until_all_fit_then_share_the_rest():
    widths = _widths(200, {"case": 30, "status": 7, "why": 60})
    assert widths["case"] >= 30 and widths["why"] >= 60 and widths["status"] == 8
    assert sum(widths.values()) + 2 * len(COLUMNS) == 200   # a wide terminal: all of it


def test_narrow_columns_keep_fixed_ones_whole_and_grow_the_cut_ones():
    widths = _widths(60, {"case": 40, "status": 12, "why": 80})
    assert widths["status"] == 12 and widths["score"] == 5   # never cut
    assert widths["case"] > 16 and widths["why"] > 14
    assert sum(widths.values()) + 2 * len(COLUMNS) == 60


def test_a_short_column_gives_its_share_to_the_cut_one():
    """The preview stole a third of 120 columns and "Why now" stopped at 17 characters."""
    widths = _widths(100, {"case": 18, "status": 7, "why": 70})
    assert widths["why"] >= 100 - 8 - 5 - 18 - 8 - 2   # all the case column did not need


@ui
async def test_columns_fitted_as_rows_overflow_leave_room_for_the_scrollbar():
    """Rows past the table's height and the fit in one turn, before the vertical scrollbar
    shows: the columns fit beside it, so no horizontal scrollbar comes and hides a row (it
    did at times on home, and a reload then put the scroll back a row short)."""
    from textual.app import App
    from tui.widgets.case_table import FitTable

    class One(App):
        def compose(self):
            yield FitTable(COLUMNS)

    app = One()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(FitTable)
        for n in range(40):
            table.add_row(str(n), f"case {n}", "open", "why " * 20)
        table.fit_columns()
        used = sum(c.width for c in table.columns.values()) + 2 * len(COLUMNS)
        assert used == 60 - table.styles.scrollbar_size_vertical
        await pilot.pause()
        assert table.show_vertical_scrollbar and not table.show_horizontal_scrollbar


# -- the case's main actions, the live inputs and the filters at 80x24 -------------------------

def _keys(screen) -> dict:
    """The footer's keys drawn whole on screen, by key."""
    footer = screen.query_one(Footer)
    drawn = "".join(s.text for s in footer.render_line(0))
    assert footer.region.right <= screen.size.width
    return {key.key: key for key in footer.shown()
            if drawn[key.start:key.end] == key.key_text + key.text}


@ui
async def test_80x24_case_footer_keeps_resolve_edit_company_and_headers_whole(app_factory,
                                                                              seeded):
    """The footer cut "r Resolv" and dropped e and g; the timeline read "Transcri"."""
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case(seeded.stalled)
        await settle(pilot)
        keys = _keys(app.screen)
        for key, words in (("r", "Resolve"), ("e", "Edit"), ("g", "Company"), ("l", "Log"),
                           ("c", "Contact"), ("f1", "Help"), ("escape", "Back")):
            assert key in keys and keys[key].description == words, key
        assert max(k.end for k in keys.values()) <= 80
        timeline = app.screen.query_one("#timeline", DataTable)
        for column in timeline.columns.values():
            assert column.width >= len(str(column.label)), str(column.label)
        assert "Transcript" in {str(c.label) for c in timeline.columns.values()}
        used = sum(c.get_render_width(timeline) for c in timeline.columns.values())
        assert used <= timeline.scrollable_content_region.width


@ui
async def test_a_wide_case_footer_shows_every_key(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        app.open_case(seeded.stalled)
        await settle(pilot)
        assert {"y", "p", "k", "b", "r", "e", "g"} <= set(_keys(app.screen))
        await resize(pilot, (80, 24))
        keys = _keys(app.screen)
        assert "y" not in keys and "r" in keys     # said in the brief's title instead
        await resize(pilot, (200, 50))
        assert "y" in _keys(app.screen)


@ui
async def test_80x24_live_inputs_keep_their_width_and_the_f_keys_show(app_factory, seeded):
    """A 24-column label gutter left the inputs 20 columns of an 80-column terminal."""
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_case(seeded.stalled)
        await settle(pilot)
        app.start_live(seeded.stalled, "phone")
        await settle(pilot)
        screen = app.screen
        for name in ("agent", "agent_id", "reference", "transcript_ref"):
            field = screen.query_one(f"#{name}")
            assert field.region.width >= 30 and field.region.right <= 80, name
        labels = " ".join(plain(label) for label in screen.query(".field-label"))
        assert "Transcript reference" in labels and "Reference they gave" in labels
        notes = screen.query_one("#notes")
        assert notes.region.height >= 8 and notes.region.bottom <= 23   # no scrolling to it
        keys = _keys(screen)
        assert {"f2", "f3", "f5", "f9", "f1"} <= set(keys)
        assert max(k.end for k in keys.values()) <= 80


@ui
async def test_80x24_filters_go_under_the_tabs_when_the_counts_are_big(app_factory, seeded,
                                                                      monkeypatch):
    """A 100k notebook's counts left "compan" of the company filter and no channel filter."""
    from tui.store import Store
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _home(app, pilot)
        tabs = screen.query_one(StatusTabs)
        company, channel = screen.query_one("#company-filter"), screen.query_one("#channel-filter")
        assert company.region.y == tabs.region.y        # small counts: one line for all
        big = {"open": 14848, "waiting": 11991, "resolved": 63094, "abandoned": 10067}
        monkeypatch.setattr(Store, "status_counts", lambda self: dict(big))
        screen.update_counts()
        await settle(pilot)
        assert tabs.labels["all"] == "All 100000"
        _tabs_whole(tabs, 80)
        for widget, least in ((company, 8), (channel, 15)):
            region = widget.region
            assert region.width >= least and region.right <= 80, widget.id
            assert not region.overlaps(tabs.region), widget.id
        assert screen.query_one("#cases").region.y > company.region.y
