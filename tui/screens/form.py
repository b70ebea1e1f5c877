"""The modal form every form screen is: labelled fields (widgets/forms.py), a save that
writes through the app's writer with ValidationError shown next to the field it names, and
never losing what was typed (a failed save keeps the form open; Esc on a changed form asks
first). It opens at once: the first field is painted first, the other fields, the error
lines and the buttons are mounted just after that first frame."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static, TextArea

from ..store import Store, StoreError, ValidationError
from ..widgets.forms import FieldBox, clear_errors, show_error
from ..widgets.removal import being_removed
from .sizing import StyledOnce

# A form's write: run on the writer thread with its Store, it returns what the form gives.
Write = Callable[[Store], Any]
# How long a save may wait on the notebook before the form says it is waiting.
WAITING_SECONDS = 0.5


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


class FormScreen(StyledOnce, ModalScreen):
    """A modal form. Subclasses compose `fields()` and implement `save()`, which reads the
    fields (raising ValidationError for what it checks itself) and returns the write to run;
    the screen is dismissed with that write's result once it has landed."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]
    TITLE = "Form"
    SAVE_LABEL = "Save"

    def __init__(self) -> None:
        super().__init__()
        self.dirty = False
        self.saving = False
        self.rest: ComposeResult | None = None     # the fields mounted after the first frame
        self.whole = False          # every field mounted (see _mount_rest)
        self._when_whole: list[Callable[[], object]] = []   # what waits for every field
        self.opened_with: dict[Widget, object] = {}    # each field's value as it opened
        self.first: FieldBox | None = None     # the first field, its error line to come
        self._save_waiting = False  # a save asked for before every field was mounted

    def compose(self) -> ComposeResult:
        # The form's error line and its buttons are mounted with the rest (see _mount_rest):
        # hidden or empty, the first frame need not wait for them.
        with Vertical(id="form", classes="form"):
            yield Static(Content.styled(self.TITLE, "bold"), id="form-title")
            with VerticalScroll(id="form-fields", can_focus=False):
                yield from self._first_field(iter(self.fields()))

    def _first_field(self, fields: Iterator[Widget]) -> ComposeResult:
        """What comes before the first field, and that field without its error line; the
        rest of `fields` is kept in `self.rest` for after the first frame."""
        for item in fields:
            yield item
            if item.has_class("field"):
                if isinstance(item, FieldBox):
                    item.error_later = True
                    self.first = item
                    focus_from_the_start(item.control)
                self.rest = fields
                return

    def on_mount(self) -> None:
        first = self.query("#form-fields Input, #form-fields Select, #form-fields TextArea")
        target = first.first() if first else None
        if target is not None:
            target.focus()
            self.opened_with[target] = current(target)
        control = self.first.control if self.first else None
        if control is not None and control is not target and control.has_focus:
            control.has_focus = False   # styled as focused, but focus goes elsewhere
        self.call_after_refresh(self._mount_rest)

    async def _mount_rest(self) -> None:
        rest, self.rest = self.rest, None
        if not being_removed(self):     # not if the form closed before its first refresh
            form, fields = self.query_one("#form"), self.query_one("#form-fields")
            # The buttons after the first frame too: a Button's variant and flat watchers
            # restyle it as it mounts, which the first frame need not wait for.
            mounting = [form.mount(Static("", id="err-form", classes="field-error"),
                                   before=fields)]
            if self.first is not None:
                mounting.append(self.first.mount(self.first.error_line()))
            if rest is not None:
                mounting.append(fields.mount_compose(rest))
            mounting.append(form.mount(Horizontal(
                Button(f"{self.SAVE_LABEL} (ctrl+s)", id="form-save", variant="primary"),
                Button("Cancel (esc)", id="form-cancel"), id="form-buttons")))
            for mounted in mounting:
                await mounted
        self.call_after_refresh(self._became_whole)

    def _became_whole(self) -> None:
        self.whole = True
        for control in self.query("#form-fields Input, #form-fields Select, #form-fields TextArea"):
            self.opened_with.setdefault(control, current(control))
        waiting, self._when_whole = self._when_whole, []
        if not being_removed(self):     # not if it closed meanwhile
            for fn in waiting:
                fn()

    def when_whole(self, fn: Callable[[], object]) -> None:
        """`fn()` now if every field is mounted, else as soon as they are (a key pressed in
        the first frame may need a field mounted after it)."""
        if self.whole:
            fn()
        else:
            self._when_whole.append(fn)

    def on_key(self, event: events.Key) -> None:
        give_typed_key(self, event)

    def fields(self) -> ComposeResult:
        yield from ()

    def save(self) -> Write:
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
        text = current(widget)
        return text if text.strip() else None

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | TextArea.Changed | Select.Changed) -> None:
        # Fields post their prefilled values as they mount, whenever that is: only a change
        # to the field being edited, away from what it opened with, is the user's.
        control = event.control
        if not control.has_focus_within:
            return
        if control in self.opened_with and self.opened_with[control] == current(control):
            return
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
        """Save once the form is whole and the keys typed before ctrl+s are in their field:
        a priority binding runs before the focused field has taken the keys queued for it,
        so the save is queued behind them."""
        self._save_waiting = True
        self.when_whole(self._save_when_whole)

    def _save(self) -> None:
        if self.saving:
            return      # the first ctrl+s is still waiting on the notebook
        if not self.is_current:
            return      # Esc came between ctrl+s and its turn: closed, or asking first
        clear_errors(self)
        try:
            write = self.save()
        except ValidationError as exc:
            self.show_error(exc.field, exc.message)
            return
        self.saving = True
        self._write(write)

    @work(group="form-save")
    async def _write(self, write: Write) -> None:
        waiting = self.set_timer(WAITING_SECONDS, lambda: show_error(
            self, "form", "Saving: waiting for the notebook (another program is writing)…"))
        try:
            result = await self.app.write(write, quiet=True)
        except ValidationError as exc:
            clear_errors(self)
            self.show_error(exc.field, exc.message)
            return
        except StoreError as exc:
            clear_errors(self)
            show_error(self, "form", str(exc))
            return
        finally:
            waiting.stop()
            self.saving = False
        self.app.notebook_changed(self.changed_case(result))
        if self.is_current:     # dismiss() pops the top screen, whichever it is
            self.dismiss(result)

    def _save_when_whole(self) -> None:
        if self._save_waiting:
            self._save_waiting = False
            (self.focused or self).call_later(self._save)

    def action_cancel(self) -> None:
        self._save_waiting = False  # a save asked for in the first frame is called off too
        # Escape's binding runs before the focused field has taken the keys typed just ahead
        # of it: decide once it has, or those keys would be discarded without asking. The
        # decision runs on the form's own queue: closing from a field's would wait on itself.
        (self.focused or self).call_later(self.call_later, self._cancel)

    def _typed(self) -> bool:
        """Whether a field holds other than it opened with (a key it took whose Changed has
        not reached the form yet, or reached it after a Tab in the same burst took focus)."""
        return any(control.is_attached and current(control) != was
                   for control, was in self.opened_with.items())

    def _cancel(self) -> None:
        if not self.is_current:
            return      # closed already, or asking (a second Escape in the same burst)
        if self.saving:
            self.app.say("Still saving: the form closes once the notebook takes it.")
            return
        if not (self.dirty or self._typed()):
            self.dismiss(None)
            return
        from .dialogs import ConfirmScreen
        self.app.push_screen(ConfirmScreen(Content("Discard what you typed in this form?"),
                                           yes="Discard", no="Keep editing"),
                             self._discard)

    def _discard(self, yes: bool | None) -> None:
        # Not a lambda: Textual refuses to await, on the form's own queue, the dismiss() a
        # lambda would return.
        if yes:
            self.dismiss(None)

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def focus_from_the_start(control: Widget) -> None:
    """Style `control` (not mounted yet) as focused from its first styling: the form focuses
    it before its first frame, and focus landing on a field already styled restyles it and
    every part of it (a Select has six)."""
    # Not a TextArea: its has_focus watcher shows the cursor, which focus must then run.
    if isinstance(control, (Input, Select)) and control.can_focus \
            and not control.disabled:
        control.set_reactive(Widget.has_focus, True)


def current(widget: Widget) -> Any:
    """What a field holds: a TextArea's text, an Input's or a Select's value."""
    return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore
