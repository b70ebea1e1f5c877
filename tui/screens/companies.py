"""The company directory: every company with search as you type, and one company's routes
(ways in), escalation contacts and policy windows (company_form.py edits them)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from .following import FollowingScreen
from ..store.policies import policy_text
from ..store.records import Company, Route
from ..widgets.case_table import FitTable, VimTable
from ..widgets.text import cell, lit
from .company_form import CompanyForm
from ..widgets.footer import Footer

LIST_COLUMNS = (("name", "Company", 14, 3), ("cases", "Cases", 5, 0), ("open", "Open", 4, 0),
                ("policies", "Policies", 8, 1))
GUIDANCE = "Guidance, not legal advice"     # tui.advice.clock_records.GUIDANCE


class CompaniesScreen(FollowingScreen):
    """The directory: a searchable list, and the highlighted company in full."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="companies.back"),
        Binding("slash", "search", "Search", id="companies.search"),
        Binding("n", "new", "New company", id="companies.new"),
        Binding("e", "edit", "Edit", id="companies.edit"),
        Binding("backspace", "back", "Back", id="companies.back", show=False),
    ]

    def __init__(self, select_name: str | None = None) -> None:
        super().__init__()
        self.select_name = select_name
        self.found: list[Company] = []
        self.counts: dict[int, tuple[int, int]] = {}

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Companies", "bold"), id="companies-title")
        yield Input(placeholder="search companies…  (/)", id="company-search", compact=True)
        with Horizontal(id="companies-body"):
            yield VimTable(LIST_COLUMNS, id="company-list", opens=lambda _key: self.action_edit())
            with VerticalScroll(id="company-detail", can_focus=False):
                yield Static(id="company-card")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.load()
        self.query_one("#company-list").focus()

    @work(exclusive=True, group="companies")
    async def load(self) -> None:
        """Every company with its routes and policies, and its case counts, off the UI thread."""
        self.found, self.counts = await self.app.read(
            lambda s: (s.companies(limit=None), s.company_case_counts()))
        self.fill()

    def matching(self) -> list[Company]:
        words = self.query_one("#company-search", Input).value.casefold().split()
        return [c for c in self.found if all(w in c.name.casefold() for w in words)]

    def fill(self) -> None:
        table = self.query_one("#company-list", FitTable)
        keep = self.select_name or self.highlighted_name()
        table.clear()
        shown = self.matching()
        for c in shown:
            cases, active = self.counts.get(c.id, (0, 0))
            table.add_row(cell(c.name, limit=60), cell(str(cases)), cell(str(active)),
                          cell(", ".join(p.name for p in c.policies) or "-", limit=60),
                          key=str(c.id))
        names = [c.name.casefold() for c in shown]
        if keep and keep.casefold() in names:
            table.move_cursor(row=names.index(keep.casefold()))
        self.select_name = None
        typed = self.query_one("#company-search", Input).value.strip()
        table.border_subtitle = (f"{len(shown)} of {len(self.found)}" if typed else
                                 f"{len(self.found)}")
        if not shown:
            self.query_one("#company-card", Static).update(Content.styled(
                "No company matches: n adds one." if typed else
                "No companies yet: n adds one (a case's company is added too).", "dim"))
        else:
            self.show(self.highlighted())

    def highlighted(self) -> Company | None:
        key = self.query_one("#company-list", FitTable).highlighted_key
        return next((c for c in self.found if str(c.id) == key), None)

    def highlighted_name(self) -> str | None:
        company = self.highlighted()
        return company.name if company else None

    def show(self, company: Company | None) -> None:
        if company is not None:
            self.query_one("#company-card", Static).update(
                company_card(company, self.counts.get(company.id, (0, 0))))

    @on(DataTable.RowHighlighted, "#company-list")
    def _highlighted(self) -> None:
        self.show(self.highlighted())

    @on(Input.Changed, "#company-search")
    def _search_changed(self) -> None:
        self.fill()

    @on(Input.Submitted, "#company-search")
    def _search_submitted(self) -> None:
        self.query_one("#company-list").focus()

    def action_search(self) -> None:
        self.query_one("#company-search").focus()

    def action_back(self) -> None:
        search = self.query_one("#company-search", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        self.dismiss()

    def action_new(self) -> None:
        typed = self.query_one("#company-search", Input).value.strip()
        self.app.push_screen(CompanyForm(None, name=typed if not self.matching() else ""),
                             self._saved)

    def action_edit(self) -> None:
        company = self.highlighted()
        if company is None:
            self.app.say("No company selected: n adds one.")
            return
        self.app.push_screen(CompanyForm(company), self._saved)

    def _saved(self, name: str | None) -> None:
        if name:
            self.select_name = name
            self.app.say(f"Saved {name}.", timeout=4)


def company_card(company: Company, counts: tuple[int, int]) -> Content:
    """One company as the directory shows it; every value is user text, kept literal."""
    parts = [lit(company.name, "bold $accent"),
             Content.styled(f"{counts[0]} cases, {counts[1]} open or waiting", "dim")]
    support = [r for r in company.routes if r.purpose == "support"]
    above = [r for r in company.routes if r.purpose != "support"]
    for heading, routes in (("Routes", support), ("Escalation", above)):
        if routes:
            parts.append(Content.styled(f"\n{heading}", "bold"))
            parts.extend(Content.assemble("  ", route_line(r)) for r in routes)
    if not company.routes:
        parts.append(Content.styled("\nNo routes yet: e adds a phone line, chat page, "
                                    "e-mail…", "dim"))
    if company.policies:
        parts.append(Content.styled("\nPolicy windows", "bold"))
        for p in company.policies:
            parts.append(Content.assemble("  ", lit(policy_text(p.name, p.days, p.unit,
                                                                p.starts))))
            where = ", ".join(x for x in (p.source, f"read {p.read_on}" if p.read_on else "")
                              if x)
            if where:
                parts.append(Content.assemble("    ", lit(where, "dim")))
            if p.note:
                parts.append(Content.assemble("    ", lit(p.note, "italic")))
        parts.append(Content.styled(f"{GUIDANCE}: the company's own terms, as you noted them.",
                                    "dim italic"))
    if company.notes:
        parts.append(Content.styled("\nNotes", "bold"))
        parts.append(lit(company.notes))
    return Content("\n").join(parts)


def route_line(r: Route) -> Content:
    what = r.kind.replace("_", " ") + (f" ({r.label})" if r.label else "")
    if r.purpose != "support":
        what = f"{r.purpose}, {what}"
    out = Content.assemble(lit(what, "bold"), ": ", lit(r.value))
    if r.hours:
        out += Content.assemble("  ", lit(r.hours, "dim"))
    if r.note:
        out += Content.assemble("  ", lit(r.note, "italic"))
    return out
