"""Home: welcome, attention order, tabs, filters, search as you type, paging, preview, and
the stalled-since-last-start notice."""

from __future__ import annotations

import json

import pytest

from textual.widgets import Input, Select
from ui_fixtures import SIZE, app_factory, clock, debug_errors, messages, plain, seeded, settle, ui  # noqa: F401

from tui.screens.case import CaseScreen
from tui.screens.case_form import CaseForm
from tui.store import Store
from tui.widgets.text import SNIPPET_STYLE


def keys(table) -> list[int]:
    return [int(str(table.coordinate_to_cell_key((i, 0)).row_key.value).split(":")[0])
            for i in range(table.row_count)]


@ui
async def test_empty_notebook_welcomes_and_offers_a_first_case(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        welcome = app.screen.query_one("#welcome")
        assert welcome.display and app.screen.query_one("#lists").current == "welcome"
        text = plain(app.screen.query_one("#welcome-text"))
        assert "load the demo" in text and "first case" in text and "shell" not in text
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CaseForm)


@ui
async def test_attention_first_then_open_with_counts(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#cases")
        assert keys(table) == [seeded.stalled, seeded.quiet]      # resolved is not on it
        assert table.get_row_at(0)[0].plain.strip()                # the stalled one has a score
        assert not table.get_row_at(1)[0].plain.strip()
        bar = plain(app.screen.query_one("#topbar"))
        for part in ("1 open", "1 waiting", "1 resolved", "1 need attention"):
            assert part in bar
        preview = plain(app.screen.query_one("#preview-title"))
        assert "Package never arrived" in preview
        finding = plain(app.screen.query_one("#preview-finding"))
        assert finding.startswith("Next move: Follow up with Amazon")      # one move first
        assert "Why: 1 promise past its due date" in finding               # then its reason
        why = table.get_row_at(0)[4].plain                                  # the move's line
        assert why.startswith("Follow up with Amazon") and "Refund issued" in why


@ui
async def test_tabs_and_filters(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#cases")
        await pilot.press("5")
        await settle(pilot)
        assert sorted(keys(table)) == sorted([seeded.stalled, seeded.quiet, seeded.done])
        await pilot.press("4")
        await settle(pilot)
        assert keys(table) == [seeded.done]
        await pilot.press("5", "f", *"Acme", "enter")
        await settle(pilot)
        assert keys(table) == [seeded.quiet]
        app.screen.query_one("#company-filter", Input).value = ""
        await settle(pilot)
        app.screen.query_one("#channel-filter", Select).value = "phone"
        await settle(pilot)
        assert keys(table) == [seeded.stalled]


@ui
async def test_tabs_by_click_and_by_arrows(app_factory, seeded):
    """The tab bar is one widget drawing every label: a click on a label, or left and right
    while it has focus, shows that tab, underlined, and the list follows."""
    from tui.widgets.status_tabs import StatusTabs
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table, tabs = app.screen.query_one("#cases"), app.screen.query_one(StatusTabs)
        start, end = tabs.spans()["resolved"]
        await pilot.click(StatusTabs, offset=(end - 2, 0))     # the label's last cell
        await settle(pilot)
        assert (app.screen.tab, tabs.active, keys(table)) == ("resolved", "resolved", [seeded.done])
        bar_color, x, underlined = tabs.get_component_rich_style("status-tabs--bar").color, 0, []
        for seg in tabs.render_line(1):                          # the bar under the labels
            if seg.style and seg.style.color == bar_color:
                underlined += range(x, x + len(seg.text))
            x += len(seg.text)
        assert underlined == list(range(start + 1, end - 1))    # under "Resolved 1" alone
        tabs.focus()
        await pilot.press("right")                              # Resolved -> All
        await settle(pilot)
        assert app.screen.tab == "all" and len(keys(table)) == 3
        await pilot.press("right", "left", "left")               # wraps to Attention, back
        await settle(pilot)
        assert app.screen.tab == "resolved" and keys(table) == [seeded.done]
        await pilot.click(StatusTabs, offset=(end, 0))          # the next label: All
        await settle(pilot)
        assert app.screen.tab == "all"


@ui
async def test_search_as_you_type_highlights_and_opens(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"toaster")
        await pilot.pause(0.3)     # the debounce
        await settle(pilot)
        hits = app.screen.query_one("#hits")
        assert hits.row_count >= 1 and keys(hits)[0] == seeded.quiet
        match = hits.get_row_at(0)[4]
        marked = [match.plain[s.start:s.end] for s in match.spans if s.style == SNIPPET_STYLE]
        assert marked and all(m.lower() == "toaster" for m in marked)
        await pilot.press("enter")          # from the search box to the hits
        await pilot.press("enter")          # open the best hit
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == seeded.quiet
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")         # leaves search mode
        assert app.screen.query_one("#lists").current == "cases"


@ui
async def test_list_pages_in_as_the_cursor_nears_the_end(app_factory, db_path, clock):
    with Store(db_path, clock=clock) as s:
        s.import_records({"format": "supportlog/1", "companies": [], "cases": [
            {"uid": f"bulk{i:04d}", "company": "Bulkco", "title": f"Case {i}",
             "opened_at": f"2026-10-{1 + i % 28:02d}T09:00:00Z"} for i in range(150)]})
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#cases")
        first = table.row_count
        assert 0 < first < 150
        await pilot.press("j", "j", "j")         # not near the end yet: nothing more
        await settle(pilot)
        assert table.row_count == first
        for _ in range(12):
            if table.exhausted:
                break
            await pilot.press("pagedown")        # near the last row: the next page comes in
            await settle(pilot)
        await pilot.press("pagedown", "pagedown")   # past the end: nothing comes in twice
        await settle(pilot)
        assert table.row_count == 150 and len(set(keys(table))) == 150


@ui
async def test_end_jumps_to_the_last_case_then_pages_in_above(app_factory, db_path, clock):
    with Store(db_path, clock=clock) as s:
        s.import_records({"format": "supportlog/1", "companies": [], "cases": [
            {"uid": f"bulk{i:04d}", "company": "Bulkco", "title": f"Case {i}",
             "status": "resolved", "opened_at": f"2026-{1 + i // 28:02d}-{1 + i % 28:02d}"
             "T09:00:00Z"} for i in range(200)]})
        ids = {c.title: c.id for c in s.iter_cases()}
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")                   # All: most recent activity first
        await settle(pilot)
        table = app.screen.query_one("#cases")
        head = keys(table)
        assert head[0] == ids["Case 199"] and len(head) < 200
        await pilot.press("end")                 # the oldest case, not every page before it
        await settle(pilot)
        assert table.tail and table.row_count < 200
        assert table.cursor_row == table.row_count - 1
        assert keys(table)[-1] == ids["Case 0"]
        for _ in range(20):
            if table.exhausted:
                break
            await pilot.press("pageup")          # near the top: the page above comes in
            await settle(pilot)
        await pilot.press(*["pageup"] * 5)       # to the top and past it: nothing comes in twice
        await settle(pilot)
        assert table.cursor_row == 0
        assert keys(table) == [ids[f"Case {i}"] for i in range(199, -1, -1)]  # all, in order
        await pilot.press("end", "g")            # all there: g is the plain top again
        await settle(pilot)
        assert table.cursor_row == 0
        await pilot.press("4", "5")              # another tab and back: the top again
        await settle(pilot)
        assert not table.tail and keys(table) == head
        await pilot.press("G")
        await settle(pilot)
        assert table.tail and not table.exhausted
        await pilot.press("g")                   # from part of the end, back to the top
        await settle(pilot)
        assert not table.tail and keys(table) == head and table.cursor_row == 0


@pytest.mark.parametrize("kept", [True, False], ids=["from the cache", "in memory"])
def test_the_attention_list_from_its_end_is_the_same_list(db_path, clock, kept):
    from tui.advice import ranking
    from tui.screens.home_rows import RowSource
    with Store(db_path, clock=clock) as s:
        for n in range(40):
            case = s.create_case(f"Co{n % 3}", f"case {n}", opened_at="2026-11-20T09:00:00Z")
            if n % 4 == 0:     # stalled: two dead ends
                for hour in (10, 11):
                    s.log_interaction(case.id, "phone", "refused",
                                      started_at=f"2026-11-2{n % 4 + 1}T{hour}:00:00Z")
            elif n % 4 == 1:   # a promise coming due
                s.log_interaction(case.id, "chat", "promised", promise="call back",
                                  promise_due="2026-11-26", started_at="2026-11-24T10:00:00Z")
            else:
                s.log_interaction(case.id, "email", "info",
                                  started_at=f"2026-11-24T{n % 12 + 1:02d}:00:00Z")
        rows = ranking(s, clock())
        stalled = {r.case_id: r for r in rows if r.stalled}
        assert stalled and len(rows) == 40

        def walk(tail: bool, **filters) -> list[int]:
            source = RowSource("attention", company=filters.get("company"),
                               channel=filters.get("channel"), stalled=stalled, now=clock(),
                               tail=tail, ranked=None if kept else rows)
            out = []
            while not source.done:
                out += [r.case.id for r in source.next_page(s, limit=7)]
            return out[::-1] if tail else out

        assert walk(False) == [r.case_id for r in rows]   # the attention order itself
        for filters in ({}, {"company": "Co1"}, {"channel": "phone"}):
            forward = walk(False, **filters)
            assert forward and walk(True, **filters) == forward
            assert len(set(forward)) == len(forward)


@ui
async def test_names_cases_that_stalled_since_last_start(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        notes = [m for m in messages(app) if "stalled since the last start" in m]
        assert len(notes) == 1 and "Package never arrived" in notes[0]
    with Store(db_path) as s:
        assert json.loads(s.meta_get("stalled_ids")) == [seeded.stalled]
    again = app_factory()
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert not [m for m in messages(again) if "stalled since" in m]


@ui
async def test_enter_typed_before_the_hits_come_gives_them_the_keys(app_factory, seeded,
                                                                   monkeypatch):
    """A fast typist's Enter lands while the hits still show an earlier query's nothing:
    the hits take the keys when they come, rather than `j` going on into the search box."""
    from tui.screens import home_search
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"toasterz")
        await settle(pilot)
        hits = app.screen.query_one("#hits")
        assert hits.row_count == 0
        monkeypatch.setattr(home_search, "SEARCH_DEBOUNCE", 30)   # no typed search lands
        await pilot.press("backspace", "enter")
        await settle(pilot)
        # one hit for the title, one for the contact's note; `j` goes to the second
        assert keys(hits) == [seeded.quiet, seeded.quiet] and app.focused is hits
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == seeded.quiet
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "toaster"


@ui
async def test_search_hits_page_in_as_the_cursor_nears_the_end(app_factory, db_path, clock):
    with Store(db_path, clock=clock) as s:
        case = s.create_case("Bank", "statement", opened_at="2026-11-01T09:00:00Z")
        for n in range(130):
            s.log_interaction(case.id, "email", "info", notes=f"narwhal {n}",
                              started_at="2026-11-02T09:00:00Z")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"narwhal")
        await pilot.pause(0.3)
        await settle(pilot)
        hits = app.screen.query_one("#hits")
        assert hits.row_count == 50 and not hits.exhausted  # one page, more to come
        await pilot.press("enter")           # into the hits
        await pilot.press("G")               # to the end: every page left arrives
        await settle(pilot)
        assert hits.row_count == 130 and hits.exhausted
        assert hits.cursor_row == 129
        assert len(set(hits.rows)) == 130   # every hit once
