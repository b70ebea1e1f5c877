"""The vocabulary and the typed records the store hands to the advice layer, the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("phone", "chat", "email", "copilot", "forum", "seller", "social", "in_person",
            "letter", "other")
OUTCOMES = ("resolved", "promised", "escalated", "info", "transferred", "no_progress",
            "disconnected", "refused", "restarted")
PROGRESS_OUTCOMES = frozenset(("resolved", "promised", "escalated", "info"))
DEAD_END_OUTCOMES = frozenset(("transferred", "no_progress", "disconnected", "refused",
                               "restarted"))
STATUSES = ("open", "waiting", "resolved", "abandoned")
ACTIVE_STATUSES = frozenset(("open", "waiting"))
CATEGORIES = ("missing_package", "late_delivery", "damaged", "not_as_described", "refund",
              "price_change", "subscription", "billing", "shipping", "product_question",
              "policy", "technical", "account", "other")
WANTS = ("refund", "replacement", "explanation", "change", "repair", "credit", "other")
REF_KINDS = ("order", "ticket", "claim", "return", "chat", "other")
DIRECTIONS = ("out", "in")
PROMISE_STATUSES = ("pending", "kept", "broken")


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    uid: str
    name: str
    phone: str | None = None
    chat_url: str | None = None
    email: str | None = None
    hours: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Ref:
    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class Interaction:
    id: int
    uid: str
    case_id: int
    channel: str
    started_at: str            # ISO UTC
    direction: str = "out"
    agent: str | None = None
    agent_id: str | None = None
    ended_at: str | None = None
    hold_seconds: int = 0
    outcome: str | None = None  # None while the contact is live
    reference: str | None = None
    transcript_ref: str | None = None
    notes: str | None = None
    has_transcript: bool = False

    @property
    def live(self) -> bool:
        return self.outcome is None

    @property
    def dead_end(self) -> bool:
        return self.outcome in DEAD_END_OUTCOMES

    @property
    def progress(self) -> bool:
        return self.outcome in PROGRESS_OUTCOMES


@dataclass(frozen=True, slots=True)
class Promise:
    id: int
    uid: str
    case_id: int
    text: str
    status: str = "pending"
    due_at: str | None = None       # ISO UTC
    interaction_id: int | None = None
    created_at: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    uid: str
    company: str
    title: str
    status: str = "open"
    category: str = "other"
    want: str = "other"
    seller: str | None = None
    opened_at: str = ""
    closed_at: str | None = None
    purchased_on: str | None = None
    delivered_on: str | None = None
    due_on: str | None = None
    amount: str | None = None
    currency: str | None = None
    notes: str | None = None
    snoozed_until: str | None = None
    last_activity_at: str = ""
    contacts: int = 0
    company_id: int = 0


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """A case with everything the case screen, the brief and the advice need."""

    case: Case
    refs: tuple[Ref, ...] = ()
    interactions: tuple[Interaction, ...] = ()   # oldest first
    promises: tuple[Promise, ...] = ()
    company: Company | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    case_id: int
    case_title: str
    company: str
    status: str
    interaction_id: int | None   # None when the hit is the case itself
    when: str | None             # the interaction's start, or the case's last activity
    snippet: str                 # matched words wrapped in MARK_START / MARK_END
    rank: float = 0.0


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a keyset-paged listing; `after` feeds the next call."""

    items: tuple = ()
    after: tuple | None = None
