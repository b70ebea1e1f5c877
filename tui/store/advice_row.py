"""A case's kept assessment as the lists and the ranking read it: a case_advice row
(kept.py reads them; summaries.py writes them). Apart from kept.py, so the commands that only
ask whether the kept rows are fresh (`advice --fail-on-stall`) build no dataclass."""

from __future__ import annotations

from dataclasses import dataclass


# Not frozen: a pass from nothing makes a row per active case, and a frozen class sets each
# field through object.__setattr__ (nothing assigns to a row after it is made).
@dataclass(slots=True)
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


def advice_row(values: tuple) -> AdviceRow:
    """An AdviceRow from case_advice's columns in kept._COLUMNS' order."""
    case_id, score, stalled, snoozed, *rest = values
    return AdviceRow(case_id, score, bool(stalled), bool(snoozed), *rest)
