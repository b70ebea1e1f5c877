"""The one next move of a case, from its Decision: who acts, what to do, through which
channel, by when, and the rung it climbs to. The short `line` reads the facts alone (the
ranking path); the full `text` also cites the evidence (agent, date, reference, order)."""

from __future__ import annotations

from ..store.times import format_duration
from .acts import by, deadline_act
from .deadlines import DUE_CLOCK, left, what
from .decide import Decision, Pass
from .model import rung_index
from .evidence import Evidence, agent_of, asked_clause, promise_clause
from .model import NextMove
from .words import contact_line, day, days_ago, moment, parens, plural, plus


def move_line(d: Decision, p: Pass) -> tuple[str, str, str | None, str | None]:
    """What the ranking keeps of the move: (its line, who, channel, due); nothing else is
    worded or built."""
    kind, who, due, line_values, _ = _choose(d, p, None)
    # The values are this call's own dict, so the template reads them as they are.
    line = p.playbook.moves[kind + "_line"].format_map(line_values)
    return line, who, d.channel if who != "nobody" else None, due


def next_move(d: Decision, p: Pass, ev: Evidence | None) -> NextMove:
    """The move; `ev` None gives the line alone (text left empty)."""
    kind, who, due, line_values, text_values = _choose(d, p, ev)
    pb = p.playbook
    line = pb.move(kind + "_line", **line_values)
    text = pb.move(kind, **text_values) if ev is not None else ""
    climb = d.climb if who != "nobody" and d.climb and \
        rung_index(d.climb) > rung_index(d.rung) else None
    return NextMove(text, who, d.channel if who != "nobody" else None, due, climb, line)


def _choose(d: Decision, p: Pass, ev: Evidence | None):
    f, lead, pb = d.facts, d.lead, p.playbook
    full = ev is not None
    company = f.company
    base = {"company": company, "by": by(d, p, False), "case_id": f.id}
    more = dict(base, by=by(d, p, True), order=f" about {ev.order}" if ev.order else ""
                ) if full else {}
    if d.turn == "nobody" and d.snoozed:
        values = {"until": day(f.snoozed_until)}
        return "snoozed", "nobody", f.snoozed_until, values, values
    if d.turn == "nobody":
        values = {"status": f.status}
        return "closed", "nobody", None, values, values
    rule = lead.rule if lead is not None else None
    if d.climb == "formal_complaint":
        first = day(f.first_at)
        values = dict(base, count=f.contacts, first=first)
        return "complaint", "you", None, values, \
            dict(more, count=f.contacts, first=first) if full else {}
    if rule == "your_move" or (rule is None and d.asks):
        return _your_move(d, p, ev, lead)
    if rule == "ombudsman":
        return _ombudsman(d, p, ev, lead)
    if rule == "deadline":
        return _deadline(d, p, ev, lead, base)
    if rule == "wrong_door":
        return _wrong_door(d, p, ev, base, more)
    if rule == "broken_promise":
        x = lead.items[0]
        state = "marked broken" if x.status == "broken" else (
            f"due {day(x.due_at)}, {days_ago(p.days_since(x.due_at))}" if x.due_at
            else f"no date, made {day(x.created_at)}")
        if d.climb == "supervisor":
            count = int(lead.kind)
            line = dict(base, count=count)
            text = {} if not full else dict(more, count=count, promise=promise_clause(
                x, ev, order=ev.order))
            return "supervisor_promises", "you", None, line, text
        line = dict(base, text=x.text, late=state)
        text = {} if not full else dict(more, promise=promise_clause(x, ev, order=ev.order)
                                        + (", and marked it broken" if x.status == "broken"
                                           else ""))
        return "chase", "you", None, line, text
    if rule == "dead_ends":
        count = f.streak
        if d.climb == "supervisor" or f.streak_channels > 1:
            line = dict(base, count=count)
            return ("supervisor_dead_ends", "you", None, line,
                    dict(more, count=count, channels=f.streak_channels))
        failing = pb.label(f.last_channel or "phone")
        line = dict(base, count=count, failing=failing)
        return "switch", "you", None, line, dict(more, count=count, failing=failing, why=d.why)
    if rule == "many_contacts":
        first = day(f.first_at)
        values = dict(base, count=f.contacts, first=first)
        return "supervisor_contacts", "you", None, values, \
            dict(more, count=f.contacts, first=first) if full else {}
    if rule == "gone_quiet":
        days = lead.excess + p.t["quiet_days"]
        line = dict(base, days=days)
        text = {} if not full else dict(more, days=days, last=_last_clause(ev))
        return "gone_quiet", "you", None, line, text
    if rule == "first_contact" or (rule is None and f.contacts == 0 and f.live_at is None):
        want = pb.brief["wants"].get(f.want, f.want)
        return "first_contact", "you", None, base, dict(more, want=want)
    if rule == "long_hold":
        held = _held_words(lead, p)
        return "long_hold", "you", None, base, dict(more, held=held)
    if rule == "close_it":
        values = dict(base, day=day(f.last_at))
        text = {} if not full else dict(more, last=_resolved_clause(ev))
        return "close_it", "you", None, values, text
    if f.live_at is not None:
        want = pb.brief["wants"].get(f.want, f.want)
        values = dict(base, at=moment(f.live_at))
        return "live", "you", None, values, dict(more, at=moment(f.live_at), want=want)
    return _wait(d, p, ev, base, more)


