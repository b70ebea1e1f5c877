"""Home: what needs you first, then everything else; filters, search as you type, preview."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Select, Static, Tab, Tabs

from ..store.records import CHANNELS
from ..widgets.case_table import CaseTable, HitTable, PagedTable
from ..widgets.case_views import CasePreview
from ..widgets.suggest import company_suggester
from ..widgets.text import lit
from .home_rows import TABS, RowSource

SEARCH_DEBOUNCE = 0.2
HIT_PAGE = 50  # search hits fetched at a time
PREVIEW_DEBOUNCE = 0.08

WELCOME = Content.assemble(
    ("Welcome to supportlog\n\n", "bold $accent"),
    "A notebook for dealing with customer service. Log every contact with a company — "
    "phone, chat, e-mail, seller — against a case: who you spoke to, what they promised, "
    "where the transcript is.\n\n"
    "When a case stalls (dead-end calls, broken promises, long holds, silence) supportlog "
    "says why and what to try next: often, press restart — end it and try another agent "
    "or channel.\n\n",
    ("Press ", ""), ("n", "bold reverse"), (" to open your first case.\n", ""),
    ("Or run ", ""), ("supportlog demo", "bold"),
    (" in a shell to explore a notebook filled with examples.\n", ""),
    ("F1 shows every key and the playbook's tips.", "dim"))


AS_YOU_TYPE_MIN = 3  # shorter words are searched as typed: "a*" would cover thousands of words


def as_you_type(query: str) -> str:
    """The word being typed is a prefix ("tele" finds "telephone") once it has three
    characters; a trailing space ends it."""
    words = query.split()
    if (words and not query[-1].isspace() and not query.endswith("*") and query[-1].isalnum()
            and len(words[-1]) >= AS_YOU_TYPE_MIN):
        return query + "*"
    return query


AGENDA_AFTER_START = 1.5  # seconds after the first ranking before the agenda line is read


class HomeScreen(Screen):
    """The attention list, the status tabs, the filters, search and the preview."""

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("o", "open", "Open"),
        Binding("n", "new_case", "New case"),
        Binding("l", "log_contact", "Log", tooltip="Log a contact on the highlighted case"),
        Binding("c", "contact_now", "Contact",
                tooltip="Start a live contact on the highlighted case"),
        Binding("f", "filter", "Filter", tooltip="Filter by company (then Tab: channel)"),
        Binding("s", "app.stats", "Stats"),
        Binding("a", "agenda", "Agenda", tooltip="What falls due: overdue and the next 14 days"),
        Binding("escape", "close_search", "Close search", show=False),
        Binding("u", "app.undo_delete", "Undo delete", show=False),
        Binding("r", "reload", "Reload", show=False),
        Binding("q", "app.quit", "Quit"),
        *(Binding(str(n), f"tab('{tab}')", tab.title(), show=False)
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
        self._restore_key: str | None = None
        self._hits: tuple[str, str | None, int] = ("", None, 0)  # words, company, loaded
        self._hits_to_end = False

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield Static(id="home-agenda", classes="hidden")
        with Horizontal(id="filters"):
            yield Tabs(*(Tab(t.title(), id=f"tab-{t}") for t in TABS), id="tabs")
            yield Input(placeholder="company… (Enter)", id="company-filter", compact=True,
                        suggester=company_suggester(self.app))
            yield Select([(c.replace("_", " "), c) for c in CHANNELS], prompt="any channel",
                         id="channel-filter", compact=True)
        yield Input(placeholder="search titles, notes, agents, references…  (Esc to close)",
                    id="search", classes="hidden")
        with Horizontal(id="home-body"):
            with ContentSwitcher(initial="cases", id="lists"):
                yield CaseTable(id="cases")
                yield HitTable(id="hits")
                yield Static(WELCOME, id="welcome")
            yield CasePreview(id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.watch(self.app, "advice_version", self._advice_changed, init=False)
        self.watch(self.app, "stalled", self._stalled_changed, init=False)
        self.update_counts()
        self.reload(first=True)
        self.query_one("#cases").focus()

    # -- data ----------------------------------------------------------------------------
    def _data_changed(self) -> None:
        if self.app.screen is not self:
            self._stale = True
            return
        self.update_counts()
        self.update_agenda()
        if self.tab != "attention":   # the ranking that follows every write reloads it
            self.reload(keep=True)

    def _stalled_changed(self) -> None:
        """The other tabs show the stalled cases' scores and moves; the attention tab
        follows advice_version."""
        self.update_counts()
        if self._agenda_waits:
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
        self._restore_key = table.highlighted_key if keep else None
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
            self.run_search(self.query_one("#search", Input).value, debounce=False)

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
            rows = await self.app.read(lambda store: source.next_page(store))
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
        if self._restore_key and self._restore_key in table.rows:
            table.move_cursor(row=table.get_row_index(self._restore_key))
            self._restore_key = None
        if not table.row_count and source.done:
            ranking = source.tab == "attention" and self.app.stalled is None
            self.query_one(CasePreview).clear(
                "Your notebook is empty." if self.total == 0 else
                "Ranking what needs attention…" if ranking else   # a cache not made yet
                "No cases here. Try another tab or filter.")

    @on(PagedTable.NeedMore)
    def _more(self, event: PagedTable.NeedMore) -> None:
        if isinstance(event.table, HitTable):
            if not self._hits_to_end:   # that worker is reading every page already
                self.more_hits()
        else:
            self.load_page()

    @on(PagedTable.JumpToEnd)
    def _to_end(self, event: PagedTable.JumpToEnd) -> None:
        if isinstance(event.table, HitTable):
            self._hits_to_end = True    # from now: no page-at-a-time worker to cancel it
            self.more_hits(to_end=True)
        else:
            self.reload(tail=True)     # the last page, without the ones before it

    @on(PagedTable.JumpToStart)
    def _to_start(self, event: PagedTable.JumpToStart) -> None:
        self.reload(tail=False)

    @work(exclusive=True, group="more-hits")  # never cancels a search being typed
    async def more_hits(self, to_end: bool = False) -> None:
        """The next page of the current search's ranked hits, as the cursor nears the end;
        `to_end`, every hit left in one read (ranking is capped, so a few thousand at most:
        page by page, each page ranked them all again)."""
        table = self.query_one("#hits", HitTable)
        words, company, loaded = self._hits
        try:
            hits = await self.app.read(lambda s: s.search(
                words, limit=None if to_end else HIT_PAGE, offset=loaded, company=company))
        finally:
            if to_end:
                self._hits_to_end = False
        if self._hits[:2] != (words, company):
            return  # the query changed meanwhile
        self._hits = (words, company, loaded + len(hits))
        table.show_hits(hits, more=True, exhausted=to_end or len(hits) < HIT_PAGE)
        if to_end and table.row_count:
            table.move_cursor(row=table.row_count - 1)

    @work(exclusive=True, group="counts")
    async def update_counts(self) -> None:
        counts = await self.app.read(lambda s: s.status_counts())
        self.total = total = sum(counts.values())
        stalled = self.app.stalled
        bar = Content.assemble(
            ("supportlog", "bold $accent"), "  ", lit(self.app.store.path.name, "dim"), "   ",
            *(Content.assemble((f"{n} ", "bold"), f"{status}   ")
              for status, n in counts.items()),
            *(((f"{len(stalled)} need attention", "bold $warning"),) if stalled else
              (("checking what needs attention…", "dim"),) if stalled is None else ()))
        self.query_one("#topbar", Static).update(bar)
        tabs = self.query_one(Tabs)
        labels = {"attention": len(stalled) if stalled is not None else None,
                  "open": counts["open"], "waiting": counts["waiting"],
                  "resolved": counts["resolved"], "all": total}
        for tab, n in labels.items():
            tabs.query_one(f"#tab-{tab}", Tab).label = (tab.title() if n is None
                                                        else f"{tab.title()} {n}")
        switcher = self.query_one(ContentSwitcher)
        if total == 0 and not self.searching:
            switcher.current = "welcome"
            self.query_one(CasePreview).clear("Your notebook is empty.")
        elif switcher.current == "welcome":
            switcher.current = "cases"

    @work(exclusive=True, group="home-agenda")
    async def update_agenda(self) -> None:
        """Today and overdue in one line, once the ranking has the next moves (read in a
        worker: it counts every open case's clocks)."""
        from .agenda import load_agenda
        agenda = await load_agenda(self.app, days=0)
        line = self.query_one("#home-agenda", Static)
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
        if key:
            self.load_preview(int(key.split(":")[0]))

    def _preview_highlighted(self, table: CaseTable | HitTable) -> None:
        if (key := table.highlighted_key) is not None:
            self.load_preview(HitTable.parse_key(key)[0])

    @work(exclusive=True, group="preview")
    async def load_preview(self, case_id: int) -> None:
        await asyncio.sleep(PREVIEW_DEBOUNCE)  # a held arrow key should not load every row
        view = await self.app.load_case(case_id)
        preview = self.query_one(CasePreview)
        if view is None:
            preview.clear("This case no longer exists.")
        else:
            preview.show(view.detail, view.assessment, self.app.now())

    # -- opening -------------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._open_key(event.row_key.value)

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

    # -- tabs and filters ----------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self.query_one(Tabs).active = f"tab-{tab}"

    @on(Tabs.TabActivated)
    def _tab_changed(self, event: Tabs.TabActivated) -> None:
        tab = (event.tab.id or "tab-attention").removeprefix("tab-")
        if tab != self.tab:
            self.tab = tab
            self.reload()

    def action_filter(self) -> None:
        self.query_one("#company-filter", Input).focus()

    @on(Input.Submitted, "#company-filter")
    @work(exclusive=True, group="company")
    async def _company_submitted(self, event: Input.Submitted) -> None:
        """A unique prefix is enough: "oak" filters on Oakden Furniture."""
        typed = event.value.strip()
        names = await self.app.read(lambda s: [c.name for c in s.companies(typed, limit=2)])
        exact = [n for n in names if n.casefold() == typed.casefold()]
        self.company = (exact or (names if len(names) == 1 else [typed]))[0] if typed else None
        if self.company and self.company != typed:
            with self.prevent(Input.Changed):
                event.input.value = self.company
        self.reload()
        self._focus_list()

    def _focus_list(self) -> None:
        """After a filter, the keys (j, k, G, Enter) act on the list at once."""
        table = self._current_table()
        (table or self.query_one("#cases")).focus()

    @on(Input.Changed, "#company-filter")
    def _company_cleared(self, event: Input.Changed) -> None:
        if not event.value.strip() and self.company:
            self.company = None
            self.reload()

    @on(Select.Changed, "#channel-filter")
    def _channel_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        if value != self.channel:
            self.channel = value
            self.reload()
            self._focus_list()

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
        hits = self.query_one("#hits", HitTable)
        if hits.row_count:
            hits.focus()

    @work(exclusive=True, group="search")
    async def run_search(self, query: str, debounce: bool = True) -> None:
        if debounce:
            await asyncio.sleep(SEARCH_DEBOUNCE)  # typing cancels this worker; last one runs
        company = self.company
        words = as_you_type(query)
        hits = await self.app.read(lambda s: s.search(words, limit=HIT_PAGE, company=company))
        self._hits, self._hits_to_end = (words, company, len(hits)), False
        table = self.query_one("#hits", HitTable)
        table.show_hits(hits, exhausted=len(hits) < HIT_PAGE)
        self._preview_highlighted(table)
        if not hits:
            self.query_one(CasePreview).clear(f"No match for {query.strip()!r}."
                                              if query.strip() else "Nothing yet.")
