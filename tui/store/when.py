"""Dates as people say them: today, tomorrow, yesterday, friday, next fri, +3d, in 2 weeks,
3 days ago, in 10 working days, 2h ago, tomorrow 14:30.

Pure: every function takes the clock's `now` (or today's date) so tests and `--now` decide
what "today" is. Local time throughout. A weekday alone looks ahead for deadlines ("by
friday": the next one) and back for things that happened ("friday": the last one); on a
Friday either way it means today. "next friday" is the first Friday after today and "last
friday" the first before it, whatever the field. Working days are Monday to Friday (public
holidays are not known here).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
EXAMPLES = ("today", "tomorrow", "friday", "+3d", "in 2 weeks", "3 days ago",
            "in 10 working days")

# At most four digits, so no offset can leave the calendar (9999 months is 833 years).
_N = r"(?P<n>\d{1,4}|an?)"
_UNIT = (r"(?P<unit>(?:working|work|business)\s*days?|wd|days?|d|weeks?|wks?|w|months?|mo"
         r"|hours?|hrs?|h|minutes?|mins?|m)")
_OFFSETS = (re.compile(rf"^(?P<sign>[+-])\s*{_N}\s*{_UNIT}$"),
            re.compile(rf"^in\s+{_N}\s*{_UNIT}$"),
            re.compile(rf"^{_N}\s*{_UNIT}\s+ago$"))
_WEEKDAY = re.compile(r"^(?:(?P<which>next|last)\s+)?(?P<day>[a-z]{3,9})$")
_CLOCK = re.compile(r"^(?P<day>.+?)(?:\s+at)?\s+(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*"
                    r"(?P<ampm>am|pm)?$")


def parse(text: str, now: datetime, *, end_of_day: bool = False) -> datetime | None:
    """A moment from what a person typed, aware in local time; None if it is not one of the
    forms above. A day with no time of day means its start, or its last second with
    `end_of_day` (a deadline), which also makes a lone weekday look ahead."""
    words = _words(text)
    local_now = now.astimezone()
    if words == "now":
        return local_now.replace(microsecond=0)
    offset = _offset(words)
    if offset and offset[1] in ("h", "min"):
        n, unit = offset
        return (local_now + timedelta(**{"hours" if unit == "h" else "minutes": n})
                ).replace(microsecond=0)
    words, clock = _split_clock(words)
    day_ = _day(words, local_now.date(), ahead=end_of_day)
    if day_ is None:
        return None
    at = clock or (time(23, 59, 59) if end_of_day else time(0, 0))
    return datetime.combine(day_, at).astimezone()


def day(text: str, today: date, *, ahead: bool = False) -> date | None:
    """A calendar day from what a person typed (no time of day); None if not one of ours."""
    return _day(_words(text), today, ahead=ahead)


def add_working_days(start: date, n: int) -> date:
    """`n` working days (Monday to Friday) after `start` (before it when negative)."""
    if n == 0:
        return start
    step = 1 if n > 0 else -1
    # From a weekend, count from the working day on the far side of it: the next working
    # day after Saturday is the same as after Friday.
    while start.weekday() >= 5:
        start -= timedelta(days=step)
    weeks, left = divmod(abs(n), 5)
    start += timedelta(weeks=weeks * step)
    while left:
        start += timedelta(days=step)
        if start.weekday() < 5:
            left -= 1
    return start


def add_months(start: date, n: int) -> date:
    """Calendar months later (earlier when negative); the 31st becomes the month's last day."""
    year, month = divmod(start.month - 1 + n, 12)
    year += start.year
    return start.replace(year=year, month=month + 1,
                         day=min(start.day, calendar.monthrange(year, month + 1)[1]))


def _words(text: str) -> str:
    return " ".join(str(text).lower().split())


def _offset(words: str) -> tuple[int, str] | None:
    """'+3d', 'in 2 weeks', '3 days ago' -> (signed count, unit) with unit one of
    d, w, wd, mo, h, min."""
    for pattern in _OFFSETS:
        m = pattern.match(words)
        if m:
            n = 1 if m["n"] in ("a", "an") else int(m["n"])
            back = m.groupdict().get("sign") == "-" or words.endswith(" ago")
            return (-n if back else n), _unit(m["unit"])
    return None


def _unit(word: str) -> str:
    word = word.replace(" ", "")
    if word.startswith(("working", "work", "business")) or word == "wd":
        return "wd"
    if word.startswith("mo"):
        return "mo"
    if word.startswith("mi") or word == "m":
        return "min"
    return {"d": "d", "w": "w", "h": "h"}[word[0]]


def _day(words: str, today: date, *, ahead: bool) -> date | None:
    if words in ("today", "tomorrow", "yesterday"):
        return today + timedelta(days={"today": 0, "tomorrow": 1, "yesterday": -1}[words])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", words):  # as in '2026-11-27 2pm'
        try:
            return date.fromisoformat(words)
        except ValueError:
            return None
    offset = _offset(words)
    if offset:
        n, unit = offset
        if unit == "d":
            return today + timedelta(days=n)
        if unit == "w":
            return today + timedelta(weeks=n)
        if unit == "wd":
            return add_working_days(today, n)
        if unit == "mo":
            return add_months(today, n)
        return None  # hours and minutes are moments, not days
    m = _WEEKDAY.match(words)
    if m:
        target = next((i for i, name in enumerate(WEEKDAYS) if name.startswith(m["day"])), None)
        if target is None:
            return None
        forward = (target - today.weekday()) % 7
        backward = (today.weekday() - target) % 7
        if m["which"] == "next":
            return today + timedelta(days=forward or 7)
        if m["which"] == "last":
            return today - timedelta(days=backward or 7)
        return today + timedelta(days=forward) if ahead else today - timedelta(days=backward)
    return None


def _split_clock(words: str) -> tuple[str, time | None]:
    """'tomorrow 14:30', 'friday at 9am' -> ('tomorrow', 14:30); a bare number is no time."""
    m = _CLOCK.match(words)
    if not m or (m["m"] is None and m["ampm"] is None):
        return words, None
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return words, None
        hour = hour % 12 + (12 if m["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        return words, None
    return m["day"], time(hour, minute)
