"""The Agenda screen (overdue first, then the next 14 days; Enter opens the case; a clock's
guidance line), the home screen's "Today and overdue" line, `a` and the palette entries."""

from __future__ import annotations

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

from tui.screens.agenda import AgendaScreen
from tui.screens.case import CaseScreen
from tui.screens.companies import CompaniesScreen
from tui.screens.home import HomeScreen
from tui.screens.palette import ActionsProvider
from tui.store import Store
from tui.store.companies import CompanyChanges


def agenda_notebook(path, clock) -> dict[str, int]:
    """An overdue promise, an ask due in 3 days, a 7-day price-adjustment window closing in
    2 days, and a case due in 20 days (outside the window)."""
    with Store(path, clock=clock) as s:
        s.add_company("ShopCo", CompanyChanges(policies=["price adjustment: 7 days from "
                                                         "purchased"]))
        tv = s.create_case("ShopCo", "TV price [dropped]", purchased_on="2026-11-20",
                           opened_at="2026-11-22T09:00:00Z")
        bank = s.create_case("Bank", "Card dispute", opened_at="2026-11-01T09:00:00Z")
        s.add_promise(bank.id, "Send the statement", "2026-11-28", party="me")
        parcel = s.create_case("Parcels", "Lost parcel", opened_at="2026-11-10T09:00:00Z")
        s.add_promise(parcel.id, "Refund issued", "2026-11-21")
        later = s.create_case("Acme", "Later thing", due_on="2026-12-15",
                              opened_at="2026-11-24T09:00:00Z")
        return {"tv": tv.id, "bank": bank.id, "parcel": parcel.id, "later": later.id}


async def open_agenda(app, pilot) -> AgendaScreen:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(app.screen, AgendaScreen)
    return app.screen


@ui
async def test_the_agenda_lists_overdue_first_then_in_date_order(app_factory, db_path, clock):
    ids = agenda_notebook(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agenda(app, pilot)
        rows = [r.strip() for r in table_text(screen.query_one("#agenda-list")).splitlines()]
        order = [next((k for k, v in ids.items() if f"#{v} " in row), row) for row in rows]
        assert order == ["─" * 11 + " Overdue (1)", "parcel", "─" * 11 + " This week (2)", "tv",
                         "bank"], rows
        assert "Later thing" not in "\n".join(rows)      # 20 days ahead: outside the 14
        assert "price adjustment: last day" in rows[3] and "2026-11-27" in rows[3]
        assert "Parcels promised" in rows[1] and "theirs" in rows[1]
        assert "yours" in rows[4]
        # The cursor starts on the first item (not on a heading); the clock's guidance shows.
        screen.query_one("#agenda-list").move_cursor(row=3)
        await settle(pilot)
        item = plain(screen.query_one("#agenda-item"))
        assert "TV price [dropped]" in item
        assert "Guidance, not legal advice: ShopCo's price adjustment policy" in item
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == ids["tv"]


@ui
async def test_enter_on_a_heading_opens_nothing(app_factory, db_path, clock):
    agenda_notebook(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agenda(app, pilot)
        screen.query_one("#agenda-list").move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen


@ui
async def test_home_shows_today_and_overdue_in_one_line(app_factory, db_path, clock,
                                                        monkeypatch):
    from tui.screens import home
    monkeypatch.setattr(home, "AGENDA_AFTER_START", 0.01)   # the line waits for the list
    ids = agenda_notebook(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause(0.1)
        await settle(pilot)
        line = app.screen.query_one("#home-agenda")
        assert line.display and "hidden" not in line.classes
        text = plain(line)
        assert text.startswith("Today and overdue: 1 overdue")
        assert f"#{ids['parcel']} Lost parcel" in text and "a: agenda" in text
        # Marked kept, nothing is overdue or due today: the line goes.
        with Store(db_path, clock=clock) as s:
            pid = s.get_detail(ids["parcel"]).promises[0].id
        await app.write(lambda s: s.set_promise_status(pid, "kept"), case_id=ids["parcel"])
        await settle(pilot)
        assert "hidden" in line.classes


@ui
async def test_an_empty_agenda_says_so(app_factory, db_path, clock):
    with Store(db_path, clock=clock) as s:
        s.create_case("Acme", "Due in 15 days", due_on="2026-12-10")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agenda(app, pilot)
        assert "Nothing overdue or due within 14 days" in plain(screen.query_one("#agenda-item"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


@ui
async def test_the_palette_offers_companies_and_agenda(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = ActionsProvider(app.screen)
        actions = {name: callback for name, _, callback in provider.actions()}
        actions["Agenda"]()
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        app.pop_screen()
        app.open_case(seeded.stalled)
        await settle(pilot)
        actions = {name: callback for name, _, callback in provider.actions()}
        actions["Companies"]()
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
        assert plain(app.screen.query_one("#company-card")).startswith("Amazon")


@ui
async def test_an_agenda_line_read_while_the_app_closes_is_dropped(app_factory, seeded,
                                                                   monkeypatch):
    """Found in CI: the line's read came back after the app had removed the home screen's
    widgets, and the worker failed with NoMatches('#home-agenda')."""
    import asyncio

    from tui.screens import agenda
    gate, real = asyncio.Event(), agenda.load_agenda

    async def late(app, days):
        await gate.wait()
        return await real(app, days=days)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(agenda, "load_agenda", late)
        worker = app.screen.update_agenda()
        await pilot.pause()
        await app.screen.query_one("#home-agenda").remove()   # as the app's closing does
        gate.set()
        await worker.wait()
        assert worker.error is None
