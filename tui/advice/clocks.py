"""Deadline clocks: the rules pack (tui/rules/*.toml), the user's rules.toml and the
jurisdictions chosen in config.toml, and the clocks running on a case's dates.

Pure: no SQL, no Textual. A clock counts from the local day of a case event; its end is the
end of its last local day; working days skip Saturday and Sunday; a month is a calendar month
(31 Jan + 1 month = the last day of February).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..store import records
from ..store.errors import ValidationError
from ..store.facts import REFUND
from ..store.policies import start_of, unit_of
from ..store.times import from_iso, to_iso
from ..store.when import add_months, add_working_days
from .clock_records import GUIDANCE, Applies, Clock, ClockInstance, Source
from .playbook import ConfigError, default_playbook

__all__ = ["GUIDANCE", "Applies", "Clock", "ClockInstance", "Rules", "Source", "case_clocks",
           "case_dates", "clock_instances", "end_day", "pack_clocks",
           "parse_clocks"]

KINDS = ("closes", "opens")
CLOCK_PARTIES = ("me", "company")
DEFAULT_JURISDICTIONS = ("card",)   # card-network rules hold wherever you pay by card
RULES_FILE = "rules.toml"
PERIOD_EXAMPLES = '"60 days", "10 working days", "8 weeks", "6 months"'


# -- counting --------------------------------------------------------------------------------
def end_day(clock: Clock, start: date) -> date:
    """The last day of `clock` counted from the local day `start`."""
    n = clock.days
    if clock.unit == "working_days":
        last = add_working_days(start, n)
    elif clock.unit == "months":
        last = add_months(start, n)
    else:
        last = start + timedelta(days=n * (7 if clock.unit == "weeks" else 1))
    while clock.roll and last.weekday() >= 5:
        last += timedelta(days=1)
    return last


def clock_instances(case_dates: Mapping[str, str | None], clocks: Iterable[Clock],
                    now: datetime, *, case_id: int | None = None, category: str | None = None,
                    want: str | None = None, channels: Iterable[str] = (),
                    company: str | None = None, warn_days: int = 5) -> list[ClockInstance]:
    """Each enabled clock that applies to the case and has one of its start events in
    `case_dates` (event -> ISO date or date-time), soonest end first. Within `warn_days` of
    its last day a clock is "closing" (or "opening")."""
    channels = tuple(channels)
    today = now.astimezone().date()
    out = []
    for clock in clocks:
        if not clock.enabled or not clock.applies.to(category, want, channels, company):
            continue
        starts = [_moment(case_dates[s]) for s in clock.starts if case_dates.get(s)]
        if not starts:
            continue
        start = min(starts)
        ends = _end_of_day(end_day(clock, start.date()))
        if clock.kind == "opens":
            sooner = [_moment(case_dates[s]) for s in clock.sooner_on if case_dates.get(s)]
            ends = min([ends, *sooner])
        days_left = (ends.date() - today).days
        out.append(ClockInstance(clock, case_id, to_iso(start), to_iso(ends), days_left,
                                 _state(clock.kind, ends, days_left, now, warn_days)))
    return sorted(out, key=lambda i: (i.ends_at, i.clock.key))




def case_dates(detail: records.CaseDetail) -> dict[str, str]:
    """The CLOCK_STARTS events a case has (event -> ISO date or date-time), read as the
    vocabulary defines them."""
    case = detail.case
    marked = [(i.milestone, i.started_at) for i in detail.interactions if i.milestone]
    complaints = [at for m, at in marked if m == "formal_complaint"]
    finals = [at for m, at in marked if m == "final_response"]
    # A promise made in a contact dates from that contact, not from when it was typed in.
    made = {i.id: i.started_at for i in detail.interactions}
    theirs = [(made.get(p.interaction_id) or p.created_at, p) for p in detail.promises
              if p.party == "company"]
    refunds = [at for at, p in theirs if at and REFUND.search(p.text)] or (
        [at for at, p in theirs if at and p.status == "pending"] if case.want == "refund"
        else [])
    found = {"purchased": case.purchased_on, "delivered": case.delivered_on,
             "opened": case.opened_at, "statement": case.statement_on,
             "cancelled": case.cancelled_on,
             "formal_complaint": min(complaints, default=None),
             "final_response": max(finals, default=None),
             "refund_promise": min(refunds, default=None),
             "due": case.due_on}
    return {event: value for event, value in found.items() if value}


def case_clocks(detail: records.CaseDetail, clocks: Iterable[Clock], now: datetime, *,
                warn_days: int = 5) -> list[ClockInstance]:
    """The clocks running on one case: `clocks` (what is in force) and its company's own
    policy windows."""
    company = detail.company
    policies = [Clock.from_policy(p, company.name) for p in company.policies] if company else []
    return clock_instances(case_dates(detail), [*clocks, *policies], now,
                           case_id=detail.case.id, category=detail.case.category,
                           want=detail.case.want,
                           channels={i.channel for i in detail.interactions},
                           company=company.name if company else detail.case.company,
                           warn_days=warn_days)


def clock_rows(detail: records.CaseDetail, clocks: Iterable[Clock],
               now: datetime) -> list[tuple[str, str, str, str, str]]:
    """The clocks that applied to a case as the dossier and the letters list them: name,
    period and start, last day, state, and the source with when it was read."""
    return [(i.clock.name, f"{i.clock.period} from "
             + " or ".join(s.replace("_", " ") for s in i.clock.starts),
             i.last_day, i.state, i.clock.source.text
             + (f", read {i.clock.read_on}" if i.clock.read_on else ""))
            for i in case_clocks(detail, clocks, now)]


def _state(kind: str, ends: datetime, days_left: int, now: datetime, warn: int) -> str:
    past = now >= ends
    if kind == "closes":
        return "closed" if past else "closing" if days_left <= warn else "open"
    return "open" if past else "opening" if days_left <= warn else "waiting"


def _moment(value: str) -> datetime:
    """An ISO date (the start of that local day) or date-time (naive: local) -> aware local."""
    value = str(value).strip()
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(0, 0)).astimezone()
    moment = from_iso(value)
    return moment.astimezone()


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59)).astimezone()


# -- reading the pack and the user's file -------------------------------------------------------
_REQUIRED = ("key", "name", "jurisdiction", "starts", "period", "kind", "action", "source")
_OPTIONAL = ("read_on", "party", "rung", "applies", "note", "roll", "sooner_on", "enabled")


def parse_clocks(text: str, path: Path | str, *, origin: str,
                 base: Mapping[str, Clock] | None = None) -> list[Clock]:
    """The `[[clock]]` tables of a rules file. With `base`, a table whose key is already
    there changes only the fields it gives; anything unusable raises ConfigError naming the
    file and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"is not valid TOML ({exc})") from None
    extra = sorted(set(data) - {"clock"})
    if extra:
        raise ConfigError(path, f"unknown key {extra[0]!r}; a rules file holds only "
                                "[[clock]] tables", extra[0])
    tables = data.get("clock", [])
    if not isinstance(tables, list):
        raise ConfigError(path, "clock must be written [[clock]], one table per clock", "clock")
    base = base or {}
    seen: set[str] = set()
    out = []
    for n, table in enumerate(tables, 1):
        key = table.get("key")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9_.:-]+", key):
            raise ConfigError(path, f"clock {n}: key must be a word of a-z, 0-9 and _ "
                                    f"(got {key!r})", "key")
        if key in seen:
            raise ConfigError(path, f"clock {key!r} is given twice", key)
        seen.add(key)
        out.append(_clock(path, table, base.get(key), origin))
    return out


