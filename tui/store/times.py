"""Time in the store: ISO 8601 UTC text ("2026-11-25T14:03:00Z") to and from datetimes, the
clock, and the forms people read (local time, durations). Small on purpose: opening a
notebook needs it, and nothing else of the validation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def to_iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def add(iso: str, seconds: int) -> str:
    return to_iso(from_iso(iso) + timedelta(seconds=seconds))


def local_moment(iso: str) -> datetime:
    """ISO UTC text -> the same moment as an aware datetime in local time."""
    return from_iso(iso).astimezone()


def local_time(iso: str | None, *, seconds: bool = False) -> str:
    """ISO UTC text -> local 'YYYY-MM-DD HH:MM' for people; '' for None."""
    if not iso:
        return ""
    dt = local_moment(iso)
    return dt.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_duration(seconds: int | None) -> str:
    if not seconds:
        return "0m"
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h}h" if h else "", f"{m}m" if m else "", f"{s}s" if s and not h else ""]
    return "".join(parts) or "0m"


def whole_minutes(seconds: float) -> int:
    """The whole minutes in `seconds`, rounded down."""
    return int(seconds // 60)


def clock_text(seconds: float) -> str:
    """'1:02:03': a running contact's clock."""
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:d}:{m:02d}:{s:02d}"


def short_span(seconds: float) -> str:
    """'5m', '3h', '12d', '4mo', '2y': how long, roughly, for a list's column."""
    days = int(seconds // 86400)
    if seconds < 3600:
        return f"{whole_minutes(seconds)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if days < 60:
        return f"{days}d"
    if days < 730:
        return f"{days // 30}mo"
    return f"{days // 365}y"
