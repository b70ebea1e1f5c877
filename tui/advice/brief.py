"""The brief: what to read out at the start of a contact (who you are, what it is about,
what went wrong, what you want, the references) and the be-prepared checklist."""

from __future__ import annotations

from datetime import datetime

from ..store.records import CaseDetail
from ..store.times import now_utc, to_iso
from .channels import routes_line
from .clock_records import GUIDANCE, Clock
from .clocks import case_clocks
from .model import Brief
from .playbook import Playbook, default_playbook
from .words import agent_label, day, plural


def policy_windows(detail: CaseDetail, now: datetime, warn_days: int = 5) -> list[str]:
    """Each policy window of the case's company in words: days left when the case has the
    date it counts from, else what it still needs."""
    company = detail.company
    if company is None or not company.policies:
        return []
    running = {i.clock.key: i for i in case_clocks(detail, (), now, warn_days=warn_days)}
    out = []
    for policy in company.policies:
        inst = running.get(f"policy:{policy.uid}")
        name = policy.name
        if inst is None:
            out.append(f"{name}: {policy.days} {policy.unit.replace('_', ' ')} from "
                       f"{policy.starts.replace('_', ' ')} (the case has no "
                       f"{policy.starts.replace('_', ' ')} date yet)")
        elif inst.days_left < 0:
            out.append(f"{name}: closed on {inst.last_day}")
        elif inst.days_left == 0:
            out.append(f"{name}: closes today ({inst.last_day})")
        else:
            out.append(f"{name}: {plural(inst.days_left, 'day')} left (to {inst.last_day})")
    return out


def policy_guidance(detail: CaseDetail) -> str:
    """The one guidance line for the company's windows: where each was read."""
    company = detail.company
    if company is None or not company.policies:
        return ""
    sources = dict.fromkeys(Clock.from_policy(p, company.name).source.text
                            + (f", read {p.read_on}" if p.read_on else "")
                            for p in company.policies)
    return f"{GUIDANCE}: {'; '.join(sources)}"


def make_brief(detail: CaseDetail, playbook: Playbook | None = None, *,
               now: datetime | None = None, channel: str | None = None) -> Brief:
    """The brief for `detail`; `now` decides which promises are overdue (default: the clock);
    `channel` (default: the last contact's) picks the company's routes shown."""
    pb = playbook or default_playbook()
    words = pb.brief
    now = now or now_utc()
    lines = ((words["who"], _who(detail)), (words["about"], _about(detail, words)),
             (words["wrong"], _went_wrong(detail, to_iso(now))),
             (words["want"], _want(detail, words)), (words["refs"], _references(detail)))
    if channel is None and detail.interactions:
        channel = detail.interactions[-1].channel
    if route := routes_line(detail.company, channel):
        lines += ((words.get("route", "Reach them"), route),)
    if windows := policy_windows(detail, now):
        lines += ((words.get("windows", "Policy windows"), "; ".join(windows)),
                  (words.get("source", "Source"), policy_guidance(detail)))
    checklist = _checklist(detail, words["checklist"])
    text = "\n".join(f"{label}: {value}" for label, value in lines)
    text += "\n\nBefore you start:\n" + "\n".join(f"- [ ] {item}" for item in checklist)
    return Brief(lines, checklist, text)


def _agent(interaction) -> str | None:
    return interaction and agent_label(interaction.agent, interaction.agent_id)


def _orders(detail: CaseDetail) -> list[str]:
    return [r.value for r in detail.refs if r.kind == "order"]


def _who(detail: CaseDetail) -> str:
    orders = _orders(detail)
    text = f"A customer of {detail.case.company}"
    if orders:
        return f"{text}, {'orders' if len(orders) > 1 else 'order'} {', '.join(orders)}"
    others = [f"{r.kind} {r.value}" for r in detail.refs]
    return f"{text} ({others[0]})" if others else text


