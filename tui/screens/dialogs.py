"""Small modal questions: confirm, which channel next, and how did the contact end (with
what they asked of you and its milestone)."""

from __future__ import annotations

from typing import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from ..store import Company, StoreError, ValidationError
from ..exports.dossier import MILESTONE_TEXT
from ..store.fields import CONTACT_BY_NAME, PROMISE_BY_NAME
from ..store.records import CHANNELS, OUTCOMES, PROGRESS_OUTCOMES
from ..widgets.date_input import DateInput
from ..widgets.forms import clear_errors, field, select, show_error
from ..widgets.text import lit


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no. y/n/Enter/Esc work, and so does the mouse."""

    BINDINGS = [Binding("y", "answer(True)", "Yes", id="confirm.yes"),
                Binding("n", "answer(False)", "No", id="confirm.no"),
                Binding("escape", "answer(False)", "No", id="confirm.no")]

    def __init__(self, question: Content, *, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no").focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ChannelPicker(ModalScreen[str | None]):
    """Pick a channel; the playbook's guide and the company's routes for it show below.
    With `recommended` (the advice's next move, whose sentence is `advice`), that channel
    is highlighted and marked; else the `current` one is."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="channel_picker.cancel")]

    def __init__(self, case_id: int, *, current: str | None = None,
                 title: str = "Which channel?", recommended: str | None = None,
                 advice: str | None = None) -> None:
        super().__init__()
        self.case_id, self.current, self.title_text = case_id, current, title
        self.recommended = recommended if recommended in CHANNELS else None
        self.advice = advice
        self.company: Company | None = None

    def compose(self) -> ComposeResult:
        label = getattr(self.app.playbook, "label", lambda c: c.replace("_", " "))
        with Vertical(classes="dialog wide"):
            yield Static(Content.styled(self.title_text, "bold"))
            if self.advice:
                yield Static(Content.assemble(("Advice: ", "bold $accent"), lit(self.advice)),
                             id="channel-advice")
            yield OptionList(*(Option(Content.assemble(
                label(c), ("  recommended", "bold $success") if c == self.recommended else ""),
                id=c) for c in CHANNELS), id="channels", markup=False)
            yield Static(id="channel-guide")
            yield Static(Content.styled("Enter starts · Esc cancels", "dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        first = self.recommended or self.current
        if first in CHANNELS:
            options.highlighted = CHANNELS.index(first)
        elif options.highlighted is None:
            options.highlighted = 0
        options.focus()
        self.load_company()

    @work(group="picker")
    async def load_company(self) -> None:
        def fetch(store):
            return store.get_company(store.get_case(self.case_id).company_id)
        self.company = await self.app.read(fetch)   # a failure: said, and no routes shown
        self._show_guide()

    @on(OptionList.OptionHighlighted)
    def _show_guide(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        channel = CHANNELS[options.highlighted]
        guide = self.app.playbook.channel_guides.get(channel, "")
        route = _route(self.company, channel)
        parts = []
        if route:
            parts.append(Content.assemble(("Route: ", "bold"), lit(route)))
        if guide:
            parts.append(lit(guide, "italic"))
        if channel == self.recommended:
            parts.append(Content.styled("(the channel the advice recommends)", "dim"))
        if channel == self.current:
            parts.append(Content.styled("(the channel you were on)", "dim"))
        self.query_one("#channel-guide", Static).update(Content("\n").join(parts))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _route(company: Company | None, channel: str) -> str | None:
    """The company's routes for `channel` from its directory entry (the team or line to ask
    for included), in one line."""
    if company is None:
        return None
    from ..advice.channels import routes_line
    return routes_line(company, channel) or None


DUE_PLACEHOLDER = PROMISE_BY_NAME["due_at"].placeholder


def ask_fields() -> ComposeResult:
    """What they asked you to do, and by when (saved as a commitment of yours)."""
    yield field("asked", "They asked me to", Input(placeholder="e.g. send the receipt"))
    yield field("asked_due", "By when", DateInput(kind="due", placeholder=DUE_PLACEHOLDER),
                "no date: the advice gives it the playbook's default wait")


def milestone_field(value: str | None = None) -> Widget:
    """The registry's milestone field, blank for neither, in the dossier's words."""
    f = CONTACT_BY_NAME["milestone"]
    return field(f.key, f.label, select(
        f.choices, value, blank=True, prompt="neither", labels=MILESTONE_TEXT), f.hint)


class FinishContactScreen(ModalScreen[bool]):
    """How did it end? With `promised`, what and by when; below (Tab), what they asked of
    you and whether this was your formal complaint or their final response. `submit(values)`
    saves (awaited); a ValidationError keeps the dialog open with the message beside the
    field."""

    BINDINGS = [Binding("escape", "cancel", "Back to the contact", id="finish_contact.cancel"),
                Binding("ctrl+s", "submit", "Save", id="finish_contact.submit", priority=True)]

    def __init__(self, submit: Callable[[dict], Awaitable[None]]) -> None:
        super().__init__()
        self.submit = submit
        self.outcome: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="finish-dialog", can_focus=False):
            yield Static(Content.styled("How did it end?", "bold"))
            yield OptionList(*(Option(Content.assemble(
                o.replace("_", " "), ("  progress" if o in PROGRESS_OUTCOMES else "  dead end",
                                      "dim")), id=o) for o in OUTCOMES), id="outcomes")
            with Vertical(id="promise-fields"):
                yield field("promise", "What did they promise?", Input())
                yield field("promise_due", "By when", DateInput(
                    kind="due", placeholder=DUE_PLACEHOLDER))
            yield from ask_fields()
            yield milestone_field()
            yield Static("", id="err-form", classes="field-error")
            yield Static(Content.styled("Enter picks · Tab: what they asked, "
                                        "milestone · ctrl+s saves · Esc back", "dim"))

    def on_mount(self) -> None:
        self.query_one("#promise-fields").display = False
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.outcome = event.option.id
        if self.outcome == "promised":
            self.query_one("#promise-fields").display = True
            self.query_one("#promise", Input).focus()
        else:
            self.action_submit()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        following = {"promise": "#promise_due", "asked": "#asked_due"}.get(event.input.id or "")
        if following:
            self.query_one(following, Input).focus()
        else:
            self.action_submit()

    def _text(self, name: str) -> str | None:
        return self.query_one(f"#{name}", Input).value or None

    def action_submit(self) -> None:
        if self.outcome is None:
            self.outcome = self.query_one(OptionList).highlighted_option.id
        milestone = self.query_one("#milestone", Select).value
        values = {"outcome": self.outcome, "promise": None, "promise_due": None,
                  "asked": self._text("asked"), "asked_due": self._text("asked_due"),
                  "milestone": None if milestone is Select.NULL else str(milestone)}
        if self.outcome == "promised":
            values["promise"] = self._text("promise")
            values["promise_due"] = self._text("promise_due")
        clear_errors(self)
        if self.outcome == "promised" and not values["promise"]:
            show_error(self, "promise", "say what they promised (and by when)")
            self.query_one("#promise").focus()
            return
        self._submit(values)

    @work(exclusive=True, group="finish-contact")
    async def _submit(self, values: dict) -> None:
        try:
            await self.submit(values)
        except ValidationError as exc:
            target = show_error(self, exc.field, exc.message)
            if target.id != "err-form":
                self.query_one(f"#{target.id.removeprefix('err-')}").focus()
            return
        except StoreError as exc:
            show_error(self, "form", str(exc))
            return
        if self.is_current:     # dismiss() pops the top screen, whichever it is
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
