"""The home screen's status tabs: their labels on one line, the active one underlined below.
One widget that draws every label, where Textual's Tabs mounts and styles a widget per tab,
its containers and an underline bar, and lays them out again at each new count."""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import Widget

PAD = 1     # cells either side of a label, as Textual's Tab


class StatusTabs(Widget, can_focus=True):
    """Tabs named by `tabs` (ids), each with a label; `active` is the one shown. Choosing a
    tab (a click, left/right while focused) posts StatusTabs.Changed."""

    DEFAULT_CSS = """
    StatusTabs { width: auto; height: 2; }
    StatusTabs > .status-tabs--tab { color: $foreground 50%; }
    StatusTabs > .status-tabs--hover { color: $foreground; }
    StatusTabs > .status-tabs--active { color: $foreground; }
    StatusTabs:focus > .status-tabs--active {
        text-style: $block-cursor-text-style;
        color: $block-cursor-foreground;
        background: $block-cursor-background;
    }
    StatusTabs > .status-tabs--bar { color: $block-cursor-background; background: $foreground 10%; }
    StatusTabs:focus > .status-tabs--bar { background: $foreground 30%; }
    StatusTabs:ansi > .status-tabs--tab { text-style: dim; }
    StatusTabs:ansi > .status-tabs--active { text-style: not dim bold; }
    StatusTabs:ansi > .status-tabs--bar { background: $border-blurred; }
    """
    COMPONENT_CLASSES = {"status-tabs--tab", "status-tabs--hover", "status-tabs--active",
                         "status-tabs--bar"}
    BINDINGS = [
        Binding("left", "step(-1)", "Previous tab", id="tabs.previous", show=False),
        Binding("right", "step(1)", "Next tab", id="tabs.next", show=False),
    ]
    ALLOW_SELECT = False

    active: reactive[str] = reactive("", init=False)
    hover: reactive[str | None] = reactive(None, init=False)

    class Changed(Message):
        """The user chose another tab."""

        def __init__(self, tabs: StatusTabs, tab: str) -> None:
            super().__init__()
            self.tabs, self.tab = tabs, tab

        @property
        def control(self) -> StatusTabs:
            return self.tabs

    def __init__(self, labels: dict[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels = dict(labels)
        self.set_reactive(StatusTabs.active, next(iter(self.labels)))

    def set_labels(self, labels: dict[str, str]) -> None:
        """New labels (counts) for some tabs; the widget grows or shrinks with them."""
        self.labels.update(labels)
        self.refresh(layout=True)

    def spans(self) -> dict[str, tuple[int, int]]:
        """Each tab's cells from its start to its end (exclusive), padding included."""
        spans, x = {}, 0
        for tab, label in self.labels.items():
            width = len(label) + 2 * PAD
            spans[tab] = (x, x + width)
            x += width
        return spans

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return sum(len(label) + 2 * PAD for label in self.labels.values())

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 2

    def render(self) -> Group:
        line = Text(no_wrap=True)
        styles = {name: self.get_component_rich_style(f"status-tabs--{name}")
                  for name in ("tab", "hover", "active")}
        for tab, label in self.labels.items():
            which = "active" if tab == self.active else "hover" if tab == self.hover else "tab"
            line.append(f"{' ' * PAD}{label}{' ' * PAD}", styles[which])
        bar = self.get_component_rich_style("status-tabs--bar")
        start, end = self.spans()[self.active]
        # Under the label without its padding, as Textual's Tabs draws it.
        return Group(line, Bar((start + PAD, end - PAD),
                               highlight_style=Style.from_color(bar.color),
                               background_style=Style.from_color(bar.bgcolor)))

    def tab_at(self, x: int) -> str | None:
        for tab, (start, end) in self.spans().items():
            if start <= x < end:
                return tab
        return None

    def choose(self, tab: str) -> None:
        if tab in self.labels and tab != self.active:
            self.active = tab
            self.post_message(self.Changed(self, tab))

    def action_step(self, by: int) -> None:
        tabs = list(self.labels)
        self.choose(tabs[(tabs.index(self.active) + by) % len(tabs)])

    def on_click(self, event: events.Click) -> None:
        tab = self.tab_at(event.x)
        if tab is not None:
            self.choose(tab)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hover = self.tab_at(event.x) if event.y == 0 else None

    def on_leave(self) -> None:
        self.hover = None

    def watch_active(self) -> None:
        self.refresh()

    def watch_hover(self) -> None:
        self.refresh()
