"""Resolving a case: a small dialog that offers a resolution note (optional), kept as the
status change's note as `supportlog status CASE resolved --note` keeps it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ..widgets.text import lit


class ResolveDialog(ModalScreen[str | None]):
    """Enter resolves (with the note, if one was typed); Esc cancels. Returns the note ("" for
    none) or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="resolve.cancel")]

    def __init__(self, case_id: int, title: str) -> None:
        super().__init__()
        self.case_id, self.case_title = case_id, title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="resolve-dialog"):
            yield Static(Content.assemble(("Resolve ", "bold"), (f"#{self.case_id} ", "dim"),
                                          lit(self.case_title, "bold"), "?"),
                         classes="dialog-question")
            yield Input(placeholder="resolution note (optional): what they did, a reference",
                        id="resolve-note")
            yield Static(Content.styled("Enter resolves · Esc cancels · the note is added to "
                                        "the case notes", "dim"))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resolve", id="resolve", variant="success")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#resolve-note", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#resolve-note")
    def _submitted(self) -> None:
        self.dismiss(self.query_one("#resolve-note", Input).value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "resolve":
            self.dismiss(self.query_one("#resolve-note", Input).value)
        else:
            self.dismiss(None)
