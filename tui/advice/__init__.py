"""Stall rules, the score, the brief and the playbook. Pure: no Textual, no SQL strings.

`assess` looks at one case, `assess_all` at every open or waiting case of a store (most
urgent first), `make_brief` prepares what to say, `load_playbook` reads the packaged playbook
with the user's [thresholds] and [weights] from config.toml.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import datetime
from typing import Callable, Mapping

from ..store.advice_queries import CaseSummary
from ..store.records import ACTIVE_STATUSES, CaseDetail
from .brief import make_brief
from .channels import ChannelStats, better_channel, progress_text, suggest_channels
from .model import Assessment, Brief, Finding, score_line
from .playbook import ChannelGuide, ConfigError, Playbook, default_playbook, load_playbook
from .rules import RULE_NAMES, RULES, Run, facts_of
from .score import case_score, rank

NO_HISTORY: Mapping[str, tuple[int, int]] = {}


def _history(history) -> Callable[[int], Mapping[str, tuple[int, int]]]:
    """`assess`'s history (the stats, a callable giving them, or None) as Run reads it."""
    if history is None:
        return lambda company_id: NO_HISTORY
    return (lambda company_id: history()) if callable(history) else (lambda company_id: history)


def _assess(s: CaseSummary, run: Run) -> Assessment:
    case = s.case
    until = case.snoozed_until
    snoozed = bool(until) and until > run.iso
    findings: tuple[Finding, ...] = ()
    if case.status in ACTIVE_STATUSES:
        findings = tuple([f for rule in RULES if (f := rule(s, run)) is not None])
    return Assessment(case.id, case_score(findings, snoozed), findings, until, snoozed, case)


def assess(detail: CaseDetail, now: datetime, playbook: Playbook | None = None,
           history=None) -> Assessment:
    """Every finding for one case at `now`; only open and waiting cases get findings.
    `history` is the company's channel stats (Store.channel_stats), or a no-argument
    callable giving them, called only when a rule names a channel."""
    run = Run(now, playbook or default_playbook(), _history(history))
    return _assess(facts_of(detail, run), run)


def assess_all(store, now: datetime, playbook: Playbook | None = None) -> list[Assessment]:
    """Assessments of every open or waiting case, most urgent first (score, then the longest
    untouched). Reads the store a page at a time, one summary row per case, and a company's
    channel stats (kept by the store's counters) once per company, only if a finding names
    a channel. Headlines need nothing more; the first finding whose evidence or advice is
    read has the store read, in one batch, every contact the findings cite (in the thread
    that reads it: the store must still be open)."""
    run = Run(now, playbook or default_playbook(), store.channel_stats, cited=set(),
              fetch=store.finished_contacts)
    with _collector_paused():
        out = [_assess(s, run) for page in store.iter_case_summaries(
            run.iso, run.min_hold, run.min_total_hold) for s in page]
        rank(out)
    run.history = None      # channel stats were read while ranking; wording needs no more
    return out


@contextmanager
def _collector_paused():
    """Hundreds of thousands of small objects, none of them garbage, make the cyclic
    collector walk an ever larger heap (a third of the time at 25k active cases); they
    form no cycles, so it rests until they are made. Then they join the oldest generation
    as they are (freeze and unfreeze move the lists, walking nothing) instead of being
    walked by the next young collection (50 ms at 25k active cases)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # unfreeze would let go what someone else froze
            gc.freeze()
            gc.unfreeze()
        if was_on:
            gc.enable()


__all__ = ["Assessment", "Brief", "Finding", "Playbook", "ChannelGuide", "ConfigError",
           "ChannelStats", "RULE_NAMES", "load_playbook", "default_playbook", "assess",
           "assess_all", "make_brief", "suggest_channels", "better_channel", "progress_text",
           "score_line"]
