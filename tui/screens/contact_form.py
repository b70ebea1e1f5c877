"""Log a contact after the fact (back-dating allowed), edit one, and add a promise or an ask
(what the company asked of you)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Checkbox, Input, Select, Static

from ..store import Interaction, ValidationError
from ..store import times
from ..store import validate as v
from ..store.fields import CONTACT_BY_NAME, CONTACT_SHOWN, Field
from ..widgets.date_input import DateInput
from .dialogs import DUE_PLACEHOLDER, ask_fields, milestone_field
from ..widgets.forms import field, select
from .form import FormScreen, Write
from ..widgets.suggest import agent_suggester
from ..widgets.plain_text_area import PlainTextArea
from ..widgets.text import lit, local

# Shown fields the form reads on its own: the start is typed in local time, and the store
# takes channel and outcome before the rest.
OWN_VALUES = ("channel", "outcome", "started_at")
# What to fill in first: what kind of contact and how it ended, then when, then who; a
# field the registry adds comes after these.
_FIRST = ("channel", "outcome", "started_at", "hold_seconds", "direction", "agent", "agent_id",
          "reference", "transcript_ref", "milestone", "notes")
FORM_ORDER = (*(f for name in _FIRST if (f := CONTACT_BY_NAME[name]).shown),
              *(f for f in CONTACT_SHOWN if f.name not in _FIRST))


class ContactForm(FormScreen):
    """Every field of a contact. New: `log_interaction`; existing: `edit_interaction`."""

    TITLE = "Log a contact"

    def __init__(self, case_id: int, interaction: Interaction | None = None) -> None:
        super().__init__()
        self.case_id, self.interaction = case_id, interaction
        self.company = None     # with its routes, read after the form shows
        if interaction:
            self.TITLE = "Edit the contact"

    def fields(self) -> ComposeResult:
        i = self.interaction
        start = local(i.started_at) if i else self.app.now().astimezone()
        length = ""
        if i and i.ended_at:
            length = times.format_duration(int((local(i.ended_at) - start).total_seconds()))
        for f in FORM_ORDER:
            if f.name == "milestone":
                if i is None:   # a promise and an ask come with a new contact
                    yield field("promise", "What they promised", Input(placeholder="if anything"))
                    yield field("promise_due", "Promised by", DateInput(
                        kind="due", placeholder=DUE_PLACEHOLDER))
                    yield from ask_fields()
                yield milestone_field(i.milestone if i else None)
                continue
            yield field(f.key, f.label, self._input(f, start), f.hint)
            if f.name == "channel":
                yield Static("", id="channel-route", classes="field-hint")
            elif f.name == "started_at":
                yield field("duration", "How long", Input(length, placeholder="25m, 1h10m"))

    def _input(self, f: Field, start):
        """The widget for one field of the registry, holding the contact's value."""
        value = getattr(self.interaction, f.name) if self.interaction else None
        if f.choices:
            return select(f.choices, value or f.suggested or f.default, labels=dict(f.labels))
        if f.name == "started_at":
            return DateInput(start.strftime("%Y-%m-%d %H:%M"), kind="at")
        if f.kind == "seconds":
            return Input(times.format_duration(value) if value else "",
                         placeholder=f.placeholder)
        if f.multiline:
            return PlainTextArea(value or "", soft_wrap=True)
        suggester = agent_suggester(self.app, lambda: None) if f.name == "agent" else None
        return Input(value or "", placeholder=f.placeholder, suggester=suggester)

    def on_mount(self) -> None:   # FormScreen's runs after it (Textual calls each class's)
        # Its hint is mounted with the rest: the read waits for them, so that its thread
        # does not take turns with the first frame.
        self.when_whole(self.load_company)

    @work(exclusive=True, group="contact-company")
    async def load_company(self) -> None:
        """The case's company with its routes, for the hint under the channel."""
        case_id = self.case_id
        self.company = await self.app.read(
            lambda s: s.get_company(s.get_case(case_id).company_id))
        self._show_route()

    @on(Select.Changed, "#channel")
    def _show_route(self) -> None:
        if not self.whole:      # the hint under the channel is mounted with the rest
            self.when_whole(self._show_route)
            return
        from ..advice.channels import routes_line
        company = self.company
        hint = self.query_one("#channel-route", Static)
        line = routes_line(company, self.value("channel")) if company else ""
        hint.update(Content.assemble(("reach them: ", "dim"), lit(line, "dim bold"))
                    if line else "")
        hint.display = bool(line)

    def save(self) -> Write:
        outcome = self.value("outcome")
        if outcome is None:
            raise ValidationError("outcome", "choose what came of the contact")
        channel = self.value("channel")
        if channel is None:
            raise ValidationError("channel", "choose the channel")
        texts = {f.name: self.value(f.key) for f in CONTACT_SHOWN if f.name not in OWN_VALUES}
        started = self.value("started_at")
        case_id = self.case_id
        if self.interaction is None:
            given = {name: self.value(name) for name in (
                "duration", "promise", "promise_due", "asked", "asked_due")}
            return lambda s: s.log_interaction(case_id, channel, outcome, started_at=started,
                                               **given, **texts).id
        start_iso = v.parse_when("at", started, now=self.app.now())
        seconds = v.parse_duration("duration", self.value("duration"))
        ended = times.add(start_iso, seconds) if self.value("duration") else None
        contact_id = self.interaction.id
        edits = dict(channel=channel, outcome=outcome, started_at=start_iso,
                     ended_at=ended or self.interaction.ended_at, **texts)

        def edit(store) -> int:
            store.edit_interaction(contact_id, **edits)
            return contact_id
        return edit


class PromiseForm(FormScreen):
    """A promise they made, or (ticked) something they asked of you: party "me"."""

    TITLE = "Add a promise or an ask"

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id

    def fields(self) -> ComposeResult:
        yield field("promise", "What they promised", Input())
        yield field("promise_due", "By when", DateInput(kind="due", placeholder=DUE_PLACEHOLDER),
                    "a bare date means by the end of that day")
        yield field("mine", "Who has to act", Checkbox("they asked me (it is my move)"),
                    "ticked: you owe them this (documents, a reply)")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        label = "What they asked of me" if event.value else "What they promised"
        self.query_one("#field-promise .field-label").update(label)
        self.dirty = True

    def save(self) -> Write:
        case_id, what, due = self.case_id, self.value("promise") or "", self.value("promise_due")
        party = "me" if self.query_one("#mine", Checkbox).value else "company"
        return lambda s: s.add_promise(case_id, what, due, party=party).id

    def show_error(self, field_name: str, message: str) -> None:
        super().show_error("promise" if field_name == "asked" else field_name, message)


class SnoozeForm(FormScreen):
    """"They said 10 working days": quiet the case's findings until a date."""

    TITLE = "Snooze this case's findings"

    def __init__(self, case_id: int, until: str | None = None) -> None:
        super().__init__()
        self.case_id, self.until = case_id, until

    def fields(self) -> ComposeResult:
        current = local(self.until).strftime("%Y-%m-%d") if self.until else ""
        yield field("until", "Until", DateInput(
            current, kind="due", placeholder=DUE_PLACEHOLDER),
                    "findings stay visible but stop counting; empty wakes the case now")

    def save(self) -> Write:
        case_id, until = self.case_id, self.value("until")
        return lambda s: s.snooze(case_id, until).id
