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
from ..store.records import CATEGORIES, WANTS
from ..widgets.date_input import DateInput
from ..widgets.forms import FormScreen, clear_errors, field, select
from ..widgets.suggest import company_suggester
from ..widgets.text import PlainTextArea, lit

TEXT_FIELDS = ("title", "seller", "purchased_on", "delivered_on", "due_on", "amount",
               "currency", "notes")


class RefList(OptionList):
    """The case's references; Delete or Backspace removes the highlighted one."""

    BINDINGS = [Binding("delete", "remove", "Remove reference"),
                Binding("backspace", "remove", "Remove reference", show=False)]

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
        text = {name: (getattr(case, name) or "") if case else "" for name in TEXT_FIELDS}
        yield field("company", "Company", Input(case.company if case else "",
                                                suggester=company_suggester(self.app),
                                                placeholder="who you are dealing with"),
                    "→ accepts the suggestion")
        yield field("title", "What is it about", Input(text["title"],
                                                       placeholder="package never arrived"))
        yield field("category", "Category", select(CATEGORIES, case.category if case
                                                   else "other"))
        yield field("want", "What you want", select(WANTS, case.want if case else "refund"))
        yield field("refs", "References", RefList(*(
            Option(lit(f"{r.kind}: {r.value}"), id=f"{r.kind}:{r.value}")
            for r in (self.detail.refs if self.detail else ()))))
        yield field("ref-new", "Add a reference", Input(
            placeholder="kind:value, e.g. order:112-3345"),
            "Enter adds it; Delete removes the highlighted one above")
        yield field("purchased_on", "Purchased on", DateInput(
            text["purchased_on"], kind="day", placeholder="YYYY-MM-DD, yesterday, fri"))
        yield field("delivered_on", "Delivered on", DateInput(
            text["delivered_on"], kind="day", placeholder="YYYY-MM-DD, yesterday, fri"))
        yield field("due_on", "Due on", DateInput(
            text["due_on"], kind="due_day", placeholder="YYYY-MM-DD, friday, in 2 weeks"))
        yield field("amount", "Amount", Input(text["amount"],
                                              placeholder="129.99, 129,99, €1.299,00"))
        yield field("currency", "Currency", Input(text["currency"], placeholder="EUR"))
        yield field("seller", "Third-party seller", Input(
            text["seller"], placeholder="when you did not buy from the shop itself"))
        yield field("notes", "Notes", PlainTextArea(text["notes"], soft_wrap=True))

    def on_mount(self) -> None:
        super().on_mount()
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

    def save(self) -> int:
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
        refs = self.refs()
        store = self.app.store
        if self.case_id is None:
            return store.create_case(company, title, refs=refs, **fields).id
        store.update_case(self.case_id, company=company, title=title, **fields)
        before = {(r.kind, r.value) for r in self.detail.refs} if self.detail else set()
        for kind, value in before - set(refs):
            store.remove_ref(self.case_id, kind, value)
        for kind, value in refs:
            if (kind, value) not in before:
                store.add_ref(self.case_id, kind, value)
        return self.case_id


def _has(options: OptionList, key: str) -> bool:
    try:
        options.get_option_index(key)
    except Exception:  # noqa: BLE001 - OptionDoesNotExist across Textual versions
        return False
    return True