def _dates(detail: CaseDetail) -> list[str]:
    case = detail.case
    named = (("bought", case.purchased_on), ("delivered", case.delivered_on),
             ("due", case.due_on))
    return [f"{name} {value}" for name, value in named if value]


def _about(detail: CaseDetail, words) -> str:
    case = detail.case
    parts = [words["categories"].get(case.category, case.category)]
    if case.seller:
        parts.append(f"sold by {case.seller}")
    parts += _dates(detail)
    return f"{case.title} ({', '.join(parts)})"


def _went_wrong(detail: CaseDetail, now_iso: str) -> str:
    done = [i for i in detail.interactions if i.outcome is not None]
    if not done:
        return "Nothing yet: this is my first contact about it."
    dead = [i for i in done if i.dead_end]
    resolved = any(i.outcome == "resolved" for i in done)
    sentences = [f"{plural(len(done), 'contact')} so far"
                 + (f", {len(dead)} without progress ("
                    + ", ".join(f"{i.outcome} {day(i.started_at)}" for i in dead[-3:])
                    + ("..." if len(dead) > 3 else "") + ")" if dead
                    else "" if resolved else ", none resolved it")
                 + "."]
    by_id = {i.id: i for i in detail.interactions}
    theirs = [p for p in detail.promises if p.party == "company"]
    unkept = [p for p in theirs if p.status == "broken"
              or (p.status == "pending" and p.due_at and p.due_at < now_iso)]
    if unkept:
        p = unkept[0]
        who = _agent(by_id.get(p.interaction_id)) or "You"
        due = f" by {day(p.due_at)}" if p.due_at else ""
        more = f" ({plural(len(unkept) - 1, 'more promise')} not kept either)" \
            if len(unkept) > 1 else ""
        sentences.append(f'{who} promised "{p.text}"{due}, and it has not happened{more}.')
    # What they asked of me is mine to report on, never a promise of theirs.
    asked = [p for p in detail.promises if p.party == "me" and p.status == "pending"]
    if asked:
        due = f" (by {day(asked[0].due_at)})" if asked[0].due_at else ""
        sentences.append(f'You asked me to "{asked[0].text}"{due}.')
    return " ".join(sentences)


def _want(detail: CaseDetail, words) -> str:
    case = detail.case
    text = words["wants"].get(case.want, case.want)
    if case.amount:
        money = f"{case.amount} {case.currency}" if case.currency else case.amount
        text += f" of {money}" if case.want in ("refund", "credit") else f" (amount {money})"
    return text[0].upper() + text[1:] + "."


def _given(detail: CaseDetail) -> list[str]:
    """References agents gave on earlier contacts: 'R-1 (Priya, phone, 2026-11-20)'."""
    out = []
    for i in detail.interactions:
        if i.reference:
            who = agent_label(i.agent, i.agent_id)
            out.append(f"{i.reference} ({', '.join(filter(None, (who, i.channel)))}, "
                       f"{day(i.started_at)})")
    return out


def _references(detail: CaseDetail) -> str:
    parts = [f"{r.kind} {r.value}" for r in detail.refs]
    given = _given(detail)
    if given:
        parts.append("given on earlier contacts: " + ", ".join(given))
    return "; ".join(parts) or "none yet"


def _checklist(detail: CaseDetail, items) -> tuple[str, ...]:
    def item(key: str, values: list[str]) -> str:
        return items[key].format(value=", ".join(values)) if values \
            else items[f"{key}_missing"]

    case = detail.case
    agents_only = [f"{who} ({i.channel}, {day(i.started_at)})" for i in detail.interactions
                   if (who := agent_label(i.agent, i.agent_id)) and not i.reference]
    out = [item("order", _orders(detail)), items["product"], item("dates", _dates(detail))]
    if case.amount:
        out.append(items["amount"].format(value=f"{case.amount} {case.currency or ''}".strip()))
    out += [items["card"], item("previous", _given(detail) + agents_only),
            item("transcripts", [i.transcript_ref for i in detail.interactions
                                 if i.transcript_ref])]
    return tuple(out)
