"""F1: every key, screen by screen (read from the screens' own bindings so it never drifts),
then the playbook's tips and channel guides."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ..widgets.text import lit
from ..widgets.footer import Footer


def _screens():
    from .case import CaseScreen
    from .evidence import EvidenceScreen
    from .home import HomeScreen
    from .interaction import InteractionScreen
    from .letter import LetterScreen
    from .live import LiveScreen
    return (("Home", HomeScreen), ("Case", CaseScreen), ("Live contact", LiveScreen),
            ("Contact", InteractionScreen), ("Evidence files", EvidenceScreen),
            ("Letter", LetterScreen))


EXTRA_KEYS = {
    "Home": [("enter", "Open the highlighted case"), ("j / k", "Down / up"),
             ("1 … 5", "Attention, open, waiting, resolved, all"),
             ("end / G", "The end of the list (home / g: the top)"),
             ("ctrl+z", "Undo, as u does (on every screen)")],
    "Case": [("enter", "Open the highlighted contact (a live one resumes)"),
             ("tab", "Move between the timeline and the promises"),
             ("k / b again", "Put a kept or broken promise back to pending")],
    "Forms": [("ctrl+s", "Save"), ("esc", "Cancel (asks first if you typed something)"),
              ("→", "Accept the grey suggestion (companies, agents)")],
    "Everywhere": [("f1", "This help"), ("ctrl+p", "Command palette: jump to any case, run "
                                                   "actions, switch theme"),
                   ("ctrl+q", "Quit")],
}


class HelpScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="help.back"),
                Binding("q", "app.pop_screen", "Back", id="help.back", show=False),
                Binding("f1", "app.pop_screen", "Back", id="help.back", show=False)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Content.styled("supportlog — keys and the playbook", "bold $accent"))
            with Horizontal(id="help-keys"):
                left, right = self.keys()
                yield Static(left, classes="panel")
                yield Static(right, classes="panel")
            yield Static(self.tips(), id="help-tips", classes="panel")
            yield Static(self.guides(), id="help-guides", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        for panel in self.query("#help-keys > Static"):
            panel.border_title = "Keys"
        self.query_one("#help-tips").border_title = "Tips for every contact"
        self.query_one("#help-guides").border_title = "Channels"
        self.query_one("#help").focus()

    def keys(self) -> tuple[Content, Content]:
        """Two columns: the home and case screens; then the rest."""
        sections: dict[str, list[tuple[str, str]]] = {
            name: [(self.app.get_key_display(b), b.tooltip or b.description)
                   for b in _bindings(screen, self.app._keymap)
                   if b.description and not b.key.isdigit() and b.key != "f1"]
            for name, screen in _screens()}
        for name, rows in EXTRA_KEYS.items():
            sections.setdefault(name, []).extend(rows)
        blocks = []
        for name, rows in sections.items():
            lines = [Content.styled(name, "bold underline")]
            lines += [Content.assemble((f"  {key:<10}", "bold $accent"), description)
                      for key, description in dict.fromkeys(rows)]
            blocks.append(Content("\n").join(lines))
        half = 2
        return (Content("\n\n").join(blocks[:half]), Content("\n\n").join(blocks[half:]))

    def tips(self) -> Content:
        tips = getattr(self.app.playbook, "tips", ())
        if not tips:
            return Content.styled("No tips in the playbook.", "dim")
        return Content("\n\n").join(Content.assemble(lit(title, "bold"), "\n", lit(text))
                                    for title, text in tips)

    def guides(self) -> Content:
        guides = getattr(self.app.playbook, "channel_guides", {}) or {}
        if not guides:
            return Content.styled("No channel guides in the playbook.", "dim")
        return Content("\n\n").join(Content.assemble(lit(channel.replace("_", " "), "bold"),
                                                     "\n", lit(text))
                                    for channel, text in guides.items())


def _bindings(screen, keymap) -> list[Binding]:
    """The screen's bindings with the keys config.toml's [keys] gave them (Textual keeps the
    key map in App._keymap and offers no reader)."""
    out = []
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding):
            binding = Binding(*binding)
        if binding.id in keymap:
            binding = binding.with_key(keymap[binding.id])
        out.append(binding)
    return out
