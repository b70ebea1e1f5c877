"""The letters for the next rung of the ladder, filled from a case: a formal complaint to the
company, a chargeback request to the card issuer, a referral to the ombudsman, and a
follow-up chasing promises not kept.

Written once as document blocks (tui/exports/document.py) and rendered to Markdown or a
printable page. Every fixed word comes from the playbook's [letters] texts, so a user can
reword them in config; what is filled in (names, dates, what was said) is user text.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Iterable

from ..exports.document import Block, Bullets, Code, Heading, Para, Strong, Table
from ..exports.dossier import evidence_rows, overdue
from ..store.records import CaseDetail, Interaction, Promise
from ..store.times import from_iso, local_time, to_iso
from ..store.wording import plural
from .playbook import LETTER_KINDS, Playbook
from .profile import Profile
from .words import local_date

KINDS = LETTER_KINDS
SAID_LENGTH = 160      # characters of a contact's notes the timeline keeps
# A clock row as the dossier gets it: name, period and start, last day, state, source.
ClockRow = tuple[str, str, str, str, str]


def letter_blocks(kind: str, detail: CaseDetail, profile: Profile, clocks: Iterable[ClockRow],
                  playbook: Playbook, now: datetime | str, *,
                  deadline: date | str | None = None) -> list[Block]:
    """The letter of `kind` for the case, as blocks; a missing profile field is left as a
    visible placeholder ("[your name]") for the writer to fill in."""
    if kind not in KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; one of {', '.join(KINDS)}")
    pb, at = playbook, _iso(now)
    today = local_date(at)
    due = _deadline(deadline, today, pb.letters[kind]["days"])
    values = letter_values(kind, detail, profile, pb, at, due)

    def text(key: str, shared: bool = False, **extra: Any) -> str:
        return pb.letter(None if shared else kind, key, **values, **extra)

    blocks: list[Block] = [Para(_sender(profile, pb)), Para(text("date", True)),
                           Para(text("to", True))]
    blocks.append(Heading(text("subject"), 2))
    blocks.append(Para(text("account", True)))
    if values["refs"]:
        blocks.append(Para(text("refs", True)))
    if values["dates"]:
        blocks.append(Para(text("dates", True)))
    unkept = unkept_promises(detail, at)
    # A kind may word its opening for a case with no promise broken (intro_none).
    intro = "intro_none" if not unkept and "intro_none" in pb.letters[kind] else "intro"
    blocks += [Para(text("greeting")), Para(text(intro))]
    blocks.append(Heading(text("timeline", True), 3))
    if detail.interactions:
        blocks.append(Table(tuple(pb.letters["timeline_columns"]),
                            tuple(_contact_row(i, pb, values) for i in detail.interactions)))
    else:
        blocks.append(Para(text("timeline_none", True)))
    if unkept:
        blocks.append(Heading(text("promises", True), 3))
        blocks.append(Bullets(tuple(_promise_line(p, detail, pb, values, at) for p in unkept)))
    blocks += [Heading(text("ask_heading", True), 3), Para(text("ask")),
               Heading(text("deadline_heading", True), 3), Para(text("deadline"))]
    clocks = list(clocks)
    if clocks:
        blocks.append(Heading(text("clocks", True), 3))
        blocks.append(Bullets(tuple(
            text("clock_line", True, clock=name, period=period, last_day=last, state=state,
                 source=source) for name, period, last, state, source in clocks)))
    blocks.append(Heading(text("evidence", True), 3))
    files = evidence_rows(detail)
    if files:
        blocks.append(Table(tuple(pb.letters["evidence_columns"]), tuple(
            (name, text("evidence_size", True, size=f"{size:,}"), Code(sha))
            for name, size, sha, _, _ in files)))
    else:
        blocks.append(Para(text("evidence_none", True)))
    blocks += [Para(text("closing")), Para(text("signoff", True)),
               Para(profile.name or values["name"])]
    return blocks


def letter_values(kind: str, detail: CaseDetail, profile: Profile, pb: Playbook, at: str,
                  due: date) -> dict[str, str]:
    """Every placeholder a letter text may use (playbook.LETTER_FIELDS), as text, for a
    letter written at `at` (ISO UTC) asking for an answer by `due`."""
    c, company = detail.case, detail.company
    today = local_date(at)
    contacts = detail.interactions
    amount = f"{c.amount} {c.currency or ''}".strip() if c.amount else ""
    want = pb.brief["wants"].get(c.want, c.want)
    about = pb.brief["categories"].get(c.category, c.category.replace("_", " "))
    unkept = len(unkept_promises(detail, at))
    values = {
        "name": profile.name or pb.letters["missing_name"],
        "company": c.company,
        "title": c.title,
        "about": about,
        "account": (company.account if company and company.account
                    else pb.letters["missing_account"]),
        "refs": ", ".join(f"{r.kind} {r.value}" for r in detail.refs),
        "wanted": f"{want} of {amount}" if amount else want,
        "amount": amount or pb.letters["missing_amount"],
        "deadline": long_date(due),
        "days": str((due - today).days),
        "today": long_date(today),
        "contacts": ("once" if len(contacts) == 1 else "twice" if len(contacts) == 2
                     else plural(len(contacts), "time")),
        "first": long_date(local_date(contacts[0].started_at)) if contacts else long_date(today),
        "last": long_date(local_date(contacts[-1].started_at)) if contacts else long_date(today),
        "broken": plural(unkept, "promise"),
        "dates": ", ".join(f"{what} {long_date(date.fromisoformat(day))}" for what, day in (
            ("purchased", c.purchased_on), ("delivered", c.delivered_on), ("due", c.due_on),
            ("on the card statement of", c.statement_on), ("cancelled", c.cancelled_on))
            if day),
        "issuer": pb.letters["missing_issuer"],
        "ombudsman": _ombudsman(detail, pb),
        "case_id": str(c.id),
    }
    values["recipient"] = pb.letter(kind, "recipient", **values, recipient="")
    if kind == "complaint" and company:
        route = _route(company, "complaints")
        if route:
            values["recipient"] += f" ({route})"
    return values


def unkept_promises(detail: CaseDetail, at: str) -> list[Promise]:
    """The company's promises that were broken, or are still pending past their due time."""
    return [p for p in detail.promises
            if p.party == "company" and (p.status == "broken" or overdue(p, at))]


