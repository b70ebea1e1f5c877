"""The home lists: cases a page at a time, and search hits. Both are DataTables whose cells
are Rich Text objects (never markup), keyed by case id so selection survives reloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from ..store import Case, SearchHit
from .text import STATUS_STYLES, cell, snippet_cell, when

NEAR_END = 8   # rows before the end at which the next page is asked for


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One line of a home list: the case, its stall score if any, and why it is listed."""

    case: Case
    score: float | None = None
    why: str = ""
    why_style: str = ""
    last: str = ""


# A column: (key, label, minimum width, share of the spare width; 0: never cut, as wide as
# its widest cell or its label).
ColumnSpec = tuple[str, str, int, float]


def fill(widths: dict[str, int], targets: dict[str, int], shares: dict[str, float],
         spare: int) -> int:
    """Grow `widths` towards `targets` in proportion to `shares`, using at most `spare`
    cells; return what is left."""
    while spare > 0:
        wanting = {k: shares[k] for k in widths if widths[k] < targets[k]}
        if not wanting:
            break
        total = sum(wanting.values())
        given = 0
        for k, share in wanting.items():
            step = min(targets[k] - widths[k], max(1, int(spare * share / total)),
                       spare - given)
            widths[k] += step
            given += step
            if given >= spare:
                break
        spare -= given
    return spare


