"""The stats screen: how each company and channel has treated you, as charts."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ..store import StatRow
from ..store.times import format_duration
from ..widgets.bar_chart import Bar, BarChart
from ..widgets.footer import Footer

TOP = 12  # bars per chart; the rest are summarised in the chart's title


def progress_bars(rows: list[StatRow]) -> list[Bar]:
    return [Bar(r.name, (r.progress_share or 0.0,),
                f"{r.progress} of {r.contacts} ({r.progress_share or 0:.0%})")
            for r in rows if r.contacts]


def hold_bars(rows: list[StatRow]) -> list[Bar]:
    return [Bar(r.name, (r.hold_average or 0.0,),
                f"{format_duration(int(r.hold_average or 0))} avg, "
                f"{format_duration(r.hold_total)} total") for r in rows if r.contacts]


def resolution_bars(rows: list[StatRow]) -> list[Bar]:
    return [Bar(r.name, (r.days_to_resolution,),
                f"{r.days_to_resolution:.1f} days, {r.contacts_per_resolved:.1f} contacts")
            for r in rows if r.days_to_resolution is not None]


def promise_bars(rows: list[StatRow]) -> list[Bar]:
    return [Bar(r.name, (r.promises_kept, r.promises_broken, r.promises_pending),
                f"{r.promises_kept} kept, {r.promises_broken} broken, "
                f"{r.promises_pending} pending")
            for r in rows if r.promises_kept + r.promises_broken + r.promises_pending]


def _title(text: str, total: int) -> str:
    return text + (f" (top {TOP} of {total})" if total > TOP else "")


class StatsScreen(Screen):
    """Charts of the whole history; the figures are the kept counters, read in a worker.
    Each colour means one thing: green made progress (or kept), red broken, grey pending,
    the warning colour time on hold, the primary colour days to resolution."""

    DEFAULT_CSS = """
    StatsScreen BarChart.hold > .bar-chart--part-0 { color: $warning; }
    StatsScreen BarChart.days > .bar-chart--part-0 { color: $primary; }
    """

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="stats.back"),
                Binding("r", "reload", "Reload", id="stats.reload")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-body"):
            yield Static("Counting…", id="stats-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Stats"
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(exclusive=True, group="stats")
    async def load(self) -> None:
        companies, channels = await self.app.read(
            lambda s: (s.company_stats(), s.channel_stats_all()))
        body = self.query_one("#stats-body", VerticalScroll)
        await body.remove_children()
        if not companies:
            await body.mount(Static("No contacts logged yet: the charts fill in as you log "
                                    "them.", markup=False))
            return
        top = companies[:TOP]
        n = len(companies)
        await body.mount_all([
            BarChart("Contacts that made progress, by channel", progress_bars(channels),
                     scale=1.0, id="chart-channel-progress"),
            BarChart(_title("Contacts that made progress, by company", n), progress_bars(top),
                     scale=1.0, id="chart-company-progress"),
            BarChart("Time on hold per contact, by channel", hold_bars(channels),
                     id="chart-channel-hold", classes="hold"),
            BarChart(_title("Time on hold per contact, by company", n), hold_bars(top),
                     id="chart-company-hold", classes="hold"),
            BarChart(_title("Days to resolution (resolved cases), by company", n),
                     resolution_bars(top), id="chart-resolution", classes="days"),
            BarChart(_title("Promises, by company", n), promise_bars(top),
                     legend="green: kept   red: broken   grey: pending",
                     id="chart-promises"),
        ])
