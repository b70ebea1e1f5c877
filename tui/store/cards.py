"""Payment-card numbers and security codes: masked before anything is stored.

What counts as a card number
----------------------------
A *run* is a stretch of decimal digits (any script: ASCII, full-width, Arabic-Indic...)
in *groups*, joined by gaps of one to three separator characters: anything that is not a
letter or a digit (spaces of every kind, dots, dashes, slashes, underscores, line breaks),
except the list separators , ; | which part numbers rather than the groups of one.
Invisible format characters (zero-width spaces and joiners, U+2060, the BOM, soft hyphens,
bidirectional marks) are ignored wherever they are: they neither split nor join groups.

Within a run, a *card* is a sequence of whole groups, 13 to 19 digits passing Luhn, in one
of the layouts cards are written in:

- one contiguous group of 13-19 digits (not one glued to letters on both sides, or forming
  a 16/32/40/64-character hex word with them: uids, hashes and Message-IDs are not cards);
- 4-4-4-1, 4-4-4-2, 4-4-4-3, 4-4-4-4 and 4-4-4-4-3 (13 to 19 digits in fours);
- 4-6-4 (Diners) and 4-6-5 (Amex);
- a chain of single digits ("4 1 1 1 ..."): the whole chain, or 13-19 of them at its start
  or its end.

Any leading digit counts; a number of all zeros is no card. Every sub-span of a run that
fits a layout is tried, from the left, so digits before a card or a code after it never
hide it. A card becomes `•••• 1111` (its last four); up to three groups of four digits or
fewer after it in the same run (a security code, an expiry date) have their digits made
`*`, but not the first group of a longer number that follows (112-5550001-7654321).

What is kept: a contiguous run longer than 19 digits (a parcel number) is never a card,
and neither is a layout the schemes do not print. So Amazon orders (112-5550001-7654321:
groups of seven), phone numbers, dates, times, ISO timestamps, amounts and UPS numbers
are never masked. The price of finding cards written in fours anywhere in a run: a 20-22
digit number printed in fours (a USPS number "9400 1000 0000 0000 0000 00") fits the
layouts at three places and is masked about one time in four; a 13-19 digit number written
contiguously (a FedEx 15-digit number, a 19-digit post id in a URL) one time in ten, when
it passes Luhn: nothing tells it from a card.

Security codes
--------------
"CVV 123", "cvv is 737", "CVV2: 123", "CVC-1234", "CSC", "CV2", "security code",
"card verification value", "3-digit code on the back: 123", "the code on the back is 123",
"737 (CVV)" and the like, case-insensitive: the 3-4 digits become `***`. A plain "code",
a promo, discount, error or verification code is left alone.

The work is linear in the text: one regular expression finds the runs of 13 digits or
more, a run whose group lengths fit no layout is dropped at once, and each group starts a
bounded number of candidate spans (`MAX_SPANS_PER_GROUP`). Security-code expressions run
only in windows around the words every phrasing contains.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator, NamedTuple

MASK = "••••"
# Invisible format characters: ignored inside and between groups.
_IGN_CHARS = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_IGN = f"[{_IGN_CHARS}]"
_BREAK = ",;|"
_SEP = rf"(?:[^\w{_IGN_CHARS}{_BREAK}]|_)"
MAX_GAP = 3  # separator characters between two groups of one number
# A run holding 13 digits or more. The lookbehind after the first digit starts it at its
# first digit only, and leaves the expression starting with \d, which the engine skips to.
_RUN = re.compile(rf"\d(?<!\d\d)(?:{_IGN}*(?:{_SEP}{_IGN}*){{0,{MAX_GAP}}}\d){{12,}}")
_RUN_PLAIN = re.compile(rf"\d(?<!\d\d)(?:{_SEP}{{0,{MAX_GAP}}}\d){{12,}}")  # no invisibles
_IGN_RE = re.compile(_IGN)
_GROUP = re.compile(rf"\d(?:{_IGN}*\d)*")
_HEX_WORD = re.compile(r"[0-9a-fA-F]+")
_HEX_LENGTHS = (16, 32, 40, 64)
_DOUBLE = str.maketrans("0123456789", "0246813579")
_PREFERENCE = (16, 15, 14, 19, 13, 17, 18)  # the common lengths show a card's own last four
MAX_TAIL = 3  # groups masked after a card: an expiry (12/27) and a code
MAX_SPANS_PER_GROUP = 7  # the most: 13 to 19 digits from the start of a digit chain


class Card(NamedTuple):
    """A card in a text: [start, end) is the number, `last4` its last four digits, and
    `tail` the [start, end) ranges of the short groups after it (a code, an expiry)."""
    start: int
    end: int
    last4: str
    tail: tuple[tuple[int, int], ...] = ()


def luhn_ok(digits: str) -> bool:
    """The Luhn check on a string of ASCII digits."""
    return (sum(map(int, digits[-1::-2]))
            + sum(map(int, digits[-2::-2].translate(_DOUBLE)))) % 10 == 0


def _ascii_digits(s: str) -> str:
    s = _IGN_RE.sub("", s)
    return s if s.isascii() else "".join(str(unicodedata.decimal(c)) for c in s)


def _layout_ends(lens: list[int], i: int, chain: tuple[int, int] | None,
                 chains: bool) -> list[int]:
    """End groups of the spans starting at group i that fit a layout, preferred first.
    `chain` is (first, size) of the run of single-digit groups holding i."""
    n = len(lens)
    ends: list[tuple[int, int]] = []  # (digits, end group)
    if 13 <= lens[i] <= 19:
        ends.append((lens[i], i))
    if lens[i] == 4 and i + 3 < n and lens[i + 1] == 4 and lens[i + 2] == 4:
        if lens[i + 3] <= 4:
            ends.append((12 + lens[i + 3], i + 3))
        if lens[i + 3] == 4 and i + 4 < n and lens[i + 4] == 3:
            ends.append((19, i + 4))
    if lens[i] == 4 and i + 2 < n and lens[i + 1] == 6 and lens[i + 2] in (4, 5):
        ends.append((10 + lens[i + 2], i + 2))
    if chain and chains and chain[1] >= 13:
        first, size = chain
        last = first + size - 1
        if i == first:
            ends += [(size, last)] if size <= 19 else [(m, i + m - 1) for m in range(13, 20)]
        if size > 19 and 13 <= last - i + 1 <= 19:
            ends.append((last - i + 1, last))
    ends.sort(key=lambda e: _PREFERENCE.index(e[0]))
    return [j for _, j in ends]


def _may_fit(lens: list[int]) -> bool:
    """Whether any layout can start in a run with these group lengths (most runs: no)."""
    ones = 0
    for k, size in enumerate(lens):
        ones = ones + 1 if size == 1 else 0
        if 13 <= size <= 19 or ones >= 13:
            return True
        if size == 4 and k + 2 < len(lens) and (lens[k + 1] == lens[k + 2] == 4
                                                or lens[k + 1] == 6):
            return True
    return False


def _glued_id(text: str, a: int, b: int, loose: bool) -> bool:
    """A contiguous group inside a word: letters on both sides, or part of a uid/hash-like
    hex word (any hex word when `loose`: the raw-file scan, where record bytes touch uids)."""
    left = a > 0 and text[a - 1].isalnum()
    right = b < len(text) and text[b].isalnum()
    if not (left or right):
        return False
    if left and right:
        return True
    lo, hi = a, b
    while lo > 0 and text[lo - 1].isalnum():
        lo -= 1
    while hi < len(text) and text[hi].isalnum():
        hi += 1
    return (loose or hi - lo in _HEX_LENGTHS) and bool(_HEX_WORD.fullmatch(text, lo, hi))


def _remnant(text: str, a: int) -> bool:
    """The last four of a card masked before ('•••• 1111')."""
    return text[max(0, a - len(MASK) - 1):a] == MASK + " "


def find_cards(text: str, *, raw: bool = False) -> Iterator[Card]:
    """Every card number in `text`, in order (see the module's rule). `raw` is for bytes
    that are not all text (the file scan): any hex word is an identifier there, and single
    digits between record bytes make no chain."""
    pattern = _RUN if _IGN_RE.search(text) else _RUN_PLAIN
    for m in pattern.finditer(text):
        spans = [(g.start(), g.end()) for g in _GROUP.finditer(text, m.start(), m.end())]
        plain = pattern is _RUN_PLAIN and m.group().isascii()
        lens = ([b - a for a, b in spans] if plain
                else [len(_ascii_digits(text[a:b])) for a, b in spans])
        if _may_fit(lens):
            digits = ([text[a:b] for a, b in spans] if plain
                      else [_ascii_digits(text[a:b]) for a, b in spans])
            yield from _cards_in_run(text, spans, digits, lens, raw)


def _chains(lens: list[int]) -> list[tuple[int, int] | None]:
    """For each group, (first group, size) of the chain of single digits holding it."""
    out: list[tuple[int, int] | None] = [None] * len(lens)
    k = 0
    while k < len(lens):
        if lens[k] != 1:
            k += 1
            continue
        first = k
        while k < len(lens) and lens[k] == 1:
            k += 1
        for g in range(first, k):
            out[g] = (first, k - first)
    return out


def _cards_in_run(text: str, spans: list[tuple[int, int]], digits: list[str],
                  lens: list[int], raw: bool) -> Iterator[Card]:
    chains = _chains(lens)

    def card_at(i: int) -> int | None:
        size, chain = lens[i], chains[i]
        if size != 4 and not 13 <= size <= 19 and not (
                chain and not raw and (i == chain[0] or chain[0] + chain[1] - i <= 19)):
            return None  # no layout starts here (most groups)
        for j in _layout_ends(lens, i, chain, not raw):
            if j == i and _glued_id(text, *spans[i], raw):
                continue
            number = "".join(digits[i:j + 1])
            if luhn_ok(number) and number.strip("0"):
                return j
        return None

    found: list[tuple[int, int]] = []  # (first, last group) of each card, left to right
    n, i = len(lens), 0
    remnant = lens[0] == 4 and _remnant(text, spans[0][0])
    if remnant:
        found.append((0, 0))  # masked before, its tail with it: only what follows counts
        i = 1
    while i < n:
        j = card_at(i)
        if j is None:
            i += 1
        else:
            found.append((i, j))
            i = j + 1
    for c, (i, j) in enumerate(found):
        stop = found[c + 1][0] if c + 1 < len(found) else n
        k = j + 1
        while k < stop and k <= j + MAX_TAIL and lens[k] <= 4:
            k += 1
        if k < n and lens[k] > 4 and k > j + 1:
            k -= 1  # the short group just before a long one starts that number (112-5550001)
        if c or not remnant:
            number = "".join(digits[i:j + 1])
            yield Card(spans[i][0], spans[j][1], number[-4:], tuple(spans[j + 1:k]))


def has_card(text: str) -> bool:
    return next(find_cards(text), None) is not None


# -- security codes ------------------------------------------------------------------------
_CODE_KEY = (
    r"cvv2?|cvc2?|cvn2?|cv2|cvd|csc|cvvc"
    r"|card\s+(?:security|verification|validation)\s+(?:code|value|number)"
    r"|security\s+(?:code|number|digits)"
    r"|(?:3|4|three|four)[\s-]*digits?\s+(?:security\s+)?(?:code|number)"
    r"|(?:code|number|digits)\s+on\s+(?:the\s+)?(?:back|reverse|rear)"
    r"|c[óo]digo\s+de\s+seguridad|cryptogramme(?:\s+visuel)?|kartenpr[üu]fnummer"
    r"|pr[üu]fnummer|sicherheitscode")
_FILLER_WORD = (r"is|was|code|number|no|num|value|on|the|back|reverse|of|card|my|your|it|"
                r"its|it's|are|digits?|cvv2?|cvc2?")
_CODE = re.compile(
    rf"\b(?:{_CODE_KEY})\b(?:[\s:=#.,()/\-–—'\"]+|\b(?:{_FILLER_WORD})\b){{0,12}}?"
    r"(?<!\d)(?P<code>\d{3,4})(?!\d)", re.IGNORECASE)
_CODE_BEFORE = re.compile(
    r"(?<![\d•*])(?<!•••• )(?P<code>\d{3,4})\s*[(\-,]?\s*(?:is\s+(?:the|my)\s+|as\s+"
    r"(?:the\s+)?)?(?:cvv2?|cvc2?|csc|cv2)\b", re.IGNORECASE)
# Every phrasing above holds one of these (lowercase); the expressions run near them only.
_ANCHORS = ("cv", "csc", "secur", "verif", "valid", "digit", "back", "revers", "rear",
            "seguridad", "crypto", "prüf", "pruf", "sicherheit")
_BEFORE, _AFTER = 70, 160  # farther than any phrasing reaches from its anchor word
_ANCHOR = re.compile("|".join(_ANCHORS), re.IGNORECASE)


def _code_windows(text: str) -> list[tuple[int, int]]:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lowercase to two: search it all
        return [(0, len(text))]
    hits = []
    for anchor in _ANCHORS:
        at = lowered.find(anchor)
        while at != -1:
            hits.append(at)
            at = lowered.find(anchor, at + 1)
    windows: list[list[int]] = []
    for at in sorted(hits):
        a, b = max(0, at - _BEFORE), min(len(text), at + _AFTER)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    return [(a, b) for a, b in windows]


def mask_codes(text: str) -> str:
    """Replace the digits of security codes with ***."""
    if text.isascii() and not _ANCHOR.search(text):  # ASCII lowercases letter for letter
        return text
    codes = []
    for a, b in _code_windows(text):
        for pattern in (_CODE, _CODE_BEFORE):
            codes += [m.span("code") for m in pattern.finditer(text, a, b)]
    if not codes:
        return text
    out, pos = [], 0
    for a, b in sorted(set(codes)):
        if a >= pos:
            out += [text[pos:a], "***"]
            pos = b
    return "".join(out) + text[pos:]


# Every card has 13 digits and every security code 3 in a row: a text with neither (most
# notes) is returned at once.
_MAY_HOLD = re.compile(r"\d(?:\d\d|(?:\D*+\d){12})")


def mask_cards(text: str) -> str:
    """Mask card numbers to their last four and drop security codes (see the module)."""
    if not text or not _MAY_HOLD.search(text):
        return text
    out, pos = [], 0
    for card in find_cards(text):
        out += [text[pos:card.start], f"{MASK} {card.last4}"]
        pos = card.end
        for a, b in card.tail:
            out += [text[pos:a], "".join("*" if c.isdecimal() else c for c in text[a:b])]
            pos = b
    if out:
        text = "".join(out) + text[pos:]
    return mask_codes(text)
