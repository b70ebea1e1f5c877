"""The agenda: what falls due (promises and asks, due dates, windows closing, doors opening,
snoozes waking), overdue first then the next 14 days; Enter opens the case."""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from .following import FollowingScreen
from ..widgets.case_table import FitTable, VimTable
from ..widgets.text import cell, lit, when_short
from ..widgets.footer import Footer

DAYS = 14       # tui.advice.agenda.DEFAULT_DAYS
COLUMNS = (("when", "When", 11, 0), ("case", "Case", 16, 2), ("what", "What is due", 20, 3),
           ("who", "Move", 6, 0))
WHO = {"you": "yours", "them": "theirs"}


async def load_agenda(app, days: int = DAYS):
    """The agenda at the app's clock, read on a worker's connection: the clocks in force
    (config.toml, rules.toml), the playbook's warning days, the next moves of the latest
    ranking."""
    playbook, now, fresh = app.playbook, app.now(), tuple(app.ranked or ())
    warn = int(playbook.thresholds.get("deadline_warn_days", 5))

    def read(store):
        from ..advice.agenda import collect
        from ..advice.clocks import rules_of
        # The advisor's playbook holds the rules in force (the shipped ones when the user's
        # file was unusable: the app said so once, at start).
        return collect(store, now, days, rules_of(playbook).active, fresh=fresh,
                       warn_days=warn)
    return await app.read(read)


def when_text(item, now: datetime) -> str:
    return when_short(item.when, now) if item.timed else item.day


class AgendaScreen(FollowingScreen):
    """Overdue, today, this week, later; the highlighted item's next step and guidance."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="agenda.back"),
        Binding("o", "open", "Open", id="agenda.open"),
        Binding("r", "reload", "Reload", id="agenda.reload", show=False),
        Binding("backspace", "back", "Back", id="agenda.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.agenda = None
        self.items: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Agenda", "bold"), id="agenda-title")
        with Vertical(id="agenda-body"):
            yield VimTable(COLUMNS, id="agenda-list", opens=lambda _key: self.action_open())
            yield Static(id="agenda-item", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#agenda-item").border_title = "Next step"
        self.query_one("#agenda-list", FitTable).border_subtitle = "reading…"
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.watch(self.app, "advice_version", self._data_changed, init=False)
        self.load()
        self.query_one("#agenda-list").focus()

    @work(exclusive=True, group="agenda")
    async def load(self) -> None:
        self.agenda = agenda = await load_agenda(self.app)
        table = self.query_one("#agenda-list", FitTable)
        keep = table.highlighted_key
        table.clear()
        self.items = {}
        now = self.app.now()
        from ..advice.agenda import GROUP_TITLES
        for group, items in agenda.grouped().items():
            if not items:
                continue
            style = "bold $error" if group == "overdue" else "bold $accent"
            table.add_row(cell("─" * 11, style), cell(f"{GROUP_TITLES[group]} ({len(items)})",
                                                      style),
                          cell(""), cell(""), key=f"group:{group}")
            for item in items:
                key = f"{item.uid}:{item.case_id}"
                self.items[key] = item
                table.add_row(cell(when_text(item, now), "red" if item.overdue else ""),
                              cell(f"#{item.case_id} {item.title}", limit=80),
                              cell(item.what, limit=120),
                              cell(WHO.get(item.who, item.who),
                                   "bold" if item.who == "you" else "dim"), key=key)
        table.border_subtitle = (f"overdue and the next {agenda.days} days, to "
                                 f"{agenda.last_day}")
        keys = [k for k in self.items]
        if keep in keys:
            table.move_cursor(row=table.get_row_index(keep))
        elif keys:
            table.move_cursor(row=table.get_row_index(keys[0]))
        self.show(self.current())
        if not self.items:
            self.query_one("#agenda-item", Static).update(Content.styled(
                f"Nothing overdue or due within {agenda.days} days.", "dim"))

    def current(self):
        return self.items.get(self.query_one("#agenda-list", FitTable).highlighted_key or "")

    def show(self, item) -> None:
        if item is None:
            return
        parts = [Content.assemble(lit(item.title, "bold"), "  ", lit(item.company, "$accent"),
                                  (f"  #{item.case_id}", "dim")),
                 Content.assemble(("Due: ", "bold"), lit(item.what),
                                  (f"  ({'your' if item.who == 'you' else 'their'} move)",
                                   "dim"))]
        if item.action:
            parts.append(Content.assemble(("To do: ", "bold"), lit(item.action)))
        if item.next:
            parts.append(Content.assemble(("Next move: ", "bold $accent"), lit(item.next)))
        if item.guidance:
            parts.append(lit(item.guidance, "dim italic"))
        self.query_one("#agenda-item", Static).update(Content("\n").join(parts))

    @on(DataTable.RowHighlighted, "#agenda-list")
    def _highlighted(self) -> None:
        self.show(self.current())

    def action_open(self) -> None:
        item = self.current()
        if item is not None:
            self.app.open_case(item.case_id)

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss()
