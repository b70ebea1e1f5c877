"""Home's tabs and filters: the status tabs with their counts (and the top bar's), the
company and channel filters, and the list taking the keys again once a filter is set.
HomeScreen builds on it; the handlers sit on a Screen so Textual finds their @on."""

from __future__ import annotations

from textual import on, work
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input, Select, Static

from ..widgets.case_views import CasePreview
from ..widgets.status_tabs import StatusTabs
from ..widgets.text import lit


FILTERS_MIN = 25   # both filters at their min-width, with their margins (app.tcss)


class TabbedScreen(Screen):
    """What HomeScreen's tabs and filters do (its state: tab, company, channel, total,
    searching; its reload and _current_table)."""

    tabs_width = 0   # the tabs' labels with their counts, once counted

    @work(exclusive=True, group="counts")
    async def update_counts(self) -> None:
        counts = await self.app.read(lambda s: s.status_counts())
        self.total = total = sum(counts.values())
        stalled = self.app.stalled
        # What needs you first and the file last: a narrow terminal cuts the end.
        bar = Content.assemble(
            ("supportlog", "bold $accent"), "   ",
            *(((f"{len(stalled)} need attention", "bold $warning"), "   ") if stalled else
              (("checking what needs attention…", "dim"), "   ") if stalled is None else ()),
            *(Content.assemble((f"{n} ", "bold"), f"{status}   ")
              for status, n in counts.items()),
            lit(self.app.store.path.name, "dim"))
        self.query_one("#topbar", Static).update(bar)
        tabs = self.query_one(StatusTabs)
        counted = {"attention": len(stalled) if stalled is not None else None,
                   "open": counts["open"], "waiting": counts["waiting"],
                   "resolved": counts["resolved"], "all": total}
        tabs.set_labels({tab: tab.title() if n is None else f"{tab.title()} {n}"
                         for tab, n in counted.items()})
        # As wide as the labels with their full counts; the filters get what is left.
        self.tabs_width = tabs.get_content_width(self.size, self.size) + 1
        tabs.styles.width = self.tabs_width
        self.fit_filters()
        switcher = self.query_one(ContentSwitcher)
        self.set_class(total == 0 and not self.searching, "-empty")   # the welcome, alone
        if total == 0 and not self.searching:
            if not switcher.query_children("#welcome"):
                # Mounted when first wanted: its button's stylesheet is a good part of the
                # start of a notebook that has cases.
                from .welcome import Welcome
                # Hidden as it mounts (a plain mount would show it beside the list).
                await switcher.add_content(Welcome(id="welcome"))
            switcher.current = "welcome"
            self.query_one(CasePreview).clear("Your notebook is empty.")
        elif switcher.current == "welcome":
            switcher.current = "cases"

    def fit_filters(self) -> None:
        """The filters beside the tabs while both fit whole, else on a line of their own
        under them (big counts on a narrow terminal)."""
        width = self.size.width or self.app.size.width
        self.set_class(self.tabs_width + FILTERS_MIN > width, "-filters-below")

    def action_tab(self, tab: str) -> None:
        self.query_one(StatusTabs).choose(tab)

    @on(StatusTabs.Changed)
    def _tab_changed(self, event: StatusTabs.Changed) -> None:
        tab = event.tab
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
