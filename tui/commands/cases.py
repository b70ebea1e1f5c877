"""Case commands: new, edit, status, list, show, search."""

from __future__ import annotations

from itertools import chain
from typing import Iterable, Iterator

import click

from ..store.queries import SORTS, STATUS_FILTERS
from ..store.records import CATEGORIES, CHANNELS, STATUSES, WANTS
from ..store.validate import format_duration, from_iso, local_time, parse_ref
from ..store.wording import plural
from . import formats
from .output import (EXIT_INPUT, Failure, clean, echo_json, echo_json_listing, for_terminal,
                     snippet, table)
from .shapes import case_record, case_row, search_hit

pass_env = click.pass_obj


def _refs(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [parse_ref(v) for v in values]


def case_dates_and_amount(command):
    """The options `new` and `edit` share: the case's key dates and what is at stake."""
    for option in reversed((
            click.option("--purchased", metavar="DATE", help=f"Purchase date: {formats.DAY}."),
            click.option("--delivered", metavar="DATE", help=f"Delivery date: {formats.DAY}."),
            click.option("--due", metavar="DATE",
                         help=f"When the item or answer was due: {formats.DEADLINE_DAY}."),
            click.option("--amount", help=f"The amount at stake, {formats.AMOUNT}."),
            click.option("--currency", help=formats.CURRENCY))):
        command = option(command)
    return command


@click.command()
@click.option("--company", required=True, help="Who you are dealing with (remembered).")
@click.option("--title", required=True, help='The problem in a few words: "package never arrived".')
@click.option("--category", type=click.Choice(CATEGORIES), default="other", show_default=True)
@click.option("--want", type=click.Choice(WANTS), default="other", show_default=True,
              help="What you want out of it.")
@click.option("--ref", "refs", multiple=True, metavar="KIND:VALUE",
              help="A reference (order, ticket, claim, return, chat, other); repeatable.")
@click.option("--seller", help="The third-party seller, if you did not buy from the shop itself.")
@case_dates_and_amount
@click.option("--note", help="Notes for the case.")
@click.option("--opened", metavar="WHEN",
              help=f"When the problem started: {formats.MOMENT} (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the new case as `show --json` does.")
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
        echo_json(case_record(store, case.id))
    else:
        click.echo(case.id)


@click.command()
@click.argument("case")
@click.option("--company")
@click.option("--title")
@click.option("--category", type=click.Choice(CATEGORIES))
@click.option("--want", type=click.Choice(WANTS))
@click.option("--seller")
@case_dates_and_amount
@click.option("--note", help="Replace the case notes.")
@click.option("--add-ref", "add_refs", multiple=True, metavar="KIND:VALUE")
@click.option("--remove-ref", "remove_refs", multiple=True, metavar="KIND:VALUE")
@click.option("--json", "as_json", is_flag=True, help="Print the case as `show --json` does.")
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
    echo_json(case_record(store, case_id)) if as_json else click.echo(case_id)


@click.command()
@click.argument("case")
@click.argument("state", type=click.Choice(STATUSES))
@click.option("--note", help="Why; appended to the case notes with the date.")
@click.option("--at", "at", metavar="WHEN",
              help=f"When it took effect: {formats.MOMENT} (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the case as `show --json` does.")
@pass_env
def status(env, case, state, note, at, as_json):
    """Set a case's status: open, waiting, resolved or abandoned.

    It holds until a later contact: a contact logged afterwards with an earlier time
    does not undo it."""
    store = env.store()
    result = store.set_status(store.resolve_case(case), state, note, at=at)
    if as_json:
        echo_json(case_record(store, result.id))
    else:
        click.echo(f"case {result.id} is {result.status}")


@click.command("list")
@click.option("--status", "status_", type=click.Choice(STATUS_FILTERS), default="all",
              show_default=True, help="active = open and waiting.")
@click.option("--company", help="Only this company's cases.")
@click.option("--channel", type=click.Choice(CHANNELS), help="Only cases with a contact on it.")
@click.option("--sort", type=click.Choice((*SORTS, "attention")), default="recent",
              show_default=True, help="attention: open and waiting cases, most urgent first.")
@click.option("--stalled", is_flag=True, help="Only stalled cases, most urgent first.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="At most this many; the output says when there were more.")
@click.option("--all", "all_", is_flag=True, help="Every case that matches, however many.")
@click.option("--json", "as_json", is_flag=True,
              help='{"cases": [...], "truncated": ..., "limit": ...}')
@pass_env
def list_(env, status_, company, channel, sort, stalled, limit, all_, as_json):
    """List cases, most recent activity first (or by attention)."""
    if all_ and click.get_current_context().get_parameter_source("limit") \
            != click.core.ParameterSource.DEFAULT:
        raise Failure("use --limit N or --all, not both", EXIT_INPUT)
    store = env.store()
    cap = None if all_ else limit
    by_attention = stalled or sort == "attention"
    if by_attention:
        rows = _by_attention(env, store, status_, company, channel, stalled, cap)
    else:
        filters = {"status": status_, "company": company, "channel": channel, "sort": sort}
        cases = (store.iter_cases(**filters) if all_ else
                 store.list_cases(limit=limit + 1, **filters).items)  # one more: was it cut?
        rows = ((c, None) for c in cases)
    capped = Capped(rows, cap)
    if as_json:
        echo_json_listing("cases", (case_row(c, score) for c, score in capped),
                          lambda: {"truncated": capped.truncated, "limit": cap})
        return
    rows = iter(capped)
    first = next(rows, None)
    if first is None:
        click.echo(("no stalled cases" if stalled else "no cases")
                   + ("" if status_ == "all" else f" ({status_})"))
        return
    headers = ("ID", "STATUS", "COMPANY", "CONTACTS", "LAST ACTIVITY", "TITLE")
    if by_attention:
        headers = ("SCORE", *headers)
    table(headers, ((*((f"{score:g}",) if by_attention else ()), c.id, c.status,
                     clean(c.company, 24), c.contacts, local_time(c.last_activity_at), c.title)
                    for c, score in chain([first], rows)))
    if capped.truncated:
        click.echo(f"supportlog: the first {limit} shown; --limit N or --all for more", err=True)


class Capped:
    """At most `limit` of `items` (every one when None); `truncated` tells, once they have
    been read, whether there were more."""

    def __init__(self, items: Iterable, limit: int | None):
        self.items, self.limit, self.truncated = iter(items), limit, False

    def __iter__(self) -> Iterator:
        for n, item in enumerate(self.items):
            if n == self.limit:
                self.truncated = True
                return
            yield item


def _by_attention(env, store, status_, company, channel, stalled_only, limit):
    """Open and waiting cases in the advice layer's order with their scores, filtered like
    any listing, the cases read a page at a time (a page one longer than the limit)."""
    from ..advice import assess_all, load_playbook
    from ..store.advice_queries import PAGE
    if status_ not in ("all", "active", "open", "waiting"):
        return
    wanted = None
    if channel:  # the channel filter needs the interactions: ask the store which cases
        wanted = {c.id for c in store.iter_cases(status="active", channel=channel)}
    size = PAGE if limit is None else min(PAGE, limit + 1)
    page = []
    for a in assess_all(store, env.now(), load_playbook(env.config_path)):
        c = a.case
        if ((stalled_only and not a.stalled) or (status_ in ("open", "waiting")
                                                 and c.status != status_)
                or (company and c.company.lower() != company.strip().lower())
                or (wanted is not None and c.id not in wanted)):
            continue
        page.append(a)
        if len(page) == size:
            yield from _with_cases(store, page)
            page = []
    yield from _with_cases(store, page)


def _with_cases(store, page: list) -> Iterator[tuple]:
    found = store.cases_by_id(a.case_id for a in page)
    return ((found[a.case_id], a.score) for a in page if a.case_id in found)


@click.command()
@click.argument("case")
@click.option("--json", "as_json", is_flag=True,
              help="The interchange record with every id the text shows.")
@pass_env
def show(env, case, as_json):
    """Show a case: details, references, timeline and promises."""
    store = env.store()
    case_id = store.resolve_case(case)
    if as_json:
        echo_json(case_record(store, case_id))
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
    click.echo(f"\nTimeline ({plural(len(d.interactions), 'contact')}):")
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
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="At most this many; the output says when there were more.")
@click.option("--json", "as_json", is_flag=True,
              help='{"hits": [...], "truncated": ..., "limit": ...}')
@pass_env
def search(env, query, status_, company, limit, as_json):
    """Full-text search over titles, notes, agents, references and transcripts."""
    store = env.store()
    hits = store.search(query, limit=limit + 1, status=status_, company=company)
    truncated, hits = len(hits) > limit, hits[:limit]   # one more: was it cut?
    if as_json:
        found = store.cases_by_id(h.case_id for h in hits)
        echo_json({"hits": [search_hit(h, found[h.case_id].uid if h.case_id in found else None)
                            for h in hits], "truncated": truncated, "limit": limit})
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
    if truncated:
        click.echo(f"supportlog: the first {limit} hits shown; --limit N (up to 1000) for more",
                   err=True)


COMMANDS = [new, edit, status, list_, show, search]
