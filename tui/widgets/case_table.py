"""The home lists: cases a page at a time, and search hits. Both are DataTables whose cells
are Rich Text objects (never markup), keyed by case id so selection survives reloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

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


# A column: (key, label, minimum width, share of the spare width; 0 keeps it at the minimum).
ColumnSpec = tuple[str, str, int, float]


class FitTable(DataTable):
    """A row-cursor DataTable whose flexible columns share the width it has (so nothing
    important falls off the right edge)."""

    COLUMNS: tuple[ColumnSpec, ...] = ()

    def __init__(self, columns: tuple[ColumnSpec, ...] | None = None, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        if columns is not None:
            self.COLUMNS = columns

    def on_mount(self) -> None:
        for key, label, width, _ in self.COLUMNS:
            self.add_column(label, key=key, width=width)

    def on_resize(self) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        if not self.COLUMNS:
            return
        avail = self.scrollable_content_region.width - 2 * self.cell_padding * len(self.COLUMNS)
        flex = [(key, width, share) for key, _, width, share in self.COLUMNS if share]
        spare = avail - sum(width for *_, width, _ in self.COLUMNS)
        total = sum(share for *_, share in flex) or 1
        for key, width, share in flex:
            self.columns[ColumnKey(key)].width = width + max(0, int(spare * share / total))
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()

    @property
    def highlighted_key(self) -> str | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


class VimTable(FitTable):
    """Lists that also move with j/k and g/G."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]


class PagedTable(VimTable):
    """A list filled a page at a time: asks for more (NeedMore) when the cursor or the
    scroll nears the end, or when the rows do not fill the table yet."""

    class NeedMore(Message):
        def __init__(self, table: "PagedTable") -> None:
            super().__init__()
            self.table = table

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.exhausted = True   # set False while a source still has pages
        self.loading_more = False

    def reset(self) -> None:
        self.clear()
        self.exhausted = False
        self.loading_more = False

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        self._check_near_end()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.max_scroll_y > 0 and new >= self.max_scroll_y - NEAR_END:
            self._ask_more()  # scrolled (e.g. with the mouse wheel) near the end

    def on_resize(self) -> None:
        super().on_resize()
        self._check_near_end()

    def _check_near_end(self) -> None:
        """Near the end, or the rows do not fill the table yet: the next page, please."""
        short = 0 < self.size.height and self.row_count < self.size.height
        if short or self.cursor_row >= self.row_count - NEAR_END:
            self._ask_more()

    def _ask_more(self) -> None:
        if not self.exhausted and not self.loading_more:
            self.loading_more = True
            self.post_message(self.NeedMore(self))


class CaseTable(PagedTable):
    """Cases, a page at a time."""

    COLUMNS = (("score", "Score", 5, 0), ("case", "Case", 16, 4), ("company", "Company", 8, 2),
               ("status", "Status", 8, 0), ("why", "Why now", 14, 4), ("last", "Last", 8, 0))

    def add_cases(self, rows: Iterable[CaseRow]) -> None:
        self.loading_more = True  # adding rows moves the cursor: no asking for more meanwhile
        for row in rows:
            key = str(row.case.id)
            if key in self.rows:
                continue
            case = row.case
            score = Text(f"{row.score:.1f}" if row.score else "", style="bold",
                         justify="right")
            self.add_row(score, cell(case.title, limit=60), cell(case.company, limit=30),
                         cell(case.status, STATUS_STYLES.get(case.status, "")),
                         cell(row.why, row.why_style, limit=80), cell(row.last), key=key)
        self.loading_more = False
        self._check_near_end()


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
