"""The advice layer's records: plain frozen values, fully worded when built, holding no
connection, closure or lazy property. No Textual, no SQL."""

from __future__ import annotations

from dataclasses import dataclass

# One term of a score, (label, value): ("dead_ends", 4.0), ("1 more dead end x 1", 1.0).
Term = tuple[str, float]

TURNS = ("theirs", "yours", "nobody")
RUNGS = ("first_contact", "another_agent", "another_channel", "supervisor",
         "formal_complaint", "ombudsman", "chargeback")


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a case needs attention, with its evidence and the terms of its score."""

    rule: str                       # your_move, broken_promise, dead_ends, gone_quiet, ...
    score: float                    # this finding's part of the case's stall score
    headline: str                   # one line for lists: "2 dead-end contacts in a row"
    evidence: tuple[str, ...]       # 'transferred 2026-11-20 14:03 (phone, agent Priya)'
    advice: str                     # what to do about this reason, from the evidence
    terms: tuple[Term, ...]         # how `score` adds up, every term shown
    contact_ids: tuple[int, ...] = ()
    promise_ids: tuple[int, ...] = ()
    press_restart: bool = False     # show the press-restart advice prominently

    @property
    def breakdown(self) -> str:
        """'4 (dead_ends) + 1 (1 more dead end x 1) = 5'."""
        return score_line(self.terms, self.score)


@dataclass(frozen=True, slots=True)
class NextMove:
    """The one thing to do next on a case."""

    text: str                       # the full sentence, with its evidence
    who: str                        # "you" | "them" | "nobody"
    channel: str | None             # a channel name (records.CHANNELS) or None
    due: str | None                 # ISO UTC time by which, or None
    rung: str | None                # the rung this move climbs to, when it climbs
    line: str                       # the short form for lists


@dataclass(frozen=True, slots=True)
class Assessment:
    """A case at one moment: whose turn, where on the ladder, the next move and its reasons."""

    case_id: int
    score: float                    # sum of the findings' scores; 0 while snoozed
    turn: str                       # "theirs" | "yours" | "nobody"
    rung: str                       # the rung the case stands on (RUNGS)
    next_move: NextMove
    findings: tuple[Finding, ...]   # the next move's reason first, then by score
    snoozed_until: str | None
    snoozed: bool
    changes_at: str | None          # the clock alone changes this assessment then

    @property
    def stalled(self) -> bool:
        return bool(self.findings) and not self.snoozed

    @property
    def top(self) -> Finding | None:
        """The reason the next move acts on (findings come lead first, then by score)."""
        return self.findings[0] if self.findings else None


@dataclass(frozen=True, slots=True)
class Brief:
    """The prepared summary to read out at the start of a contact, and the checklist."""

    lines: tuple[tuple[str, str], ...] = ()     # (label, text): who, what, went wrong, want, refs
    checklist: tuple[str, ...] = ()
    text: str = ""                              # plain text, for the clipboard


def score_line(terms: tuple[Term, ...], total: float) -> str:
    """'4 (dead_ends) + 1 (1 more dead end x 1) = 5'."""
    parts = []
    for label, value in terms:
        sign = "- " if value < 0 else ("+ " if parts else "")
        parts.append(f"{sign}{abs(value):g} ({label})")
    return f"{' '.join(parts)} = {total:g}"


def rung_index(rung: str) -> int:
    return RUNGS.index(rung)


def current_rung(f) -> str:
    """Where the case stands on the ladder, from its history (a CaseFacts)."""
    if f.complained_at or f.final_at:
        return "formal_complaint"
    if f.escalated:
        return "supervisor"
    if f.channels >= 2:
        return "another_channel"
    if f.contacts >= 2:
        return "another_agent"
    return "first_contact"
