"""The form that adds or edits a company: its name, your account number with them, routes
(one line each: kind, purpose, label, value, hours), policy windows as people write them, and
notes; errors on their line."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Select, Static

from ..store import ValidationError
from ..store.companies import CompanyChanges
from ..store.policies import EXAMPLE, parse_policy, policy_text
from ..store.records import ROUTE_KINDS, ROUTE_PURPOSES, Company, Policy, Route
from ..widgets.forms import field, select
from .form import FormScreen, Write
from ..widgets.plain_text_area import PlainTextArea


class RouteRow(Vertical):
    """One route: kind, purpose, label, value, hours; ✕ removes it."""

    def __init__(self, n: int, route: Route | None = None) -> None:
        super().__init__(classes="route-row", id=f"route-{n}")
        self.n, self.original = n, route

    def compose(self) -> ComposeResult:
        r = self.original
        with Horizontal(classes="row-line"):
            kind = select(ROUTE_KINDS, r.kind if r else "phone")
            kind.compact, kind.id = True, f"route_{self.n}_kind"
            kind.add_class("route-kind")
            yield kind
            purpose = select(ROUTE_PURPOSES, r.purpose if r else "support")
            purpose.compact, purpose.id = True, f"route_{self.n}_purpose"
            purpose.add_class("route-purpose")
            yield purpose
            yield Input(r.label or "" if r else "", placeholder="label", compact=True,
                        id=f"route_{self.n}_label", classes="route-label")
            yield Input(r.value if r else "", placeholder="number, URL, address",
                        compact=True, id=f"route_{self.n}_value", classes="route-value")
            yield Input(r.hours or "" if r else "", placeholder="hours", compact=True,
                        id=f"route_{self.n}_hours", classes="route-hours")
            yield Button("✕", id=f"route_{self.n}_remove", classes="row-remove", compact=True)
        yield Static("", id=f"err-route_{self.n}", classes="field-error")

    def values(self) -> dict:
        def text(part: str) -> str | None:
            value = self.query_one(f"#route_{self.n}_{part}", Input).value.strip()
            return value or None

        def chosen(part: str) -> str:
            return str(self.query_one(f"#route_{self.n}_{part}", Select).value)
        return {"kind": chosen("kind"), "purpose": chosen("purpose"), "label": text("label"),
                "value": text("value"), "hours": text("hours")}


class PolicyRow(Vertical):
    """One policy window as people write it, and where it was read; ✕ removes it."""

    def __init__(self, n: int, policy: Policy | None = None) -> None:
        super().__init__(classes="policy-row", id=f"policy-{n}")
        self.n, self.original = n, policy

    def compose(self) -> ComposeResult:
        p = self.original
        with Horizontal(classes="row-line"):
            yield Input(policy_text(p.name, p.days, p.unit, p.starts) if p else "",
                        placeholder=EXAMPLE, compact=True, id=f"policy_{self.n}_text",
                        classes="policy-text")
            yield Input(p.source or "" if p else "", placeholder="source: URL or where read",
                        compact=True, id=f"policy_{self.n}_source", classes="policy-source")
            yield Button("✕", id=f"policy_{self.n}_remove", classes="row-remove", compact=True)
        yield Static("", id=f"err-policy_{self.n}", classes="field-error")

    def text(self) -> str:
        return self.query_one(f"#policy_{self.n}_text", Input).value

    def source(self) -> str | None:
        return self.query_one(f"#policy_{self.n}_source", Input).value.strip() or None


class CompanyForm(FormScreen):
    """Add a company, or edit one: its name, routes, policy windows and notes, in one save.
    Dismissed with the company's name."""

    TITLE = "New company"
    BINDINGS = [Binding("ctrl+r", "add_route", "Add route", id="company_form.add_route"),
                Binding("ctrl+o", "add_policy", "Add policy", id="company_form.add_policy")]

    def __init__(self, company: Company | None, *, name: str = "") -> None:
        super().__init__()
        self.company, self.typed_name = company, name
        self._rows = 0
        if company:
            self.TITLE = "Edit the company"

    def fields(self) -> ComposeResult:
        c = self.company
        yield field("name", "Name", Input(c.name if c else self.typed_name))
        yield field("account", "Account", Input(c.account or "" if c else "",
                                                placeholder="your account or customer number"))
        yield Static(Content.assemble(("Routes", "bold"), ("  kind · purpose · label · "
                                                           "value · hours", "dim")),
                     classes="form-section")
        with Vertical(id="route-rows"):
            for r in (c.routes if c else ()):
                yield RouteRow(self._next(), r)
            if not c or not c.routes:
                yield RouteRow(self._next())
        yield Button("+ route (ctrl+r)", id="add-route", compact=True, classes="add-row")
        yield Static(Content.assemble(("Policy windows", "bold"),
                                      (f"  NAME: N days from EVENT, e.g. {EXAMPLE}", "dim")),
                     classes="form-section")
        with Vertical(id="policy-rows"):
            for p in (c.policies if c else ()):
                yield PolicyRow(self._next(), p)
            if not c or not c.policies:
                yield PolicyRow(self._next())
        yield Button("+ policy (ctrl+o)", id="add-policy", compact=True, classes="add-row")
        yield field("notes", "Notes", PlainTextArea(c.notes or "" if c else "", soft_wrap=True))

    def _next(self) -> int:
        self._rows += 1
        return self._rows

    # -- rows ----------------------------------------------------------------------------
    def action_add_route(self) -> None:
        self.when_whole(self._add_route)

    def _add_route(self) -> None:
        row = RouteRow(self._next())
        self.query_one("#route-rows").mount(row)
        self.dirty = True
        self.call_after_refresh(self._focus_row, f"#route_{row.n}_value")

    def action_add_policy(self) -> None:
        self.when_whole(self._add_policy)

    def _add_policy(self) -> None:
        row = PolicyRow(self._next())
        self.query_one("#policy-rows").mount(row)
        self.dirty = True
        self.call_after_refresh(self._focus_row, f"#policy_{row.n}_text")

    def _focus_row(self, selector: str) -> None:
        found = self.query(selector)
        if found:
            found.first().focus()
            self.query_one("#form-fields").scroll_to_widget(found.first())

    @on(Button.Pressed, "#add-route")
    def _add_route_pressed(self) -> None:
        self.action_add_route()

    @on(Button.Pressed, "#add-policy")
    def _add_policy_pressed(self) -> None:
        self.action_add_policy()

    @on(Button.Pressed, ".row-remove")
    def _remove_pressed(self, event: Button.Pressed) -> None:
        row = next(a for a in event.button.ancestors if isinstance(a, (RouteRow, PolicyRow)))
        row.remove()
        self.dirty = True

    # -- saving --------------------------------------------------------------------------
    def save(self) -> Write:
        name = self.value("name")
        if name is None:
            raise ValidationError("name", "give the company's name")
        changes = CompanyChanges(notes=self.value("notes"), set_notes=True,
                                 account=self.value("account"), set_account=True)
        self._route_changes(changes)
        self._policy_changes(changes)
        if self.company is None:
            return lambda s: s.add_company(name, changes).name
        if name.strip() != self.company.name:
            changes.name = name
        company_id = self.company.id
        return lambda s: s.edit_company(company_id, changes).name

    def _route_changes(self, ch: CompanyChanges) -> None:
        """Unchanged routes stay as they are; a changed one is updated in place (its uid
        kept) unless its kind, purpose or label changed; removed ones go."""
        kept: set[int] = set()
        seen: dict[tuple, int] = {}
        for row in self.query(RouteRow):
            new, old = row.values(), row.original
            if old is None and not any(new[k] for k in ("label", "value", "hours")):
                continue    # a blank line left over
            if not new["value"]:
                raise ValidationError(f"route_{row.n}", "give the number, address or URL "
                                                        "(or ✕ to remove the line)")
            ident = (new["kind"], new["purpose"], (new["label"] or "").casefold())
            if ident in seen:
                raise ValidationError(f"route_{row.n}", f"another {new['kind']} route has "
                                      "the same purpose and label; give this one a label "
                                      "(e.g. billing)")
            seen[ident] = row.n
            if old is None:
                ch.routes.append(new)
                continue
            kept.add(old.id)
            before = {"kind": old.kind, "purpose": old.purpose, "label": old.label,
                      "value": old.value, "hours": old.hours}
            if new == before:
                continue
            same = (old.kind, old.purpose, old.label) == (new["kind"], new["purpose"],
                                                          new["label"])
            if same and not (old.hours and not new["hours"]):
                ch.routes.append(new)
            else:           # the store finds a route by kind, purpose and label
                ch.remove.append(str(old.id))
                ch.routes.append({**new, "note": old.note})
        ch.remove += [str(r.id) for r in (self.company.routes if self.company else ())
                      if r.id not in kept]

    def _policy_changes(self, ch: CompanyChanges) -> None:
        kept: set[int] = set()
        seen: set[str] = set()
        for row in self.query(PolicyRow):
            old, text, source = row.original, row.text(), row.source()
            if old is None and not text.strip() and not source:
                continue
            parsed = parse_policy(text, f"policy_{row.n}")
            if parsed.name.casefold() in seen:
                raise ValidationError(f"policy_{row.n}", f"two policies are called "
                                      f"{parsed.name!r}; give each its own name")
            seen.add(parsed.name.casefold())
            fields = {**parsed._asdict(), "source": source}
            if old is None:
                ch.policies.append(fields)
                continue
            kept.add(old.id)
            if (old.name, old.days, old.unit, old.starts, old.source) == (*parsed, source):
                continue
            if old.name.casefold() != parsed.name.casefold():
                ch.remove_policies.append(old.name)
            fields["note"] = old.note
            if source == old.source:
                fields["read_on"] = old.read_on   # a new source is read today
            ch.policies.append(fields)
        ch.remove_policies += [p.name for p in (self.company.policies if self.company else ())
                               if p.id not in kept]
