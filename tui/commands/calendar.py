"""`supportlog calendar -o FILE` (and `export --format ics`): the agenda as an RFC 5545
calendar, one event per item, with UIDs that stay the same from one export to the next so a
calendar re-importing the file updates its events rather than adding them again."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Iterable

import click

from .. import __version__
from ..store.atomic import atomic_write
from ..store.wording import plural
from .due import WITHIN_HELP, load_agenda, parse_within
from .output import EXIT_FILE, Failure, clean

if TYPE_CHECKING:
    from ..advice.agenda import Agenda, AgendaItem

UID_DOMAIN = "supportlog"
PRODID = f"-//supportlog//supportlog {__version__}//EN"
WHO_WORDS = {"you": "your move", "them": "their move"}
# RFC 5545 text may not hold control characters; a newline is written escaped (\n).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    return _CONTROLS.sub(" ", value)


def event_uid(item: AgendaItem) -> str:
    """The item's stable uid (its record's uid and kind) at the calendar's domain."""
    return f"{item.uid}@{UID_DOMAIN}"


def _description(item: AgendaItem) -> str:
    lines = [f"Case {item.case_id}: {item.title} ({item.company})",
             f"Due: {item.what} ({WHO_WORDS.get(item.who, item.who)})"]
    if item.action:
        lines.append(f"To do: {item.action}")
    if item.next:
        lines.append(f"Next: {item.next}")
    if item.guidance:
        lines.append(item.guidance)
    lines.append(f"supportlog show {item.case_id}")
    return "\n".join(lines)


def calendar_bytes(agenda: Agenda) -> bytes:
    """The agenda as an iCalendar file: all-day events for a day's item, timed ones for a
    promise or ask due at a time of day; DTSTAMP is the agenda's clock."""
    try:
        from icalendar import Calendar, Event
    except ImportError:
        raise Failure("writing a calendar needs the icalendar package, which is missing: "
                      "reinstall supportlog (pip install supportlog) or pip install "
                      "icalendar", EXIT_FILE) from None

    from ..store.times import from_iso
    stamp = from_iso(agenda.now)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "supportlog")
    for item in agenda.items:
        event = Event()
        event.add("uid", event_uid(item))
        event.add("dtstamp", stamp)
        if item.timed:
            event.add("dtstart", from_iso(item.when))
        else:
            day = date.fromisoformat(item.day)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
        event.add("summary", _text(f"{item.what}: case {item.case_id} {item.title}"))
        event.add("description", _text(_description(item)))
        event.add("categories", [item.kind])
        event.add("transp", "TRANSPARENT")   # a deadline is not a meeting: it books no time
        cal.add_component(event)
    return cal.to_ical()


def write_calendar(agenda: Agenda, out: IO[bytes]) -> int:
    """Write the calendar to a binary file; the number of events."""
    out.write(calendar_bytes(agenda))
    return len(agenda.items)


def export_calendar(env, output: Path | None, force: bool, days: int | None = None, *,
                    cases: Iterable[str] = ()) -> None:
    """What `calendar` and `export --format ics` share: the agenda (of `cases` alone, if
    given) written to -o FILE (atomically, 0600; never over a file without --force) or to
    standard output."""
    ids = {env.store().resolve_case(c) for c in cases}
    agenda = load_agenda(env, parse_within(None) if days is None else days)
    if ids:
        agenda = replace(agenda, items=tuple(i for i in agenda.items if i.case_id in ids))
    if output and str(output) != "-":
        with atomic_write(output, binary=True, force=force, notebooks=[env.db_path]) as fh:
            n = write_calendar(agenda, fh)
        click.echo(f"wrote {plural(n, 'event')} to {clean(output)} (to {agenda.last_day})",
                   err=True)
    else:
        click.echo(calendar_bytes(agenda), nl=False)   # bytes go to the binary stream


@click.command("calendar")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True,
                                                path_type=Path),
              help="Write to this file (created 0600) instead of standard output (-).")
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
@click.option("--within", metavar="PERIOD", help=WITHIN_HELP)
@click.pass_obj
def calendar(env, output: Path | None, force: bool, within: str | None) -> None:
    """Write what falls due as an iCalendar (.ics) file, to import into a calendar."""
    export_calendar(env, output, force, parse_within(within))


COMMANDS = [calendar]
