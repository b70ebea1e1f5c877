"""Parsing and validation of user input: vocabulary, durations, times, amounts, card masking.

Everything here is pure so the CLI, the forms and the import share one set of rules.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation

from .errors import ValidationError

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
                raise ValidationError(field, f"{value!r} is not a duration; write e.g. 25m, 1h10m, 90s")
            h, mi, se = (int(g or 0) for g in m.groups())
            seconds = h * 3600 + mi * 60 + se
    if seconds < 0:
        raise ValidationError(field, "must not be negative")
    if seconds > 7 * 24 * 3600:
        raise ValidationError(field, "is longer than a week; check the value")
    return seconds


def format_duration(seconds: int | None) -> str:
    if not seconds:
        return "0m"
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h}h" if h else "", f"{m}m" if m else "", f"{s}s" if s and not h else ""]
    return "".join(parts) or "0m"


def to_iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_when(field: str, value: str | datetime | None, *, end_of_day: bool = False) -> str | None:
    """An ISO date or datetime -> ISO UTC text. Naive values are local time.

    A bare date means the start of that day, or its last second with `end_of_day`
    (a promise "by Friday" is kept until Friday is over)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        s = value.strip()
        try:
            if len(s) == 10:
                d = date.fromisoformat(s)
                dt = datetime.combine(d, time(23, 59, 59) if end_of_day else time(0, 0))
            else:
                dt = datetime.fromisoformat(s.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            raise ValidationError(field, f"{value!r} is not a date; write 2026-11-25 or "
                                         "2026-11-25T14:30") from None
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        raise ValidationError(field, f"year {dt.year} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    if dt.tzinfo is None:
        dt = dt.astimezone()  # local time
    return to_iso(dt)


def parse_date(field: str, value: str | None) -> str | None:
    """A calendar date (purchased, delivered, due) -> 'YYYY-MM-DD'."""
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    try:
        d = date.fromisoformat(s[:10]) if len(s) >= 10 else date.fromisoformat(s)
    except ValueError:
        raise ValidationError(field, f"{value!r} is not a date; write 2026-11-25") from None
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise ValidationError(field, f"year {d.year} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    return d.isoformat()


def parse_amount(field: str, value: str | int | float | Decimal | None) -> str | None:
    """A money amount -> an exact decimal string ('129.99'); stored as text so nothing rounds."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    s = str(value).strip().replace(",", "")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise ValidationError(field, f"{value!r} is not an amount; write e.g. 129.99") from None
    if not d.is_finite():
        raise ValidationError(field, f"{value!r} is not an amount; write e.g. 129.99")
    if d < 0:
        raise ValidationError(field, "must not be negative")
    if d.adjusted() > 15:
        raise ValidationError(field, "is too large (more than 16 digits before the point)")
    return format(d, "f")


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


# Card numbers: 13-19 digits, contiguous or in the printed groupings (4-4-4-4[-3], 4-6-5),
# starting 2-6 like every major scheme, and passing Luhn. Other digit runs (order numbers
# such as 112-1234567-1234567) are left alone.
_CARD = re.compile(
    r"(?<![\d])(?:[2-6]\d{12,18}"
    r"|[2-6]\d{3}(?:[ -]\d{4}){3}(?:[ -]\d{3})?"
    r"|3\d{3}[ -]\d{6}[ -]\d{5})(?![\d])")
_CVV = re.compile(r"\b(cvv2?|cvc2?|csc|security code)(\s*[:#=]?\s*)(\d{3,4})\b", re.IGNORECASE)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def mask_cards(value: str) -> str:
    """Mask payment-card numbers to their last four digits and drop security codes."""
    def card(m: re.Match) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            return f"•••• {digits[-4:]}"
        return m.group(0)

    value = _CARD.sub(card, value) if any(c.isdigit() for c in value) else value
    return _CVV.sub(lambda m: f"{m.group(1)}{m.group(2)}***", value)


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def add(iso: str, seconds: int) -> str:
    return to_iso(from_iso(iso) + timedelta(seconds=seconds))


def local_time(iso: str | None, *, seconds: bool = False) -> str:
    """ISO UTC text -> local 'YYYY-MM-DD HH:MM' for people; '' for None."""
    if not iso:
        return ""
    dt = from_iso(iso).astimezone()
    return dt.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
