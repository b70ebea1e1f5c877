"""The stall rules: one small pure function per rule, each taking a case's summary and the
pass's Run and giving a Finding or None. Only finished contacts count (a live one has no
outcome yet), and a threshold is reached at exactly its value.

Each rule decides and scores at once from the case's summary (CaseSummary: counts, totals,
its contacts' outcomes in order); its headline comes from the summary too (`*_headline`),
and its other words (evidence, advice, score terms) from a matching `*_words` function, run
only when they are read, from the full rows of the contacts the finding cites. So ranking
every open case, and listing the headlines, costs only the decisions."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Mapping, NamedTuple

from ..store.advice_queries import CaseSummary, summarize
from ..store.records import DEAD_END_OUTCOMES, CaseDetail, Promise
from ..store.validate import format_duration, to_iso
from .channels import better_channel, route
from .model import Finding, Term
from .playbook import Playbook
from .score import finding_score, rule_weights, score_terms
from .words import agent_label, contact_line, day, plural, whole_days

PRODUCT_OR_SHIPPING = frozenset(("product_question", "shipping", "late_delivery",
                                 "missing_package", "damaged", "not_as_described"))
# Positions in a contact row (CONTACT_COLUMNS).
ID, CASE_ID, HOLD = 0, 1, 4


class Contact(NamedTuple):
    """A finished contact as the rules' evidence reads it (a row of CONTACT_COLUMNS)."""

    id: int
    case_id: int
    channel: str
    started_at: str
    hold_seconds: int
    outcome: str
    agent: str | None
    agent_id: str | None
    reference: str | None


class Run:
    """What every case in one pass shares: the playbook, `now` in the forms the rules compare
    against, worked out once (times are ISO UTC text, so they compare as strings), each
    company's channel stats once read, and the rows of the contacts the findings cite.

    Assessing one case, `rows` holds every finished contact of it; ranking every case, the
    rules name what they cite in `cited`, and the first wording that needs a contact reads
    them all through `fetch`, in one batch (lists show headlines, which need none)."""

    __slots__ = ("now", "iso", "playbook", "t", "w", "quiet_cutoff", "min_hold", "min_total_hold",
                 "history", "stats", "rows", "cited", "fetch", "scores")

    def __init__(self, now: datetime, playbook: Playbook,
                 history: Callable[[int], Mapping[str, tuple[int, int]]],
                 cited: set[int] | None = None,
                 fetch: Callable[[Iterable[int]], Mapping[int, tuple]] | None = None):
        self.now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        self.iso = to_iso(self.now)
        self.playbook = playbook
        self.t = playbook.thresholds
        self.w = {rule: rule_weights(playbook.weights, rule) for rule in RULE_NAMES}
        self.quiet_cutoff = to_iso(self.now - timedelta(days=self.t["quiet_days"]))
        self.min_hold = self.t["hold_one_minutes"] * 60        # seconds, in one contact
        self.min_total_hold = self.t["hold_total_minutes"] * 60  # seconds, over the case
        self.history = history      # company id -> its channel stats, read from the store
        self.stats: dict[int, Mapping[str, tuple[int, int]]] = {}
        self.rows: dict[int, tuple] = {}
        self.cited = cited
        self.fetch = fetch          # contact ids -> their CONTACT_COLUMNS rows
        self.scores: dict[tuple[str, int, float], float] = {}

    def score(self, rule: str, excess: int, extra: float = 0.0) -> float:
        """A finding's score (the same few come up again and again)."""
        key = (rule, excess, extra)
        score = self.scores.get(key)
        if score is None:
            score = self.scores[key] = finding_score(*self.w[rule], excess, extra)
        return score

    def cite(self, ids: tuple[int, ...]) -> tuple[int, ...]:
        """`ids` (contacts a finding names), to be at hand in `rows` when wording."""
        if self.cited is not None:
            self.cited.update(ids)
        return ids

    def contacts(self, s: CaseSummary, ids: Iterable[int | None]) -> list[Contact]:
        """Those of `ids` that are finished contacts of the case, in the order given."""
        if self.cited and self.fetch is not None:
            self.rows.update(self.fetch(self.cited))
            self.cited.clear()
        rows, case_id = self.rows, s.case.id
        return [Contact._make(rows[i]) for i in ids if i in rows and rows[i][CASE_ID] == case_id]

    def channel_stats(self, company_id: int) -> Mapping[str, tuple[int, int]]:
        """Read now, while the store is at hand, so wording never needs it."""
        if company_id not in self.stats:
            self.stats[company_id] = self.history(company_id)
        return self.stats[company_id]


