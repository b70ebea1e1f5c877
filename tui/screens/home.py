"""Home: what needs you first, then everything else; filters, search as you type, preview."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import ContentSwitcher, DataTable, Input, Select, Static

from ..store.records import CHANNELS
from ..widgets.case_table import CaseTable, HitTable, PagedTable
from ..widgets.case_views import CasePreview
from ..widgets.suggest import company_suggester
from ..widgets.text import STATUS_STYLES, lit
from .home_rows import TABS, RowSource
from .welcome import NotebookOpened
from .home_search import HitSearch, as_you_type  # noqa: F401 - the palette imports it here
from .home_tabs import TabbedScreen
from .sizing import StyledOnce
from ..widgets.footer import Footer
from ..widgets.status_tabs import StatusTabs

PREVIEW_DEBOUNCE = 0.08
PREVIEW_RIGHT = 140  # columns from which the preview sits beside the list
PREVIEW_BELOW = 100  # from which it sits below it (narrower: hidden until `p`)

AGENDA_AFTER_START = 1.5  # seconds after the first ranking before the agenda line is read


class HomeScreen(StyledOnce, HitSearch, TabbedScreen):
    """The attention list, the status tabs, the filters, search and the preview."""

    BINDINGS = [
        Binding("slash", "search", "Search", id="home.search"),
        # Enter opens too; the footer is full at 80
        Binding("o", "open", "Open", id="home.open", show=False),
        Binding("n", "new_case", "New case", id="home.new_case"),
        Binding("l", "log_contact", "Log", id="home.log_contact",
                tooltip="Log a contact on the highlighted case"),
        Binding("c", "contact_now", "Contact", id="home.contact_now",
                tooltip="Start a live contact on the highlighted case"),
        Binding("f", "filter", "Filter", id="home.filter",
                tooltip="Filter by company (then Tab: channel)"),
        Binding("s", "app.stats", "Stats", id="home.stats"),
        Binding("a", "agenda", "Agenda", id="home.agenda",
                tooltip="What falls due: overdue and the next 14 days"),
        Binding("escape", "close_search", "Close search", id="home.close_search", show=False),
        Binding("u", "app.undo", "Undo", id="home.undo", show=False,
                tooltip="Undo the last status change, promise mark or delete"),
        Binding("r", "reload", "Reload", id="home.reload", show=False),
        Binding("p", "toggle_preview", "Preview", id="home.toggle_preview", show=False,
                tooltip="Show or hide the preview of the highlighted case"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
        *(Binding(str(n), f"tab('{tab}')", tab.title(), id=f"home.tab_{tab}", show=False)
          for n, tab in enumerate(TABS, 1)),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.source: RowSource | None = None
        self._paging: RowSource | None = None   # the source a page is being read from
        self.tab = "attention"
        self.company: str | None = None
        self.channel: str | None = None
        self.searching = False
        self.total: int | None = None   # cases in the notebook, once counted
        self._stale = False
        self._agenda_waits = True     # the first agenda line waits for the ranked list
        # reload(keep=True): the cursor's row, the rows loaded and the scroll, to put back.
        self._place: list | None = None
        self.preview_wanted: bool | None = None   # `p` pressed: shown or hidden at any width
        self.fit_layout(update=False)    # the preview's place, before the first styling

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield Static(id="home-agenda", classes="hidden")
        with Horizontal(id="filters"):
            yield StatusTabs({t: t.title() for t in TABS}, id="tabs")
            with Horizontal(id="filter-inputs"):
                yield Input(placeholder="company… (Enter)", id="company-filter", compact=True,
                            suggester=company_suggester(self.app))
                yield Select([(c.replace("_", " "), c) for c in CHANNELS],
                             prompt="any channel", id="channel-filter", compact=True)
        yield Input(placeholder="search titles, notes, agents, references…  (Esc to close)",
                    id="search", classes="hidden")
        with Horizontal(id="home-body"):
            with ContentSwitcher(initial="cases", id="lists"):
                yield CaseTable(id="cases", opens=self._open_key)
                yield HitTable(id="hits", opens=self._open_key)   # the Welcome: when wanted
            yield CasePreview(id="preview")
        yield Static(id="home-reason")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.watch(self.app, "advice_version", self._advice_changed, init=False)
        self.watch(self.app, "stalled", self._stalled_changed, init=False)
        self.watch(self.query_one("#hits"), "scroll_y", self.fill_snippets, init=False)
        self.update_counts()
        self.reload(first=True)
        self.query_one("#cases").focus()
        self.fit_layout()

    # -- layout --------------------------------------------------------------------------
    def on_resize(self) -> None:
        self.fit_layout()
        self.fit_filters()
        self.call_after_refresh(self.fill_snippets)   # rows a taller table brings into view

    def fit_layout(self, update: bool = True) -> None:
        """The preview beside the list from PREVIEW_RIGHT columns, below it from
        PREVIEW_BELOW, hidden under that (`p` shows or hides it at any width); when it is
        hidden, the highlighted case's full reason sits under the list. Without `update`
        the classes wait for the screen's first styling (it is not styled yet)."""
        width = self.size.width or self.app.size.width
        shown = self.preview_wanted if self.preview_wanted is not None else (
            width >= PREVIEW_BELOW)
        place = "right" if width >= PREVIEW_RIGHT else "below"
        for where in ("right", "below"):
            self.set_class(shown and place == where, f"-preview-{where}", update=update)
        self.set_class(not shown, "-preview-off", update=update)

    def action_toggle_preview(self) -> None:
        self.preview_wanted = self.has_class("-preview-off")
        self.fit_layout()

    def _show_reason(self, key: str | None) -> None:
        """The highlighted case's score, status and full reason, for when no preview shows."""
        row = self.query_one("#cases", CaseTable).case_rows.get(key or "")
        reason = self.query_one("#home-reason", Static)
        if row is None:
            reason.update("")
            return
        score = f"{row.score:.1f}  " if row.score else ""
        reason.update(Content.assemble(
            (score, "bold"), lit(row.case.status, STATUS_STYLES.get(row.case.status, "")),
            "  ", lit(row.why, row.why_style or "bold"), ("  · p: preview", "dim")))

    # -- data ----------------------------------------------------------------------------
    def _data_changed(self) -> None:
        if self.app.screen is not self:
            self._stale = True
            return
        self.update_counts()
        self.update_agenda()
        if self.tab != "attention":   # the ranking that follows every write reloads it
            self.reload(keep=True)
        if (table := self._current_table()) is not None:
            self._preview_highlighted(table)   # the highlighted case may be the one changed

    def _stalled_changed(self) -> None:
        """The other tabs show the stalled cases' scores and moves; the attention tab
        follows advice_version."""
        self.update_counts()
        if self._agenda_waits and AGENDA_AFTER_START > 0:   # (a 0 timer is a Textual error)
            # At start the ranked list comes first: the agenda reads every open case's
            # clocks, and would hold the interpreter while the list is being shown.
            self._agenda_waits = False
            self.set_timer(AGENDA_AFTER_START, self.update_agenda)
        else:
            self.update_agenda()
        if self.tab != "attention":
            self.reload(keep=True)

    def _advice_changed(self) -> None:
        self.update_counts()
        # The new order is the point: follow it unless the user has moved down the list.
        table = self.query_one("#cases", CaseTable)
        self.reload(keep=self.tab != "attention" or table.cursor_row > 0)

    def on_notebook_opened(self, _: NotebookOpened) -> None:
        self.reload(keep=False)
        self.query_one("#cases").focus()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.update_counts()
            self.update_agenda()
            self.reload(keep=True)

    def reload(self, keep: bool = False, first: bool = False, tail: bool | None = None) -> None:
        """Start the list again. The `first` page at start-up is read here, on the UI thread:
        a page is a bounded keyset query (under 1 ms at 100k cases), and read in a worker
        while the screen is first laid out it waits 90 ms for the GIL and costs a second
        layout; every later page comes from a worker."""
        table = self.query_one("#cases", CaseTable)
        # A reload while the last one is still putting the place back keeps what it saw
        # (a copy: what that one left to do after the next refresh is not for this one).
        if not keep:
            self._place = None
        else:
            self._place = list(self._place or (table.highlighted_key, table.row_count,
                                               table.scroll_y))
        if tail is None:   # a reload after a change stays at the end if it was there
            tail = keep and table.tail
        self.source = RowSource(self.tab, company=self.company, channel=self.channel,
                                stalled=self.app.stalled or {}, now=self.app.now(), tail=tail,
                                ranked=self.app.ranked)
        table.reset(tail=tail)
        if first:
            source = self.source
            # A screenful: the rest of the page comes as the table asks for more.
            rows = self.app.read_now(lambda store: source.next_page(
                store, limit=max(20, self.app.size.height)))
            if rows is not None:
                self._show_page(source, rows)
        else:
            self.load_page()
        if self.searching:
            self.search_again()

    def load_page(self) -> None:
        """The next page of the current source. One page at a time per source: a source
        is advanced by the thread reading it, so two reads at once would skip rows."""
        source = self.source
        if source is not None and not source.done and self._paging is not source:
            self._paging = source
            self._fetch_page(source)

    @work(group="page")
    async def _fetch_page(self, source: RowSource) -> None:
        try:
            want = self._place[1] if self._place else 0    # the cursor's row among them
            rows = await self.app.read(lambda store: source.next_page(store, want) if want
                                       else source.next_page(store))
        finally:
            if self._paging is source:
                self._paging = None
        if source is not self.source:
            return  # the tab or a filter changed while this page was loading
        self._show_page(source, rows)

    def _show_page(self, source: RowSource, rows: list) -> None:
        table = self.query_one("#cases", CaseTable)
        table.exhausted = source.done
        table.add_cases(rows)
        self.app.first_rows_added = True
        if (place := self._place) is not None:
            if place[0] in table.rows:
                table.move_cursor(row=table.get_row_index(place[0]), animate=False)
                table.call_after_refresh(self._put_back, place)
            else:
                self._place = None      # that row is gone from this list
        if not table.row_count and source.done:
            ranking = source.tab == "attention" and self.app.stalled is None
            self.query_one(CasePreview).clear(
                "Your notebook is empty." if self.total == 0 else
                "Ranking what needs attention…" if ranking else   # a cache not made yet
                "No cases here. Try another tab or filter.")

    def _put_back(self, place: list) -> None:
        if self._place is place:
            self._place = None
            self.query_one("#cases", CaseTable).scroll_to(y=place[2], animate=False)

    @on(PagedTable.NeedMore)
    def _more(self, event: PagedTable.NeedMore) -> None:
        if isinstance(event.table, HitTable):
            self.hits_need_more()
        else:
            self.load_page()

    @on(PagedTable.JumpToEnd)
    def _to_end(self, event: PagedTable.JumpToEnd) -> None:
        if isinstance(event.table, HitTable):
            self.hits_to_end()
        else:
            self.reload(tail=True)     # the last page, without the ones before it

    @on(PagedTable.JumpToStart)
    def _to_start(self, event: PagedTable.JumpToStart) -> None:
        self.reload(tail=False)

    @work(exclusive=True, group="home-agenda")
    async def update_agenda(self) -> None:
        """Today and overdue in one line, once the ranking has the next moves (read in a
        worker: it counts every open case's clocks)."""
        from .agenda import load_agenda
        agenda = await load_agenda(self.app, days=0)
        lines = self.query("#home-agenda")
        if not lines:
            return      # the app is closing: the screen's widgets went while it was read
        line = lines.first(Static)
        grouped = agenda.grouped()
        overdue, today = grouped["overdue"], grouped["today"]
        line.set_class(not (overdue or today), "hidden")
        if not (overdue or today):
            return
        first = (overdue or today)[0]
        counts = ", ".join(x for x in (f"{len(overdue)} overdue" if overdue else "",
                                       f"{len(today)} today" if today else "") if x)
        line.update(Content.assemble(
            ("Today and overdue: ", "bold $warning"), (counts, "bold"), "  ·  ",
            lit(f"#{first.case_id} {first.title}: {first.what}"), ("   a: agenda", "dim")))

    def action_agenda(self) -> None:
        from .agenda import AgendaScreen
        self.app.push_screen(AgendaScreen())

    # -- preview -------------------------------------------------------------------------
    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if event.data_table.id == "cases":
            self._show_reason(key)
        else:
            self.fill_snippets()
        if key:
            self.load_preview(int(key.split(":")[0]))

    def _preview_highlighted(self, table: CaseTable | HitTable) -> None:
        if (key := table.highlighted_key) is not None:
            self.load_preview(HitTable.parse_key(key)[0])

    @work(exclusive=True, group="preview")
    async def load_preview(self, case_id: int) -> None:
        # A held arrow key should not load every row, nor every key typed into the search.
        await self.app.pause(PREVIEW_DEBOUNCE + self.typing_pause())
        view = await self.app.load_case(case_id)
        preview = self.query_one(CasePreview)
        if view is None:
            preview.clear("This case no longer exists.")
        else:
            preview.show(view.detail, view.assessment, self.app.now())

    # -- opening -------------------------------------------------------------------------
    def _open_key(self, key: str | None) -> None:
        if not key:
            return
        case_id, interaction_id = HitTable.parse_key(key)
        self.app.open_case(case_id, interaction_id)

    def _current_table(self) -> CaseTable | HitTable | None:
        current = self.query_one(ContentSwitcher).current
        return self.query_one(f"#{current}") if current in ("cases", "hits") else None

    def _current_case(self) -> int | None:
        table = self._current_table()
        key = table.highlighted_key if table else None
        return HitTable.parse_key(key)[0] if key else None

    def action_open(self) -> None:
        table = self._current_table()
        self._open_key(table.highlighted_key if table else None)

    def action_new_case(self) -> None:
        self.app.new_case()

    def action_log_contact(self) -> None:
        if (case_id := self._current_case()) is not None:
            self.app.log_contact(case_id)

    def action_contact_now(self) -> None:
        if (case_id := self._current_case()) is not None:
            self.app.start_live(case_id)

    def action_reload(self) -> None:
        self.app.refresh_assessments()
        self.update_counts()
        self.reload(keep=True)

    # -- search --------------------------------------------------------------------------
    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        if not self.searching:
            self.searching = True
            search.remove_class("hidden")
            self.query_one(ContentSwitcher).current = "hits"
            self.run_search(search.value, debounce=False)
        search.focus()

    def action_close_search(self) -> None:
        if not self.searching:
            if self.focused is not self.query_one("#cases"):
                self.query_one("#cases").focus()
            return
        self.searching = False
        self.drop_search()
        search = self.query_one("#search", Input)
        search.value = ""
        search.add_class("hidden")
        self.query_one(ContentSwitcher).current = "cases"
        self.query_one("#cases").focus()
        self._preview_highlighted(self.query_one("#cases", CaseTable))
        self.update_counts()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self.searching:
            self.run_search(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.rank_fully()
