"""Search as you type on the home screen: a quick ranking at each keystroke, the full one on
Enter (or once the list is scrolled past the first page), snippets fetched for the rows in
view, and an older query's answer never shown over a newer one."""

from __future__ import annotations


from textual import work

from ..widgets.case_table import HitTable
from ..widgets.case_views import CasePreview
from ..widgets.text import snippet_cell

SEARCH_DEBOUNCE = 0.03  # a key typed within this replaces the query before it is searched
# While the search box has the keys, the preview waits for a pause in the typing: loading it
# (the case's advice) and laying it out at every keystroke would slow the next one's hits.
TYPING_PAUSE = 0.3
HIT_PAGE = 50           # search hits fetched at a time
AS_YOU_TYPE_MIN = 3     # shorter words are searched as typed: "a*" would cover thousands


def as_you_type(query: str) -> str:
    """The word being typed is a prefix ("tele" finds "telephone") once it has three
    characters; a trailing space ends it."""
    words = query.split()
    if (words and not query[-1].isspace() and not query.endswith("*") and query[-1].isalnum()
            and len(words[-1]) >= AS_YOU_TYPE_MIN):
        return query + "*"
    return query


def row_id(key: str) -> int:
    """A hit's row key -> its search row id (an interaction's id, or minus its case's)."""
    case_id, interaction_id = HitTable.parse_key(key)
    return interaction_id if interaction_id is not None else -case_id