class FitTable(DataTable):
    """A row-cursor DataTable whose columns are as wide as what they hold, within the width
    it has: columns with no share (score, status, outcome) are never cut; the others start
    at their minimum, then share the spare width towards their widest cell, and any width
    left over (a wide terminal) goes to them too."""

    COLUMNS: tuple[ColumnSpec, ...] = ()

    def __init__(self, columns: tuple[ColumnSpec, ...] | None = None, *,
                 opens: Callable[[str | None], None] | None = None, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        if columns is not None:
            self.COLUMNS = columns
        self.opens = opens      # what Enter opens, given the highlighted row's key
        self._widest: dict[str, int] = {}   # column -> its widest cell so far
        self._fit_due = False
        self._fitted_scrolling = False      # whether the last fit left room for a scrollbar

    def action_select_cursor(self) -> None:
        # Enter opens at once, not through RowSelected a message later: keys typed right
        # after it (Enter, then `l`) go to what it opened, not to the list's screen.
        if self.opens is not None:
            self._set_hover_cursor(False)   # as DataTable's own Enter does
            if self.row_count:
                self.opens(self.highlighted_key)
        else:
            super().action_select_cursor()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # A click on the highlighted row selects through the message: it opens what Enter
        # opens, so the screens need no handler of their own.
        if self.opens is not None:
            event.stop()
            self.opens(event.row_key.value)

    def on_mount(self) -> None:
        for key, label, width, _ in self.COLUMNS:
            self.add_column(label, key=key, width=width)

    def on_resize(self) -> None:
        self.fit_columns()

    def add_row(self, *cells, **kwargs):
        row_key = super().add_row(*cells, **kwargs)
        wider = False
        for (key, *_), value in zip(self.COLUMNS, cells):
            width = value.cell_len if hasattr(value, "cell_len") else len(str(value))
            if width > self._widest.get(key, 0):
                self._widest[key] = width
                wider = True
        if (wider or self._scrolls() != self._fitted_scrolling) and not self._fit_due:
            self._fit_due = True    # once for a page of rows, after they are added
            self.call_later(self.fit_columns)
        return row_key

    def clear(self, columns: bool = False):
        self._widest = {}
        return super().clear(columns)

    def column_widths(self, width: int) -> dict[str, int]:
        """Each column's width in a table `width` cells wide (less the cell padding)."""
        avail = width - 2 * self.cell_padding * len(self.COLUMNS)
        natural = {key: max(len(label), self._widest.get(key, 0))
                   for key, label, _, _ in self.COLUMNS}
        fixed = {key: max(low, natural[key]) for key, _, low, share in self.COLUMNS
                 if not share}
        shares = {key: share for key, _, _, share in self.COLUMNS if share}
        widths = {key: low for key, _, low, share in self.COLUMNS if share}
        spare = avail - sum(fixed.values()) - sum(widths.values())
        labels = {key: max(widths[key], len(label)) for key, label, _, share in self.COLUMNS
                  if share}
        spare = fill(widths, labels, shares, spare)          # headers whole first
        spare = fill(widths, {k: max(widths[k], natural[k]) for k in widths}, shares, spare)
        if spare > 0 and widths:   # everything fits: the flexible columns take the rest
            total = sum(shares.values())
            for key, share in shares.items():
                widths[key] += int(spare * share / total)
            widths[max(shares, key=shares.get)] += avail - sum(fixed.values()) - sum(
                widths.values())   # what rounding left
        return {key: fixed.get(key, widths.get(key, 0)) for key, *_ in self.COLUMNS}

    def _scrolls(self) -> bool:
        """Whether the rows are more than the table shows (so a vertical scrollbar shows)."""
        header = self.header_height if self.show_header else 0
        return self.row_count + header > self.content_region.height

    def fit_width(self) -> int:
        """The width the columns share: less a vertical scrollbar's when the rows need one,
        whether or not it shows yet. Fitted before it shows, the columns came out two cells
        too wide and brought a horizontal scrollbar, which hid a row and moved the scroll."""
        width = self.content_region.width
        return width - self.styles.scrollbar_size_vertical if self._scrolls() else width

    def fit_columns(self) -> None:
        self._fit_due = False
        if not self.COLUMNS or not self.columns:
            return
        self._fitted_scrolling = self._scrolls()
        widths = self.column_widths(self.fit_width())
        if all(self.columns[ColumnKey(k)].width == w for k, w in widths.items()):
            return
        for key, width in widths.items():
            self.columns[ColumnKey(key)].width = width
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()

    @property
    def highlighted_key(self) -> str | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


class VimTable(FitTable):
    """Lists that also move with j/k and g/G, and whose Home and End go to the first and the
    last row (DataTable's go to the first and last column)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", id="table.cursor_down", show=False),
        Binding("k", "cursor_up", "Up", id="table.cursor_up", show=False),
        Binding("g,home", "scroll_top", "Top", id="table.scroll_top", show=False),
        Binding("G,end", "scroll_bottom", "Bottom", id="table.scroll_bottom", show=False),
    ]


class PagedTable(VimTable):
    """A list filled a page at a time: asks for more (NeedMore) when the cursor or the
    scroll nears the end, or when the rows do not fill the table yet. End (or G) before the
    last page asks for the list's end (JumpToEnd); the table is then in `tail` mode, filled
    from the end upwards, until Home (or g) goes back to the top."""

    class NeedMore(Message):
        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

    class JumpToEnd(NeedMore):
        """The end of the list, please (without loading everything before it)."""

    class JumpToStart(NeedMore):
        """Back to the top of the list, from the end."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.exhausted = True   # set False while a source still has pages
        self.loading_more = False
        self.tail = False       # filled from the end: pages come in above the rows

    def reset(self, tail: bool = False) -> None:
        self.loading_more = True  # clearing moves the cursor: that is no call for more rows
        self.clear()
        self.exhausted = False
        self.loading_more = False
        self.tail = tail

    def action_scroll_bottom(self) -> None:
        if self.exhausted or self.tail:
            super().action_scroll_bottom()
        else:
            self.post_message(self.JumpToEnd(self))

    def action_scroll_top(self) -> None:
        if self.tail and not self.exhausted:
            self.post_message(self.JumpToStart(self))
        else:
            super().action_scroll_top()

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        self._check_near_end()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.tail:
            if new <= NEAR_END < old:
                self._ask_more()  # scrolled near the top of what the end brought
        elif self.max_scroll_y > 0 and new >= self.max_scroll_y - NEAR_END:
            self._ask_more()  # scrolled (e.g. with the mouse wheel) near the end

    def on_resize(self) -> None:
        super().on_resize()
        self._check_near_end()

    def _check_near_end(self) -> None:
        """Near the end (the top, in tail mode), or the rows do not fill the table yet:
        the next page, please."""
        short = 0 < self.size.height and self.row_count < self.size.height
        near = (self.cursor_row < NEAR_END if self.tail
                else self.cursor_row >= self.row_count - NEAR_END)
        if short or near:
            self._ask_more()

    def _ask_more(self) -> None:
        if not self.exhausted and not self.loading_more:
            self.loading_more = True
            self.post_message(self.NeedMore(self))


class CaseTable(PagedTable):
    """Cases, a page at a time."""

    COLUMNS = (("score", "Score", 5, 0), ("case", "Case", 16, 3), ("company", "Company", 8, 1),
               ("status", "Status", 8, 0), ("why", "Why now", 14, 5), ("last", "Last", 8, 0))

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._tail_rows: list[CaseRow] = []  # in tail mode, every row shown, top to bottom
        self.case_rows: dict[str, CaseRow] = {}  # by row key: the reason shown under the list

    def reset(self, tail: bool = False) -> None:
        super().reset(tail)
        self._tail_rows = []
        self.case_rows = {}

    def add_cases(self, rows: Iterable[CaseRow]) -> None:
        """The next page; in tail mode, the page before the rows shown (last row first)."""
        self.loading_more = True  # adding rows moves the cursor: no asking for more meanwhile
        if self.tail:
            self._prepend(list(rows))
        else:
            for row in rows:
                self._add(row)
        self.loading_more = False
        self._check_near_end()

    def _add(self, row: CaseRow) -> None:
        key = str(row.case.id)
        if key in self.rows:
            return
        case = row.case
        self.case_rows[key] = row
        score = Text(f"{row.score:.1f}" if row.score else "", style="bold", justify="right")
        self.add_row(score, cell(case.title, limit=60), cell(case.company, limit=30),
                     cell(case.status, STATUS_STYLES.get(case.status, "")),
                     cell(row.why, row.why_style, limit=80), cell(row.last), key=key)

    def _prepend(self, rows: list[CaseRow]) -> None:
        """DataTable only appends, so the rows are laid out again with the new ones above
        (a page at a time, as far up as the user scrolls); the cursor stays on its row, or
        starts on the last one."""
        if not rows:
            return
        keep = self.highlighted_key
        self._tail_rows[:0] = reversed(rows)
        self.clear()
        for row in self._tail_rows:
            self._add(row)
        target = keep if keep in self.rows else str(self._tail_rows[-1].case.id)
        self.move_cursor(row=self.get_row_index(target), animate=False)


class HitTable(PagedTable):
    """Full-text search hits, best first, matched words highlighted; a page at a time."""

    COLUMNS = (("case", "Case", 14, 3), ("company", "Company", 8, 1), ("status", "Status", 8, 0),
               ("when", "When", 16, 0), ("match", "Match", 16, 5))

    def show_hits(self, hits: list[SearchHit], *, more: bool = False,
                  exhausted: bool = True) -> None:
        """The first page of a search (or, with `more`, the next one)."""
        if not more:
            self.reset()
        self.loading_more = True
        self.add_hits(hits)
        self.exhausted = exhausted
        self.loading_more = False
        self._check_near_end()

    def add_hits(self, hits: list[SearchHit]) -> None:
        for hit in hits:
            key = f"{hit.case_id}:{hit.interaction_id or ''}"
            if key in self.rows:
                continue
            self.add_row(cell(hit.case_title, limit=60), cell(hit.company, limit=30),
                         cell(hit.status, STATUS_STYLES.get(hit.status, "")),
                         cell(when(hit.when)), snippet_cell(hit.snippet), key=key)

    @staticmethod
    def parse_key(key: str) -> tuple[int, int | None]:
        case_id, _, interaction = key.partition(":")
        return int(case_id), int(interaction) if interaction else None
