"""Stall rules, the score, the brief and the playbook. Pure: no Textual, no SQL strings.

STUB: the signatures below are the contract the UI and CLI code against; the bodies are
placeholders until the advice layer lands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..store.records import CaseDetail
from .model import Assessment, Brief, Finding


@dataclass(frozen=True)
class Playbook:
    tips: tuple[tuple[str, str], ...] = ()          # (title, text): the six tips
    channel_guides: dict = field(default_factory=dict)  # channel -> text
    thresholds: dict = field(default_factory=lambda: {
        "live_no_progress_minutes": 15, "live_hold_minutes": 10})
    ladder: tuple[str, ...] = ()


def load_playbook(config_path: Path | None = None) -> Playbook:
    return Playbook()


def assess(detail: CaseDetail, now: datetime, playbook: Playbook | None = None,
           history=None) -> Assessment:
    return Assessment(detail.case.id, snoozed_until=detail.case.snoozed_until)


def assess_all(store, now: datetime, playbook: Playbook | None = None) -> list[Assessment]:
    """Assessments of every open or waiting case, most urgent first."""
    return []


def make_brief(detail: CaseDetail, playbook: Playbook | None = None) -> Brief:
    return Brief()


__all__ = ["Assessment", "Brief", "Finding", "Playbook", "load_playbook", "assess",
           "assess_all", "make_brief"]
