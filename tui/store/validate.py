"""Parsing and validation of user input: vocabulary, durations, times, amounts; text is
card-masked on the way in (the rule lives in cards.py).

Everything here is pure so the CLI, the forms and the import share one set of rules.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from . import when
from .cards import luhn_ok, mask_cards  # noqa: F401  (re-exported: callers import them here)
from .errors import ValidationError
from .times import to_iso
from .money import Money, parse_money  # noqa: F401 - re-exported for the callers

MAX_TEXT = 5_000_000      # characters in one field; a megabyte-long note is fine
MIN_YEAR, MAX_YEAR = 1970, 2200

_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$",
                       re.IGNORECASE)


def choice(field: str, value: str | None, allowed: tuple[str, ...]) -> str:
    v = (value or "").strip().lower().replace("-", "_")
    if v not in allowed:
        raise ValidationError(field, f"unknown value {value!r}; use one of: {', '.join(allowed)}")
    return v


def text(field: str, value: str | None, required: bool = False) -> str | None:
    """Normalise a text field: None for blank optional values; cards masked; NUL refused."""
    if value is None or not str(value).strip():
        if required:
            raise ValidationError(field, "must not be empty")
        return None
    value = str(value)
    if len(value) > MAX_TEXT:
        raise ValidationError(field, f"is {len(value):,} characters; the limit is {MAX_TEXT:,}")
    if "\x00" in value:
        raise ValidationError(field, "contains a NUL character; remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(field, "contains characters that are not valid Unicode text; "
                                     "retype or paste it again") from None
    return mask_cards(value)


def parse_duration(field: str, value: str | int | None) -> int:
    """'25m', '1h10m', '90s', '1h', '45' (minutes) -> seconds."""
    if value is None or value == "":
        return 0
    if isinstance(value, int):
        seconds = value
    else:
        s = str(value).strip()
        if s.isdigit():
            seconds = int(s) * 60
        else:
            m = _DURATION.match(s)
            if not m or not any(m.groups()):
                raise ValidationError(
                    field, f"{value!r} is not a duration; write e.g. 25m, 1h10m, 90s")
            h, mi, se = (int(g or 0) for g in m.groups())
            seconds = h * 3600 + mi * 60 + se
    if seconds < 0:
        raise ValidationError(field, "must not be negative")
    if seconds > 7 * 24 * 3600:
        raise ValidationError(field, "is longer than a week; check the value")
    return seconds


def parse_when(field: str, value: str | datetime | None, *, end_of_day: bool = False,
               now: datetime | None = None) -> str | None:
    """An ISO date or datetime -> ISO UTC text. Naive values are local time.

    A bare date means the start of that day, or its last second with `end_of_day`
    (a promise "by Friday" is kept until Friday is over). Given the clock's `now`, what
    people write is understood too (today, friday, +3d, in 10 working days: see when.py);
    without it (an import, --now itself) only ISO is."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        s = str(value).strip()
        try:
            if len(s) == 10:
                d = date.fromisoformat(s)
                dt = datetime.combine(d, time(23, 59, 59) if end_of_day else time(0, 0))
            else:
                dt = datetime.fromisoformat(s.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            dt = when.parse(s, now, end_of_day=end_of_day) if now is not None else None
            if dt is None:
                raise ValidationError(field, _not_a_date(
                    value, ("2026-11-25", "2026-11-25T14:30"), now)) from None
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        raise ValidationError(field, f"year {dt.year} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    if dt.tzinfo is None:
        dt = dt.astimezone()  # local time
    return to_iso(dt)


def parse_date(field: str, value: str | None, *, now: datetime | None = None,
               ahead: bool = False) -> str | None:
    """A calendar date (purchased, delivered, due) -> 'YYYY-MM-DD'. Given the clock's `now`,
    relative days too; a lone weekday looks `ahead` (a due date) or back (a purchase)."""
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    try:
        d = date.fromisoformat(s[:10]) if len(s) >= 10 else date.fromisoformat(s)
    except ValueError:
        d = when.day(s, now.astimezone().date(), ahead=ahead) if now is not None else None
        if d is None:
            raise ValidationError(field, _not_a_date(value, ("2026-11-25",), now)) from None
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise ValidationError(field, f"year {d.year} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    return d.isoformat()


def _not_a_date(value: object, iso: tuple[str, ...], now: datetime | None) -> str:
    forms = (*iso, *when.EXAMPLES) if now else iso
    return f"{value!r} is not a date; write " + (
        f"{', '.join(forms[:-1])} or {forms[-1]}" if len(forms) > 1 else forms[0])


def parse_amount(field: str, value: str | int | float | Decimal | None, *,
                 stored: bool = False) -> str | None:
    """A money amount as people write it -> an exact decimal string ('1299.00'); stored as
    text so nothing rounds. `parse_money` also returns the currency written in it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_money(field, value, stored=stored).amount


def parse_ref(value: str) -> tuple[str, str]:
    """'order:123-456' -> ('order', '123-456'); a bare value is kind 'other'."""
    kind, sep, rest = (value or "").partition(":")
    if sep and kind.strip().lower() in ("order", "ticket", "claim", "return", "chat", "other"):
        kind, val = kind.strip().lower(), rest.strip()
    else:
        kind, val = "other", (value or "").strip()
    if not val:
        raise ValidationError("ref", f"{value!r} has no value; write KIND:VALUE, e.g. order:112-33")
    return kind, text("ref", val, required=True)
