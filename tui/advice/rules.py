"""The stall rules: one small pure function per rule, each taking a case's Facts and giving a
Finding or None. Only finished contacts count (a live one has no outcome yet), and a
threshold is reached at exactly its value.

Each rule decides and scores at once; its words (headline, evidence, advice, score terms)
come from a matching `*_words` function, run only when the finding is read, so ranking
every open case costs only the decisions."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Callable, Mapping, NamedTuple

from ..store.history import CONTACT_COLUMNS
from ..store.records import DEAD_END_OUTCOMES, Case, CaseDetail, Company, Promise
from ..store.validate import format_duration, to_iso
from .channels import better_channel, route
from .model import Finding, Term
from .playbook import Playbook
from .score import finding_score, rule_weights, score_terms
from .words import agent_label, contact_line, day, plural, whole_days

PRODUCT_OR_SHIPPING = frozenset(("product_question", "shipping", "late_delivery",
                                 "missing_package", "damaged", "not_as_described"))
# Positions in a contact row (CONTACT_COLUMNS); the hot paths index rows directly.
ID, CHANNEL, STARTED, HOLD, OUTCOME = 0, 2, 3, 4, 5


class Contact(NamedTuple):
    """A finished contact as the rules read it (a row of CONTACT_COLUMNS)."""

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
    """What every case in one pass shares: the playbook, and `now` in the forms the rules
    compare against, worked out once (times are ISO UTC text, so they compare as strings)."""

    __slots__ = ("now", "iso", "playbook", "t", "w", "quiet_cutoff")

    def __init__(self, now: datetime, playbook: Playbook):
        self.now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        self.iso = to_iso(self.now)
        self.playbook = playbook
        self.t = playbook.thresholds
        self.w = {rule: rule_weights(playbook.weights, rule) for rule in RULE_NAMES}
        self.quiet_cutoff = to_iso(self.now - timedelta(days=self.t["quiet_days"]))


class Facts:
    """One case as the rules see it: its finished contacts as rows, oldest first."""

    __slots__ = ("case", "company", "rows", "promises", "run", "history", "stats")

    def __init__(self, case: Case, company: Company | None, rows: tuple[tuple, ...],
                 promises: tuple[Promise, ...], run: Run,
                 history: Callable[[], Mapping[str, tuple[int, int]]]):
        self.case, self.company, self.rows, self.promises = case, company, rows, promises
        self.run, self.history = run, history
        self.stats: Mapping[str, tuple[int, int]] | None = None

    @classmethod
    def of(cls, detail: CaseDetail, run: Run, history) -> "Facts":
        rows = sorted((tuple(getattr(i, c) for c in CONTACT_COLUMNS)
                       for i in detail.interactions if i.outcome is not None),
                      key=lambda r: (r[STARTED], r[ID]))
        return cls(detail.case, detail.company, tuple(rows), detail.promises, run, history)

    def finding(self, rule: str, excess: int, extra: float = 0.0, **fields) -> Finding:
        """A finding scored now and worded on first use."""
        base, step, cap = self.run.w[rule]
        return Finding(rule, finding_score(base, step, cap, excess, extra),
                       render=partial(_render, self, rule, excess), **fields)


Words = tuple[str, list[str], str, str, tuple[Term, ...]]  # headline, evidence, advice,
                                                           # unit of excess, extra terms


def _render(f: Facts, rule: str, excess: int):
    headline, evidence, advice, unit, extra = WORDS[rule](f, excess)
    base, step, cap = f.run.w[rule]
    return headline, evidence, advice, score_terms(base, step, cap, rule, excess, unit, extra)


def _contacts(rows) -> list[Contact]:
    return [Contact._make(r) for r in rows]


# -- dead_ends -----------------------------------------------------------------------------
def dead_ends(f: Facts) -> Finding | None:
    """The last `dead_end_streak` or more contacts all ended without progress."""
    n = 0
    for row in reversed(f.rows):
        if row[OUTCOME] not in DEAD_END_OUTCOMES:
            break
        n += 1
    need = f.run.t["dead_end_streak"]
    if n < need:
        return None
    streak = f.rows[-n:]
    if len({r[CHANNEL] for r in streak}) == 1:
        # Loaded now, not while wording, so reading a finding never needs the store.
        f.stats = f.history()
    return f.finding("dead_ends", n - need, interaction_ids=tuple(r[ID] for r in streak),
                     press_restart=True)


def dead_ends_words(f: Facts, excess: int) -> Words:
    pb, case, company = f.run.playbook, f.case, f.company
    streak = _contacts(f.rows[-(excess + f.run.t["dead_end_streak"]):])
    advice = pb.text("dead_ends", "advice")
    if f.stats is None:
        advice += pb.text("dead_ends", "stay")
    else:
        failing = streak[0].channel
        pick = better_channel(failing, f.stats, pb, case.company, bool(case.seller))
        if pick:
            better, why = pick
            address = route(company, better)
            advice += pb.text("dead_ends", "switch", channel=pb.label(failing),
                              better=pb.label(better) + (f" ({address})" if address else ""),
                              why=why)
    return (pb.text("dead_ends", "headline", count=len(streak)),
            [contact_line(c) for c in streak], advice, plural(excess, "more dead end"), ())


# -- broken_promise ------------------------------------------------------------------------
def _unkept(f: Facts) -> tuple[list[Promise], list[Promise]]:
    """(pending promises past their due time, oldest due first; promises marked broken)."""
    now = f.run.iso
    overdue = sorted((p for p in f.promises if p.status == "pending" and p.due_at
                      and p.due_at < now), key=lambda p: (p.due_at, p.id))
    return overdue, [p for p in f.promises if p.status == "broken"] if overdue else []


def broken_promise(f: Facts) -> Finding | None:
    """A pending promise whose due time has passed; a second unkept one calls for a
    supervisor."""
    overdue, broken = _unkept(f)
    if not overdue:
        return None
    repeats = len(overdue) + len(broken) - 1
    return f.finding("broken_promise", whole_days(f.run.now, overdue[0].due_at),
                     f.run.playbook.weights["broken_promise_repeat"] * repeats,
                     promise_ids=tuple(p.id for p in overdue + broken),
                     interaction_ids=tuple(p.interaction_id for p in overdue
                                           if p.interaction_id is not None))


def broken_promise_words(f: Facts, excess: int) -> Words:
    run, pb = f.run, f.run.playbook
    overdue, broken = _unkept(f)
    wanted = {p.interaction_id for p in overdue + broken}
    sources = {c.id: c for c in _contacts(r for r in f.rows if r[ID] in wanted)}
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
    headline = pb.text("broken_promise", "headline" if len(overdue) == 1 else "headline_many",
                       count=len(overdue))
    repeat = pb.weights["broken_promise_repeat"]
    extra = ((f"{plural(unkept - 1, 'more unkept promise')} x {repeat:g}",
              repeat * (unkept - 1)),)
    return headline, evidence, advice, plural(excess, "day") + " late", extra


def _promise_line(p: Promise, source: Contact | None, state: str) -> str:
    """'Priya (phone, 2026-11-20, ref R-1) promised "a refund": due 2026-11-25, 3 days late'."""
    who = (source and agent_label(source.agent, source.agent_id)) or "they"
    if source:
        ref = f", ref {source.reference}" if source.reference else ""
        who += f" ({source.channel}, {day(source.started_at)}{ref})"
    return f'{who} promised "{p.text}": {state}'


# -- gone_quiet ----------------------------------------------------------------------------
def gone_quiet(f: Facts) -> Finding | None:
    """No contact for `quiet_days` and no promise still to come."""
    run = f.run
    since = f.rows[-1][STARTED] if f.rows else f.case.opened_at
    if not since or since > run.quiet_cutoff:
        return None
    if any(p.status == "pending" and p.due_at and p.due_at >= run.iso for p in f.promises):
        return None
    return f.finding("gone_quiet", whole_days(run.now, since) - run.t["quiet_days"],
                     interaction_ids=(f.rows[-1][ID],) if f.rows else ())


def gone_quiet_words(f: Facts, excess: int) -> Words:
    pb, case = f.run.playbook, f.case
    if f.rows:
        last = Contact._make(f.rows[-1])
        evidence = [contact_line(last, "last contact:")]
        ref = f", reference {last.reference}" if last.reference else ""
        cite = f", citing your last contact on {day(last.started_at)}{ref}"
    else:
        evidence, cite = [f"opened {day(case.opened_at)}, no contact logged since"], ""
    return (pb.text("gone_quiet", "headline", days=excess + f.run.t["quiet_days"]), evidence,
            pb.text("gone_quiet", "advice", company=case.company, last=cite),
            plural(excess, "more day") + " of silence", ())


# -- long_hold -----------------------------------------------------------------------------
def _holds(f: Facts) -> tuple[int, int, int]:
    """(one-contact limit, whole-case limit) in seconds, and the case's total hold."""
    t = f.run.t
    return t["hold_one_minutes"] * 60, t["hold_total_minutes"] * 60, sum(r[HOLD] for r in f.rows)


