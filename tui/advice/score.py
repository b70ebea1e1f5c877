"""The stall score: each finding scores base + step x (how far past its threshold) plus any
extra terms, capped at the rule's max; a case's score is the sum of its findings (0 while
snoozed). Like Taskwarrior's urgency, every term can be shown, so the user can see why."""

from __future__ import annotations

from operator import attrgetter
from typing import Iterable, Mapping

from .model import Assessment, Finding, Term


def rule_weights(weights: Mapping[str, float], rule: str) -> tuple[float, float, float]:
    """(base, step, max) of a rule, from the playbook's [weights]."""
    return weights[rule], weights[f"{rule}_step"], weights[f"{rule}_max"]


def finding_score(base: float, step: float, cap: float, excess: int = 0,
                  extra: float = 0.0) -> float:
    """The number alone: cheap, for ranking every case."""
    return round(min(base + step * max(excess, 0) + extra, cap), 2)


def score_terms(base: float, step: float, cap: float, rule: str, excess: int = 0,
                unit: str = "", extra: Iterable[Term] = ()) -> tuple[Term, ...]:
    """The same score as labelled terms that add up to it: ("dead_ends", 4.0),
    ("1 more dead end x 1", 1.0), ("capped at 8", -2.0)."""
    terms: list[Term] = [(rule, float(base))]
    if excess > 0 and step:
        terms.append((f"{unit} x {step:g}", step * excess))
    terms.extend((label, value) for label, value in extra if value)
    total = sum(value for _, value in terms)
    if total > cap:
        terms.append((f"capped at {cap:g}", cap - total))
    return tuple((label, round(value, 2)) for label, value in terms)


def case_score(findings: Iterable[Finding], snoozed: bool) -> float:
    return 0.0 if snoozed else round(sum([f.score for f in findings]), 2)


def rank(assessments: list[Assessment]) -> None:
    """Most urgent first: higher score, then the longest untouched, then the oldest id.
    Stable sorts on C-level keys, last key first, do what one sort on a Python key tuple
    did in twice the time (the first costs little: assess_all's come in id order)."""
    assessments.sort(key=attrgetter("case_id"))
    assessments.sort(key=attrgetter("case.last_activity_at"))
    assessments.sort(key=attrgetter("score"), reverse=True)
