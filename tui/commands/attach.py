"""Evidence files on the command line: `attach`, `evidence`, `detach`."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import click

from ..store import userfiles
from ..store.times import local_time
from .output import EXIT_INPUT, Failure, clean, echo_json, table

SHORT_SHA = 12


def attachment_record(a) -> dict:
    """An attachment as every --json output names it."""
    return {"id": a.id, "uid": a.uid, "case_id": a.case_id, "interaction_id": a.interaction_id,
            "sha256": a.sha256, "name": a.name, "size": a.size, "type": a.type,
            "note": a.note, "origin": a.origin, "added_at": a.added_at}


def _precheck(path: Path, limit: int) -> None:
    """Refuse a file that cannot be attached before any is: missing, a folder, too big,
    unreadable (userfiles applies its full rules when it reads each one)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise Failure(f"{path}: file not found; check the name", EXIT_INPUT) from None
    except OSError as exc:
        raise Failure(f"{path}: cannot be read ({exc.strerror})", EXIT_INPUT) from None
    if stat.S_ISDIR(st.st_mode):
        raise Failure(f"{path} is a folder; name the files in it to attach them", EXIT_INPUT)
    if not stat.S_ISREG(st.st_mode):
        raise Failure(f"{path} is not a regular file; attach a copy of it", EXIT_INPUT)
    if st.st_size > limit:
        raise Failure(f"{path} is {st.st_size:,} bytes; an evidence file may be at most "
                      f"{limit // 1_000_000} MB (split or compress it)", EXIT_INPUT)
    if not os.access(path, os.R_OK):
        raise Failure(f"{path}: permission denied; make it readable (chmod u+r)", EXIT_INPUT)


@click.command()
@click.argument("case")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=True, allow_dash=False))
@click.option("--contact", type=int, metavar="N", help="The contact (of this case) the files "
              "came from, as `show` numbers it.")
@click.option("--note", metavar="TEXT", help="What the files show (card numbers are masked).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def attach(env, case, files, contact, note, as_json):
    """Keep files with a case as evidence (a receipt, a photo, a PDF): copied into the
    notebook's evidence folder; the same file twice is stored once."""
    from ..store.attachments import MAX_FILE, file_size
    for path in files:
        _precheck(path, MAX_FILE)
    store = env.store()
    case_id = store.resolve_case(case)
    done = []
    for path in files:
        before = {a.id for a in store.attachments(case_id)}
        try:
            att = store.attach_file(case_id, path, interaction_id=contact, note=note)
        except userfiles.UnreadableFile as exc:
            raise Failure(str(exc), EXIT_INPUT) from None
        done.append((att, att.id not in before))
    if as_json:
        echo_json({"case_id": case_id,
                   "attachments": [{**attachment_record(a), "new": new} for a, new in done]})
        return
    for a, new in done:
        click.echo(f"{a.id}  {clean(a.name)}  {file_size(a.size)}  "
                   f"{'stored' if new else 'already stored'}")


@click.command()
@click.argument("case")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def evidence(env, case, as_json):
    """List a case's evidence files: name, size, when added, contact, note and hash."""
    from ..store.attachments import file_size
    store = env.store()
    case_id = store.resolve_case(case)
    found = store.attachments(case_id)
    if as_json:
        echo_json({"case_id": case_id, "attachments": [attachment_record(a) for a in found]})
        return
    if not found:
        click.echo(f"case {case_id} has no evidence files; add one with "
                   f"`supportlog attach {case_id} FILE`", err=True)
        return
    table(("id", "name", "size", "added", "contact", "sha256", "note"),
          ((a.id, a.name, file_size(a.size), local_time(a.added_at),
            a.interaction_id or "", a.sha256[:SHORT_SHA], a.note or "") for a in found))


@click.command()
@click.argument("attachment_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def detach(env, attachment_id, as_json):
    """Remove an evidence file from its case (the stored copy goes when nothing else uses it)."""
    store = env.store()
    gone = store.detach(attachment_id)
    file_removed = not store.evidence_path(gone.sha256).exists()
    if as_json:
        echo_json({**attachment_record(gone), "file_removed": file_removed})
        return
    click.echo(f"removed {gone.id} {clean(gone.name)} from case {gone.case_id}"
               + ("" if file_removed else "; its stored copy stays: another attachment uses it"))


COMMANDS = [attach, evidence, detach]
