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


def local_time(iso: str | None, *, seconds: bool = False) -> str:
    """ISO UTC text -> local 'YYYY-MM-DD HH:MM' for people; '' for None."""
    if not iso:
        return ""
    dt = from_iso(iso).astimezone()
    return dt.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_duration(seconds: int | None) -> str:
    if not seconds:
        return "0m"
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h}h" if h else "", f"{m}m" if m else "", f"{s}s" if s and not h else ""]
    return "".join(parts) or "0m"
