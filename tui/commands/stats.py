"""`supportlog stats`: how each company and channel has treated you, read from the counters
the schema's triggers keep (tui.store.stats) on a bare connection (Env.reader): no Store."""

from __future__ import annotations

import click

from ..store.stats import StatsOps
from ..store.times import format_duration
from .output import clean, table


class _Figures(StatsOps):
    """The Store's statistics reads, on whichever connection Env.reader gives."""

    def __init__(self, conn):
        self.conn = conn


def _pct(share: float | None) -> str:
    return "" if share is None else f"{share:.0%}"


def _num(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


@click.command()
@click.option("--company", help="Only this company.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def stats(env, company, as_json):
    """Per company and channel: contacts, progress, hold, promises, days to resolution."""
    store = _Figures(env.reader())
    companies = store.company_stats(company)
    channels = store.channel_stats_all(company)
    if as_json:
        from .output import echo_json   # here: the table for people loads no json
        echo_json({"companies": [r.as_dict() for r in companies],
                   "channels": [r.as_dict() for r in channels]})
        return
    if not companies:
        click.echo("no cases yet" if not company else f"no cases with {company!r}")
        return
    table(("COMPANY", "CASES", "CONTACTS", "PROGRESS", "HOLD AVG", "HOLD TOTAL",
           "CONTACTS/RESOLVED", "DAYS TO RESOLVE", "PROMISES KEPT/BROKEN"),
          [(clean(r.name, 28), r.cases, r.contacts, _pct(r.progress_share),
            format_duration(int(r.hold_average or 0)), format_duration(r.hold_total),
            _num(r.contacts_per_resolved), _num(r.days_to_resolution),
            f"{r.promises_kept}/{r.promises_broken}") for r in companies])
    click.echo()
    table(("CHANNEL", "CONTACTS", "PROGRESS", "HOLD AVG", "HOLD TOTAL", "PROMISES KEPT/BROKEN"),
          [(r.name, r.contacts, _pct(r.progress_share),
            format_duration(int(r.hold_average or 0)), format_duration(r.hold_total),
            f"{r.promises_kept}/{r.promises_broken}") for r in channels])


COMMANDS = [stats]
