"""The Companies screen (search, a company's routes and policies, the add/edit form with
inline errors that keep what was typed) and the routes and policy windows shown where you
act: the case header, the log form, the live screen and the brief."""

from __future__ import annotations

from textual.widgets import Input, Select
from ui_fixtures import (  # noqa: F401
    SIZE,
    app_factory,
    clock,
    debug_errors,
    plain,
    settle,
    table_text,
    ui,
)

from tui.advice.brief import make_brief
from tui.screens.case import CaseScreen
from tui.screens.companies import CompaniesScreen
from tui.screens.company_form import CompanyForm
from tui.screens.contact_form import ContactForm
from tui.store import Store
from tui.store.companies import CompanyChanges

NOW_DAY = "2026-11-25"


def tv_case(path, clock) -> int:
    """ShopCo: a phone line with hours and a chat page, a 30-day return window from delivery;
    a TV delivered on 20 Nov, one phone contact."""
    with Store(path, clock=clock) as s:
        s.add_company("ShopCo", CompanyChanges(
            routes=[{"kind": "phone", "value": "+1 555 0100", "hours": "Mon-Fri 9-17"},
                    {"kind": "chat", "value": "https://shopco.example/chat"}],
            policies=["return: 30 days from delivered"],
            policy_source="https://shopco.example/returns"))
        case = s.create_case("ShopCo", "TV [b]cracked[/b]", delivered_on="2026-11-20",
                             opened_at="2026-11-21T09:00:00Z")
        s.log_interaction(case.id, "phone", "info", started_at="2026-11-22T10:00:00Z",
                          duration="5m")
        return case.id


def company(path, name):
    with Store(path) as s:
        return s.get_company(name)


async def open_directory(app, pilot, name=None) -> CompaniesScreen:
    await settle(pilot)
    app.push_screen(CompaniesScreen(name))
    await settle(pilot)
    assert isinstance(app.screen, CompaniesScreen)
    return app.screen


async def type_into(pilot, widget, text: str) -> None:
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await pilot.press(*text)


