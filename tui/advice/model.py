"""The advice layer's records: what the stall rules produce. Pure data, no Textual, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a case needs attention."""

    rule: str                       # dead_ends, broken_promise, gone_quiet, long_hold, ...
    score: float                    # this finding's term in the case's stall score
    evidence: tuple[str, ...]       # human lines: "transferred 11-20 (phone, agent Priya)"
    advice: str                     # what to do, filled in from the evidence
    headline: str = ""              # one line for lists: "2 dead-end contacts in a row"
    interaction_ids: tuple[int, ...] = ()
    promise_ids: tuple[int, ...] = ()
    press_restart: bool = False     # show the press-restart advice prominently


@dataclass(frozen=True, slots=True)
class Assessment:
    """Every finding for one case, and the score they add up to."""

    case_id: int
    score: float = 0.0
    findings: tuple[Finding, ...] = ()
    snoozed_until: str | None = None   # findings are kept but score is 0 while snoozed
    snoozed: bool = False

    @property
    def stalled(self) -> bool:
        return bool(self.findings) and not self.snoozed

    @property
    def top(self) -> Finding | None:
        return max(self.findings, key=lambda f: f.score) if self.findings else None


@dataclass(frozen=True, slots=True)
class Brief:
    """The prepared summary to read out at the start of a contact, and the checklist."""

    lines: tuple[tuple[str, str], ...] = ()     # (label, text): who, what, went wrong, want, refs
    checklist: tuple[str, ...] = ()
    text: str = ""                              # plain text, for the clipboard

    extra: dict = field(default_factory=dict)