def _your_move(d: Decision, p: Pass, ev: Evidence | None, lead):
    x = lead.items[0] if lead is not None else d.asks[0]
    full = ev is not None
    asked = "; " + asked_clause(x, ev) if full else ""
    if lead is None:        # asked, not late yet
        due_at = x.due_at or _plus_days(x.created_at, p.t["no_due_wait_days"])
        due = f" by {day(due_at)}" if x.due_at else ""
        return ("your_move_ahead", "you", due_at, {"ask": x.text, "due": due},
                {"ask": x.text, "due": due, "source": asked})
    if x.due_at:
        ago = days_ago(p.days_since(x.due_at))
        when = f"it was due on {day(x.due_at)}, {ago}"
        short = f"due {day(x.due_at)}, {ago}"
        due_at = x.due_at
    else:
        ago = days_ago(p.days_since(x.created_at))
        when = f"it has no date and was asked {ago}"
        short = f"asked {day(x.created_at)}, no date"
        due_at = _plus_days(x.created_at, p.t["no_due_wait_days"])
    return ("your_move", "you", due_at, {"ask": x.text, "short": short},
            {"ask": x.text, "source": f"{asked}, " if asked else "; ", "when": when})


def _ombudsman(d: Decision, p: Pass, ev: Evidence | None, lead):
    f = d.facts
    if lead.kind == "final":
        short = f"final response of {day(f.final_at)}"
        why = f"{f.company} sent its final response on {day(f.final_at)}"
    else:
        period = lead.items[0].clock.period if lead.items else \
            f"{p.t['ombudsman_after_weeks']} weeks"
        short = f"complaint of {day(f.complained_at)} unanswered"
        why = (f"your formal complaint of {day(f.complained_at)}"
               f"{_complaint_ref(f, ev)} has had no final response in {period}")
    chargeback = p.playbook.moves["chargeback"] if f.want == "refund" else ""
    return ("ombudsman", "you", None, {"short": short},
            {"why": why, "case_id": f.id, "chargeback": chargeback})


def _deadline(d: Decision, p: Pass, ev: Evidence | None, lead, base: dict):
    """The nearest clock: act before it closes (an ask: do it before it falls due), what is
    left once it has closed, the door it has opened."""
    kind, item, days = lead.items[0]
    if kind == "ask":
        asked = "; " + asked_clause(item, ev) if ev is not None else ""
        when = left(days)
        return ("your_move_ahead", "you", item.due_at,
                {"ask": item.text, "due": f" (due {when}, {day(item.due_at)})"},
                {"ask": item.text, "due": f" by {day(item.due_at)}, due {when}",
                 "source": asked})
    f = d.facts
    name = what(item)
    values = {"what": name[:1].upper() + name[1:], "day": item.last_day, "left": left(days),
              "company": f.company, "by": base["by"]}
    text = {}
    if kind == "warn":
        if item.clock is DUE_CLOCK:
            short = f"settle it with {f.company}{base['by']}"
        elif item.clock.origin == "policy":
            short = f"ask {f.company} under its {item.clock.name.partition(': ')[2]} " \
                    f"policy{base['by']}"
        elif item.clock.rung == "chargeback":
            short = f"{name}, through your card issuer"
        else:
            short = f"{name}{base['by']}"
        if ev is not None:
            text = dict(values, act=deadline_act(kind, item, d, p, True))
        return "deadline", "you", item.ends_at, dict(values, short=short), text
    if ev is not None:
        act = deadline_act(kind, item, d, p, True)
        text = dict(values, after=act, action=item.clock.action)
        if kind == "opened":
            text["day"] = day(item.ends_at)
    if kind == "opened":
        values["day"] = day(item.ends_at)
    return f"deadline_{kind}", "you", None, values, text


