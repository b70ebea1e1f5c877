"""The pieces every form is made of: labelled fields with an error line under each, and
putting a ValidationError on the line of the field it names (the form screen itself is
tui/screens/form.py)."""

from __future__ import annotations

from typing import Iterable, TypeVar

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets._select import SelectCurrent

from .text import ControlsShown, lit

# ValidationError.field as the store names it -> the form field that shows it.
FIELD_ALIASES = {"at": "started_at", "start": "started_at", "end": "duration",
                 "due": "promise_due", "ref": "refs", "ref kind": "refs",
                 "note": "notes", "transcript": "transcript_ref", "asked-due": "asked_due"}


W = TypeVar("W", bound=Widget)


def compact(widget: W) -> W:
    """`widget` (not mounted yet) made compact as its constructor's compact=True leaves it,
    without the restyle the reactive's toggled class asks for: its first styling sees the
    class anyway."""
    widget.set_reactive(type(widget).compact, True)
    widget.add_class("-textual-compact", update=False)
    return widget


class FieldBox(Vertical):
    """One field of a form: its row (label and widget), any preview and hint, and its error
    line last. The error line shows only after a failed save, so a form may leave it out of
    its first frame (`error_later`) and mount `error_line()` just after."""

    def __init__(self, *children: Widget, name: str, control: Widget) -> None:
        super().__init__(*children, classes="field", id=f"field-{name}")
        self.field_name = name
        self.control = control      # the widget that holds the value (id = name)
        self.error_later = False

    def error_line(self) -> Static:
        return Static("", id=f"err-{self.field_name}", classes="field-error")

    def compose(self):
        if not self.error_later:
            yield self.error_line()


def field(name: str, label: str, widget: Widget, hint: str = "") -> FieldBox:
    """One line: the label, then the widget (id = name, compact); a hint and an error line
    (id = err-name) under it."""
    widget.id = name
    if hasattr(widget, "compact"):
        compact(widget)
    if isinstance(widget, Input) and widget.highlighter is None:
        widget.highlighter = ControlsShown()   # an escape sequence typed is shown, not obeyed
    children: list[Widget] = [Horizontal(Label(label, classes="field-label", markup=False),
                                         widget, classes="field-row")]
    if getattr(widget, "preview", None) is not None:  # a DateInput: "= Fri 2026-11-27"
        children.append(widget.preview)
    if hint:
        children.append(Static(Content.styled(hint, "dim"), classes="field-hint"))
    return FieldBox(*children, name=name, control=widget)


def clear_errors(screen: Widget) -> None:
    for error in screen.query(".field-error"):
        error.update("")
        error.remove_class("shown")


def show_error(screen: Widget, field_name: str, message: str) -> Static:
    """Put `message` on the field's error line (or the form's, naming the field)."""
    name = FIELD_ALIASES.get(field_name, field_name).replace(" ", "_")
    targets = screen.query(f"#err-{name}") if name.isidentifier() else []
    target = targets.first() if targets else screen.query_one("#err-form", Static)
    own_line = target.id != "err-form" or field_name == "form"
    target.update(lit(message if own_line else f"{field_name}: {message}"))  # quotes input
    target.add_class("shown")
    return target


class FormSelect(Select):
    """A Select whose parts are made as its mount leaves them: the list it drops down
    compact like itself, and the line showing the choice marked as holding one when it
    will. Textual's Select sets both once its parts are styled, and so styles them again."""

    def compose(self):
        holds_value = self._value is not Select.NULL or not self._allow_blank
        for part in super().compose():
            if isinstance(part, OptionList) and self.compact:
                compact(part)
            elif isinstance(part, SelectCurrent) and holds_value:
                part.set_reactive(SelectCurrent.has_value, True)
                part.add_class("-has-value", update=False)
            yield part


def select(options: Iterable[str], value: str | None = None, blank: bool = False,
           prompt: str = "choose…", labels: dict[str, str] | None = None) -> Select:
    choices = [((labels or {}).get(o, o.replace("_", " ")), o) for o in options]
    return FormSelect(choices, value=value if value else Select.NULL,
                      allow_blank=blank or not value, prompt=prompt)
