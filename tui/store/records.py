"""The vocabulary and the typed records the store hands to the advice layer, the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field, make_dataclass

from .fields import CASE, CONTACT, INTERACTION_ATTRS, KIND_TYPES, PROMISE, PROMISE_ATTRS, Field
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


def _attributes(fields) -> list[tuple]:
    """A record's attributes for the registry's `fields`: the required ones first (they
    have no default), then the others in the registry's order with theirs."""
    def kind(f: Field) -> str:
        return KIND_TYPES.get(f.kind, "str" if f.required else "str | None")
    return [*((f.name, kind(f)) for f in fields if f.required),
            *((f.name, kind(f), dc_field(default=f.default)) for f in fields if not f.required)]


def _outcome_test(words: frozenset):
    return property(lambda self: self.outcome in words)


# A contact: its ids, then every field of the registry (fields.CONTACT), then whether a
# transcript is kept with it.
Interaction = make_dataclass("Interaction", [
    ("id", int), ("uid", str), ("case_id", int), *_attributes(CONTACT),
    ("has_transcript", bool, dc_field(default=False))], frozen=True, slots=True, namespace={
    "live": property(lambda self: self.outcome is None, doc="No outcome yet: still going."),
    "dead_end": _outcome_test(DEAD_END_OUTCOMES),
    "progress": _outcome_test(PROGRESS_OUTCOMES)})
Interaction.__module__ = __name__
# A promise (party company: they promised) or an ask (party me: they asked it of you): its
# ids, then every field of the registry (fields.PROMISE).
Promise = make_dataclass("Promise", [("id", int), ("uid", str), ("case_id", int),
                                     *_attributes(PROMISE)], frozen=True, slots=True)
Promise.__module__ = __name__


def interaction_from_row(row) -> Interaction:
    """An Interaction from a row read by name (a tuple is a row of INTERACTION_SELECT)."""
    if not hasattr(row, "keys"):
        row = dict(zip(INTERACTION_ATTRS, row))
    values = {name: row[name] for name in INTERACTION_ATTRS}
    return Interaction(**{**values, "has_transcript": bool(values["has_transcript"])})


def promise_from_row(row) -> Promise:
    """A Promise from a row read by name (a tuple is a row of PROMISE_SELECT)."""
    if not hasattr(row, "keys"):
        return Promise(**dict(zip(PROMISE_ATTRS, row)))
    return Promise(**{name: row[name] for name in PROMISE_ATTRS})


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
