"""The footer: the screen's keys on one line, drawn by one widget. Textual's Footer mounts a
widget per key and mounts them all again at every change of bindings (focus moving, a
screen settling), which was a good part of each screen's start. This one draws the keys
from the screen's active bindings when it paints, so a change of bindings is a repaint.

It looks as Textual's does (the same theme variables, the palette key docked right behind
an edge) and behaves as it does: a click presses the key, a key's tooltip shows on hover.
Under 100 columns (the screen's -narrow class, app.tcss) keys are compact and the palette
key gives its place to the screen's. A FitFooter leaves out its `spare` keys, the first
one first, while the rest do not fit: quit and help stay whole at 80 columns."""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

EDGE = "▏"      # the palette key's left edge, as Textual's vkey border draws it


class Key(NamedTuple):
    """One key as drawn: the key to press, its action, its cells and their text."""

    key: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    start: int
    end: int
    key_text: str       # the key as it shows (its display name), with its padding
    text: str           # the description, with its padding


class Footer(Widget, can_focus=False):
    """The active screen's shown keys, one per action, then the palette key on the right."""

    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    Footer > .footer--item { background: $footer-item-background; }
    Footer > .footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
        padding: 0 1;
    }
    Footer > .footer--description {
        padding: 0 1 0 0;
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    Footer > .footer--gap { padding: 0; }
    Footer > .footer--hover { color: $footer-key-foreground; background: $block-hover-background; }
    Footer > .footer--disabled { text-style: dim; }
    Footer > .footer--edge { color: $foreground 20%; }
    """
    COMPONENT_CLASSES = {"footer--item", "footer--key", "footer--description", "footer--gap",
                         "footer--hover", "footer--disabled", "footer--edge"}
    ALLOW_SELECT = False

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._hover: str | None = None      # the action under the mouse
        self._drawn: list[Key] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen) -> None:
        self.refresh()

    def spare(self) -> tuple[str, ...]:
        """Actions whose keys may be left out for want of room, the first one first."""
        return ()

    # -- what is drawn -------------------------------------------------------------------
    def _shown_bindings(self) -> tuple[list[tuple], tuple | None]:
        """The shown bindings, one per action in the screen's order, and the palette's."""
        active = self.screen.active_bindings
        shown: dict[str, tuple] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled, tooltip)
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            palette = (binding, enabled, binding.tooltip or binding.description)
        return list(shown.values()), palette

    def _pieces(self, binding, compact: bool) -> tuple[str, str]:
        """The key's text and its description's, with their padding."""
        key = self.app.get_key_display(binding)
        if not binding.description:
            return key, ""
        if compact:     # as Textual's compact key: no padding round the key
            return key, f" {binding.description}"
        kp = self.get_component_styles("footer--key").padding
        dp = self.get_component_styles("footer--description").padding
        return (f"{' ' * kp.left}{key}{' ' * kp.right}",
                f"{' ' * dp.left}{binding.description}{' ' * dp.right}")

    def layout_keys(self, width: int) -> tuple[list[Key], Key | None]:
        """The keys that fit in `width`, each with its cells, and the palette key."""
        shown, palette = self._shown_bindings()
        gap = self.get_component_styles("footer--gap").padding.right
        narrow = self.screen.has_class("-narrow")
        items = [(b, enabled, tip, *self._pieces(b, narrow)) for b, enabled, tip in shown]
        palette_item = None
        if palette is not None and not narrow:
            binding, enabled, tip = palette
            palette_item = (binding, enabled, tip, *self._pieces(binding, True))
        need = {b.action: len(k) + len(d) + gap for b, _, _, k, d in items}
        room = width - (len(EDGE) + sum(map(len, palette_item[3:])) + 1 if palette_item else 0)
        total = sum(need.values())
        left_out = set()
        for action in self.spare():
            if total <= room:
                break
            if action in need and action not in left_out:
                left_out.add(action)
                total -= need[action]
        keys, x = [], 0
        for binding, enabled, tip, k, d in items:
            if binding.action in left_out:
                continue
            keys.append(Key(binding.key, binding.description, binding.action, enabled, tip, x,
                            x + len(k + d), k, d))
            x += len(k + d) + gap
        pal = None
        if palette_item is not None:
            binding, enabled, tip, k, d = palette_item
            start = width - len(k + d) - 1      # its padding on the right
            pal = Key(binding.key, binding.description, binding.action, enabled, tip, start,
                      start + len(k + d), k, d)
        return keys, pal

    def render(self) -> Text:
        width = self.size.width
        keys, palette = self.layout_keys(width)
        self._drawn = keys + ([palette] if palette else [])
        style = self.get_component_rich_style
        item, key_style, text_style = style("footer--item"), style("footer--key"), \
            style("footer--description")
        line = Text(no_wrap=True, end="")
        for k in keys:
            self._append(line, k, k.start, item, key_style, text_style)
        if palette is not None:
            edge_at = palette.start - len(EDGE)
            line.append(" " * max(edge_at - len(line), 0))
            line.append(EDGE, style("footer--edge"))
            self._append(line, palette, palette.start, item, key_style, text_style)
            line.append(" " * max(width - len(line), 0), item)
        return line

    def _append(self, line: Text, k: Key, at: int, item: Style, key_style: Style,
                text_style: Style) -> None:
        line.append(" " * max(at - len(line), 0))
        base = item + (self.get_component_rich_style("footer--hover")
                       if k.action == self._hover else Style())
        if not k.enabled:
            base += self.get_component_rich_style("footer--disabled")
        line.append(k.key_text, base + key_style)
        if k.text:
            line.append(k.text, base + text_style)

    # -- the mouse -----------------------------------------------------------------------
    def key_at(self, x: int) -> Key | None:
        for k in self._drawn:
            if k.start <= x < k.end:
                return k
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        k = self.key_at(event.x)
        action = k.action if k else None
        if action != self._hover:
            self._hover = action
            self.tooltip = k.tooltip if k and k.tooltip else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        k = self.key_at(event.x)
        if k is None:
            return
        if k.enabled:
            self.app.simulate_key(k.key)
        else:
            self.app.bell()

    def shown(self) -> list[Key]:
        """The keys as last drawn, the palette key last."""
        return list(self._drawn)


class FitFooter(Footer):
    """`spare`: actions whose keys may be left out, the first one first."""

    def __init__(self, *, spare: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self._spare = spare

    def spare(self) -> tuple[str, ...]:
        return self._spare
