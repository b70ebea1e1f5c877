"""`supportlog due`: what falls due (promises and asks, the case's due date, windows closing,
doors opening, snoozes waking) for the next N days and everything overdue."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from ..store.wording import plural
from .output import EXIT_INPUT, EXIT_STALLED, Failure, echo_json
from .output import for_terminal as tty

if TYPE_CHECKING:
    from ..advice.agenda import Agenda, AgendaItem

DEFAULT_DAYS = 14       # tui.advice.agenda.DEFAULT_DAYS, without importing the advice for --help
MAX_DAYS = 3660
WITHIN_HELP = "How far ahead: 7d, 2w or a number of days (default 14); overdue items always show."


def parse_within(value: str | None) -> int:
    """'7d', '2w', '14' -> days; anything else is a one-line error naming --within."""
    if value is None:
        return DEFAULT_DAYS
    m = re.fullmatch(r"\s*(\d{1,5})\s*(d|days?|w|weeks?)?\s*", value, flags=re.IGNORECASE)
    days = int(m.group(1)) * (7 if (m.group(2) or "d")[0].lower() == "w" else 1) if m else -1
    if not 0 <= days <= MAX_DAYS:
        raise Failure(f"--within: {value!r} is not a period; write days or weeks, e.g. 7d, "
                      f"2w or 14 (at most {MAX_DAYS} days)", EXIT_INPUT)
    return days


def load_agenda(env, days: int) -> Agenda:
    """The notebook's agenda at the command's clock: the rules in force, the playbook's
    warning days, the next moves from the kept advice (brought up to date first)."""
    from ..advice import ConfigError, load_playbook, refresh
    from ..advice.agenda import collect
    from ..advice.settings import load_rules
    from ..advice.source import source_fingerprint
    store = env.store(create=False)
    now = env.now()
    try:
        rules = load_rules(env.config_path)
        playbook = load_playbook(env.config_path)
    except ConfigError as exc:
        raise Failure(str(exc), EXIT_INPUT) from None
    fresh, saved = refresh(store, now, playbook, source=source_fingerprint(env.config_path))
    return collect(store, now, days, rules.active, fresh=() if saved else fresh,
                   warn_days=playbook.thresholds.get("deadline_warn_days", 5))


def _when(item: AgendaItem) -> str:
    from ..store.times import local_time
    return local_time(item.when) if item.timed else item.day


def item_lines(item: AgendaItem) -> list[str]:
    """One item for people: the date, the case and what is due; then the next move and a
    clock's action and guidance line, indented."""
    lines = [f"  {_when(item):<16}  #{item.case_id} {tty(item.title)} ({tty(item.company)}): "
             f"{tty(item.what)} [{'your move' if item.who == 'you' else 'their move'}]"]
    if item.action:
        lines.append(f"      {tty(item.action)}")
    if item.next:
        lines.append(f"      next: {tty(item.next)}")
    if item.guidance:
        lines.append(f"      {tty(item.guidance)}")
    return lines


def summary(agenda: Agenda) -> str:
    """'3 due: 1 overdue, 2 within 14 days; `supportlog due` lists them.'"""
    counts = {g: len(v) for g, v in agenda.grouped().items()}
    ahead = len(agenda.items) - counts["overdue"]
    parts = [f"{counts['overdue']} overdue"] if counts["overdue"] else []
    if ahead:
        parts.append(f"{ahead} within {plural(agenda.days, 'day')}")
    return f"{len(agenda.items)} due: {', '.join(parts)}; `supportlog due` lists them"


@click.command("due")
@click.option("--within", metavar="PERIOD", help=WITHIN_HELP)
@click.option("--json", "as_json", is_flag=True)
@click.option("--fail-if-due", is_flag=True,
              help="Exit with code 1 when anything is overdue or due within the window (for "
                   "cron); alone, it prints one line, and only when something is due.")
@click.pass_obj
def due(env, within: str | None, as_json: bool, fail_if_due: bool) -> None:
    """What falls due: promises, asks, deadlines and snoozes, overdue first, in date order."""
    agenda = load_agenda(env, parse_within(within))
    if as_json:
        echo_json(agenda.as_dict())
    elif fail_if_due:
        if agenda.due:
            click.echo(summary(agenda))
    else:
        _print(agenda)
    if fail_if_due and agenda.due:
        raise click.exceptions.Exit(EXIT_STALLED)


def _print(agenda: Agenda) -> None:
    from ..advice.agenda import GROUP_TITLES
    if not agenda.items:
        click.echo(f"nothing overdue or due within {plural(agenda.days, 'day')} "
                   f"(to {agenda.last_day})")
        return
    first = True
    for group, items in agenda.grouped().items():
        if not items:
            continue
        if not first:
            click.echo()
        first = False
        click.echo(click.style(f"{GROUP_TITLES[group]} ({len(items)})", bold=True))
        for item in items:
            for line in item_lines(item):
                click.echo(line)


COMMANDS = [due]
