"""`supportlog letter`: the letter the next rung calls for, drafted from a case."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from ..advice.playbook import LETTER_KINDS
from ..store.atomic import atomic_write
from ..store.errors import ValidationError
from ..store.validate import parse_date
from . import formats
from .output import EXIT_INPUT, Failure, clean


@click.command()
@click.argument("case")
@click.option("--kind", required=True, type=click.Choice(LETTER_KINDS),
              help="complaint: a formal complaint to the company; chargeback: to your card "
                   "issuer; ombudsman: the referral after the final response or the time "
                   "limit; follow-up: chasing promises not kept.")
@click.option("--format", "fmt", type=click.Choice(("md", "html")), default="md",
              show_default=True, help="md: Markdown; html: a page to print or save as PDF.")
@click.option("--deadline", metavar="DATE", help=f"The date you ask them to answer by: "
              f"{formats.DEADLINE_DAY} (default: the playbook's days for the kind).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True,
                                                path_type=Path),
              help="Write to this file (created 0600) instead of standard output (-).")
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
@click.pass_obj
def letter(env, case, kind, fmt, deadline, output, force):
    """Draft the letter the next rung calls for: a complaint, a chargeback request, an
    ombudsman referral or a follow-up.

    Filled from CASE: who you are ([me] name, address and emails in the config), your
    account number with the company, the dated timeline, every promise not kept, what you
    want, the deadline and the time limits that apply, and the evidence enclosed. Read it
    through before you send it."""
    from ..advice.letters import letter_blocks
    from ..advice.settings import load_playbook, load_profile
    from ..exports.document import to_html, to_markdown
    from .export import dossier_clocks
    playbook = load_playbook(env.config_path)
    profile = load_profile(env.config_path)
    due = _deadline(env, deadline)
    store = env.store()
    detail = store.get_detail(store.resolve_case(case))
    blocks = letter_blocks(kind, detail, profile, dossier_clocks(env)(detail), playbook,
                           env.now(), deadline=due)
    missing = profile.missing()
    if missing:
        click.echo(f"supportlog: warning: set [me] {', '.join(missing)} in "
                   f"{clean(env.config_path)}; the letter shows placeholders for them",
                   err=True)
    company = detail.company
    if company is not None and not company.account:
        click.echo(f"supportlog: warning: no account number for {clean(company.name)}; set "
                   f"it with `supportlog company edit {clean(shlex.quote(company.name))} --account "
                   "NUMBER`", err=True)
    if fmt == "html":
        text = to_html(blocks, title=_title(blocks, detail.case.title))
    else:
        text = to_markdown(blocks)
    if output and str(output) != "-":
        # A temp file renamed into place: an old letter or the notebook is never truncated.
        with atomic_write(output, force=force, notebooks=[env.db_path]) as fh:
            fh.write(text)
        click.echo(f"wrote the {kind} letter for case {detail.case.id} to {clean(output)}",
                   err=True)
    else:
        sys.stdout.write(text)


def _deadline(env, given: str | None) -> str | None:
    if given is None:
        return None
    try:
        day = parse_date("--deadline", given, now=env.now(), ahead=True)
    except ValidationError as exc:
        raise Failure(f"--deadline {given!r}: {exc.message}", EXIT_INPUT) from None
    if day is None:
        raise Failure("--deadline is empty; give a date like 2026-12-15", EXIT_INPUT)
    today = env.now().astimezone().date().isoformat()
    if day < today:
        raise Failure(f"--deadline {given!r} is {day}, which has passed; give a later date",
                      EXIT_INPUT)
    return day


def _title(blocks, fallback: str) -> str:
    """The page title: the letter's subject line."""
    from ..exports.document import Heading
    heading = next((b for b in blocks if isinstance(b, Heading)), None)
    return heading.text if heading and isinstance(heading.text, str) else fallback


COMMANDS = [letter]
