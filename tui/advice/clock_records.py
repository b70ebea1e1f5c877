"""The records of the deadline clocks: a clock (from the rules pack, the user's rules.toml or
a company's policy), its source, which cases it is for, and a clock running on one case."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any, Iterable

from ..store.times import from_iso

GUIDANCE = "Guidance, not legal advice"


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str | None = None
    cite: str | None = None     # the statute or rule, where no URL can be stood behind

    @property
    def text(self) -> str:
        return (self.title + (f", {self.cite}" if self.cite else "")
                + (f" ({self.url})" if self.url else ""))


@dataclass(frozen=True, slots=True)
class Applies:
    """Which cases a clock is for; an empty filter means every case."""

    categories: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()     # compared without case

    def to(self, category: str | None, want: str | None, channels: Iterable[str],
           company: str | None) -> bool:
        if not (self.categories or self.wants or self.channels or self.companies):
            return True
        companies = {c.casefold() for c in self.companies}
        return ((not self.categories or category in self.categories)
                and (not self.wants or want in self.wants)
                and (not self.channels or bool(set(self.channels) & set(channels)))
                and (not companies or (company or "").casefold() in companies))

    def as_dict(self) -> dict[str, list[str]]:
        return {f.name: list(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name)}


@dataclass(frozen=True, slots=True)
class Clock:
    key: str
    name: str
    jurisdiction: str           # "US", "UK", "EU", "card"; "company" for a company policy
    starts: tuple[str, ...]     # CLOCK_STARTS; with two, from the earlier the case has
    days: int
    unit: str                   # UNITS
    kind: str                   # "closes": act before it ends; "opens": a door after it
    action: str
    source: Source
    read_on: str | None = None  # ISO date the source was read
    party: str = "me"           # who must act before it closes: "me" or "company"
    rung: str | None = None     # the ladder rung it unlocks
    applies: Applies = field(default_factory=Applies)
    note: str | None = None
    roll: bool = False          # a last day on Saturday or Sunday moves to the Monday
    sooner_on: tuple[str, ...] = ()   # events that open an "opens" door at once
    enabled: bool = True
    origin: str = "pack"        # "pack", "user" (new in rules.toml), "changed" or "policy"
    opted_in: bool = False      # rules.toml added it or set enabled = true: whatever the
                                # jurisdictions

    @property
    def period(self) -> str:
        word = self.unit.replace("_", " ")
        return f"{self.days} {word[:-1] if self.days == 1 else word}"

    @property
    def starts_text(self) -> str:
        words = " or ".join(s.replace("_", " ") for s in self.starts)
        return words + (" (the earlier)" if len(self.starts) > 1 else "")

    @property
    def guidance(self) -> str:
        """The one line every output that shows this clock carries."""
        read = f", read {self.read_on}" if self.read_on else ""
        return f"{GUIDANCE}: {self.source.text}{read}"

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "jurisdiction": self.jurisdiction,
                "starts": list(self.starts), "period": {"days": self.days, "unit": self.unit},
                "period_text": self.period, "kind": self.kind, "party": self.party,
                "action": self.action, "rung": self.rung, "applies": self.applies.as_dict(),
                "note": self.note, "roll": self.roll, "sooner_on": list(self.sooner_on),
                "enabled": self.enabled, "origin": self.origin, "opted_in": self.opted_in,
                "source": {"title": self.source.title, "url": self.source.url,
                           "cite": self.source.cite},
                "read_on": self.read_on, "guidance": self.guidance}

    @classmethod
    def from_policy(cls, policy: Any, company: str) -> Clock:
        """A company's policy window (name, days, unit, starts, note, source, read_on) as a
        clock of the same shape, so the deadline rule reads one list."""
        where = policy.source or "your notes"
        url = where if re.match(r"^https?://", where) else None
        return cls(key=f"policy:{policy.uid}", name=f"{company}: {policy.name}",
                   jurisdiction="company", starts=(policy.starts,), days=policy.days,
                   unit=policy.unit, kind="closes", party="me",
                   action=f"Ask {company} under its {policy.name} policy before the window "
                          "closes.",
                   source=Source(f"{company}'s {policy.name} policy",
                                 url=url, cite=None if url else where),
                   read_on=policy.read_on, note=policy.note,
                   applies=Applies(companies=(company,)), origin="policy")


@dataclass(frozen=True, slots=True)
class ClockInstance:
    """A clock running on one case: from its start to the end of its last local day."""

    clock: Clock
    case_id: int | None
    starts_at: str      # ISO UTC: the event it counts from
    ends_at: str        # ISO UTC: the end of the last local day (an "opens" door: when it opens)
    days_left: int      # from today's local date to the last day; negative once past
    state: str          # closes: open, closing, closed; opens: waiting, opening, open

    @property
    def kind(self) -> str:
        return self.clock.kind

    @property
    def last_day(self) -> str:
        """The local day the clock ends (or its door opens)."""
        moment = from_iso(self.ends_at)
        return moment.astimezone().date().isoformat()

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.clock.key, "case_id": self.case_id, "starts_at": self.starts_at,
                "ends_at": self.ends_at, "last_day": self.last_day, "kind": self.kind,
                "days_left": self.days_left, "state": self.state,
                "guidance": self.clock.guidance}
