"""`supportlog export`: the notebook as supportlog/1 JSON, the dossier (Markdown or a printable
HTML page), the evidence pack, CSV or a calendar."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..store.atomic import atomic_write
from ..exports.contacts_csv import write_csv
from ..store.wording import plural
from .output import EXIT_INPUT, Failure, clean


@click.command()
@click.argument("cases", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(("json", "md", "html", "pack", "csv", "ics")),
              default="json", show_default=True, help="json: supportlog/1 for import; md: the "
              "dossier to hand to a bank or ombudsman; html: the same as a page to print; "
              "pack: one case as a zip (the dossier, transcripts, evidence files and a "
              "MANIFEST.sha256), needs -o; csv: the contacts, for spreadsheets; ics: what "
              "falls due in 14 days, for a calendar (as `supportlog calendar`).")
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
    if fmt == "pack":
        return _export_pack(env, cases, output, force)
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
    from ..exports.document import to_html, to_markdown
    from ..exports.dossier import dossier_blocks, html_title
    from ..exports.pack import case_transcripts
    clocks_of = dossier_clocks(env)
    now = store.now()
    blocks, titles = [], []
    for detail in details:
        page = dossier_blocks(detail, now, clocks_of(detail),
                              transcripts=case_transcripts(store, detail))
        titles.append(html_title(detail))
        if fmt == "md":
            out.write(("\n\n" if len(titles) > 1 else "") + to_markdown(page))
        else:
            blocks += page
    if fmt == "html":
        # Several cases share one page, each starting at its own heading.
        title = titles[0] if len(titles) == 1 else f"Case records: {plural(len(titles), 'case')}"
        out.write(to_html(blocks, title))
    return len(titles)


def _export_pack(env, cases, output: Path | None, force: bool) -> None:
    if len(cases) != 1:
        raise Failure(f"--format pack takes exactly one case (got {len(cases)}): export "
                      "each case to its own pack, as `export 12 --format pack -o case-12.zip`",
                      EXIT_INPUT)
    if output is None or str(output) == "-":
        raise Failure("--format pack writes a zip file: give it a name with -o, as "
                      f"`-o case-{clean(cases[0])}.zip` (it never goes to standard output)",
                      EXIT_INPUT)
    from ..exports.pack import write_pack
    store = env.store()
    detail = store.get_detail(store.resolve_case(cases[0]))
    clocks = dossier_clocks(env)(detail)
    with atomic_write(output, binary=True, force=force, notebooks=[env.db_path]) as fh:
        summary = write_pack(fh, store, detail, store.now(), clocks)
    click.echo(f"exported case {detail.case.id} as {summary.folder}/ with the dossier, "
               f"{plural(summary.transcripts, 'transcript')} and "
               f"{plural(summary.evidence, 'evidence file')} to {clean(output)}", err=True)


def dossier_clocks(env):
    """detail -> the clocks that applied to it as the dossier lists them (rules in force and
    the company's policy windows, with their sources); a bad rules file is one line."""
    from ..advice.clocks import clock_rows
    from ..advice.settings import load_rules
    active, now = load_rules(env.config_path).active, env.now()
    return lambda detail: clock_rows(detail, active, now)


COMMANDS = [export]
