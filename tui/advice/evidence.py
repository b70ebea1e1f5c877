"""What the full wording of a case cites beyond its facts: its finished contacts (agent,
date, reference, direction) and its references (the order number). Plain values, read
from the store by `explain` in one batch per page, or from a CaseDetail by `assess`."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store.facts import ContactFact
from ..store.records import Ref
from .words import agent_label, day, parens


@dataclass(frozen=True, slots=True)
class Evidence:
    contacts: tuple[ContactFact, ...] = ()      # finished contacts, oldest first
    refs: tuple[Ref, ...] = ()
    by_id: dict = field(default_factory=dict)   # contact id -> ContactFact

    @classmethod
    def of(cls, contacts: tuple[ContactFact, ...], refs: tuple[Ref, ...]) -> Evidence:
        return cls(tuple(contacts), tuple(refs), {c.id: c for c in contacts})

    def contact(self, contact_id: int | None) -> ContactFact | None:
        return self.by_id.get(contact_id) if contact_id is not None else None

    def last(self, n: int = 1) -> tuple[ContactFact, ...]:
        return self.contacts[-n:] if n > 0 else ()

    @property
    def order(self) -> str | None:
        """'order 113-55' (or 'orders A, B') when the case holds an order number."""
        orders = [r.value for r in self.refs if r.kind == "order"]
        if not orders:
            return None
        return f"{'orders' if len(orders) > 1 else 'order'} {', '.join(orders)}"

    def claim(self) -> str | None:
        """The case's claim or ticket number, for a complaint's reference."""
        return next((r.value for kind in ("claim", "ticket") for r in self.refs
                     if r.kind == kind), None)


def agent_of(c: ContactFact | None) -> str | None:
    return agent_label(c.agent, c.agent_id) if c is not None else None


def ref_of(c: ContactFact | None, order: str | None = None) -> str:
    """' (ref R-1, order 113-55)', or '' when there is neither."""
    return parens(f"ref {c.reference}" if c is not None and c.reference else None, order)


def asked_clause(x, ev: Evidence, who: str = "they") -> str:
    """'Priya asked for it on 2026-11-15 (ref R-1)': who asked for `x` (an ask), when, with
    the reference; `who` when the contact names no agent."""
    source = ev.contact(x.interaction_id)
    made = day(source.started_at if source is not None else x.created_at)
    return f"{agent_of(source) or who} asked for it on {made}{ref_of(source)}"


def asked_line(x, ev: Evidence, state: str) -> str:
    """'Priya asked you on 2026-11-15 (ref R-1) to "send the receipt": <state>'."""
    source = ev.contact(x.interaction_id)
    made = day(source.started_at if source is not None else x.created_at)
    who = agent_of(source) or "they"
    return f'{who} asked you on {made}{ref_of(source)} to "{x.text}": {state}'


def promise_clause(x, ev: Evidence, with_due: bool = True, order: str | None = None) -> str:
    """'Priya promised on 2026-11-15 to "refund the fee" by 2026-11-20 (ref R-1)'."""
    source = ev.contact(x.interaction_id)
    who = agent_of(source) or "they"
    made = day(source.started_at if source is not None else x.created_at)
    due = f" by {day(x.due_at)}" if with_due and x.due_at else ""
    return f'{who} promised on {made} to "{x.text}"{due}{ref_of(source, order)}'