class HitSearch:
    """Mixed into HomeScreen (which has `company` and the #hits table and #search input)."""

    _search_seq = 0       # bumped by each query that replaces the hits: older answers drop
    _hits: tuple[str, str | None, int] = ("", None, 0)   # words, company, hits loaded
    _hits_full = True     # the hits shown are the full ranking (not the typed, quick one)
    _hits_to_end = False  # a read of every hit left is under way
    _unsnipped: set[str] = set()            # keys of rows shown without their snippet
    _snipping: frozenset[str] = frozenset()  # keys whose snippets are being read
    _enter_seq = -1       # the query Enter ranked before it had hits: its hits take the keys

    def run_search(self, query: str, debounce: bool = True, *, full: bool = False,
                   keep: bool = False, to_end: bool = False) -> None:
        """Search `query` and replace the hits (`full`: ranked fully; `to_end`: every hit,
        the cursor on the last; `keep`: the cursor stays on its hit if it is still there)."""
        self._search_seq += 1
        self._search(query, self._search_seq, debounce, full or to_end, keep, to_end)

    def search_again(self) -> None:
        """The same query after a change to the notebook, ranked as it was (or as Enter
        asked, if its ranking was still being read: the hits still take the keys)."""
        entered = self._enter_seq == self._search_seq
        self.run_search(self._search_text(), debounce=False, full=self._hits_full or entered,
                        keep=True)
        if entered:
            self._enter_seq = self._search_seq

    def drop_search(self) -> None:
        """Search closed: whatever is still being read for it is not shown."""
        self._search_seq += 1

    def rank_fully(self) -> None:
        """Enter in the search box: the hits take the keys at once, ranked fully."""
        hits = self.query_one("#hits", HitTable)
        if hits.row_count:
            hits.focus()
        if not self._hits_full or self._hits[0] != as_you_type(self._search_text()):
            self.run_search(self._search_text(), debounce=False, full=True, keep=True)
            if not hits.row_count:   # typed faster than the hits came: they take the keys
                self._enter_seq = self._search_seq

    def hits_need_more(self) -> None:
        if self._hits_to_end:
            return   # that read brings every page already
        if self._hits_full:
            self.more_hits()
        else:        # past the typed first page: the full ranking, then its pages
            self.run_search(self._search_text(), debounce=False, full=True, keep=True)

    def hits_to_end(self) -> None:
        self._hits_to_end = True    # from now: no page-at-a-time worker to cancel it
        if self._hits_full:
            self.more_hits(to_end=True)
        else:
            self.run_search(self._search_text(), debounce=False, to_end=True)

    def typing_pause(self) -> float:
        """Seconds more the preview waits: a pause in the typing, while the box has focus."""
        return TYPING_PAUSE if self.focused is self.query_one("#search") else 0.0

    def _search_text(self) -> str:
        return self.query_one("#search").value

    @work(exclusive=True, group="search")
    async def _search(self, query: str, seq: int, debounce: bool, full: bool, keep: bool,
                      to_end: bool) -> None:
        if debounce:
            await self.app.pause(SEARCH_DEBOUNCE)  # typing cancels it; the last one runs
        company = self.company
        words = as_you_type(query)
        table = self.query_one("#hits", HitTable)
        shown = self._rows_in_view(table)
        # A table taller than a page would ask for more; a reload reads as many rows as were
        # loaded, so the hit under the cursor (past the first page too) is among them.
        page = max(HIT_PAGE, shown + 2, table.row_count + 1 if keep else 0)
        try:
            hits = await self.app.read(lambda s: s.search(
                words, limit=None if to_end else page, company=company, quick=not full,
                snippets=shown))
        finally:
            if to_end and seq == self._search_seq:
                self._hits_to_end = False
        if seq != self._search_seq:
            return   # a newer query (or a closed search) owns the hits now
        moved = keep and table.cursor_row > 0 and table.highlighted_key
        scroll = table.scroll_y
        self._hits, self._hits_full, self._hits_to_end = (words, company, len(hits)), full, False
        table.show_hits(hits, exhausted=to_end or len(hits) < page)
        self._unsnipped = {_key(hit) for hit in hits[shown:]}
        self._snipping = frozenset()
        if to_end and table.row_count:
            table.move_cursor(row=table.row_count - 1)
        elif moved and moved in table.rows:
            table.move_cursor(row=table.get_row_index(moved), animate=False)
            table.call_after_refresh(table.scroll_to, y=scroll, animate=False)
        if (seq == self._enter_seq and hits and query == self._search_text()
                and self.focused is self.query_one("#search")):
            table.focus()
        self._preview_highlighted(table)
        self.fill_snippets()
        if not hits:
            self.query_one(CasePreview).clear(f"No match for {query.strip()!r}."
                                              if query.strip() else "Nothing yet.")

    @work(exclusive=True, group="more-hits")  # never cancels a search being typed
    async def more_hits(self, to_end: bool = False) -> None:
        """The next page of the fully ranked hits, as the cursor nears the end; `to_end`,
        every hit left in one read (ranking is capped, so a few thousand at most: page by
        page, each page ranked them all again). Their snippets come as they come into view."""
        table = self.query_one("#hits", HitTable)
        seq, (words, company, loaded) = self._search_seq, self._hits
        try:
            hits = await self.app.read(lambda s: s.search(
                words, limit=None if to_end else HIT_PAGE, offset=loaded, company=company,
                snippets=0))
        finally:
            if to_end:
                self._hits_to_end = False
        if seq != self._search_seq or self._hits[2] != loaded:
            return  # the query changed meanwhile, or these rows came another way
        self._hits = (words, company, loaded + len(hits))
        table.show_hits(hits, more=True, exhausted=to_end or len(hits) < HIT_PAGE)
        self._unsnipped = set(self._unsnipped) | {_key(hit) for hit in hits}
        if to_end and table.row_count:
            table.move_cursor(row=table.row_count - 1)
        self.fill_snippets()

    # -- snippets for the rows in view ---------------------------------------------------
    def _rows_in_view(self, table: HitTable) -> int:
        height = table.size.height or self.app.size.height
        return max(1, height - (table.header_height if table.show_header else 0))

    def fill_snippets(self) -> None:
        """Snippets for the rows in view that have none yet (called as the hits scroll or
        the cursor moves)."""
        if not self._unsnipped:
            return
        table = self.query_one("#hits", HitTable)
        top = int(table.scroll_y)
        rows = table.ordered_rows[top:top + self._rows_in_view(table) + 1]
        wanted = frozenset(row.key.value for row in rows) & self._unsnipped
        if wanted and not wanted <= self._snipping:
            self._snipping = wanted
            self._fetch_snippets(self._search_seq, self._hits[0], wanted)

    @work(exclusive=True, group="snippets")
    async def _fetch_snippets(self, seq: int, words: str, keys: frozenset[str]) -> None:
        by_id = {row_id(key): key for key in keys}
        try:
            found = await self.app.read(lambda s: s.search_snippets(words, list(by_id)))
        finally:
            if self._snipping is keys:
                self._snipping = frozenset()
        if seq != self._search_seq:
            return
        table = self.query_one("#hits", HitTable)
        for hit_row, key in by_id.items():
            if key in self._unsnipped and key in table.rows:
                self._unsnipped.discard(key)
                table.update_cell(key, "match", snippet_cell(found.get(hit_row, "")))


def _key(hit) -> str:
    return f"{hit.case_id}:{hit.interaction_id or ''}"