def facts_of(detail: CaseDetail, run: Run) -> CaseSummary:
    """One case's summary, with every finished contact of it in `run.rows`."""
    summary, rows = summarize(detail, run.iso, run.min_hold, run.min_total_hold)
    run.rows.update((row[ID], row) for row in rows)
    return summary


class RuleFinding(Finding):
    """A rule's finding: scored when made, worded by the rule's `*_words` function from the
    case's summary on first use; its headline comes from the summary alone (`*_headline`),
    so a list of headlines reads no contact."""

    __slots__ = ("_case", "_run", "_excess")

    def __init__(self, rule: str, s: CaseSummary, run: Run, excess: int, extra: float = 0.0,
                 interaction_ids: tuple[int, ...] = (), promise_ids: tuple[int, ...] = (),
                 press_restart: bool = False):
        self._fill(rule, run.score(rule, excess, extra), interaction_ids, promise_ids,
                   press_restart, None, None, s, run, excess)

    def _wording(self):
        rule, run, excess = self.rule, self._run, self._excess
        evidence, advice, unit, extra = WORDS[rule](self._case, run, excess)
        base, step, cap = run.w[rule]
        return self.headline, evidence, advice, score_terms(base, step, cap, rule, excess,
                                                            unit, extra)

    @property
    def headline(self) -> str:
        words = self._words
        if words is not None:
            return words[0]
        return HEADLINES[self.rule](self._case, self._run, self._excess)


Words = tuple[list[str], str, str, tuple[Term, ...]]  # evidence, advice, unit of excess,
                                                      # extra terms


def _ids(s: CaseSummary, last: int | None = None) -> tuple[int, ...]:
    """The ids of the case's finished contacts (the `last` ones), oldest first."""
    if not s.ids:
        return ()
    ids = s.ids.split(",") if last is None else s.ids.rsplit(",", last)[-last:]
    return tuple(map(int, ids))


# -- dead_ends -----------------------------------------------------------------------------
def _streak(outcomes: str) -> int:
    """How many of the last contacts in a row ended without progress."""
    n = 0
    for outcome in reversed(outcomes.split(" ")):
        if outcome not in DEAD_END_OUTCOMES:
            break
        n += 1
    return n


def _one_channel(s: CaseSummary, n: int) -> bool:
    """Whether the last `n` contacts all went through the same channel."""
    return len(set(s.channels.split(" ")[-n:])) == 1


def dead_ends(s: CaseSummary, run: Run) -> Finding | None:
    """The last `dead_end_streak` or more contacts all ended without progress."""
    outcomes = s.outcomes
    if outcomes[outcomes.rfind(" ") + 1:] not in DEAD_END_OUTCOMES:
        return None     # the last contact made progress (or there is none)
    n, need = _streak(outcomes), run.t["dead_end_streak"]
    if n < need:
        return None
    if _one_channel(s, n):
        run.channel_stats(s.case.company_id)
    return RuleFinding("dead_ends", s, run, n - need, interaction_ids=run.cite(_ids(s, n)),
                       press_restart=True)


def dead_ends_headline(s: CaseSummary, run: Run, excess: int) -> str:
    return run.playbook.text("dead_ends", "headline", count=excess + run.t["dead_end_streak"])


def dead_ends_words(s: CaseSummary, run: Run, excess: int) -> Words:
    pb, case, company = run.playbook, s.case, s.company
    n = excess + run.t["dead_end_streak"]
    streak = run.contacts(s, _ids(s, n))
    advice = pb.text("dead_ends", "advice")
    if not _one_channel(s, n):
        advice += pb.text("dead_ends", "stay")
    else:
        failing = streak[0].channel
        pick = better_channel(failing, run.stats[case.company_id], pb, case.company,
                              bool(case.seller))
        if pick:
            better, why = pick
            address = route(company, better)
            advice += pb.text("dead_ends", "switch", channel=pb.label(failing),
                              better=pb.label(better) + (f" ({address})" if address else ""),
                              why=why)
    return [contact_line(c) for c in streak], advice, plural(excess, "more dead end"), ()


# -- broken_promise ------------------------------------------------------------------------
def broken_promise(s: CaseSummary, run: Run) -> Finding | None:
    """A pending promise whose due time has passed; a second unkept one calls for a
    supervisor."""
    overdue, broken = s.overdue, s.broken
    if not overdue:
        return None
    repeats = len(overdue) + len(broken) - 1
    run.cite(tuple(p.interaction_id for p in overdue + broken if p.interaction_id is not None))
    return RuleFinding("broken_promise", s, run, whole_days(run.now, overdue[0].due_at),
                       run.playbook.weights["broken_promise_repeat"] * repeats,
                       promise_ids=tuple(p.id for p in overdue + broken),
                       interaction_ids=tuple(p.interaction_id for p in overdue
                                             if p.interaction_id is not None))


