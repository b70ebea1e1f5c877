"""Stall rules, the score, the brief and the playbook. Pure: no Textual, no SQL strings.

`assess` looks at one case, `assess_all` at every open or waiting case of a store (most
urgent first), `make_brief` prepares what to say, `load_playbook` reads the packaged playbook
with the user's [thresholds] and [weights] from config.toml.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Callable, Mapping

from ..store.records import ACTIVE_STATUSES, CaseDetail
from .brief import make_brief
from .channels import ChannelStats, better_channel, progress_text, suggest_channels
from .model import Assessment, Brief, Finding, score_line
from .playbook import ChannelGuide, ConfigError, Playbook, default_playbook, load_playbook
from .rules import RULE_NAMES, RULES, Facts, Run
from .score import case_score, urgency_key

NO_HISTORY: Mapping[str, tuple[int, int]] = {}


def _lazy(history) -> Callable[[], Mapping[str, tuple[int, int]]]:
    if history is None:
        return lambda: NO_HISTORY
    return history if callable(history) else (lambda: history)


@contextmanager
def _collector_paused():
    """Ranking every case allocates hundreds of thousands of small acyclic objects; the
    cyclic collector would rescan the growing heap again and again (a third of the time),
    so it runs once afterwards instead. Whoever paused it resumes it."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _assess(facts: Facts) -> Assessment:
    case, run = facts.case, facts.run
    snoozed = bool(case.snoozed_until) and case.snoozed_until > run.iso
    findings: tuple[Finding, ...] = ()
    if case.status in ACTIVE_STATUSES:
        findings = tuple(f for f in (rule(facts) for rule in RULES) if f is not None)
    return Assessment(case.id, case_score(findings, snoozed), findings, case.snoozed_until,
                      snoozed, case)


def assess(detail: CaseDetail, now: datetime, playbook: Playbook | None = None,
           history=None) -> Assessment:
    """Every finding for one case at `now`; only open and waiting cases get findings.
    `history` is the company's channel stats (Store.channel_stats), or a no-argument
    callable giving them, called only when a rule names a channel."""
    run = Run(now, playbook or default_playbook())
    return _assess(Facts.of(detail, run, _lazy(history)))


def assess_all(store, now: datetime, playbook: Playbook | None = None) -> list[Assessment]:
    """Assessments of every open or waiting case, most urgent first (score, then the longest
    untouched). Reads the store a page at a time, slim rows only; a company's channel stats
    are read only if a finding names a channel (and the store keeps them until a write)."""
    run = Run(now, playbook or default_playbook())
    with _collector_paused():
        out = [_assess(Facts(c.case, c.company, c.contacts, c.promises, run,
                             partial(store.channel_stats, c.case.company_id)))
               for c in store.iter_active_contacts()]
    out.sort(key=urgency_key)
    return out


__all__ = ["Assessment", "Brief", "Finding", "Playbook", "ChannelGuide", "ConfigError",
           "ChannelStats", "RULE_NAMES", "load_playbook", "default_playbook", "assess",
           "assess_all", "make_brief", "suggest_channels", "better_channel", "progress_text",
           "score_line"]
