"""The stats screen: charts from the real history, user text shown literally."""

from __future__ import annotations

from tui.screens.stats import StatsScreen
from tui.store import Store
from tui.widgets.bar_chart import BarChart, blocks
from ui_fixtures import NOW, SIZE, Clock, make_app, settle, ui


def test_blocks_are_proportional_to_an_eighth():
    assert blocks(1, 1, 10) == "█" * 10
    assert blocks(0.5, 1, 10) == "█" * 5
    assert blocks(0.05, 1, 10) == "▌" and blocks(0.06, 1, 10) == "▋"
    assert blocks(0, 1, 10) == "" and blocks(3, 0, 10) == ""
    assert blocks(5, 1, 10) == "█" * 10  # capped


def chart_text(app, chart_id: str) -> str:
    return app.screen.query_one(f"#{chart_id}", BarChart).render().plain


@ui
async def test_stats_screen_draws_the_history(tmp_path):
    clock = Clock(NOW)
    path = tmp_path / "n.db"
    with Store(path, clock=clock) as s:
        a = s.create_case("[/]Evil [bold]Co", "t", opened_at="2026-11-01T09:00:00Z")
        s.log_interaction(a.id, "phone", "transferred", started_at="2026-11-02T10:00Z",
                          duration="30m", hold="20m")
        s.log_interaction(a.id, "chat", "promised", promise="refund",
                          started_at="2026-11-03T10:00Z")
        b = s.create_case("Bank", "u", opened_at="2026-11-01T09:00:00Z")
        s.log_interaction(b.id, "chat", "resolved", started_at="2026-11-05T09:00Z")
    app = make_app(path, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(StatsScreen())
        await settle(pilot)
        channel = chart_text(app, "chart-channel-progress")
        assert "chat" in channel and "2 of 2 (100%)" in channel and "0 of 1 (0%)" in channel
        company = chart_text(app, "chart-company-progress")
        assert "[/]Evil [bold]Co" in company and "1 of 2 (50%)" in company
        assert "20m avg" in chart_text(app, "chart-channel-hold")
        assert "Bank" in chart_text(app, "chart-resolution")
        assert "0 kept, 0 broken, 1 pending" in chart_text(app, "chart-promises")
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


@ui
async def test_stats_screen_on_an_empty_notebook(tmp_path):
    clock = Clock(NOW)
    app = make_app(tmp_path / "n.db", clock)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(StatsScreen())
        await settle(pilot)
        assert not app.screen.query(BarChart)
        assert "No contacts logged yet" in str(app.screen.query("Static").last().render())
