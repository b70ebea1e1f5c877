"""A date or time input that shows, on a line under it, what it understood ("= Fri 2026-11-27
23:59") or why it cannot, updated as you type. Every date input in the forms is one of these,
so the preview and the save read the text through the same store function and clock."""

from __future__ import annotations

from datetime import date

from textual.content import Content
from textual.widgets import Input, Static

from ..store import ValidationError
from ..store import times
from ..store import validate as v
from ..store.when import WEEKDAYS

# kind -> (a calendar day rather than a moment, a deadline rather than something that happened)
KINDS = {"at": (False, False), "due": (False, True), "day": (True, False),
         "due_day": (True, True)}


def understood(kind: str, text: str, now, field: str = "date") -> str:
    """'= Fri 2026-11-27 23:59' for what `text` means at `now`; '' for blank text. Raises
    ValidationError as saving would."""
    if not text.strip():
        return ""
    calendar_day, deadline = KINDS[kind]
    if calendar_day:
        day = date.fromisoformat(v.parse_date(field, text, now=now, ahead=deadline))
        return f"= {_weekday(day)} {day.isoformat()}"
    moment = times.from_iso(v.parse_when(field, text, now=now, end_of_day=deadline)).astimezone()
    return f"= {_weekday(moment.date())} {moment.strftime('%Y-%m-%d %H:%M')}"


def _weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()][:3].title()   # not strftime: the same in every locale


class DateInput(Input):
    """`kind`: "at" (when something happened: a day alone is its start), "due" (a deadline:
    a day alone is its end, a weekday looks ahead), "day" / "due_day" (a calendar day, looking
    back / ahead). `field()` places `preview` under the input."""

    def __init__(self, value: str = "", *, kind: str = "at", **kwargs) -> None:
        super().__init__(value, **kwargs)
        self.kind = kind
        self.preview = Static("", classes="field-hint field-preview")
        self.preview.display = False

    def on_mount(self) -> None:
        self.show_preview()

    def on_input_changed(self) -> None:
        self.show_preview()   # the message still bubbles to the form, which marks it dirty

    def show_preview(self) -> None:
        try:
            line = Content.styled(understood(self.kind, self.value, self.app.now(),
                                             self.id or "date"), "dim")
        except ValidationError as exc:
            line = Content.styled(exc.message, "$text-error")
        self.preview.update(line)
        self.preview.display = bool(line.plain)
