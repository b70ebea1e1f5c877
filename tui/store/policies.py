"""A company policy window written as people say it, parsed in one place:
"return: 30 days from delivered", "refund processing: 10 working days from the refund promise".
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .errors import ValidationError
from .records import CLOCK_STARTS, POLICY_UNITS
from .wording import plural

EXAMPLE = "return: 30 days from delivered"
FORM = f"NAME: N days from EVENT (e.g. {EXAMPLE!r})"
MAX_DAYS = 3660     # ten years of days: a window longer than that is a typo

# The natural spellings of each unit and event, lower case, after "the", "my" or "your".
UNITS = {
    "days": ("day", "days", "calendar day", "calendar days", "d"),
    "working_days": ("working day", "working days", "working_days", "business day",
                     "business days", "workday", "workdays", "weekday", "weekdays"),
    "weeks": ("week", "weeks", "w"),
    "months": ("month", "months", "calendar month", "calendar months"),
}
STARTS = {
    "purchased": ("purchased", "purchase", "purchase date", "bought", "buying", "order",
                  "ordered", "order date", "sale"),
    "delivered": ("delivered", "delivery", "delivery date", "receipt", "received", "arrival",
                  "arrived"),
    "opened": ("opened", "open", "opening", "case opened", "the case opened"),
    "statement": ("statement", "statement date", "card statement", "billing statement"),
    "cancelled": ("cancelled", "canceled", "cancellation", "cancelation", "cancel"),
    "formal_complaint": ("formal_complaint", "formal complaint", "complaint", "complained"),
    "final_response": ("final_response", "final response", "final reply", "final answer"),
    "refund_promise": ("refund_promise", "refund promise", "promised refund",
                       "refund promised", "promise of a refund"),
    "due": ("due", "due date", "due day"),
}
_UNIT_WORDS = {word: unit for unit, words in UNITS.items() for word in words}
_START_WORDS = {word: start for start, words in STARTS.items() for word in words}
_ARTICLES = re.compile(r"^(?:the|my|your|a|an)\s+", re.IGNORECASE)
_BODY = re.compile(r"^\s*(?P<n>\S+)\s+(?P<unit>.*?)\s+(?:from|after|of|since)\s+(?P<start>.+?)"
                   r"\s*$", re.IGNORECASE | re.DOTALL)

assert tuple(UNITS) == POLICY_UNITS and tuple(STARTS) == CLOCK_STARTS


class ParsedPolicy(NamedTuple):
    name: str
    days: int
    unit: str       # POLICY_UNITS
    starts: str     # CLOCK_STARTS


def _words(text: str) -> str:
    return " ".join(_ARTICLES.sub("", text.strip().lower()).replace("-", " ").split())


def unit_of(text: str, field: str = "policy") -> str:
    found = _UNIT_WORDS.get(_words(text)) or _UNIT_WORDS.get(text.strip().lower())
    if found is None:
        raise ValidationError(field, f"the unit {text.strip()!r} is not one we know; use days, "
                                     "working days, weeks or months")
    return found


def start_of(text: str, field: str = "policy") -> str:
    """The CLOCK_STARTS event `text` names ("delivery", "the refund promise")."""
    words = _words(text)
    found = _START_WORDS.get(words) or _START_WORDS.get(words.replace("_", " "))
    if found is None:
        raise ValidationError(field, f"{text.strip()!r} is not a date of the case we know; "
                                     f"use one of: {', '.join(CLOCK_STARTS)}")
    return found


def count_of(text: str, field: str = "policy") -> int:
    if not re.fullmatch(r"\d{1,6}", text.strip()):
        raise ValidationError(field, f"{text.strip()!r} is not a whole number of days; write "
                                     f"it in digits, as in {EXAMPLE!r}")
    n = int(text)
    if not 0 < n <= MAX_DAYS:
        raise ValidationError(field, f"{n} is out of range; a window is 1 to {MAX_DAYS} long")
    return n


def parse_policy(text: str | None, field: str = "policy") -> ParsedPolicy:
    """`NAME: N UNIT from EVENT` -> its parts; an error names the part that is wrong."""
    if text is None or not str(text).strip():
        raise ValidationError(field, f"is empty; write {FORM}")
    name, colon, body = str(text).partition(":")
    if not colon:
        raise ValidationError(field, f"{str(text).strip()!r} has no name before a colon; "
                                     f"write {FORM}")
    name = " ".join(name.split())
    if not name:
        raise ValidationError(field, f"the name before the colon is empty; write {FORM}")
    m = _BODY.match(body)
    if not m:
        raise ValidationError(field, f"{body.strip()!r} (after {name!r}) is not "
                                     f"'N days from EVENT'; write {FORM}")
    return ParsedPolicy(name, count_of(m["n"], field), unit_of(m["unit"], field),
                        start_of(m["start"], field))


UNIT_TEXT = {"days": ("day", "days"), "working_days": ("working day", "working days"),
             "weeks": ("week", "weeks"), "months": ("month", "months")}
START_TEXT = {"refund_promise": "the refund promise", "formal_complaint": "the formal complaint",
              "final_response": "the final response", "statement": "the statement",
              "due": "the due date"}


def policy_text(name: str, days: int, unit: str, starts: str) -> str:
    """The policy as people write it, which parse_policy reads back."""
    return f"{name}: {plural(days, *UNIT_TEXT[unit])} from {START_TEXT.get(starts, starts)}"
