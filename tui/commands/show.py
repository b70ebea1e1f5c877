"""`supportlog show`: a case for people, printed from rows read on a bare connection
(Env.reader, tui.store.case_rows): no Store, no records; `show --json` (the interchange
record) opens the Store."""

from __future__ import annotations

import click

from ..store.fields import CASE
from ..store.times import format_duration, from_iso, local_time
from ..store.wording import plural
from .output import clean, for_terminal

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
@click.pass_obj
def show(env, case, as_json):
    """Show a case: details, references, timeline, promises and what they asked of you."""
    if as_json:
        from .output import echo_json
        from .shapes import case_record   # the interchange record: with the Store
        store = env.store()
        echo_json(case_record(store, store.resolve_case(case)))
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


COMMANDS = [show]