@ui
async def test_add_a_company_with_a_route_and_a_return_policy(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_directory(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CompanyForm)
        # The name with its brackets is typed by hand; the other lines are only saved.
        await type_into(pilot, form.query_one("#name", Input), "Oakden [Furniture]")
        form.query_one("#route_1_value", Input).value = "+44 20 7946 0000"
        form.query_one("#route_1_hours", Input).value = "Mon-Fri 9-17"
        form.query_one("#policy_2_text", Input).value = "return: 30 days from delivery"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
        assert "Oakden [Furniture]" in table_text(app.screen.query_one("#company-list"))
        card = plain(app.screen.query_one("#company-card"))
        assert "phone: +44 20 7946 0000" in card and "Mon-Fri 9-17" in card
        assert "return: 30 days from delivered" in card
    saved = company(db_path, "Oakden [Furniture]")
    assert [(r.kind, r.value, r.hours) for r in saved.routes] == [
        ("phone", "+44 20 7946 0000", "Mon-Fri 9-17")]
    assert [(p.name, p.days, p.unit, p.starts) for p in saved.policies] == [
        ("return", 30, "days", "delivered")]


@ui
async def test_a_bad_policy_is_shown_on_its_line_and_nothing_typed_is_lost(app_factory,
                                                                            db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_directory(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await type_into(pilot, form.query_one("#name", Input), "Voltline")
        form.query_one("#route_1_value", Input).value = "0800 123"
        form.query_one("#policy_2_text", Input).value = "refund: ten days from the refund promise"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form                        # still open
        error = plain(form.query_one("#err-policy_2"))
        assert "'ten' is not a whole number" in error
        assert form.query_one("#policy_2_text", Input).value == \
            "refund: ten days from the refund promise"
        assert form.query_one("#route_1_value", Input).value == "0800 123"
        assert form.query_one("#name", Input).value == "Voltline"
        # A route without its value is named on its own line too.
        form.query_one("#policy_2_text", Input).value = "refund: 10 working days from the " \
                                                        "refund promise"
        form.query_one("#route_1_value", Input).value = ""
        form.query_one("#route_1_label", Input).value = "billing"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "give the number" in plain(form.query_one("#err-route_1"))
        assert plain(form.query_one("#err-policy_2")) == ""
    with Store(db_path) as s:
        assert [c.name for c in s.companies()] == []


@ui
async def test_editing_keeps_route_uids_and_removes_what_was_crossed_out(app_factory, db_path,
                                                                         clock):
    tv_case(db_path, clock)
    before = company(db_path, "ShopCo")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_directory(app, pilot, "ShopCo")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CompanyForm)
        phone = form.query_one("#route_1_value", Input)
        assert phone.value == "+1 555 0100"
        phone.value = "+1 555 0199"
        form.query_one("#route_2_remove").press()       # the chat page goes
        await settle(pilot)
        form.query_one("#policy_3_text", Input).value = "return: 45 days from delivered"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    after = company(db_path, "ShopCo")
    assert [(r.uid, r.kind, r.value, r.hours) for r in after.routes] == [
        (before.routes[0].uid, "phone", "+1 555 0199", "Mon-Fri 9-17")]
    (policy,) = after.policies
    assert (policy.uid, policy.days, policy.source) == (before.policies[0].uid, 45,
                                                       "https://shopco.example/returns")
    assert policy.read_on == before.policies[0].read_on


@ui
async def test_two_unlabelled_lines_of_one_kind_are_refused_not_merged(app_factory, db_path,
                                                                       clock):
    tv_case(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_directory(app, pilot, "ShopCo")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        await pilot.press("ctrl+r")
        await settle(pilot)
        form.query_one("#route_4_value", Input).value = "+1 555 0200"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "give this one a label" in plain(form.query_one("#err-route_4"))
        form.query_one("#route_4_label", Input).value = "billing"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
    assert [(r.label, r.value) for r in company(db_path, "ShopCo").routes if
            r.kind == "phone"] == [(None, "+1 555 0100"), ("billing", "+1 555 0200")]


@ui
async def test_search_narrows_the_list_as_you_type(app_factory, db_path, clock):
    with Store(db_path, clock=clock) as s:
        for name in ("Oakden Furniture", "Amazon", "Oak & Ash [/]", "Voltline Energy"):
            s.add_company(name)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_directory(app, pilot)
        assert screen.query_one("#company-list").row_count == 4
        await pilot.press("slash", *"oak")
        await settle(pilot)
        rows = table_text(screen.query_one("#company-list"))
        assert "Oakden Furniture" in rows and "Oak & Ash [/]" in rows and "Amazon" not in rows
        await pilot.press(*" ash")
        await settle(pilot)
        assert screen.query_one("#company-list").row_count == 1
        assert "Oak & Ash [/]" in plain(screen.query_one("#company-card"))


@ui
async def test_case_header_shows_the_route_for_the_channel_and_the_window(app_factory,
                                                                         db_path, clock):
    case_id = tv_case(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_case(case_id)
        await settle(pilot)
        header = plain(app.screen.query_one("#case-header"))
        assert "Route (phone): phone: +1 555 0100, Mon-Fri 9-17" in header
        assert "chat" not in header.split("Route (phone)")[1].split("\n")[0]
        # 20 Nov + 30 days = 20 Dec; the clock says 25 Nov.
        assert "Windows: return: 25 days left (to 2026-12-20)" in header
        assert ("Guidance, not legal advice: ShopCo's return policy "
                "(https://shopco.example/returns), read 2026-11-25") in header
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, CompaniesScreen)
        assert "ShopCo" in plain(app.screen.query_one("#company-card"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)


@ui
async def test_the_log_form_offers_the_route_for_the_chosen_channel(app_factory, db_path,
                                                                   clock):
    case_id = tv_case(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ContactForm(case_id))
        await settle(pilot)
        hint = app.screen.query_one("#channel-route")
        assert "+1 555 0100, Mon-Fri 9-17" in plain(hint)
        app.screen.query_one("#channel", Select).value = "chat"
        await settle(pilot)
        assert "https://shopco.example/chat" in plain(hint)
        app.screen.query_one("#channel", Select).value = "letter"
        await settle(pilot)
        assert not hint.display


@ui
async def test_the_live_screen_shows_the_route_for_its_channel(app_factory, db_path, clock):
    case_id = tv_case(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_live(case_id, "chat")
        await settle(pilot)
        route = plain(app.screen.query_one("#live-route"))
        assert "Route (chat): chat: https://shopco.example/chat" in route
        assert "return: 25 days left" in route


def test_the_brief_names_the_route_and_the_policy_windows(db_path, clock):
    case_id = tv_case(db_path, clock)
    with Store(db_path, clock=clock) as s:
        detail = s.get_detail(case_id)
    brief = make_brief(detail, now=clock(), channel="phone")
    lines = dict(brief.lines)
    assert lines["Reach them"] == "phone: +1 555 0100, Mon-Fri 9-17"
    assert lines["Policy windows"] == "return: 25 days left (to 2026-12-20)"
    assert lines["Source"].startswith("Guidance, not legal advice: ShopCo's return policy")
    # A window whose date the case lacks says what it needs; a closed one says when.
    late = make_brief(detail, now=clock().replace(year=2027), channel="chat")
    assert dict(late.lines)["Policy windows"] == "return: closed on 2026-12-20"
    assert dict(late.lines)["Reach them"] == "chat: https://shopco.example/chat"
