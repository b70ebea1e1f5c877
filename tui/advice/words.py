"""Small wording helpers shared by the rules, the brief and the channel suggestions."""

from __future__ import annotations

from datetime import datetime

from ..store.validate import from_iso
from ..store.wording import plural  # noqa: F401 - the one plural helper, used here too


def day(iso: str | None) -> str:
    """A stored UTC time as the local calendar date."""
    return from_iso(iso).astimezone().strftime("%Y-%m-%d") if iso else "?"


def moment(iso: str | None) -> str:
    """A stored UTC time as local date and minute."""
    return from_iso(iso).astimezone().strftime("%Y-%m-%d %H:%M") if iso else "?"


def whole_days(later: datetime, earlier_iso: str) -> int:
    return int((later - from_iso(earlier_iso)).total_seconds() // 86400)


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
