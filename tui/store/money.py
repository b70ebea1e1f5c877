"""Amounts as people write them: 129,99 · 1.299,00 · 1,299.00 · 1 299,00 · €129.99 ·
129.99 EUR · EUR 129.99 · $1,299 -> an exact decimal and the currency written, if any.

The separator written last is the decimal point when both kinds appear; one separator
followed by exactly three digits (1,299 or 1.299) could be either and is refused, except a
comma after a currency that writes decimals with a dot ($1,299 is 1299). Pure, no SQL.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from .cards import has_card
from .errors import ValidationError

# Symbols and the ISO code each means; the longest are tried first so C$ is not read as $.
SYMBOLS = {"US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD",
           "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "R$": "BRL", "MX$": "MXN", "$": "USD",
           "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY",
           "₪": "ILS", "₴": "UAH", "₱": "PHP", "₦": "NGN", "฿": "THB", "₫": "VND", "zł": "PLN"}
# A bare symbol shared by several currencies agrees with any of them (a "$" in the amount
# and --currency CAD do not conflict).
SHARED = {"$": {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"}, "¥": {"JPY", "CNY"}}
# Currencies written with a decimal point and comma thousands, so "$1,299" is 1299.
DOT_DECIMAL = {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "GBP", "JPY", "CNY", "INR",
               "KRW", "PHP", "NGN", "THB", "ILS"}
GROUPING = " \u00a0\u202f'’"   # space, no-break space, narrow no-break space, apostrophes
EXAMPLES = "129.99, 129,99, 1.299,00, 1,299.00, €129.99 or 129.99 EUR"

_CANONICAL = re.compile(r"\d+(?:\.\d+)?")   # how amounts are stored (and exported)
_NUMBER = re.compile(rf"[\d.,{GROUPING}]*\d[\d.,{GROUPING}]*")
_CODE_BEFORE = re.compile(r"([A-Za-z]{3})(?=[\s\d.,])")
_CODE_AFTER = re.compile(r"(?<=[\s\d.,])([A-Za-z]{3})$")


class Money(NamedTuple):
    amount: str                 # exact decimal text, '1299.00'
    currency: str | None        # the ISO code written (or meant by the symbol), else None
    written: str | None         # the symbol or code as typed, for agreement checks


def parse_money(field: str, value: str | int | float | Decimal, *,
                stored: bool = False) -> Money:
    """Parse one amount. With `stored`, a plain dotted decimal (the stored and exported
    form, as in an import file) is taken as it is, so '1.299' there is one point two nine
    nine; what a person types gets the ambiguity check."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Money(_finish(field, value, Decimal(str(value))), None, None)
    raw = str(value).strip()
    if stored and _CANONICAL.fullmatch(raw):
        return Money(_finish(field, value, Decimal(raw)), None, None)
    rest, written = _strip_currency(field, value, raw)
    if rest.startswith(("-", "−")):
        raise ValidationError(field, "must not be negative")
    if not _NUMBER.fullmatch(rest):
        raise ValidationError(field, f"{value!r} is not an amount; write e.g. {EXAMPLES}")
    code = None if written is None else SYMBOLS.get(written, written.upper())
    number = _number(field, value, rest, comma_thousands=code in DOT_DECIMAL)
    return Money(_finish(field, value, number), code, written)


def agrees(money: Money, currency: str) -> bool:
    """Whether the currency written in the amount and a currency given separately agree."""
    if money.written is None:
        return True
    return currency == money.currency or currency in SHARED.get(money.written, ())


def currency_code(value: str) -> str:
    """'eur' -> 'EUR', '€' -> 'EUR'; anything else as typed, upper-cased (at most 8)."""
    value = value.strip()
    return SYMBOLS.get(value, value.upper())[:8]


def _strip_currency(field: str, value, s: str) -> tuple[str, str | None]:
    """Split off one currency symbol or three-letter code, before or after the number."""
    if s.startswith(("-", "−")):
        rest, written = _strip_currency(field, value, s[1:].lstrip())
        return "-" + rest, written
    found: list[str] = []
    for symbol in sorted(SYMBOLS, key=len, reverse=True):
        if s.startswith(symbol):
            found.append(symbol)
            s = s[len(symbol):]
            break
    else:
        m = _CODE_BEFORE.match(s)
        if m:
            found.append(m[1])
            s = s[3:]
    for symbol in sorted(SYMBOLS, key=len, reverse=True):
        if s.endswith(symbol):
            found.append(symbol)
            s = s[:-len(symbol)]
            break
    else:
        m = _CODE_AFTER.search(s)
        if m:
            found.append(m[1])
            s = s[:-3]
    if len(found) > 1:
        raise ValidationError(field, f"{value!r} names a currency twice; write it once, "
                                     "e.g. €129.99 or 129.99 EUR")
    return s.strip(), (found[0] if found else None)


def _number(field: str, value, s: str, *, comma_thousands: bool) -> Decimal:
    marks = [c for c in s if c in ".,"]
    decimal_mark = group_mark = None
    if len(set(marks)) == 2:
        decimal_mark = marks[-1]
        group_mark = "," if decimal_mark == "." else "."
        if marks.count(decimal_mark) > 1:
            raise _not_an_amount(field, value)
    elif len(marks) > 1:
        group_mark = marks[0]
    elif marks:
        mark = marks[0]
        before, after = s.split(mark)
        if len(after) != 3 or any(c in GROUPING for c in before) \
                or before.strip(GROUPING).lstrip("0") == "" or len(before) > 3:
            decimal_mark = mark   # 129,99 / 0,299 / 1299,000 / 1 299,000: only a decimal
        elif mark == "," and comma_thousands:
            group_mark = ","
        else:
            i = before
            raise ValidationError(
                field, f"{value!r} is ambiguous (a thousands separator or a decimal point?); "
                       f"write {i}{after} or {i}.{after},00 or {i},{after}.00")
    whole, _, fraction = s.rpartition(decimal_mark) if decimal_mark else (s, "", "")
    if not fraction.isdigit() and fraction != "":
        raise _not_an_amount(field, value)
    whole = _ungroup(field, value, whole, group_mark)
    return Decimal(f"{whole or '0'}.{fraction or '0'}") if fraction else Decimal(whole or "0")


def _ungroup(field: str, value, whole: str, group_mark: str | None) -> str:
    """'1.299.000' -> '1299000', checking that thousands come in groups of three."""
    used = {c for c in whole if c in GROUPING or c == group_mark}
    if not used:
        if not whole.isdigit() and whole != "":
            raise _not_an_amount(field, value)
        return whole
    if len(used) > 1:
        raise _not_an_amount(field, value)
    mark = used.pop()
    if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", whole):
        raise ValidationError(field, f"{value!r} is not an amount: thousands go in groups of "
                                     "three, e.g. 1.299.000,00 or 1 299 000")
    return whole.replace(mark, "")


def _not_an_amount(field: str, value) -> ValidationError:
    return ValidationError(field, f"{value!r} is not an amount; write e.g. {EXAMPLES}")


def _finish(field: str, value, d: Decimal) -> str:
    if not d.is_finite():
        raise _not_an_amount(field, value)
    if d < 0:
        raise ValidationError(field, "must not be negative")
    if d.adjusted() > 15:
        raise ValidationError(field, "is too large (more than 16 digits before the point)")
    if d.adjusted() >= 12 and has_card(str(int(d))):  # amounts are not card-masked text
        raise ValidationError(field, "looks like a payment-card number; write the amount")
    return format(d, "f")