def _complaint_ref(f, ev: Evidence | None) -> str:
    """' (ref X)': the complaint's reference, else the next contact's, else the case's claim."""
    if ev is None:
        return ""
    after = [c for c in ev.contacts if c.started_at >= f.complained_at and c.reference]
    ref = after[0].reference if after else ev.claim()
    return f" (ref {ref})" if ref else ""


def _wrong_door(d: Decision, p: Pass, ev: Evidence | None, base: dict, more: dict):
    f = d.facts
    if d.door == "seller":
        line = dict(base, seller=f.seller)
        return "wrong_door_seller", "you", None, line, dict(more, seller=f.seller)
    line = dict(base, seller=f.seller)
    text = dict(more, seller=f.seller, why="")
    if ev is not None and d.unkept:
        x = d.unkept[0]
        text["why"] = ": " + promise_clause(x, ev, with_due=False) + " and did not"
    if ev is not None:
        text["order"] = f"; cite {ev.order}" if ev.order else ""
    return "wrong_door_marketplace", "you", None, line, text


def _wait(d: Decision, p: Pass, ev: Evidence | None, base: dict, more: dict):
    f = d.facts
    if f.complained_at and not f.final_at:
        due_at = d.door_at
        values = dict(base, made=day(f.complained_at), due=day(due_at))
        return "wait_complaint", "them", due_at, values, dict(more, made=day(f.complained_at),
                                                              due=day(due_at))
    if d.promised:
        x = min(d.promised, key=lambda x: x.due_at or _plus_days(
            x.created_at, p.t["no_due_wait_days"]))
        source = ev.contact(x.interaction_id) if ev is not None else None
        who = agent_of(source) or "they"
        if x.due_at:
            due = day(x.due_at)
            values = dict(base, text=x.text, due=due)
            return ("wait_promise", "them", x.due_at, values,
                    dict(more, text=x.text, due=due, who=who) if ev is not None else {})
        due_at = _plus_days(x.created_at, p.t["no_due_wait_days"])
        values = dict(base, text=x.text, due=day(due_at))
        return ("wait_nodue", "them", due_at, values,
                dict(more, text=x.text, due=day(due_at), who=who, made=day(x.created_at)))
    due_at = _plus_days(f.last_at, p.t["quiet_days"]) if f.last_at else None
    due = day(due_at)
    values = dict(base, due=due)
    text = {} if ev is None else dict(more, due=due, last=_last_clause(ev))
    return "wait_reply", "them", due_at, values, text


def _last_clause(ev: Evidence) -> str:
    """'your last contact on 2026-11-10 (ref R-1)', or 'Rhea's message to you on ...' when
    they contacted you."""
    last = ev.last()
    if not last:
        return "your last contact"
    c = last[0]
    who = agent_of(c)
    ref = f"ref {c.reference}" if c.reference else None
    if c.direction == "in":
        return f"they contacted you on {day(c.started_at)}{parens(who, c.channel, ref)}"
    return f"your last contact on {day(c.started_at)}{parens(c.channel, who, ref)}"


def _resolved_clause(ev: Evidence) -> str:
    last = ev.last()
    return contact_line(last[0], "The last contact,").rstrip() if last else "The last contact"


def _held_words(lead, p: Pass) -> str:
    total = sum(h.hold_seconds for h in lead.items)
    return (f"{format_duration(total)} on hold over {plural(len(lead.items), 'contact')} in the "
            f"last {p.t['hold_window_days']} days")


def _plus_days(iso: str, days: int) -> str:
    return plus(iso, days * 86400)
