"""The vocabulary and the typed records the store hands to the advice layer, the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field, make_dataclass

from .fields import CASE
from .vocab import (  # noqa: F401 - the vocabulary, re-exported with the records
    ACTIVE_STATUSES, CATEGORIES, CHANNELS, CLOCK_STARTS, DEAD_END_OUTCOMES, DIRECTIONS,
    MILESTONES, OUTCOMES, PARTIES, POLICY_UNITS, PROGRESS_OUTCOMES, PROMISE_STATUSES,
    REF_KINDS, ROUTE_KINDS, ROUTE_PURPOSES, STATUSES, WANTS)


@dataclass(frozen=True, slots=True)
class Route:
    """One way to reach a company: a phone line, a chat page, an address, an ombudsman."""

    id: int
    uid: str
    company_id: int
    kind: str                       # ROUTE_KINDS
    value: str                      # the number, URL, address or e-mail
    purpose: str = "support"        # ROUTE_PURPOSES
    label: str | None = None
    hours: str | None = None
    note: str | None = None
    position: int = 0


@dataclass(frozen=True, slots=True)
class Policy:
    """A company's own window: `name: days unit from starts` (return: 30 days from delivered)."""

    id: int
    uid: str
    company_id: int
    name: str
    days: int                       # how many `unit`s
    unit: str                       # POLICY_UNITS
    starts: str                     # CLOCK_STARTS
    note: str | None = None
    source: str | None = None       # a URL or where it was read
    read_on: str | None = None      # YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    uid: str
    name: str
    notes: str | None = None
    advice_rev: int = 0             # bumped when what the advice reads of it changes
    account: str | None = None      # your account or customer number with them
    routes: tuple[Route, ...] = ()  # in their order (position, id)
    policies: tuple[Policy, ...] = ()

    def route(self, kind: str, purpose: str = "support") -> Route | None:
        """The first route of this kind and purpose."""
        return next((r for r in self.routes if r.kind == kind and r.purpose == purpose), None)

    def _value(self, kind: str) -> str | None:
        found = self.route(kind)
        return found.value if found else None

    # What callers read before routes were kept: the first support route of each kind.
    @property
    def phone(self) -> str | None:
        return self._value("phone")

    @property
    def chat_url(self) -> str | None:
        return self._value("chat")

    @property
    def email(self) -> str | None:
        return self._value("email")

    @property
    def hours(self) -> str | None:
        found = self.route("phone")
        return found.hours if found else next((r.hours for r in self.routes if r.hours), None)


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
    milestone: str | None = None   # formal_complaint | final_response (MILESTONES)

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
    party: str = "company"          # company: they promised; me: they asked you (PARTIES)
    settled_at: str | None = None   # when it last became kept or broken


# A case: its id, uid and company, then every field of the registry (fields.py) with its
# default, then the counters the triggers keep; made from the registry so a new field is
# declared there once.
Case = make_dataclass("Case", [
    ("id", int), ("uid", str), ("company", str), ("title", str),
    *((f.name, "str | None", dc_field(default=f.default)) for f in CASE if f.name != "title"),
    ("last_activity_at", str, dc_field(default="")), ("contacts", int, dc_field(default=0)),
    ("company_id", int, dc_field(default=0))], frozen=True, slots=True)
Case.__module__ = __name__   # so a Case pickles (sent between processes) and prints as ours


@dataclass(frozen=True, slots=True)
class Attachment:
    """An evidence file kept with a case (and maybe one of its contacts): its bytes live
    once, by SHA-256, in the evidence folder beside the notebook (attachments.py)."""

    id: int
    uid: str
    case_id: int
    interaction_id: int | None
    sha256: str                     # 64 hex digits: the file's name in the evidence folder
    name: str                       # the original file name
    size: int                       # bytes
    type: str                       # a MIME type
    note: str | None = None
    origin: str = "attached"        # attached | mail | original (ORIGINS in attachments.py)
    added_at: str = ""              # ISO UTC


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """A case with everything the case screen, the brief and the advice need."""

    case: Case
    refs: tuple[Ref, ...] = ()
    interactions: tuple[Interaction, ...] = ()   # oldest first
    promises: tuple[Promise, ...] = ()
    company: Company | None = None
    attachments: tuple[Attachment, ...] = ()   # added_at, id order


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
