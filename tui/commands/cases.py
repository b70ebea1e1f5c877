"""Case commands: new, edit, status, search (list is in listing.py, show in show.py, both
read on a bare connection)."""

from __future__ import annotations


import click

from ..store.vocab import STATUS_FILTERS, STATUSES
from ..store.fields import CASE_FLAGGED, METAVARS
from ..store.times import local_time
from . import formats, output
from .output import EXIT_INPUT, Failure, clean, snippet

pass_env = click.pass_obj


def _refs(values: tuple[str, ...]) -> list[tuple[str, str]]:
    from ..store.validate import parse_ref
    return [parse_ref(v) for v in values]


def case_record(store, case_id: int) -> dict:
    from .shapes import case_record   # the interchange record: with the Store, not for `show`
    return case_record(store, case_id)


def case_options(new_case: bool):
    """The options of `new` (and `edit` when not `new_case`): one per flagged case field,
    named by its field, so they arrive as the store's keywords."""
    words = {k: v for k, v in vars(formats).items() if k.isupper()}

    def add(command):
        for f in reversed(CASE_FLAGGED):
            extra: dict = {"metavar": METAVARS.get(f.kind)}
            if f.choices:
                extra = {"type": click.Choice(f.choices)}
                if new_case and f.default:
                    extra.update(default=f.default, show_default=True)
            command = click.option(f.flag, f.name, required=new_case and f.required,
                                   help=f.help.format_map(words) or None, **extra)(command)
        return command
    return add


@click.command()
@click.option("--company", required=True, help="Who you are dealing with (remembered).")
@case_options(new_case=True)
@click.option("--ref", "refs", multiple=True, metavar="KIND:VALUE",
              help="A reference (order, ticket, claim, return, chat, other); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the new case as `show --json` does.")
@pass_env
def new(env, company, refs, as_json, title, **fields):
    """Open a new case and print its id."""
    store = env.store(create=True)
    case = store.create_case(company, title, refs=_refs(refs), **fields)
    if as_json:
        output.echo_json(case_record(store, case.id))
    else:
        click.echo(case.id)


@click.command()
@click.argument("case")
@click.option("--company", help="Move the case to another company.")
@case_options(new_case=False)
@click.option("--add-ref", "add_refs", multiple=True, metavar="KIND:VALUE")
@click.option("--remove-ref", "remove_refs", multiple=True, metavar="KIND:VALUE")
@click.option("--json", "as_json", is_flag=True, help="Print the case as `show --json` does.")
@pass_env
def edit(env, case, company, add_refs, remove_refs, as_json, **fields):
    """Change a case's fields; only the options given change."""
    store = env.store()
    case_id = store.resolve_case(case)
    store.update_case(case_id, company=company, **{k: v for k, v in fields.items()
                                                   if v is not None})
    for kind, value in _refs(add_refs):
        store.add_ref(case_id, kind, value)
    for kind, value in _refs(remove_refs):
        if not store.remove_ref(case_id, kind, value):
            raise Failure(f"case {case_id} has no reference {kind}:{value}", EXIT_INPUT)
    output.echo_json(case_record(store, case_id)) if as_json else click.echo(case_id)


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
        output.echo_json(case_record(store, result.id))
    else:
        click.echo(f"case {result.id} is {result.status}")


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
        from .shapes import search_hit
        output.echo_json({"hits": [search_hit(h, found[h.case_id].uid if h.case_id in found
                                              else None) for h in hits],
                          "truncated": truncated, "limit": limit})
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


COMMANDS = [new, edit, status, search]
