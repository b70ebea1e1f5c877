"""Any terminal size (issue 10, D6): at 10x5 the app crashed with the channel picker open or
after resuming a live contact (`ValueError: range() arg 3 must not be zero`). Below its
minimum it now shows a notice that takes no keys, and the screen under it comes back working
when the terminal grows."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList, Static
from ui_fixtures import NOW, Clock, debug_errors, make_app, plain, resize, settle  # noqa: F401
from ui_fixtures import ui

from tui.screens.case import CaseScreen
from tui.screens.contact_form import ContactForm
from tui.screens.dialogs import ChannelPicker
from tui.screens.live_resume import ResumeLiveScreen
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.live import LiveScreen
from tui.screens.stats import StatsScreen
from tui.screens.too_small import TooSmallScreen
from tui.store import Store
from tui.widgets.bar_chart import BarChart

TINY, NORMAL, BIG = (10, 5), (80, 24), (100, 30)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def notebook(db_path, clock):
    """A stalled case (two dead ends, an overdue promise) and a quiet one; returns its id."""
    with Store(db_path, clock=clock) as s:
        a = s.create_case("Amazon", "Package never arrived", refs=[("order", "112-3345")],
                          want="refund", opened_at="2026-11-01T09:00:00Z")
        s.log_interaction(a.id, "phone", "transferred", started_at="2026-11-20T10:00:00Z",
                          duration="20m", agent="Priya", promise="Refund issued",
                          promise_due="2026-11-21")
        s.log_interaction(a.id, "phone", "disconnected", started_at="2026-11-22T10:00:00Z",
                          duration="5m")
        s.create_case("Acme", "Broken toaster", opened_at="2026-11-23T09:00:00Z")
        return a.id


@pytest.fixture
def app_factory(db_path, clock):
    apps = []

    def factory(min_size=None):
        app = make_app(db_path, clock)
        if min_size:
            app.MIN_SIZE = min_size
        apps.append(app)
        return app
    yield factory
    for app in apps:
        app.store.close()


def notice(app) -> str:
    assert isinstance(app.screen, TooSmallScreen), app.screen
    return plain(app.screen.query_one("#too-small", Static))


# -- what each screen needs to be working again --------------------------------------------

async def open_case(app, pilot, case_id):
    app.open_case(case_id)
    await settle(pilot)
    assert isinstance(app.screen, CaseScreen)


async def to_picker(app, pilot, case_id):
    await open_case(app, pilot, case_id)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, ChannelPicker)


async def picker_starts_a_contact(app, pilot):
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, LiveScreen)


async def to_live(app, pilot, case_id):
    await to_picker(app, pilot, case_id)
    await picker_starts_a_contact(app, pilot)


async def live_takes_typing(app, pilot):
    await pilot.press(*"Dana")
    assert app.screen.query_one("#agent", Input).value == "Dana"
    app.screen.tick()


async def to_form(app, pilot, case_id):
    await open_case(app, pilot, case_id)
    await pilot.press("l")
    await settle(pilot)
    assert isinstance(app.screen, ContactForm)


async def form_keeps_its_fields(app, pilot):
    assert app.screen.query(Input)


async def to_help(app, pilot, case_id):
    await pilot.press("f1")
    await settle(pilot)
    assert isinstance(app.screen, HelpScreen)


async def help_goes_back(app, pilot):
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(app.screen, HomeScreen)


async def to_stats(app, pilot, case_id):
    app.push_screen(StatsScreen())
    await settle(pilot)


async def stats_has_charts(app, pilot):
    assert isinstance(app.screen, StatsScreen) and app.screen.query(BarChart)


async def home_lists_cases(app, pilot):
    assert isinstance(app.screen, HomeScreen)
    assert app.screen.query_one("#cases", DataTable).row_count == 2


async def case_opens_the_log_form(app, pilot):
    await pilot.press("l")
    await settle(pilot)
    assert isinstance(app.screen, ContactForm)


async def nothing(app, pilot, case_id):
    pass


SCREENS = {
    "home": (nothing, home_lists_cases),
    "case": (open_case, case_opens_the_log_form),
    "channel picker": (to_picker, picker_starts_a_contact),
    "live contact": (to_live, live_takes_typing),
    "form": (to_form, form_keeps_its_fields),
    "help": (to_help, help_goes_back),
    "stats": (to_stats, stats_has_charts),
}


@pytest.mark.parametrize("name", SCREENS)
@ui
async def test_each_screen_survives_10x5_and_comes_back(app_factory, notebook, name):
    reach, works = SCREENS[name]
    app = app_factory()
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await reach(app, pilot, notebook)
        under = app.screen
        await resize(pilot, TINY)
        shown = notice(app)
        assert "80x20" in shown and "10x5" in shown
        # Out of sight: no key may act on the screen under the notice.
        await pilot.press("escape", "c", "l", "f1", "ctrl+p", "enter", "f9")
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        assert app.screen_stack[-2] is under
        await resize(pilot, NORMAL)
        assert app.screen is under
        await works(app, pilot)


@ui
async def test_the_notice_follows_the_size_and_goes_at_the_minimum(app_factory, notebook):
    app = app_factory()
    async with app.run_test(size=TINY) as pilot:
        await settle(pilot)
        assert "10x5" in notice(app)
        await resize(pilot, (60, 18))
        assert "Terminal too small" in notice(app) and "60x18" in notice(app)
        await resize(pilot, (80, 19))
        assert "80x19" in notice(app)
        await resize(pilot, (80, 20))
        await home_lists_cases(app, pilot)


@ui
async def test_no_toast_covers_the_notice(app_factory, notebook):
    from textual.widgets._toast import Toast
    app = app_factory()
    async with app.run_test(size=NORMAL, notifications=True) as pilot:
        await settle(pilot)
        app.notify("Zanzibar", timeout=30)
        await resize(pilot, (30, 8))
        assert isinstance(app.screen, TooSmallScreen)
        toasts = list(app.screen.query(Toast))
        assert toasts and not any(t.visible for t in toasts)  # there, but out of sight


@ui
async def test_screens_opened_under_the_notice_wait_for_room(app_factory, notebook):
    app = app_factory()
    async with app.run_test(size=TINY) as pilot:
        await settle(pilot)
        app.open_case(notebook)                   # a callback or a worker opening a screen
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        await resize(pilot, NORMAL)
        assert isinstance(app.screen, CaseScreen)
        await case_opens_the_log_form(app, pilot)


@ui
async def test_resuming_a_live_contact_at_10x5(app_factory, notebook, db_path, clock):
    """The D6 repro: a contact left live, the app started at 10x5, resumed."""
    with Store(db_path, clock=clock) as s:
        crashed = s.start_contact(notebook, "phone", agent="Olu")
    app = app_factory()
    async with app.run_test(size=TINY) as pilot:
        await settle(pilot)
        assert "10x5" in notice(app)                # the offer to resume waits under it
        await resize(pilot, NORMAL)
        assert isinstance(app.screen, ResumeLiveScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LiveScreen) and app.screen.contact.id == crashed.id
        await resize(pilot, TINY)
        assert "10x5" in notice(app)
        await resize(pilot, NORMAL)
        assert app.screen.query_one("#agent", Input).value == "Olu"
        await live_takes_typing(app, pilot)


# -- the cause: an OptionList narrower than its options' padding ----------------------------

LIST_SIZES = [TINY, (4, 3), (9, 4), (13, 6), (20, 5)]


@ui
async def test_lists_lay_out_at_any_width_without_the_notice(app_factory, notebook):
    """With no minimum, the picker, the resume offer and the outcome list are laid out at the
    tiny size itself (OptionList divided its width by zero there)."""
    app = app_factory(min_size=(1, 1))
    with Store(app.store.path, clock=app.clock) as s:
        s.start_contact(s.create_case("Bank", "Card blocked").id, "chat")
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeLiveScreen)
        # One app goes through every size: a layout depends on the size, not on the one before.
        for size in LIST_SIZES:
            await resize(pilot, size)
            assert isinstance(app.screen, ResumeLiveScreen), size
        await pilot.press("escape")
        await open_case(app, pilot, notebook)
        for size in LIST_SIZES:
            await resize(pilot, size)
            await pilot.press("c")                  # the picker composed at this size
            await settle(pilot)
            assert isinstance(app.screen, ChannelPicker) and app.screen.query_one(OptionList), size
            if size != LIST_SIZES[-1]:
                await pilot.press("escape")
                await settle(pilot)
                assert isinstance(app.screen, CaseScreen), size
        await resize(pilot, NORMAL)
        await picker_starts_a_contact(app, pilot)
        await pilot.press("f9")                     # how did it end? (another list)
        await settle(pilot)
        for size in LIST_SIZES:
            await resize(pilot, size)
        await resize(pilot, NORMAL)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LiveScreen)


@ui
async def test_what_was_typed_last_is_saved_when_the_app_closes(app_factory, notebook, db_path):
    """Found here: quitting within the live screen's save debounce raised NoMatches in its
    on_unmount (its fields are removed before it) and lost the last keys typed."""
    app = app_factory()
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await to_live(app, pilot, notebook)
        contact_id = app.screen.contact.id
        await pilot.press(*"Dana")
    with Store(db_path) as s:
        assert s.get_interaction(contact_id).agent == "Dana"
