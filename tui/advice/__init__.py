"""Whose turn, the next move, the ladder, the stall rules and the playbook. Pure: no
Textual, no SQL strings; every value returned is plain data (no connection inside).

- `assess(detail, now)`: one case in full words (Assessment).
- `explain(store, ids, now)`: a page of cases in full words.
- `ranking(store, now)`: every active case's AdviceRow in the attention order, from the
  kept rows; only the stale ones run the rules.
- `any_stalled(store, now)`: for --fail-on-stall.
- `assess_facts(facts, now, playbook, companies, stats)`: the pure ranking step.
`make_brief` prepares what to say; `load_playbook` reads the packaged playbook with the
user's [thresholds] and [weights] from config.toml.

Names load on first use (PEP 562): a command that finds the kept advice fresh imports only
`tui.advice.source`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

if TYPE_CHECKING:
    from .brief import make_brief
    from .channels import (ChannelStats, best_channel, better_channel, progress_text,
                           suggest_channels)
    from .decide import RULE_NAMES
    from .engine import (any_stalled, assess, assess_facts, attention_order, explain,
                         explain_pages, fingerprint, ranked, ranking, refresh)
    from .model import RUNGS, TURNS, Assessment, Brief, Finding, NextMove, Term, score_line
    from .playbook import ChannelGuide, ConfigError, Playbook, default_playbook
    from .settings import load_playbook
    from .source import ENGINE_VERSION, source_fingerprint

_FROM = {
    "brief": ("make_brief",),
    "channels": ("ChannelStats", "better_channel", "best_channel", "progress_text",
                 "suggest_channels"),
    "decide": ("RULE_NAMES",),
    "engine": ("any_stalled", "assess", "assess_facts", "attention_order", "explain",
               "explain_pages", "fingerprint", "ranked", "ranking", "refresh"),
    "model": ("RUNGS", "TURNS", "Assessment", "Brief", "Finding", "NextMove", "Term",
              "score_line"),
    "playbook": ("ChannelGuide", "ConfigError", "Playbook", "default_playbook"),
    "settings": ("load_playbook",),
    "source": ("ENGINE_VERSION", "source_fingerprint"),
}
_LAZY = {name: module for module, names in _FROM.items() for name in names}


__getattr__ = lazy_names(__name__, _LAZY, globals())


__all__ = ["Assessment", "Brief", "Finding", "NextMove", "Term", "Playbook", "ChannelGuide",
           "ConfigError", "ChannelStats", "RULE_NAMES", "RUNGS", "TURNS", "ENGINE_VERSION",
           "load_playbook", "default_playbook", "assess", "explain", "explain_pages",
           "ranked", "ranking", "any_stalled", "assess_facts", "refresh", "fingerprint",
           "source_fingerprint", "attention_order", "make_brief",
           "suggest_channels", "better_channel", "best_channel", "progress_text",
           "score_line"]
