"""What every form shares: labelled fields with an error line under each, saving through the
store with ValidationError shown next to the field it names, and never losing what was typed
(a failed save keeps the form open; Esc on a changed form asks first)."""

from __future__ import annotations

from typing import Any, Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ..store import StoreError, ValidationError
from .text import ControlsShown, lit

# ValidationError.field as the store names it -> the form field that shows it.
FIELD_ALIASES = {"at": "started_at", "start": "started_at", "end": "duration",
                 "due": "promise_due", "ref": "refs", "ref kind": "refs",
                 "note": "notes", "transcript": "transcript_ref", "asked-due": "asked_due"}


def field(name: str, label: str, widget: Widget, hint: str = "") -> Vertical:
    """One line: the label, then the widget (id = name, compact); a hint and an error line
    (id = err-name) under it."""
    widget.id = name
    if hasattr(widget, "compact"):
        widget.compact = True
    if isinstance(widget, Input) and widget.highlighter is None:
        widget.highlighter = ControlsShown()   # an escape sequence typed is shown, not obeyed
    children: list[Widget] = [Horizontal(Label(label, classes="field-label", markup=False),
                                         widget, classes="field-row")]
    if getattr(widget, "preview", None) is not None:  # a DateInput: "= Fri 2026-11-27"
        children.append(widget.preview)
    if hint:
        children.append(Static(Content.styled(hint, "dim"), classes="field-hint"))
    children.append(Static("", id=f"err-{name}", classes="field-error"))
    return Vertical(*children, classes="field", id=f"field-{name}")


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


def select(options: Iterable[str], value: str | None = None, blank: bool = False,
           prompt: str = "choose…", labels: dict[str, str] | None = None) -> Select:
    choices = [((labels or {}).get(o, o.replace("_", " ")), o) for o in options]
    return Select(choices, value=value if value else Select.NULL, allow_blank=blank or not value,
                  prompt=prompt)


def give_typed_key(form: Widget, event: events.Key) -> bool:
    """A printable key typed while `form` was opening goes to its field with focus: one
    typed just after the key that opened it was already on its way to the screen below,
    one typed while it composed reached the form before any field had focus. A text field
    takes and stops its own printable keys, so one seen here has gone astray."""
    target = form.focused if isinstance(form, FormScreen) else None
    if not event.is_printable or not isinstance(target, (Input, TextArea)):
        return False
    event.stop()
    event.prevent_default()
    target.post_message(events.Key(event.key, event.character))
    return True


class FormScreen(ModalScreen):
    """A modal form. Subclasses compose `fields()` and implement `save()` (raise
    ValidationError for bad input); the screen is dismissed with what `save()` returns."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    TITLE = "Form"
    SAVE_LABEL = "Save"

    def __init__(self) -> None:
        super().__init__()
        self.dirty = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="form"):
            yield Static(Content.styled(self.TITLE, "bold"), id="form-title")
            yield Static("", id="err-form", classes="field-error")
            with VerticalScroll(id="form-fields", can_focus=False):
                yield from self.fields()
            with Horizontal(id="form-buttons"):
                yield Button(f"{self.SAVE_LABEL} (ctrl+s)", id="form-save", variant="primary")
                yield Button("Cancel (esc)", id="form-cancel")

    def on_mount(self) -> None:
        # Prefilled values post Changed while mounting; only the user's edits count.
        self.call_after_refresh(setattr, self, "dirty", False)
        first = self.query("#form-fields Input, #form-fields Select, #form-fields TextArea")
        if first:
            first.first().focus()

    def on_key(self, event: events.Key) -> None:
        give_typed_key(self, event)

    def fields(self) -> ComposeResult:
        yield from ()

    def save(self) -> Any:
        raise NotImplementedError

    def changed_case(self, result: Any) -> int | None:
        """Which case the save changed (None: re-assess everything)."""
        return getattr(self, "case_id", None)

    # -- values --------------------------------------------------------------------------
    def value(self, name: str) -> str | None:
        """The field's text (None when blank) or the Select's value (None when unset)."""
        widget = self.query_one(f"#{name}")
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else str(widget.value)
        if isinstance(widget, TextArea):
            text = widget.text
        else:
            text = widget.value  # type: ignore[attr-defined]
        return text if text.strip() else None

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.dirty = True

    # -- errors --------------------------------------------------------------------------
    def show_error(self, field_name: str, message: str) -> None:
        target = show_error(self, field_name, message)
        if target.id != "err-form":
            widget = self.query(f"#{target.id.removeprefix('err-')}")
            if widget:
                widget.first().focus()
                self.query_one("#form-fields").scroll_to_widget(target)

    # -- actions -------------------------------------------------------------------------
    def action_save(self) -> None:
        clear_errors(self)
        try:
            result = self.save()
        except ValidationError as exc:
            self.show_error(exc.field, exc.message)
            return
        except StoreError as exc:
            show_error(self, "form", str(exc))
            return
        self.app.notebook_changed(self.changed_case(result))
        self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return
        from ..screens.dialogs import ConfirmScreen
        self.app.push_screen(ConfirmScreen(Content("Discard what you typed in this form?"),
                                           yes="Discard", no="Keep editing"),
                             lambda yes: self.dismiss(None) if yes else None)

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
