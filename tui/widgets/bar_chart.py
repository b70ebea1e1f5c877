"""Horizontal bar charts drawn with Unicode blocks.

Why not a plotting library: these charts compare a handful of named values (a share, a
duration, kept vs broken), which labelled bars show best; block characters are crisp in any
terminal, follow the theme through component classes, cost no dependency, and render in
microseconds. Labels are user text, so they are Text objects, never markup."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from ..clean_text import for_terminal

EIGHTHS = " ▏▎▍▌▋▊▉█"


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[float, ...]     # stacked segments (one for a plain bar)
    caption: str = ""            # the figure beside the bar: "4 of 5 (80%)"


def blocks(value: float, scale: float, width: int) -> str:
    """`value` as a run of blocks, `scale` filling `width` cells, to an eighth of a cell."""
    if scale <= 0 or value <= 0:
        return ""
    eighths = round(min(value / scale, 1.0) * width * 8)
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


class BarChart(Widget):
    """A titled list of labelled bars; stacked segments take the part-N component styles."""

    COMPONENT_CLASSES = {"bar-chart--title", "bar-chart--part-0", "bar-chart--part-1",
                         "bar-chart--part-2", "bar-chart--caption"}
    DEFAULT_CSS = """
    BarChart { height: auto; margin: 0 0 1 0; }
    BarChart > .bar-chart--title { text-style: bold; }
    BarChart > .bar-chart--part-0 { color: $success; }
    BarChart > .bar-chart--part-1 { color: $error; }
    BarChart > .bar-chart--part-2 { color: $text-muted; }
    BarChart > .bar-chart--caption { color: $text-muted; }
    """

    def __init__(self, title: str, bars: list[Bar], *, scale: float | None = None,
                 legend: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.title, self.bars, self.legend = title, bars, legend
        self.scale = scale if scale is not None else max((sum(b.parts) for b in bars),
                                                         default=0.0)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 + bool(self.legend) + max(len(self.bars), 1)

    def render(self) -> Text:
        width = self.content_size.width or 80
        style = self.get_component_rich_style
        out = Text(self.title, style=style("bar-chart--title"))
        if self.legend:
            out.append("\n" + self.legend, style=style("bar-chart--caption"))
        if not self.bars:
            out.append("\nnothing to show yet", style=style("bar-chart--caption"))
            return out
        label_w = min(max(len(b.label) for b in self.bars), max(8, width // 4))
        caption_w = max(len(b.caption) for b in self.bars)
        bar_w = max(4, width - label_w - caption_w - 3)
        for bar in self.bars:
            label = for_terminal(bar.label)
            label = label if len(label) <= label_w else label[:label_w - 1] + "…"
            out.append("\n" + label.ljust(label_w) + " ")
            used = 0
            for n, part in enumerate(bar.parts):
                run = blocks(part, self.scale, bar_w)
                out.append(run, style=style(f"bar-chart--part-{min(n, 2)}"))
                used += len(run)
            out.append(" " * (bar_w - used + 1) + bar.caption,
                       style=style("bar-chart--caption"))
        return out
