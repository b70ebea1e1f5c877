"""The advice layer's records: what the stall rules produce. Pure data, no Textual, no SQL."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass
from typing import Callable, Iterable

from ..store.advice_queries import CaseFacts
from ..store.records import Case

# One term of a score, (label, value): ("dead_ends", 4.0), ("1 more dead end x 1", 1.0).
Term = tuple[str, float]


class _Frozen:
    """Read-only once built, like a frozen dataclass: `_fill` sets the slots, in order (a
    subclass's after its base's), through their own setters."""

    __slots__ = ()
    _setters: tuple[Callable, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._setters += tuple(cls.__dict__[name].__set__ for name in cls.__slots__)
        cls._fill = _filler(cls._setters)

    def _fill(self, *values) -> None:
        """Set the slots to `values`, in order (made for each class by _filler)."""

    def __setattr__(self, name: str, value) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _filler(setters: tuple[Callable, ...]) -> Callable:
    """`_fill` with one setter call per slot written out: a loop over them was a fifth of
    ranking every active case (tens of thousands of findings and assessments)."""
    names = [f"v{i}" for i in range(len(setters))]
    body = "".join(f"    s{i}(self, v{i})\n" for i in range(len(setters))) or "    pass\n"
    code = f"def _fill(self, {', '.join(names)}):\n{body}"
    scope = {f"s{i}": setter for i, setter in enumerate(setters)}
    exec(code, scope)   # noqa: S102 - our own code, built from the slot names only
    return scope["_fill"]


class Finding(_Frozen):
    """One reason a case needs attention.

    Built like a frozen dataclass: Finding(rule, score, evidence, advice, headline, ...).
    The words (headline, evidence, advice, terms) may instead come from `render`, called on
    first use: ranking thousands of cases then costs only their scores."""

    __slots__ = ("rule", "score", "interaction_ids", "promise_ids", "press_restart", "_words",
                 "_render")
    rule: str                       # dead_ends, broken_promise, gone_quiet, long_hold, ...
    score: float                    # this finding's term in the case's stall score
    interaction_ids: tuple[int, ...]
    promise_ids: tuple[int, ...]
    press_restart: bool             # show the press-restart advice prominently

    def __init__(self, rule: str, score: float, evidence: tuple[str, ...] = (),
                 advice: str = "", headline: str = "", interaction_ids: tuple[int, ...] = (),
                 promise_ids: tuple[int, ...] = (), press_restart: bool = False,
                 terms: tuple[Term, ...] = (), *,
                 render: Callable[[], tuple[str, Iterable[str], str, Iterable[Term]]]
                 | None = None):
        self._fill(rule, score, tuple(interaction_ids), tuple(promise_ids), press_restart,
                   None if render else (headline, tuple(evidence), advice, tuple(terms)),
                   render)

    def _wording(self) -> tuple[str, Iterable[str], str, Iterable[Term]]:
        """(headline, evidence, advice, terms), asked for once, on first use of any of them;
        a subclass may word itself instead of taking `render`."""
        return self._render()

    def _word(self, index: int):
        words = self._words
        if words is None:
            headline, evidence, advice, terms = self._wording()
            words = (headline, tuple(evidence), advice, tuple(terms))
            _SET_WORDS(self, words)
            _SET_RENDER(self, None)
        return words[index]

    headline = property(lambda self: self._word(0),
                        doc='One line for lists: "2 dead-end contacts in a row".')
    evidence = property(lambda self: self._word(1),
                        doc='Human lines: "transferred 2026-11-20 14:03 (phone, agent Priya)".')
    advice = property(lambda self: self._word(2), doc="What to do, filled in from the evidence.")
    terms = property(lambda self: self._word(3), doc="How `score` adds up, every term shown.")

    @property
    def breakdown(self) -> str:
        """The score's terms as one line: '4 (dead_ends) + 1 (1 more dead end x 1) = 5'."""
        return score_line(self.terms, self.score)

    def _key(self) -> tuple:
        return (self.rule, self.score, self.evidence, self.advice, self.headline,
                self.interaction_ids, self.promise_ids, self.press_restart, self.terms)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Finding) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Finding(rule={self.rule!r}, score={self.score!r}, "
                f"headline={self.headline!r}, evidence={self.evidence!r}, "
                f"advice={self.advice!r})")


_SET_WORDS, _SET_RENDER = (Finding.__dict__[name].__set__ for name in ("_words", "_render"))


class Assessment(_Frozen):
    """Every finding for one case, and the score they add up to.

    Built like a frozen dataclass: Assessment(case_id, score, findings, snoozed_until,
    snoozed, case). `case` is what the rules read of it: the Case for `assess`, its facts
    (CaseFacts: no title or notes) for `assess_all`, whose lists read the cases they show a
    page at a time. Two assessments are equal when their case id, score and findings are."""

    __slots__ = ("case_id", "score", "findings", "snoozed_until", "snoozed", "case")
    case_id: int
    score: float
    findings: tuple[Finding, ...]
    snoozed_until: str | None          # findings are kept but score is 0 while snoozed
    snoozed: bool
    case: Case | CaseFacts | None

    def __init__(self, case_id: int, score: float = 0.0, findings: tuple[Finding, ...] = (),
                 snoozed_until: str | None = None, snoozed: bool = False,
                 case: Case | CaseFacts | None = None):
        self._fill(case_id, score, findings, snoozed_until, snoozed, case)

    def _key(self) -> tuple:
        return (self.case_id, self.score, self.findings, self.snoozed_until, self.snoozed)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return ("Assessment(" + ", ".join(f"{name}={value!r}" for name, value in zip(
            ("case_id", "score", "findings", "snoozed_until", "snoozed"), self._key()))
            + f", case={self.case!r})")

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


def score_line(terms: tuple[Term, ...], total: float) -> str:
    """'4 (dead_ends) + 1 (1 more dead end x 1) = 5'."""
    parts = []
    for label, value in terms:
        sign = "- " if value < 0 else ("+ " if parts else "")
        parts.append(f"{sign}{abs(value):g} ({label})")
    return f"{' '.join(parts)} = {total:g}"