def long_hold(f: Facts) -> Finding | None:
    """One contact held `hold_one_minutes`, or `hold_total_minutes` held over the case."""
    one, total_limit, total = _holds(f)
    if total < one and total < total_limit:
        return None     # no single hold can reach its limit either
    long_ones = [r for r in f.rows if r[HOLD] >= one]
    if not long_ones and total < total_limit:
        return None
    worst = max(r[HOLD] for r in long_ones) - one if long_ones else 0
    over = max(worst, total - total_limit)
    return f.finding("long_hold", over // 60, interaction_ids=tuple(r[ID] for r in long_ones))


def long_hold_words(f: Facts, excess: int) -> Words:
    one, total_limit, total = _holds(f)
    long_ones = _contacts(r for r in f.rows if r[HOLD] >= one)
    what = [f"held {format_duration(max(c.hold_seconds for c in long_ones))} in one contact"
            ] if long_ones else []
    if total >= total_limit:
        what.append(f"{format_duration(total)} on hold over the case")
    evidence = [contact_line(c, f"held {format_duration(c.hold_seconds)}") for c in long_ones]
    held = sum(1 for r in f.rows if r[HOLD])
    evidence.append(f"{format_duration(total)} on hold in all, over {plural(held, 'contact')}")
    pb = f.run.playbook
    return (pb.text("long_hold", "headline", what=", ".join(what)), evidence,
            pb.text("long_hold", "advice"), plural(excess, "minute") + " over", ())


# -- many_contacts -------------------------------------------------------------------------
def many_contacts(f: Facts) -> Finding | None:
    """`many_contacts` or more contacts and the case is still not resolved."""
    excess = len(f.rows) - f.run.t["many_contacts"]
    return f.finding("many_contacts", excess) if excess >= 0 else None


def many_contacts_words(f: Facts, excess: int) -> Words:
    n, pb = len(f.rows), f.run.playbook
    channels = Counter(r[CHANNEL] for r in f.rows).most_common()
    outcomes = Counter(r[OUTCOME] for r in f.rows).most_common()
    evidence = [f"{plural(n, 'contact')} since {day(f.rows[0][STARTED])}: "
                + ", ".join(f"{k} by {ch}" for ch, k in channels),
                "outcomes: " + ", ".join(f"{k} {o}" for o, k in outcomes)]
    return (pb.text("many_contacts", "headline", count=n), evidence,
            pb.text("many_contacts", "advice", case_id=f.case.id),
            plural(excess, "more contact"), ())


# -- wrong_door ----------------------------------------------------------------------------
def _right_door(f: Facts) -> str | None:
    """'seller' when a product or shipping question only went to the marketplace,
    'marketplace' when a refund only went to the seller, else None."""
    case, n = f.case, len(f.rows)
    if not case.seller or n < f.run.t["wrong_door_contacts"]:
        return None
    about_refund = case.category == "refund" or case.want == "refund"
    to_seller = sum(1 for r in f.rows if r[CHANNEL] == "seller")
    # A refund is the marketplace's to give even when the item itself was the problem, so a
    # refund-seeking case only goes wrong by staying with the seller.
    if case.category in PRODUCT_OR_SHIPPING and not about_refund and to_seller == 0:
        return "seller"
    if about_refund and to_seller == n:
        return "marketplace"
    return None


def wrong_door(f: Facts) -> Finding | None:
    """A third-party seller's case taken to the wrong party: product and shipping questions
    belong with the seller, refunds with the marketplace."""
    if _right_door(f) is None:
        return None
    return f.finding("wrong_door", len(f.rows) - f.run.t["wrong_door_contacts"],
                     interaction_ids=tuple(r[ID] for r in f.rows))


def wrong_door_words(f: Facts, excess: int) -> Words:
    case, pb, n = f.case, f.run.playbook, len(f.rows)
    if _right_door(f) == "seller":
        wrong, advice = case.company, pb.text("wrong_door", "to_seller", seller=case.seller)
        summary = f"with {case.company}; the item was sold by {case.seller}"
    else:
        wrong = f"the seller {case.seller}"
        advice = pb.text("wrong_door", "to_marketplace", company=case.company)
        summary = f"with the seller {case.seller}; refunds go through {case.company}"
    return (pb.text("wrong_door", "headline", wrong=wrong),
            [f"{plural(n, 'contact')}, {'all ' if n > 1 else ''}{summary}",
             *map(contact_line, _contacts(f.rows))],
            advice, plural(excess, "more contact") + " to the wrong party", ())


RULES: tuple[Callable[[Facts], Finding | None], ...] = (
    dead_ends, broken_promise, gone_quiet, long_hold, many_contacts, wrong_door)
RULE_NAMES = tuple(rule.__name__ for rule in RULES)
WORDS: dict[str, Callable[[Facts, int], Words]] = {
    "dead_ends": dead_ends_words, "broken_promise": broken_promise_words,
    "gone_quiet": gone_quiet_words, "long_hold": long_hold_words,
    "many_contacts": many_contacts_words, "wrong_door": wrong_door_words}