def broken_promise_headline(s: CaseSummary, run: Run, excess: int) -> str:
    late = len(s.overdue)
    return run.playbook.text("broken_promise", "headline" if late == 1 else "headline_many",
                             count=late)


def broken_promise_words(s: CaseSummary, run: Run, excess: int) -> Words:
    pb, overdue, broken = run.playbook, s.overdue, s.broken
    sources = {c.id: c for c in run.contacts(s, (p.interaction_id for p in overdue + broken))}
    evidence = [_promise_line(p, sources.get(p.interaction_id),
                              f"due {day(p.due_at)}, "
                              f"{plural(whole_days(run.now, p.due_at), 'day')} late")
                for p in overdue]
    evidence += [_promise_line(p, sources.get(p.interaction_id), "already marked broken")
                 for p in broken]
    first = overdue[0]
    source = sources.get(first.interaction_id)
    advice = pb.text("broken_promise", "advice",
                     agent=(source and agent_label(source.agent, source.agent_id))
                     or "the agent",
                     promised_on=day(source.started_at if source else first.created_at),
                     promise=first.text, due=day(first.due_at),
                     ref=f" (reference {source.reference})"
                     if source and source.reference else "")
    unkept = len(overdue) + len(broken)
    if unkept >= run.t["supervisor_after_promises"]:
        advice += pb.text("broken_promise", "supervisor", broken=unkept)
    repeat = pb.weights["broken_promise_repeat"]
    extra = ((f"{plural(unkept - 1, 'more unkept promise')} x {repeat:g}",
              repeat * (unkept - 1)),)
    return evidence, advice, plural(excess, "day") + " late", extra


def _promise_line(p: Promise, source: Contact | None, state: str) -> str:
    """'Priya (phone, 2026-11-20, ref R-1) promised "a refund": due 2026-11-25, 3 days late'."""
    who = (source and agent_label(source.agent, source.agent_id)) or "they"
    if source:
        ref = f", ref {source.reference}" if source.reference else ""
        who += f" ({source.channel}, {day(source.started_at)}{ref})"
    return f'{who} promised "{p.text}": {state}'


# -- gone_quiet ----------------------------------------------------------------------------
def gone_quiet(s: CaseSummary, run: Run) -> Finding | None:
    """No contact for `quiet_days` and no promise still to come."""
    since = s.last_at if s.contacts else s.case.opened_at
    if not since or since > run.quiet_cutoff or s.promise_ahead:
        return None
    return RuleFinding("gone_quiet", s, run, whole_days(run.now, since) - run.t["quiet_days"],
                       interaction_ids=run.cite(_ids(s, 1)))


def gone_quiet_headline(s: CaseSummary, run: Run, excess: int) -> str:
    return run.playbook.text("gone_quiet", "headline", days=excess + run.t["quiet_days"])


def gone_quiet_words(s: CaseSummary, run: Run, excess: int) -> Words:
    pb, case = run.playbook, s.case
    if s.contacts:
        last = run.contacts(s, _ids(s, 1))[0]
        evidence = [contact_line(last, "last contact:")]
        ref = f", reference {last.reference}" if last.reference else ""
        cite = f", citing your last contact on {day(last.started_at)}{ref}"
    else:
        evidence, cite = [f"opened {day(case.opened_at)}, no contact logged since"], ""
    return (evidence, pb.text("gone_quiet", "advice", company=case.company, last=cite),
            plural(excess, "more day") + " of silence", ())


# -- long_hold -----------------------------------------------------------------------------
def long_hold(s: CaseSummary, run: Run) -> Finding | None:
    """One contact held `hold_one_minutes`, or `hold_total_minutes` held over the case."""
    if not s.held:
        return None     # neither limit reached (see CaseSummary.held)
    long_ones, total = s.long_holds, s.hold_total
    if not long_ones and total < run.min_total_hold:
        return None
    worst = max(r[HOLD] for r in long_ones) - run.min_hold if long_ones else 0
    over = max(worst, total - run.min_total_hold)
    return RuleFinding("long_hold", s, run, over // 60,
                       interaction_ids=tuple(r[ID] for r in long_ones))


def long_hold_headline(s: CaseSummary, run: Run, excess: int) -> str:
    total = s.hold_total
    what = [f"held {format_duration(max(r[HOLD] for r in s.long_holds))} in one contact"
            ] if s.long_holds else []
    if total >= run.min_total_hold:
        what.append(f"{format_duration(total)} on hold over the case")
    return run.playbook.text("long_hold", "headline", what=", ".join(what))


