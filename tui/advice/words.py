"""Small wording helpers shared by the rules, the brief and the channel suggestions."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

from ..store.times import local_moment, local_time
from ..store.wording import plural  # noqa: F401 - the one plural helper, used here too

# UTC date -> (the local midnights starting that date and the next, in stored form; the local
# dates before, on and after): a stored time's local date is then two string comparisons.
_DAYS: dict[str, tuple] = {}
_MIDNIGHTS: dict[date, tuple[str, bool]] = {}
_SHIFTED: dict[tuple[str, float], str] = {}  # (UTC date, whole days) -> the date that many later
DAY_SECONDS = 86400
_zone: tuple | None = None


def check_zone() -> None:
    """Forget the local midnights worked out under another time zone (once per pass)."""
    global _zone
    zone = (time.tzname, time.timezone, time.altzone, time.daylight)
    if zone != _zone:
        _DAYS.clear()
        _MIDNIGHTS.clear()
        _zone = zone


def _midnight(day: date) -> tuple[str, bool]:
    """The first second of a local calendar day, in the stored UTC form (searched for near
    local 00:00, since a zone may skip or repeat its midnight), and whether the second
    before it is on the day before (not so where a zone skipped a whole day)."""
    found = _MIDNIGHTS.get(day)
    if found is not None:
        return found
    guess = int(datetime.combine(day, datetime.min.time()).astimezone().timestamp())
    first = guess
    if not datetime.fromtimestamp(guess).date() == day > datetime.fromtimestamp(
            guess - 1).date():
        low, high = guess - 3 * 3600, guess + 3 * 3600     # local date before `day` .. on it
        while high - low > 1:
            mid = (low + high) // 2
            if datetime.fromtimestamp(mid).date() < day:
                low = mid
            else:
                high = mid
        first = high
    whole = (datetime.fromtimestamp(first).date() == day
             and datetime.fromtimestamp(first - 1).date() == day - timedelta(days=1))
    found = _MIDNIGHTS[day] = (
        datetime.fromtimestamp(first, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), whole)
    return found


def _bounds(utc_day: str) -> tuple:
    on = date.fromisoformat(utc_day)
    one = timedelta(days=1)
    days = (on - one, on, on + one)
    (start, whole), (end, whole_next) = _midnight(on), _midnight(on + one)
    # A zone that skipped a whole day (Samoa, 2011) breaks "one of three dates": no table.
    bounds = _DAYS[utc_day] = (start, end, days, tuple(d.isoformat() for d in days)) \
        if whole and whole_next else ()
    return bounds


def _which(iso: str) -> tuple[tuple, int] | None:
    """(the bounds of iso's UTC date, 0/1/2 for the local date before, on or after it);
    None for a time not in the stored form or on a day a zone skipped."""
    if len(iso) != 20 or iso[19] != "Z":
        return None
    bounds = _DAYS.get(iso[:10])
    if bounds is None:
        bounds = _bounds(iso[:10])
    if not bounds:
        return None
    return bounds, 0 if iso < bounds[0] else 2 if iso >= bounds[1] else 1


def local_date(iso: str) -> date:
    """A stored UTC time's local calendar date."""
    found = _which(iso)
    if found is None:       # not the stored form: work it out in full
        return local_moment(iso).date()
    return found[0][2][found[1]]


def day(iso: str | None) -> str:
    """A stored UTC time as the local calendar date."""
    if not iso:
        return "?"
    found = _which(iso)
    if found is None:
        return local_moment(iso).date().isoformat()
    return found[0][3][found[1]]


def plus(iso: str, seconds: float) -> str:
    """A stored UTC time (YYYY-MM-DDTHH:MM:SSZ) `seconds` later, in the same form."""
    days, rest = divmod(seconds, DAY_SECONDS)
    if not rest and len(iso) == 20 and iso[10] == "T" and iso[19] == "Z":
        # Whole days keep the time of day (UTC has no shifts): only the date moves.
        key = (iso[:10], days)
        moved = _SHIFTED.get(key)
        if moved is None:
            moved = _SHIFTED[key] = (date.fromisoformat(iso[:10])
                                     + timedelta(days=days)).isoformat()
        return moved + iso[10:]
    if days == 0 and rest == int(rest) and len(iso) == 20 and iso[16] == ":" \
            and iso[19] == "Z" and iso[17:19].isdigit() and int(iso[17:19]) + rest < 60:
        # A few seconds that stay within the minute (a due time's next second) move only
        # the seconds field, as parsing and formatting the whole time would.
        return f"{iso[:17]}{int(iso[17:19]) + int(rest):02d}Z"
    return (datetime.fromisoformat(iso[:19]) + timedelta(seconds=seconds)).isoformat() + "Z"


def moment(iso: str | None) -> str:
    """A stored UTC time as local date and minute."""
    return local_time(iso) if iso else "?"


def agent_label(agent: str | None, agent_id: str | None) -> str | None:
    """'Priya #4411', 'Priya', '#4411' or None."""
    parts = [p for p in (agent, f"#{agent_id}" if agent_id else None) if p]
    return " ".join(parts) or None


def contact_line(contact, lead: str | None = None) -> str:
    """'transferred 2026-11-20 14:03 (phone, agent Priya, ref R-1)' for an Interaction or a
    Contact; `lead` replaces the outcome at the front."""
    who = agent_label(contact.agent, contact.agent_id)
    parts = [contact.channel, f"agent {who}" if who else None,
             f"ref {contact.reference}" if contact.reference else None]
    head = contact.outcome if lead is None else lead
    return f"{head} {moment(contact.started_at)} ({', '.join(p for p in parts if p)})"


def days_ago(days: int) -> str:
    """'today', '1 day ago', '16 days ago'."""
    return "today" if days <= 0 else f"{plural(days, 'day')} ago"


def parens(*parts: str | None) -> str:
    """' (ref R-1, order 113-55)' from the parts given, or ''."""
    given = [p for p in parts if p]
    return f" ({', '.join(given)})" if given else ""
