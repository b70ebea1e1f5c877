"""What to do about a case's nearest move or clock, through which route: the words the next
move (move.py) and the findings (findings.py) both give."""

from __future__ import annotations

from .channels import route
from .deadlines import DUE_CLOCK
from .decide import Decision, Pass
from .words import day


def by(d: Decision, p: Pass, full: bool) -> str:
    """' by chat (https://...)': the case's one channel, with its route in the full text."""
    if d.channel is None or d.channel == "seller":
        return ""
    address = route(d.company, d.channel) if full else None
    return f" {p.playbook.by(d.channel)}" + (f" ({address})" if address else "")


def deadline_act(kind: str, inst, d: Decision, p: Pass, full: bool) -> str:
    """What to do about one clock, through which route."""
    pb, f, clock = p.playbook, d.facts, inst.clock
    where = by(d, p, full)
    if kind == "closed":
        return pb.text("deadline", "closed", day=inst.last_day, company=f.company, by=where)
    if kind == "missed":
        return pb.text("deadline", "missed", company=f.company, day=inst.last_day,
                       action=clock.action)
    if kind == "opened":
        return pb.text("deadline", "opened", action=clock.action, day=day(inst.ends_at))
    if clock is DUE_CLOCK:
        return pb.text("deadline", "due", company=f.company, by=where, day=inst.last_day)
    if clock.origin == "policy":
        return pb.text("deadline", "policy", company=f.company, by=where, day=inst.last_day,
                       policy=clock.name.partition(": ")[2])
    if clock.rung == "chargeback":
        return clock.action + pb.text("deadline", "issuer", company=f.company)
    return clock.action + (pb.text("deadline", "route", company=f.company, by=where)
                           if where else "")