def long_hold_words(s: CaseSummary, run: Run, excess: int) -> Words:
    total = s.hold_total
    long_ones = [Contact._make(r) for r in s.long_holds]
    evidence = [contact_line(c, f"held {format_duration(c.hold_seconds)}") for c in long_ones]
    evidence.append(f"{format_duration(total)} on hold in all, over "
                    f"{plural(s.held, 'contact')}")
    pb = run.playbook
    return evidence, pb.text("long_hold", "advice"), plural(excess, "minute") + " over", ()


# -- many_contacts -------------------------------------------------------------------------
def many_contacts(s: CaseSummary, run: Run) -> Finding | None:
    """`many_contacts` or more contacts and the case is still not resolved."""
    excess = s.contacts - run.t["many_contacts"]
    return RuleFinding("many_contacts", s, run, excess) if excess >= 0 else None


def many_contacts_headline(s: CaseSummary, run: Run, excess: int) -> str:
    return run.playbook.text("many_contacts", "headline", count=s.contacts)


def many_contacts_words(s: CaseSummary, run: Run, excess: int) -> Words:
    n, pb = s.contacts, run.playbook
    channels = Counter(s.channels.split(" ")).most_common()
    outcomes = Counter(s.outcomes.split(" ")).most_common()
    evidence = [f"{plural(n, 'contact')} since {day(s.first_at)}: "
                + ", ".join(f"{k} by {ch}" for ch, k in channels),
                "outcomes: " + ", ".join(f"{k} {o}" for o, k in outcomes)]
    return (evidence, pb.text("many_contacts", "advice", case_id=s.case.id),
            plural(excess, "more contact"), ())


# -- wrong_door ----------------------------------------------------------------------------
def _right_door(s: CaseSummary, run: Run) -> str | None:
    """'seller' when a product or shipping question only went to the marketplace,
    'marketplace' when a refund only went to the seller, else None."""
    case, n = s.case, s.contacts
    if not case.seller or n < run.t["wrong_door_contacts"]:
        return None
    about_refund = case.category == "refund" or case.want == "refund"
    to_seller = s.channels.split(" ").count("seller")
    # A refund is the marketplace's to give even when the item itself was the problem, so a
    # refund-seeking case only goes wrong by staying with the seller.
    if case.category in PRODUCT_OR_SHIPPING and not about_refund and to_seller == 0:
        return "seller"
    if about_refund and to_seller == n:
        return "marketplace"
    return None


def wrong_door(s: CaseSummary, run: Run) -> Finding | None:
    """A third-party seller's case taken to the wrong party: product and shipping questions
    belong with the seller, refunds with the marketplace."""
    if _right_door(s, run) is None:
        return None
    return RuleFinding("wrong_door", s, run, s.contacts - run.t["wrong_door_contacts"],
                       interaction_ids=run.cite(_ids(s)))


def wrong_door_headline(s: CaseSummary, run: Run, excess: int) -> str:
    case = s.case
    wrong = case.company if _right_door(s, run) == "seller" else f"the seller {case.seller}"
    return run.playbook.text("wrong_door", "headline", wrong=wrong)


def wrong_door_words(s: CaseSummary, run: Run, excess: int) -> Words:
    case, pb, n = s.case, run.playbook, s.contacts
    if _right_door(s, run) == "seller":
        advice = pb.text("wrong_door", "to_seller", seller=case.seller)
        summary = f"with {case.company}; the item was sold by {case.seller}"
    else:
        advice = pb.text("wrong_door", "to_marketplace", company=case.company)
        summary = f"with the seller {case.seller}; refunds go through {case.company}"
    return ([f"{plural(n, 'contact')}, {'all ' if n > 1 else ''}{summary}",
             *map(contact_line, run.contacts(s, _ids(s)))],
            advice, plural(excess, "more contact") + " to the wrong party", ())


RULES: tuple[Callable[[CaseSummary, Run], Finding | None], ...] = (
    dead_ends, broken_promise, gone_quiet, long_hold, many_contacts, wrong_door)
RULE_NAMES = tuple(rule.__name__ for rule in RULES)
HEADLINES: dict[str, Callable[[CaseSummary, Run, int], str]] = {
    "dead_ends": dead_ends_headline, "broken_promise": broken_promise_headline,
    "gone_quiet": gone_quiet_headline, "long_hold": long_hold_headline,
    "many_contacts": many_contacts_headline, "wrong_door": wrong_door_headline}
WORDS: dict[str, Callable[[CaseSummary, Run, int], Words]] = {
    "dead_ends": dead_ends_words, "broken_promise": broken_promise_words,
    "gone_quiet": gone_quiet_words, "long_hold": long_hold_words,
    "many_contacts": many_contacts_words, "wrong_door": wrong_door_words}
