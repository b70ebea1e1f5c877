"""A case's kept assessment as a plain value: what the advice cache stores and the lists
read (light on purpose: the fast paths of `list --stalled` and the advice commands import it
without the facts readers and the records behind them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AdviceRow:
    """A case's kept assessment, as lists and --fail-on-stall read it (the case_advice row)."""

    case_id: int
    score: float
    stalled: bool
    snoozed: bool
    turn: str                   # theirs | yours | nobody
    rung: str
    rule: str | None            # the top finding's rule
    headline: str
    move: str                   # the next move as one line
    who: str                    # you | them | nobody
    channel: str | None
    due: str | None             # ISO UTC
    last_activity_at: str
    changes_at: str | None      # the clock alone changes the assessment then (None: never)
    company_rev: int
