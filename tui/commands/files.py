"""File commands: import, backup, where, demo (doctor is in doctor.py)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

from ..store import Store, ValidationError
from ..store.atomic import check_target, private_folder, unique_path
from ..store.paths import config_path, data_dir, default_db_path, demo_db_path
from ..store.wording import plural
from .output import EXIT_INPUT, Failure, clean, echo_json


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what the import would change; write nothing.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def import_(env, file, dry_run, as_json):
    """Import a supportlog/1 JSON file: all or nothing, merged by uid field by field (the
    side changed later wins); twice changes nothing."""
    name = "standard input" if str(file) == "-" else str(file)
    try:
        with _readable(file) as fh:
            report = _import_file(env, fh, name, dry_run)
    except OSError as exc:
        raise Failure(f"cannot read {file}: {exc.strerror}", EXIT_INPUT) from None
    except ValidationError as exc:
        # The file's own problems (not UTF-8, not JSON) name it already; a record's do not.
        raise Failure(str(exc) if exc.field == name else f"{name}: {exc}", EXIT_INPUT) from None
    if as_json:
        echo_json(report)
        return
    renamed, conflicts = report.pop("renamed"), report.pop("conflicts")
    report.pop("dry_run")
    parts = [_counted(k, v) for k, v in report.items() if v]
    parts += [f"renamed company “{clean(r['from'])}” to “{clean(r['to'])}”" for r in renamed]
    click.echo(f"{'would import' if dry_run else 'imported'}: "
               + (", ".join(parts) if parts else "nothing new"))
    for c in conflicts[:SHOWN_CONFLICTS]:
        where = f" (case {clean(c['case_uid'])})" if "case_uid" in c else ""
        click.echo(f"kept local (newer here): {c['kind']} {clean(c['uid'])}{where}: "
                   f"{', '.join(c['fields'])}")
    if len(conflicts) > SHOWN_CONFLICTS:
        click.echo(f"… and {len(conflicts) - SHOWN_CONFLICTS} more kept local (--json lists "
                   "them all)")
    if dry_run:
        click.echo("dry run: nothing was written", err=True)


SHOWN_CONFLICTS = 20
# An import report's counts as words: "cases_added" -> ("case", "added").
COUNT_WORDS = {"companies": "company", "routes": "company route", "policies": "company policy",
               "cases": "case", "refs": "reference",
               "interactions": "contact", "promises": "promise", "status_events": "status change"}


def _counted(key: str, n: int) -> str:
    """'1 company added', '2 cases updated', '3 cases unchanged'."""
    kind, _, what = key.rpartition("_")
    if not kind:
        kind, what = "cases", key           # "unchanged" counts cases
    return f"{plural(n, COUNT_WORDS.get(kind, kind.replace('_', ' ')))} {what}"

@contextmanager
def _readable(file: Path):
    """The file to import, opened for reading in binary; standard input (or anything that
    cannot seek) is copied to a private temp file first, as the import reads it twice when
    it has to name a repeated uid."""
    fh = sys.stdin.buffer if str(file) == "-" else open(file, "rb")
    try:
        if fh.seekable():
            yield fh
            return
        with tempfile.TemporaryFile() as spool:  # 0600, unlinked at once
            shutil.copyfileobj(fh, spool, 1 << 20)
            yield spool
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def _import_file(env, fh, name: str, dry_run: bool) -> dict:
    if dry_run and not env.db_path.exists():
        # Nothing to compare with: what it would add to an empty notebook, made and thrown
        # away in a temp folder, so a dry run never creates the notebook.
        with tempfile.TemporaryDirectory() as folder:
            with Store(Path(folder) / "dry-run.db",
                       clock=(lambda: env.fixed_now) if env.fixed_now else None) as store:
                return store.import_file(fh, name, dry_run=True)
    return env.store(create=True).import_file(fh, name, dry_run=dry_run)


def default_backup_path(db_path: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    return db_path.parent / "backups" / f"{db_path.stem}-{stamp}.db"


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True,
                                                path_type=Path),
              help="Backup file (default: backups/ beside the notebook; - for standard output).")
@click.option("--force", is_flag=True, help="Overwrite the -o file if it exists.")
@click.option("--json", "as_json", is_flag=True, help='Print {"path": ..., "size_bytes": ...}.')
@click.pass_obj
def backup(env, output, force, as_json):
    """Write a consistent copy of the notebook (0600), safe while the app is running.

    Its evidence files go beside the copy (COPY-evidence/), so the copy opened with --db
    finds them."""
    store = env.store()
    if output is not None and str(output) == "-":
        _backup_to_stdout(store, as_json)
        return
    dest = output or unique_path(default_backup_path(env.db_path, env.now()))
    check_target(dest, force=force, notebooks=[env.db_path])  # before making any folder
    attached = store.count_attachments()
    if attached:
        from ..store.attachments import evidence_target
        evidence_target(dest)
    private_folder(dest.parent)
    written = store.backup(dest, force=force)
    files = store.copy_evidence(written) if attached else None
    for sha in files.missing if files else ():
        click.echo(f"supportlog: warning: evidence file {sha} is missing or damaged, so the "
                   "copy lacks it; `supportlog doctor` says which attachment", err=True)
    if as_json:
        report = {"path": str(written), "size_bytes": written.stat().st_size}
        if files:
            report["evidence"] = {"path": str(files.folder), "files": files.files,
                                  "missing": list(files.missing)}
        echo_json(report)
    else:
        click.echo(clean(written))
        if files:
            click.echo(f"{plural(files.files, 'evidence file')}: {clean(files.folder)}")


def _backup_to_stdout(store, as_json: bool) -> None:
    """`backup -o -`: the copy made in a private temp folder, then written to standard
    output (never to a terminal, where it would be noise)."""
    if as_json:
        raise Failure("backup -o - writes the notebook to standard output; --json needs a "
                      "file: -o FILE", EXIT_INPUT)
    out = sys.stdout.buffer
    if out.isatty():
        raise Failure("standard output is a terminal; send the backup to a file: "
                      "supportlog backup -o - > copy.db", EXIT_INPUT)
    with tempfile.TemporaryDirectory() as folder:  # 0700, removed with what is in it
        copy = store.backup(Path(folder) / "backup.db")
        with open(copy, "rb") as fh:
            shutil.copyfileobj(fh, out, 1 << 20)
    out.flush()
    attached = store.count_attachments()
    if attached:
        click.echo(f"supportlog: note: evidence files are not in the stream (it holds the "
                   f"notebook only, with {plural(attached, 'attachment')}); back up to a file "
                   f"(-o FILE) to copy them too, or copy {clean(store.evidence_folder)}",
                   err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def where(env, as_json):
    """Print where the notebook, the config and the data folder are."""
    given = click.get_current_context().find_root().get_parameter_source("db")
    source = {click.core.ParameterSource.COMMANDLINE: "--db",
              click.core.ParameterSource.ENVIRONMENT: "SUPPORTLOG_DB"}.get(given, "default")
    info = {"db": str(env.db_path), "db_source": source, "db_exists": env.db_path.exists(),
            "default_db": str(default_db_path()), "config": str(config_path()),
            "data_dir": str(data_dir()), "demo_db": str(demo_db_path())}
    if as_json:
        echo_json(info)
    else:
        for key, value in info.items():
            click.echo(f"{key + ':':<12}{clean(value)}")


@click.command()
@click.option("--db", "demo_db", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to keep the demo notebook (default: demo.db in the data folder).")
@click.option("--reset", is_flag=True, help="Rebuild the demo notebook from scratch (only "
              "a file the demo made is ever replaced).")
@click.option("--no-ui", is_flag=True, help="Only create the demo notebook and print its path.")
@click.pass_obj
def demo(env, demo_db, reset, no_ui):
    """Open the app on a demo notebook (its own file, never yours)."""
    from ..demo.notebook import build_demo_file, demo_refusal
    path = demo_db or demo_db_path()
    if path.resolve() == env.db_path.resolve() and demo_db is None:
        raise Failure(f"the demo would use your notebook {path}; pass --db DEMO_FILE", EXIT_INPUT)
    # Only a file marked as a demo (a meta row the demo writes) is ever reset or filled.
    refusal = demo_refusal(path, unmarked_ok=demo_db is None)
    if refusal == "link":
        raise Failure(f"{path} is a symbolic link; pass --db with the real path of a demo "
                      "notebook or a new file name", EXIT_INPUT)
    if refusal == "not_demo":
        raise Failure(f"{path} is not a demo notebook, so the demo leaves it alone; pass "
                      "--db with a new file name", EXIT_INPUT)
    exists = path.exists()
    if reset or not exists:
        if demo_db is None:
            private_folder(path.parent)
        n = build_demo_file(path, env.now(), (lambda: env.fixed_now) if env.fixed_now else None)
        click.echo(f"demo notebook with {plural(n, 'case')}: {clean(path)}", err=True)
    if no_ui:
        click.echo(clean(path))
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the app would wait forever for keys no one can type.
        raise Failure(f"the demo notebook is {clean(path)}; the app needs a terminal (start "
                      "it from one, or pass --no-ui to only build it)", EXIT_INPUT)
    from ..app import run_app
    run_app(path, now=env.fixed_now)


COMMANDS = [import_, backup, where, demo]
