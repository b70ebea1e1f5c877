"""The findings in words: each fired rule's headline (from the facts alone, for lists) and,
for `explain`/`assess`, its evidence, advice and score terms (citing the contacts)."""

from __future__ import annotations

from collections import Counter

from ..store.times import format_duration
from .channels import route
from .deadlines import DUE_CLOCK, left, what
from .decide import Decision, Hit, Pass
from .evidence import Evidence, agent_of, asked_clause, asked_line, promise_clause
from .model import Finding, Term
from .acts import by, deadline_act
from .words import contact_line, day, days_ago, plural


def headline(h: Hit, d: Decision, p: Pass) -> str:
    f, pb = d.facts, p.playbook
    rule = h.rule
    if rule == "your_move":
        x = h.items[0]
        late = (f"{plural(h.excess, 'day')} late" if h.excess else "late today") if x.due_at \
            else f"asked {days_ago(p.days_since(x.created_at))}, no date"
        return pb.text(rule, "headline", ask=x.text, late=late)
    if rule == "first_contact":
        return pb.text("your_move", "headline_first", days=plural(int(h.kind), "day"))
    if rule == "broken_promise":
        overdue = sum(1 for x in h.items if x.status == "pending")
        if overdue:
            return pb.text(rule, "headline" if overdue == 1 else "headline_many", count=overdue)
        n = len(h.items)
        return pb.text(rule, "headline_broken" if n == 1 else "headline_broken_many", count=n)
    if rule == "gone_quiet":
        return pb.text(rule, "headline", days=h.excess + p.t["quiet_days"])
    if rule == "dead_ends":
        return pb.text(rule, "headline", count=f.streak)
    if rule == "long_hold":
        longest = max(x.hold_seconds for x in h.items)
        total = sum(x.hold_seconds for x in h.items)
        what = [f"held {format_duration(longest)} in one contact"] if longest >= p.min_hold \
            else []
        if total >= p.min_total_hold:
            what.append(f"{format_duration(total)} on hold in the last "
                        f"{p.t['hold_window_days']} days")
        return pb.text(rule, "headline", what=", ".join(what))
    if rule == "many_contacts":
        return pb.text(rule, "headline", count=f.contacts)
    if rule == "wrong_door":
        wrong = f.company if h.kind == "seller" else f"the seller {f.seller}"
        return pb.text(rule, "headline", wrong=wrong)
    if rule == "close_it":
        return pb.text(rule, "headline", day=day(f.last_at), status=f.status)
    if rule == "deadline":
        return deadline_headline(h, d, p)
    if h.kind == "final":
        return pb.text(rule, "headline_final", day=day(f.final_at))
    return pb.text(rule, "headline", weeks=p.days_since(f.complained_at) // 7)


def deadline_headline(h: Hit, d: Decision, p: Pass) -> str:
    pb, (kind, item, days) = p.playbook, h.items[0]
    if kind == "ask":
        return pb.text("deadline", "headline_ask", ask=item.text, left=left(days))
    if kind == "warn" and item.clock is DUE_CLOCK:
        return pb.text("deadline", "headline_due", left=left(days), day=item.last_day)
    name = "headline" if kind == "warn" else f"headline_{kind}"
    return pb.text("deadline", name, what=what(item), left=left(days), day=item.last_day,
                   company=d.facts.company)


def worded(h: Hit, d: Decision, p: Pass, ev: Evidence) -> Finding:
    """The full finding: headline, evidence, advice, terms and what it cites."""
    evidence, advice, unit, extra, contact_ids = WORDS[h.rule](h, d, p, ev)
    base, step, cap = p.wt[h.rule]
    terms = _terms(base, step, cap, h.rule, h.excess, unit, extra) \
        if not (h.rule == "deadline" and h.kind == "closed") else (("deadline closed", h.score),)
    return Finding(h.rule, h.score, headline(h, d, p), tuple(evidence), advice, terms,
                   tuple(contact_ids),
                   _promise_ids(h, d),
                   h.rule == "dead_ends")


def _promise_ids(h: Hit, d: Decision) -> tuple[int, ...]:
    if h.rule == "broken_promise":
        return tuple(x.id for x in h.items) + tuple(
            x.id for x in d.facts.promises if x.party == "company" and x.status == "broken"
            and x not in h.items)
    if h.rule == "deadline":
        return tuple(x.id for kind, x, _ in h.items if kind == "ask")
    return tuple(x.id for x in h.items if hasattr(x, "party"))


def _terms(base: float, step: float, cap: float, rule: str, excess: int, unit: str,
           extra: tuple[Term, ...]) -> tuple[Term, ...]:
    """The score as labelled terms that add up to it: ("dead_ends", 4.0),
    ("1 more dead end x 1", 1.0), ("capped at 8", -2.0)."""
    terms: list[Term] = [(rule, float(base))]
    if excess > 0 and step:
        terms.append((f"{unit} x {step:g}", step * excess))
    terms.extend((label, value) for label, value in extra if value)
    total = sum(value for _, value in terms)
    if total > cap:
        terms.append((f"capped at {cap:g}", cap - total))
    return tuple((label, round(value, 2)) for label, value in terms)


def _company(d: Decision) -> str:
    return d.facts.seller if d.target == "seller" else d.facts.company


def _your_move(h, d, p, ev):
    pb = p.playbook
    lines, ids = [], []
    for x in h.items:
        source = ev.contact(x.interaction_id)
        lines.append(asked_line(x, ev, f"due {day(x.due_at)}" if x.due_at else "no date given"))
        if source is not None:
            ids.append(source.id)
    x = h.items[0]
    asked = asked_clause(x, ev, "They") + (f", due {day(x.due_at)}" if x.due_at
                                           else ", with no date")
    advice = pb.text("your_move", "advice", ask=x.text, source=asked, company=_company(d))
    return lines, advice, plural(h.excess, "day") + " late", (), ids


def _first_contact(h, d, p, ev):
    f = d.facts
    advice = p.playbook.text("your_move", "advice_first", company=f.company)
    return ([f"opened {day(f.opened_at)}, no contact logged since"], advice,
            plural(h.excess, "more day"), (), ())


def _broken_promise(h, d, p, ev):
    pb, f = p.playbook, d.facts
    lines, ids = [], []
    for x in h.items:
        if x.status == "broken":
            state = "marked broken" + (f" on {day(x.settled_at)}" if x.settled_at else "") \
                + ", no contact since"
        elif x.due_at:
            late = p.days_since(x.due_at)
            state = f"due {day(x.due_at)}, " + (f"{plural(late, 'day')} late" if late
                                                else "passed today")
        else:
            state = f"no date given, made {day(x.created_at)}"
        lines.append(f"{promise_clause(x, ev, with_due=False)}: {state}")
        if x.interaction_id in ev.by_id:
            ids.append(x.interaction_id)
    for x in f.promises:        # broken ones followed up since still count as unkept
        if x.party == "company" and x.status == "broken" and x not in h.items:
            lines.append(f"{promise_clause(x, ev, with_due=False)}: marked broken"
                         + (f" on {day(x.settled_at)}" if x.settled_at else ""))
    x = h.items[0]
    source = ev.contact(x.interaction_id)
    led = d.lead is h
    advice = pb.text("broken_promise", "advice" if led else "cite",
                     agent=agent_of(source) or "the agent",
                     promised_on=day(source.started_at if source is not None else x.created_at),
                     promise=x.text, due=day(x.due_at) if x.due_at else "a date",
                     ref=f" (reference {source.reference})"
                     if source is not None and source.reference else "")
    unkept = int(h.kind)
    if led and unkept >= p.t["supervisor_after_promises"]:
        advice += pb.text("broken_promise", "supervisor", broken=unkept)
    repeat = p.w["broken_promise_repeat"]
    extra = ((f"{plural(unkept - 1, 'more unkept promise')} x {repeat:g}",
              repeat * (unkept - 1)),)
    return lines, advice, plural(h.excess, "day") + " late", extra, ids


def _gone_quiet(h, d, p, ev):
    pb = p.playbook
    last = ev.last()
    if last:
        c = last[0]
        lead = "they contacted you:" if c.direction == "in" else "last contact:"
        evidence = [contact_line(c, lead)]
        ref = f", reference {c.reference}" if c.reference else ""
        mine = "their last contact" if c.direction == "in" else "your last contact"
        cite = f", citing {mine} on {day(c.started_at)}{ref}"
        ids = [c.id]
    else:
        evidence, cite, ids = [], "", []
    advice = pb.text("gone_quiet", "advice", company=_company(d), by=by(d, p, True), last=cite)
    return evidence, advice, plural(h.excess, "more day") + " of silence", (), ids


def _dead_ends(h, d, p, ev):
    pb, f = p.playbook, d.facts
    streak = ev.last(f.streak)
    advice = pb.text("dead_ends", "advice")
    if f.streak_channels > 1:
        advice += pb.text("dead_ends", "stay")
    elif d.channel and f.last_channel and d.channel != f.last_channel:
        address = route(d.company, d.channel)
        better = pb.label(d.channel) + (f" ({address})" if address else "")
        advice += pb.text("dead_ends", "switch", channel=pb.label(f.last_channel),
                          better=better, why=d.why)
    return ([contact_line(c) for c in streak], advice, plural(h.excess, "more dead end"), (),
            [c.id for c in streak])


def _long_hold(h, d, p, ev):
    long_ones = [x for x in h.items if x.hold_seconds >= p.min_hold]
    lines = []
    for x in long_ones:
        c = ev.contact(x.id)
        lines.append(contact_line(c, f"held {format_duration(x.hold_seconds)}") if c is not None
                     else f"held {format_duration(x.hold_seconds)} on {day(x.started_at)}")
    total = sum(x.hold_seconds for x in h.items)
    lines.append(f"{format_duration(total)} on hold in all, over "
                 f"{plural(len(h.items), 'contact')} in the last {p.t['hold_window_days']} days")
    if d.channel in (None, "phone"):
        advice = p.playbook.text("long_hold", "callback")
    else:
        advice = p.playbook.text("long_hold", "instead", by=p.playbook.by(d.channel))
    return (lines, advice, plural(h.excess, "minute") + " over",
            (), [x.id for x in long_ones])


def _many_contacts(h, d, p, ev):
    f = d.facts
    channels = Counter(c.channel for c in ev.contacts).most_common()
    outcomes = Counter(c.outcome for c in ev.contacts).most_common()
    evidence = [f"{plural(f.contacts, 'contact')} since {day(f.first_at)}: "
                + ", ".join(f"{k} by {ch}" for ch, k in channels),
                "outcomes: " + ", ".join(f"{k} {o}" for o, k in outcomes)]
    name = "advice" if d.lead is h else "later"
    return (evidence, p.playbook.text("many_contacts", name, case_id=f.id),
            plural(h.excess, "more contact"), (), ())


def _wrong_door(h, d, p, ev):
    f, pb = d.facts, p.playbook
    if h.kind == "seller":
        advice = pb.text("wrong_door", "to_seller", seller=f.seller)
        summary = f"with {f.company}; the item was sold by {f.seller}"
    else:
        advice = pb.text("wrong_door", "to_marketplace", company=f.company)
        summary = f"with the seller {f.seller}; refunds go through {f.company}"
    n = f.contacts
    return ([f"{plural(n, 'contact')}, {'all ' if n > 1 else ''}{summary}",
             *map(contact_line, ev.contacts)], advice,
            plural(h.excess, "more contact") + " to the wrong party", (),
            [c.id for c in ev.contacts])


def _close_it(h, d, p, ev):
    last = ev.last()
    return ([contact_line(c, "resolved:") for c in last],
            p.playbook.text("close_it", "advice", case_id=d.facts.id), "", (),
            [c.id for c in last])


def _ombudsman(h, d, p, ev):
    f = d.facts
    clock_lines = []
    if h.kind == "final":
        marked = [c for c in ev.contacts if c.milestone == "final_response"]
        why = f"{f.company} sent its final response on {day(f.final_at)}"
    else:
        marked = [c for c in ev.contacts if c.milestone == "formal_complaint"]
        why = (f"your formal complaint of {day(f.complained_at)} has had no final response "
               f"in {complaint_period(h, p)}")
        clock_lines = [line for inst in h.items for line in clock_evidence(inst)]
    advice = p.playbook.text("ombudsman", "advice", why=why, case_id=f.id)
    return ([contact_line(c, c.milestone.replace("_", " ") + ":") for c in marked]
            + clock_lines, advice,
            plural(h.excess, "day") + " since it could go", (), [c.id for c in marked])


def complaint_period(h: Hit, p: Pass) -> str:
    """'8 weeks': the in-force ombudsman clock's period, else the playbook's."""
    return h.items[0].clock.period if h.items else f"{p.t['ombudsman_after_weeks']} weeks"


def clock_evidence(inst) -> list[str]:
    """The clock, its start and end dates, and where the rule comes from."""
    clock = inst.clock
    end = "opens" if clock.kind == "opens" else "last day"
    name = what(inst)
    lines = [f"{name[:1].upper()}{name[1:]}: {clock.period} from {clock.starts_text} on "
             f"{day(inst.starts_at)}, {end} {inst.last_day}"]
    if clock is not DUE_CLOCK:
        lines.append(clock.guidance)
    return lines


def _deadline(h, d, p, ev):
    pb, lines, ids = p.playbook, [], []
    for kind, item, days in h.items:
        if kind == "ask":
            source = ev.contact(item.interaction_id)
            lines.append(asked_line(item, ev, f"due {day(item.due_at)}, {left(days)}"))
            if source is not None:
                ids.append(source.id)
        else:
            lines.extend(clock_evidence(item))
    kind, item, days = h.items[0]
    if kind == "ask":
        asked = "; " + asked_clause(item, ev)
        advice = pb.text("deadline", "ask", ask=item.text, left=left(days),
                         day=day(item.due_at), source=asked)
    elif kind == "closed":
        advice = pb.text("deadline", "closed_advice", day=item.last_day,
                         after=deadline_act(kind, item, d, p, True))
    else:
        advice = deadline_act(kind, item, d, p, True)
    return lines, advice, plural(h.excess, "day") + " closer", (), ids


WORDS = {"your_move": _your_move, "first_contact": _first_contact,
         "broken_promise": _broken_promise, "gone_quiet": _gone_quiet,
         "dead_ends": _dead_ends, "long_hold": _long_hold, "many_contacts": _many_contacts,
         "wrong_door": _wrong_door, "close_it": _close_it, "ombudsman": _ombudsman,
         "deadline": _deadline}
