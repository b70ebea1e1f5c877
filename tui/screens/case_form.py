"""Open a case or edit one: company (autocompleted), title, category, what you want,
references (added and removed as kind:value), dates, amount, seller, notes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ..store import CaseDetail, ValidationError
from ..store import validate as v
from ..store.fields import CASE_SHOWN, Field
from ..widgets.date_input import DateInput
from ..store.case_edit import edit_case
from ..widgets.forms import clear_errors, field, select
from .form import FormScreen, Write
from ..widgets.suggest import company_suggester
from ..widgets.plain_text_area import PlainTextArea
from ..widgets.text import lit

TEXT_FIELDS = tuple(f.name for f in CASE_SHOWN if f.kind != "choice")
REFS_AFTER = "want"   # the references come after what you want, before the dates
DATE_KINDS = {"date": "day", "due_date": "due_day"}


class RefList(OptionList):
    """The case's references; Delete or Backspace removes the highlighted one."""

    BINDINGS = [Binding("delete", "remove", "Remove reference", id="case_form.remove"),
                Binding("backspace", "remove", "Remove reference", id="case_form.remove",
                        show=False)]

    def on_mount(self) -> None:
        self.sync_focusable()

    def sync_focusable(self) -> None:
        """An empty list is no tab stop: Tab goes straight to the input that adds one."""
        self.can_focus = self.option_count > 0

    def action_remove(self) -> None:
        if self.highlighted is not None:
            self.remove_option_at_index(self.highlighted)
            self.screen.dirty = True
            self.sync_focusable()
            if not self.can_focus:
                self.screen.query_one("#ref-new").focus()


class CaseForm(FormScreen):
    TITLE = "Open a case"

    def __init__(self, case_id: int | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        if case_id is not None:
            self.TITLE = "Edit the case"

    def compose(self) -> ComposeResult:
        if self.case_id is not None and self.detail is None:
            # A bounded read: one case and its references.
            self.detail = self.app.store.get_detail(self.case_id)
        yield from super().compose()

    def fields(self) -> ComposeResult:
        case = self.detail.case if self.detail else None
        yield field("company", "Company", Input(case.company if case else "",
                                                suggester=company_suggester(self.app),
                                                placeholder="who you are dealing with"),
                    "→ accepts the suggestion")
        for f in CASE_SHOWN:
            yield field(f.name, f.label, self._input(f, case))
            if f.name == REFS_AFTER:
                yield from self._ref_fields()

    def _input(self, f: Field, case):
        """The widget for one field of the registry, holding the case's value."""
        value = getattr(case, f.name) if case else None
        if f.choices:
            return select(f.choices, value or (f.suggested or f.default))
        if f.multiline:
            return PlainTextArea(value or "", soft_wrap=True)
        if f.kind in DATE_KINDS:
            return DateInput(value or "", kind=DATE_KINDS[f.kind], placeholder=f.placeholder)
        return Input(value or "", placeholder=f.placeholder)

    def _ref_fields(self) -> ComposeResult:
        yield field("refs", "References", RefList(*(
            Option(lit(f"{r.kind}: {r.value}"), id=f"{r.kind}:{r.value}")
            for r in (self.detail.refs if self.detail else ()))))
        yield field("ref-new", "Add a reference", Input(
            placeholder="kind:value, e.g. order:112-3345"),
            "Enter adds it; Delete removes the highlighted one above")

    def on_mount(self) -> None:   # FormScreen's runs after it (Textual calls each class's)
        self.query_one("#company", Input).focus()

    @on(Input.Submitted, "#ref-new")
    def _add_ref(self, event: Input.Submitted) -> None:
        event.stop()
        clear_errors(self)
        if not event.value.strip():
            return
        try:
            kind, value = v.parse_ref(event.value)
        except ValidationError as exc:
            self.show_error("refs", exc.message)
            self.query_one("#ref-new").focus()
            return
        self._append_ref(kind, value)
        event.input.value = ""

    def _append_ref(self, kind: str, value: str) -> None:
        refs, key = self.query_one(RefList), f"{kind}:{value}"
        if not _has(refs, key):
            refs.add_option(Option(lit(f"{kind}: {value}"), id=key))
            refs.sync_focusable()

    def changed_case(self, result: int) -> int:
        return result

    def refs(self) -> list[tuple[str, str]]:
        refs = self.query_one(RefList)
        out = []
        for index in range(refs.option_count):
            kind, _, value = (refs.get_option_at_index(index).id or "").partition(":")
            out.append((kind, value))
        return out

    def save(self) -> Write:
        pending = self.query_one("#ref-new", Input).value
        if pending.strip():  # typed but not added yet: add it rather than drop it
            self._append_ref(*v.parse_ref(pending))
            self.query_one("#ref-new", Input).value = ""
        fields = {name: self.value(name) for name in TEXT_FIELDS}
        fields["category"] = self.value("category")
        fields["want"] = self.value("want")
        company = self.value("company")
        if not company:
            raise ValidationError("company", "must not be empty")
        title = fields.pop("title") or ""
        refs, case_id = self.refs(), self.case_id
        if case_id is None:
            return lambda s: s.create_case(company, title, refs=refs, **fields).id
        # Only the references changed here: another program's additions meanwhile stay.
        before = {(r.kind, r.value) for r in self.detail.refs} if self.detail else set()
        added = [ref for ref in refs if ref not in before]
        removed = sorted(before - set(refs))
        return lambda s: edit_case(s, case_id, add_refs=added, remove_refs=removed,
                                   company=company, title=title, **fields).id


def _has(options: OptionList, key: str) -> bool:
    try:
        options.get_option_index(key)
    except Exception:  # noqa: BLE001 - OptionDoesNotExist across Textual versions
        return False
    return True
