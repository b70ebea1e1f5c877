"""Case commands: new, edit, status, show, search (list is in listing.py).

`show` prints rows read on a bare connection (Env.reader, tui.store.case_rows): no Store, no
records; the others, and `show --json` (the interchange record), open the Store."""

from __future__ import annotations


import click

from ..store.vocab import STATUS_FILTERS, STATUSES
from ..store.fields import CASE, CASE_FLAGGED, METAVARS
from ..store.times import format_duration, from_iso, local_time
from ..store.wording import plural
from . import formats, output
from .output import EXIT_INPUT, Failure, clean, for_terminal, snippet

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


SHOW_APART = ("title", "status", "notes", "currency")   # in the heading, below, or the amount


def _shown(f, value, case) -> str | None:
    """A field's value as `show` prints it: times local, an amount with its currency."""
    if f.kind == "when":
        return local_time(value)
    if f.kind == "amount" and value:
        return f"{value} {case['currency'] or ''}".strip()
    return value


MILESTONE_WORDS = {"formal_complaint": "your formal complaint",
                   "final_response": "their final response"}


@click.command()
@click.argument("case")
@click.option("--json", "as_json", is_flag=True,
              help="The interchange record with every id the text shows.")
@pass_env
def show(env, case, as_json):
    """Show a case: details, references, timeline, promises and what they asked of you."""
    if as_json:
        store = env.store()
        output.echo_json(case_record(store, store.resolve_case(case)))
        return
    from ..store import case_rows as rows
    conn = env.reader()
    conn.execute("BEGIN")   # one read: the rows agree even while another process writes
    try:
        case_id = rows.resolve_case(conn, case)
        c, refs = rows.case_row(conn, case_id), rows.ref_rows(conn, case_id)
        contacts, promises = rows.interaction_rows(conn, case_id), rows.promise_rows(conn,
                                                                                    case_id)
    finally:
        conn.execute("COMMIT")
    click.echo(click.style(f"#{c['id']} {clean(c['title'])}", bold=True) + f"  [{c['status']}]")
    fields = [("company", c["company"]),
              *((f.short, _shown(f, c[f.name], c)) for f in CASE if f.name not in SHOW_APART),
              ("refs", ", ".join(f"{kind}:{value}" for kind, value in refs)), ("uid", c["uid"])]
    for label, value in fields:
        if value:
            click.echo(f"  {label + ':':<15}{clean(str(value))}")
    if c["notes"]:
        click.echo("\nNotes:")
        for line in for_terminal(c["notes"], multiline=True).splitlines():
            click.echo(f"  {line}")
    click.echo(f"\nTimeline ({plural(len(contacts), 'contact')}):")
    for i in contacts:
        _contact(i)
    for party, heading in (("company", "Promises:"), ("me", "They asked you:")):
        listed = [p for p in promises if p["party"] == party]
        if listed:
            click.echo(f"\n{heading}")
        for p in listed:
            due = f" due {local_time(p['due_at'])}" if p["due_at"] else ""
            click.echo(f"  [p{p['id']}] {p['status']:<8}{due}  {clean(p['text'])}")


def _contact(i) -> None:
    """One contact of `show`'s timeline (a row of case_rows.interaction_rows)."""
    length = ""
    if i["ended_at"]:
        secs = int((from_iso(i["ended_at"]) - from_iso(i["started_at"])).total_seconds())
        length = format_duration(secs)
    hold = f" hold {format_duration(i['hold_seconds'])}" if i["hold_seconds"] else ""
    who = f" {clean(i['agent'])}" if i["agent"] else ""
    who += f" ({clean(i['agent_id'])})" if i["agent_id"] else ""
    marks = [m for m in ("they contacted you" if i["direction"] == "in" else None,
                         MILESTONE_WORDS.get(i["milestone"])) if m]
    marks_text = f"  ({'; '.join(marks)})" if marks else ""
    click.echo(f"  [{i['id']}] {local_time(i['started_at'])} {i['channel']:<9} "
               f"{(i['outcome'] or 'LIVE'):<12} {length}{hold}{who}{marks_text}")
    for label, value in (("ref", i["reference"]), ("transcript", i["transcript_ref"])):
        if value:
            click.echo(f"        {label}: {clean(value)}")
    if i["notes"]:
        click.echo(f"        {clean(i['notes'], 200)}")


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


COMMANDS = [new, edit, status, show, search]
