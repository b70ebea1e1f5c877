"""`supportlog export`: the notebook as supportlog/1 JSON, the dossier, CSV or a calendar."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..store.atomic import atomic_write
from ..store.dossier import render_markdown, write_csv
from ..store.wording import plural
from .output import EXIT_INPUT, Failure, clean


@click.command()
@click.argument("cases", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(("json", "md", "csv", "ics")),
              default="json", show_default=True, help="json: supportlog/1 for import; md: the "
              "dossier to hand to a bank or ombudsman; csv: the contacts, for spreadsheets; "
              "ics: what falls due in 14 days, for a calendar (as `supportlog calendar`).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True,
                                                path_type=Path),
              help="Write to this file (created 0600) instead of standard output (-).")
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
@click.pass_obj
def export(env, cases, fmt, output, force):
    """Export the notebook, or the given cases."""
    if fmt == "ics":
        from .calendar import export_calendar
        return export_calendar(env, output, force, cases=cases)
    store = env.store()
    ids = [store.resolve_case(c) for c in cases] if cases else None
    if output and str(output) != "-":
        # A temp file renamed into place: the notebook, a link or an old export is never
        # truncated, and a full disk leaves the previous export whole.
        with atomic_write(output, force=force, notebooks=[env.db_path]) as fh:
            n = _export(store, fh, ids, fmt, env)
        click.echo(f"exported {plural(n, 'case' if fmt != 'csv' else 'contact')} "
                   f"to {clean(output)}", err=True)
    else:
        _export(store, sys.stdout, ids, fmt, env)


def _export(store, out, ids, fmt: str, env) -> int:
    if fmt == "json":
        return store.export_json(out, ids)
    details = (store.get_detail(i) for i in (ids if ids is not None else
                                             (c.id for c in store.iter_cases(sort="id"))))
    if fmt == "csv":
        return write_csv(out, details)
    clocks_of = _dossier_clocks(env)
    n = 0
    for n, detail in enumerate(details, 1):
        out.write(("\n\n" if n > 1 else "") + render_markdown(detail, store.now(),
                                                              clocks_of(detail)))
    return n


def _dossier_clocks(env):
    """detail -> the clocks that applied to it as the dossier lists them (rules in force and
    the company's policy windows, with their sources)."""
    from ..advice import ConfigError
    from ..advice.clocks import case_clocks, load_rules
    try:
        active = load_rules(env.config_path).active
    except ConfigError as exc:
        raise Failure(str(exc), EXIT_INPUT) from None
    now = env.now()

    def rows(detail) -> list[tuple[str, str, str, str, str]]:
        return [(i.clock.name, f"{i.clock.period} from "
                 + " or ".join(s.replace("_", " ") for s in i.clock.starts),
                 i.last_day, i.state, i.clock.source.text
                 + (f", read {i.clock.read_on}" if i.clock.read_on else ""))
                for i in case_clocks(detail, active, now)]
    return rows


COMMANDS = [export]