def _clock(path, table: dict, old: Clock | None, origin: str) -> Clock:
    key = table["key"]
    where = f"clock {key!r}"
    unknown = sorted(set(table) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ConfigError(path, f"{where}: unknown key {unknown[0]!r}; known keys: "
                                f"{', '.join(_REQUIRED + _OPTIONAL)}", unknown[0])
    if old is None:
        missing = [k for k in _REQUIRED if k not in table]
        if missing:
            raise ConfigError(path, f"{where}: {missing[0]} is missing (a new clock needs "
                                    f"{', '.join(_REQUIRED)})", missing[0])
    values: dict[str, Any] = {"origin": origin if old is None else "changed",
                              "opted_in": origin == "user" and (
                                  old is None or table.get("enabled") is True)}
    for name, value in table.items():
        if name != "key":
            values.update(_field(path, where, name, value))
    if old is not None:
        return replace(old, **values)
    return Clock(key=key, **values)


def _field(path, where: str, name: str, value: Any) -> dict[str, Any]:
    def bad(expected: str):
        return ConfigError(path, f"{where}: {name} = {value!r} is not usable; {expected}", name)

    if name in ("name", "jurisdiction", "action", "note"):
        if not isinstance(value, str) or not value.strip():
            raise bad("write some text")
        return {name: value.strip()}
    if name == "period":
        count, _, unit = str(value).strip().partition(" ")
        try:
            if not isinstance(value, str) or not re.fullmatch(r"[1-9]\d{0,3}", count):
                raise ValidationError(name, "no count")
            return {"days": int(count), "unit": unit_of(unit, name)}
        except ValidationError:
            raise bad(f"write a number and a unit: {PERIOD_EXAMPLES}") from None
    if name in ("starts", "sooner_on"):
        events = [value] if isinstance(value, str) else value
        try:
            if not isinstance(events, list) or (not events and name == "starts"):
                raise ValidationError(name, "no events")
            return {name: tuple(dict.fromkeys(start_of(str(e), name) for e in events))}
        except ValidationError:
            raise bad(f"use one or more of: {', '.join(records.CLOCK_STARTS)}") from None
    if name in ("kind", "party", "rung"):
        allowed = {"kind": KINDS, "party": CLOCK_PARTIES,
                   "rung": tuple(default_playbook().ladder)}[name]
        if value not in allowed:
            raise bad(f"use one of: {', '.join(allowed)}")
        return {name: value}
    if name in ("roll", "enabled"):
        if not isinstance(value, bool):
            raise bad("write true or false")
        return {name: value}
    if name == "read_on":
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise bad("write a date, 2026-12-01") from None
        return {name: day.isoformat()}
    if name == "source":
        source = value if isinstance(value, dict) else {}
        if (set(source) - {"title", "url", "cite"} or not isinstance(source.get("title"), str)
                or not all(isinstance(v, str) for v in source.values())):
            raise bad('write { title = "...", url = "...", cite = "..." } (url and cite '
                      'optional)')
        return {name: Source(source["title"], source.get("url"), source.get("cite"))}
    if name == "applies":
        return {name: _applies(bad, value)}
    raise AssertionError(name)


def _applies(bad, value: Any) -> Applies:
    vocabulary = {"categories": records.CATEGORIES, "wants": records.WANTS,
                  "channels": records.CHANNELS, "companies": None}
    if not isinstance(value, dict) or set(value) - set(vocabulary):
        raise bad(f"write a table of {', '.join(vocabulary)}")
    out = {}
    for name, words in value.items():
        allowed = vocabulary[name]
        if (not isinstance(words, list) or not all(isinstance(w, str) for w in words)
                or (allowed and any(w not in allowed for w in words))):
            raise bad(f"{name} is a list" + (f" of: {', '.join(allowed)}" if allowed else
                                              " of names"))
        out[name] = tuple(words)
    return Applies(**out)


@cache
def pack_clocks() -> tuple[Clock, ...]:
    """Every shipped clock, from the package's tui/rules/*.toml in name order."""
    folder = resources.files("tui").joinpath("rules")
    out: list[Clock] = []
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if item.name.endswith(".toml"):
            out.extend(parse_clocks(item.read_text(encoding="utf-8"), f"tui/rules/{item.name}",
                                    origin="pack"))
    return tuple(out)


@dataclass(frozen=True)
class Rules:
    """What is in force: every known clock, the jurisdictions chosen and where they came from."""

    clocks: tuple[Clock, ...]
    jurisdictions: tuple[str, ...] = DEFAULT_JURISDICTIONS
    config_path: Path | None = None
    user_path: Path | None = None       # the rules.toml read, if there was one
    chosen: bool = False                # whether config.toml set the jurisdictions

    def in_force(self, clock: Clock) -> bool:
        """A clock the user's rules.toml adds or switches on is in force whatever the
        jurisdictions."""
        return clock.enabled and (clock.opted_in or clock.jurisdiction.casefold() in
                                  {j.casefold() for j in self.jurisdictions})

    @property
    def active(self) -> tuple[Clock, ...]:
        return tuple(c for c in self.clocks if self.in_force(c))

    def why_not(self, clock: Clock) -> str | None:
        if self.in_force(clock):
            return None
        if not clock.enabled and clock.origin == "pack":
            return f"opt-in: set enabled = true for it in {RULES_FILE}"
        if not clock.enabled:
            return f"switched off in {RULES_FILE} (enabled = false)"
        return f"jurisdiction {clock.jurisdiction} not chosen in config.toml [rules]"


def rules_of(playbook) -> Rules:
    """The clocks in force that `playbook` was loaded with (settings.load_playbook reads them
    with its config); the pack's alone for the default playbook."""
    return playbook.rules if playbook.rules is not None else Rules(pack_clocks())


def rules_in_force(config_path: Path, table: dict) -> Rules:
    """The pack, config.toml's `[rules]` table (checked: rules_table) and the rules.toml
    beside it; anything unusable raises ConfigError (settings.load_rules reads the file)."""
    clocks = {c.key: c for c in pack_clocks()}
    user_path = config_path.with_name(RULES_FILE)
    text = _read(user_path)
    if text is not None:
        for clock in parse_clocks(text, user_path, origin="user", base=clocks):
            clocks[clock.key] = clock
    else:
        user_path = None
    chosen = "jurisdictions" in table
    jurisdictions = _jurisdictions(config_path, table, clocks.values()) if chosen else \
        DEFAULT_JURISDICTIONS
    return Rules(tuple(clocks.values()), jurisdictions, config_path, user_path, chosen)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot be read ({exc})") from None


def rules_table(path: Path, config: Mapping) -> dict:
    """The [rules] table of an already parsed config, its keys checked."""
    table = config.get("rules", {})
    if not isinstance(table, dict):
        raise ConfigError(path, "[rules] must be a table of settings", "rules")
    for key in table:
        if key != "jurisdictions":
            raise ConfigError(path, f"unknown key {key!r} in [rules]; known keys: "
                                    "jurisdictions", key)
    return table


def _jurisdictions(path: Path, table: dict, clocks: Iterable[Clock]) -> tuple[str, ...]:
    value = table["jurisdictions"]
    known = sorted({c.jurisdiction for c in clocks}, key=str.casefold)
    if not isinstance(value, list) or not all(isinstance(j, str) for j in value):
        raise ConfigError(path, f"[rules] jurisdictions must be a list such as "
                                f"[\"UK\", \"EU\"]; known: {', '.join(known)}", "jurisdictions")
    folded = {k.casefold(): k for k in known}
    for given in value:
        if given.casefold() not in folded:
            raise ConfigError(path, f"[rules] jurisdictions: unknown jurisdiction {given!r}; "
                                    f"known: {', '.join(known)}", "jurisdictions")
    return tuple(dict.fromkeys(folded[j.casefold()] for j in value))