def long_date(day: date) -> str:
    """'1 December 2026': the date as a letter writes it."""
    return f"{day.day} {day:%B %Y}"


def _sender(profile: Profile, pb: Playbook) -> tuple:
    name = profile.name or pb.letters["missing_name"]
    address = (", ".join(line.strip() for line in profile.address.splitlines() if line.strip())
               if profile.address else pb.letters["missing_address"])
    email = ", ".join(profile.emails) if profile.emails else pb.letters["missing_email"]
    rest = [address, email, *([profile.phone] if profile.phone else [])]
    # One span after the name: each span is trimmed on its own when rendered.
    return (Strong(name), ", " + " · ".join(rest))


def _contact_row(i: Interaction, pb: Playbook, values: dict) -> tuple[str, ...]:
    channel = i.channel.replace("_", " ")
    if i.direction == "in":
        channel = pb.letter(None, "from_them", **{**values, "channel": channel})
    said = " ".join((i.notes or "").split())
    if len(said) > SAID_LENGTH:
        said = said[:SAID_LENGTH - 1].rstrip() + "…"
    outcome = (i.outcome or "in progress").replace("_", " ")
    if i.milestone == "formal_complaint":
        outcome += "; my formal complaint"
    elif i.milestone == "final_response":
        outcome += "; their final response"
    return (local_time(i.started_at)[:10], channel, i.agent or "", outcome, i.reference or "",
            said)


def _promise_line(p: Promise, detail: CaseDetail, pb: Playbook, values: dict, at: str) -> str:
    made_in = next((i for i in detail.interactions if i.id == p.interaction_id), None)
    agent = (made_in.agent if made_in and made_in.agent
             else pb.letter(None, "promise_no_agent", **values))
    made = long_date(local_date(made_in.started_at if made_in else p.created_at or at))
    due = (long_date(local_date(p.due_at)) if p.due_at
           else pb.letter(None, "promise_no_due", **values))
    if p.status == "broken":
        state = pb.letter(None, "promise_broken", **values)
    else:
        late = (from_iso(at) - from_iso(p.due_at)).days
        state = pb.letter(None, "promise_overdue", **values,
                          late=plural(late, "day") if late else "less than a day")
    return pb.letter(None, "promise_line", **values, agent=agent, made=made,
                     channel=f" {pb.by(made_in.channel)}" if made_in else "",
                     ref=pb.letter(None, "promise_ref", **values, reference=made_in.reference)
                     if made_in and made_in.reference else "", text=p.text, due=due,
                     state=state)


def _route(company, purpose: str) -> str | None:
    found = next((r for r in company.routes if r.purpose == purpose), None)
    return (f"{found.label}: {found.value}" if found.label else found.value) if found else None


def _ombudsman(detail: CaseDetail, pb: Playbook) -> str:
    return (_route(detail.company, "ombudsman") if detail.company else None) or \
        pb.letters["missing_ombudsman"]


def _deadline(given: date | str | None, today: date, days: int) -> date:
    if given is None:
        return today + timedelta(days=days)
    return given if isinstance(given, date) else date.fromisoformat(str(given)[:10])


def _iso(now: datetime | str) -> str:
    """The moment as the store's ISO UTC text."""
    return now if isinstance(now, str) else to_iso(now)
