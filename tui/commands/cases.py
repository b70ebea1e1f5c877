"""Case commands: new, edit, status, list, show, search."""

from __future__ import annotations

import click

from ..store.queries import SORTS, STATUS_FILTERS
from ..store.records import CATEGORIES, CHANNELS, STATUSES, WANTS
from ..store import MARK_END, MARK_START
from ..store.validate import format_duration, from_iso, local_time, parse_ref
from . import formats
from .output import (EXIT_INPUT, Failure, case_summary, clean, echo_json, for_terminal, snippet,
                     table)

pass_env = click.pass_obj


def _refs(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [parse_ref(v) for v in values]


@click.command()
@click.option("--company", required=True, help="Who you are dealing with (remembered).")
@click.option("--title", required=True, help='The problem in a few words: "package never arrived".')
@click.option("--category", type=click.Choice(CATEGORIES), default="other", show_default=True)
@click.option("--want", type=click.Choice(WANTS), default="other", show_default=True,
              help="What you want out of it.")
@click.option("--ref", "refs", multiple=True, metavar="KIND:VALUE",
              help="A reference (order, ticket, claim, return, chat, other); repeatable.")
@click.option("--seller", help="The third-party seller, if you did not buy from the shop itself.")
@click.option("--purchased", metavar="DATE", help=f"Purchase date: {formats.DAY}.")
@click.option("--delivered", metavar="DATE", help=f"Delivery date: {formats.DAY}.")
@click.option("--due", metavar="DATE",
              help=f"When the item or answer was due: {formats.DEADLINE_DAY}.")
@click.option("--amount", help=f"The amount at stake, {formats.AMOUNT}.")
@click.option("--currency", help=formats.CURRENCY)
@click.option("--note", help="Notes for the case.")
@click.option("--opened", metavar="WHEN",
              help=f"When the problem started: {formats.MOMENT} (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the new case as JSON.")
@pass_env
def new(env, company, title, category, want, refs, seller, purchased, delivered, due, amount,
        currency, note, opened, as_json):
    """Open a new case and print its id."""
    store = env.store(create=True)
    case = store.create_case(company, title, refs=_refs(refs), category=category, want=want,
                             seller=seller, purchased_on=purchased, delivered_on=delivered,
                             due_on=due, amount=amount, currency=currency, notes=note,
                             opened_at=opened)
    if as_json:
        echo_json(case_summary(case))
    else:
        click.echo(case.id)


@click.command()
@click.argument("case")
@click.option("--company")
@click.option("--title")
@click.option("--category", type=click.Choice(CATEGORIES))
@click.option("--want", type=click.Choice(WANTS))
@click.option("--seller")
@click.option("--purchased", metavar="DATE", help=f"Purchase date: {formats.DAY}.")
@click.option("--delivered", metavar="DATE", help=f"Delivery date: {formats.DAY}.")
@click.option("--due", metavar="DATE",
              help=f"When the item or answer was due: {formats.DEADLINE_DAY}.")
@click.option("--amount", help=f"The amount at stake, {formats.AMOUNT}.")
@click.option("--currency", help=formats.CURRENCY)
@click.option("--note", help="Replace the case notes.")
@click.option("--add-ref", "add_refs", multiple=True, metavar="KIND:VALUE")
@click.option("--remove-ref", "remove_refs", multiple=True, metavar="KIND:VALUE")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def edit(env, case, company, title, category, want, seller, purchased, delivered, due, amount,
         currency, note, add_refs, remove_refs, as_json):
    """Change a case's fields; only the options given change."""
    store = env.store()
    case_id = store.resolve_case(case)
    given = {"title": title, "category": category, "want": want, "seller": seller,
             "purchased_on": purchased, "delivered_on": delivered, "due_on": due,
             "amount": amount, "currency": currency, "notes": note}
    store.update_case(case_id, company=company, **{k: v for k, v in given.items()
                                                   if v is not None})
    for kind, value in _refs(add_refs):
        store.add_ref(case_id, kind, value)
    for kind, value in _refs(remove_refs):
        if not store.remove_ref(case_id, kind, value):
            raise Failure(f"case {case_id} has no reference {kind}:{value}", EXIT_INPUT)
    result = store.get_case(case_id)
    echo_json(case_summary(result)) if as_json else click.echo(result.id)


@click.command()
@click.argument("case")
@click.argument("state", type=click.Choice(STATUSES))
@click.option("--note", help="Why; appended to the case notes with the date.")
@click.option("--at", "at", metavar="WHEN",
              help=f"When it took effect: {formats.MOMENT} (default: now).")
@pass_env
def status(env, case, state, note, at):
    """Set a case's status: open, waiting, resolved or abandoned.

    It holds until a later contact: a contact logged afterwards with an earlier time
    does not undo it."""
    store = env.store()
    result = store.set_status(store.resolve_case(case), state, note, at=at)
    click.echo(f"case {result.id} is {result.status}")


@click.command("list")
@click.option("--status", "status_", type=click.Choice(STATUS_FILTERS), default="all",
              show_default=True, help="active = open and waiting.")
@click.option("--company", help="Only this company's cases.")
@click.option("--channel", type=click.Choice(CHANNELS), help="Only cases with a contact on it.")
@click.option("--sort", type=click.Choice((*SORTS, "attention")), default="recent",
              show_default=True, help="attention: open and waiting cases, most urgent first.")
@click.option("--stalled", is_flag=True, help="Only stalled cases, most urgent first.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_env
def list_(env, status_, company, channel, sort, stalled, limit, as_json):
    """List cases, most recent activity first (or by attention)."""
    store = env.store()
    scores: dict[int, float] = {}
    if stalled or sort == "attention":
        cases, scores = _by_attention(env, store, status_, company, channel, stalled, limit)
    else:
        cases = list(store.list_cases(status=status_, company=company, channel=channel,
                                      sort=sort, limit=limit).items)
    if as_json:
        echo_json([{**case_summary(c), **({"score": scores[c.id]} if scores else {})}
                   for c in cases])
        return
    if not cases:
        click.echo(("no stalled cases" if stalled else "no cases")
                   + ("" if status_ == "all" else f" ({status_})"))
        return
    headers = ("ID", "STATUS", "COMPANY", "CONTACTS", "LAST ACTIVITY", "TITLE")
    rows = [(c.id, c.status, clean(c.company, 24), c.contacts, local_time(c.last_activity_at),
             c.title) for c in cases]
    if scores:
        headers = ("SCORE", *headers)
        rows = [(f"{scores[c.id]:g}", *row) for c, row in zip(cases, rows)]
    table(headers, rows)


def _by_attention(env, store, status_, company, channel, stalled_only, limit):
    """Open and waiting cases in the advice layer's order, filtered like any listing."""
    from ..advice import assess_all, load_playbook
    if status_ not in ("all", "active", "open", "waiting"):
        return [], {}
    wanted = None
    if channel:  # the channel filter needs the interactions: ask the store which cases
        wanted = {c.id for c in store.iter_cases(status="active", channel=channel)}
    picked = []
    for a in assess_all(store, env.now(), load_playbook(env.config_path)):
        c = a.case
        if ((stalled_only and not a.stalled) or (status_ in ("open", "waiting")
                                                 and c.status != status_)
                or (company and c.company.lower() != company.strip().lower())
                or (wanted is not None and c.id not in wanted)):
            continue
        picked.append(a)
        if len(picked) == limit:
            break
    found = store.cases_by_id(a.case_id for a in picked)
    return ([found[a.case_id] for a in picked if a.case_id in found],
            {a.case_id: a.score for a in picked})


@click.command()
@click.argument("case")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def show(env, case, as_json):
    """Show a case: details, references, timeline and promises."""
    store = env.store()
    case_id = store.resolve_case(case)
    if as_json:
        echo_json({"id": case_id, **store.case_record(case_id)})
        return
    d = store.get_detail(case_id)
    c = d.case
    click.echo(click.style(f"#{c.id} {clean(c.title)}", bold=True) + f"  [{c.status}]")
    fields = [("company", c.company), ("seller", c.seller), ("category", c.category),
              ("want", c.want), ("amount", f"{c.amount} {c.currency or ''}".strip()
                                 if c.amount else None),
              ("opened", local_time(c.opened_at)), ("closed", local_time(c.closed_at)),
              ("purchased", c.purchased_on), ("delivered", c.delivered_on), ("due", c.due_on),
              ("snoozed until", local_time(c.snoozed_until)),
              ("refs", ", ".join(f"{r.kind}:{r.value}" for r in d.refs)), ("uid", c.uid)]
    for label, value in fields:
        if value:
            click.echo(f"  {label + ':':<15}{clean(str(value))}")
    if c.notes:
        click.echo("\nNotes:")
        for line in for_terminal(c.notes, multiline=True).splitlines():
            click.echo(f"  {line}")
    click.echo(f"\nTimeline ({len(d.interactions)} contacts):")
    for i in d.interactions:
        length = ""
        if i.ended_at:
            secs = int((from_iso(i.ended_at) - from_iso(i.started_at)).total_seconds())
            length = format_duration(secs)
        hold = f" hold {format_duration(i.hold_seconds)}" if i.hold_seconds else ""
        who = f" {clean(i.agent)}" if i.agent else ""
        who += f" ({clean(i.agent_id)})" if i.agent_id else ""
        click.echo(f"  [{i.id}] {local_time(i.started_at)} {i.channel:<9} "
                   f"{(i.outcome or 'LIVE'):<12} {length}{hold}{who}")
        for label, value in (("ref", i.reference), ("transcript", i.transcript_ref)):
            if value:
                click.echo(f"        {label}: {clean(value)}")
        if i.notes:
            click.echo(f"        {clean(i.notes, 200)}")
    if d.promises:
        click.echo("\nPromises:")
        for p in d.promises:
            due = f" due {local_time(p.due_at)}" if p.due_at else ""
            click.echo(f"  [p{p.id}] {p.status:<8}{due}  {clean(p.text)}")


@click.command()
@click.argument("query")
@click.option("--status", "status_", type=click.Choice(STATUS_FILTERS), default="all")
@click.option("--company")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_env
def search(env, query, status_, company, limit, as_json):
    """Full-text search over titles, notes, agents, references and transcripts."""
    store = env.store()
    hits = store.search(query, limit=limit, status=status_, company=company)
    if as_json:
        echo_json([{"case_id": h.case_id, "title": h.case_title, "company": h.company,
                    "status": h.status, "interaction_id": h.interaction_id, "when": h.when,
                    "snippet": h.snippet.replace(MARK_START, "").replace(MARK_END, ""),
                    "rank": h.rank} for h in hits])
        return
    if not hits:
        click.echo(f"nothing found for {query!r}")
        return
    for h in hits:
        where = f"case {h.case_id}" + (f", contact {h.interaction_id}" if h.interaction_id else "")
        click.echo(click.style(f"{clean(h.company)}: {clean(h.case_title)}", bold=True)
                   + f"  ({where}, {local_time(h.when)}, {h.status})")
        if h.snippet.strip():
            click.echo(f"    {snippet(h.snippet)}")


COMMANDS = [new, edit, status, list_, show, search]
