"""File commands: import, backup, doctor, where, demo."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

import sqlite3

from ..store import Store, StoreError, ValidationError
from ..store.atomic import check_target, is_temp, private_folder, unique_path
from ..store.db import translate
from ..store.opening import check_file, check_wal
from ..store.wal import live_wal
from ..store.paths import config_path, data_dir, default_db_path, demo_db_path
from ..store.schema import APPLICATION_ID, schema_version
from ..store.wording import plural
from .output import EXIT_FILE, EXIT_INPUT, Failure, clean, echo_json


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
    """Write a consistent copy of the notebook (0600), safe while the app is running."""
    store = env.store()
    if output is not None and str(output) == "-":
        _backup_to_stdout(store, as_json)
        return
    dest = output or unique_path(default_backup_path(env.db_path, env.now()))
    check_target(dest, force=force, notebooks=[env.db_path])  # before making any folder
    private_folder(dest.parent)
    written = store.backup(dest, force=force)
    if as_json:
        echo_json({"path": str(written), "size_bytes": written.stat().st_size})
    else:
        click.echo(clean(written))


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


EXPECTED_TABLES = {"companies", "cases", "case_refs", "interactions", "transcripts", "promises",
                   "meta", "search_index"}


def _mode(path: Path) -> str | None:
    return oct(stat.S_IMODE(path.stat().st_mode)) if path.exists() else None


def _notebook_files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--scan", is_flag=True, help="Also look for card numbers in the file, its WAL "
              "and every text value, showing only their last four (exit 3 if any).")
@click.pass_obj
def doctor(env, as_json, scan):
    """Check the notebook: the file, its WAL, integrity, schema version, permissions, paths."""
    path = env.db_path
    report: dict = {"db": str(path), "db_exists": path.exists(), "problems": [], "notes": []}
    problems = report["problems"]
    for check in DOCTOR_CHECKS:
        if not check(env, report):
            break  # what follows would open a file that is not safe to open
    else:
        if scan:
            _scan(env, report)
    report["config"] = str(config_path())
    report["ok"] = not problems
    if as_json:
        echo_json(report)
    else:
        for key, value in report.items():
            if key not in ("problems", "notes", "ok", "cards"):
                click.echo(f"{key + ':':<26}{clean(value)}")
        for n in report["notes"]:
            click.echo(f"note: {clean(n)}")
        for p in problems:
            click.echo(f"problem: {clean(p)}")
        click.echo("ok" if not problems else plural(len(problems), "problem"))
    if problems:
        raise click.exceptions.Exit(EXIT_FILE)


def _check_file(env, report: dict) -> bool:
    """The path itself, never opened when it is missing, a link to nothing, not a regular
    file (a FIFO would hang), empty or too small to be a database."""
    path = env.db_path
    try:
        st = check_file(path)
    except (StoreError, OSError) as exc:
        report["problems"].append(str(translate(exc, path)))
        return False
    if st is None:
        report["problems"].append(f"no notebook at {path}")
        return False
    return True


def _check_wal(env, report: dict) -> bool:
    """The -wal beside the notebook: one another database wrote would be replayed into it."""
    path = env.db_path
    real = Path(os.path.realpath(path))
    wal = live_wal(real)
    if wal is None:
        size = os.stat(f"{real}-wal").st_size if os.path.exists(f"{real}-wal") else None
        report["wal"] = "none" if not size else f"{size} bytes SQLite ignores (no valid frame)"
        return True
    report["wal"] = f"{wal.size} bytes not yet folded into the notebook"
    try:
        check_wal(path, real)
    except StoreError as exc:
        report["wal"] = "written by another database"
        report["problems"].append(str(exc))
        return False
    return True


def _examine(env, report: dict) -> bool:
    """Fill the doctor's report; a notebook that cannot be read is a finding, not a crash."""
    path, problems = env.db_path, report["problems"]
    try:
        before = {str(p): _mode(p) for p in _notebook_files(path)}
        store = env.store()  # opening repairs the modes of the notebook's files
        conn = store.conn
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        report.update({
            "integrity": "ok" if integrity == ["ok"] else integrity[:20],
            "foreign_keys": "ok" if not fk else plural(len(fk), "broken link"),
            "schema_version": conn.execute("PRAGMA user_version").fetchone()[0],
            "schema_version_supported": schema_version(),
            "application_id_ok": conn.execute("PRAGMA application_id").fetchone()[0]
            == APPLICATION_ID,
            "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
            "read_only": store.read_only,
            "counts": {t: store.db[t].count
                       for t in ("companies", "cases", "interactions", "promises")},
            "missing_tables": sorted(EXPECTED_TABLES - set(store.db.table_names())),
            "live_contacts": len(store.live_contacts()),
            "permissions": {str(p): _mode(p) for p in _notebook_files(path)},
        })
        report["repaired"] = [f"{p} was {m}, now {report['permissions'].get(p)}"
                              for p, m in before.items() if m != report["permissions"].get(p)]
        if report["integrity"] != "ok":
            problems.append("integrity check failed: restore from a backup")
        if fk:
            problems.append(f"{plural(len(fk), 'row')} {'points' if len(fk) == 1 else 'point'} "
                            "at missing rows")
        if report["missing_tables"]:
            problems.append(f"tables missing: {', '.join(report['missing_tables'])}; restore "
                            "a backup")
        for p, mode in report["permissions"].items():
            if mode != "0o600":
                problems.append(f"{p} is {mode}, should be 0o600 (chmod 600 {p})")
        if store.read_only:
            problems.append(store.read_only_reason)
        if not report["counts"]["cases"]:
            report["notes"].append(f"{path} holds no cases")
    except (StoreError, sqlite3.Error, OSError) as exc:
        problems.append(str(translate(exc, path)))
        return False  # nothing after this (the scan) could open it either
    return True


def _scan(env, report: dict) -> None:
    """`--scan`: every card number found is a problem, named by where it is and its last four."""
    from ..store.card_scan import describe, scan_notebook
    try:
        findings = scan_notebook(env.db_path, env.store().conn)
    except (StoreError, sqlite3.Error, OSError) as exc:
        report["problems"].append(str(translate(exc, env.db_path)))
        return
    report["scan"] = (f"{plural(len(findings), 'card number')} found" if findings
                      else "no card numbers")
    report["cards"] = findings
    report["problems"].extend(describe(f) for f in findings)


def _leftovers(env, report: dict) -> bool:
    """Temp files a killed export, backup or upgrade left beside the notebook or in backups/:
    never mistaken for the real thing, but worth deleting."""
    folder = Path(os.path.realpath(env.db_path)).parent
    for place in (folder, folder / "backups"):
        try:
            names = sorted(p for p in place.iterdir() if is_temp(p))
        except OSError:
            continue
        report["notes"].extend(f"{p} was left by an interrupted write; delete it" for p in names)
    return True


DOCTOR_CHECKS = [_check_file, _check_wal, _leftovers, _examine]  # each returns False to stop


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
    from ..store.demo import build_demo_file, is_demo_file
    path = demo_db or demo_db_path()
    if path.resolve() == env.db_path.resolve() and demo_db is None:
        raise Failure(f"the demo would use your notebook {path}; pass --db DEMO_FILE", EXIT_INPUT)
    if path.is_symlink():
        raise Failure(f"{path} is a symbolic link; pass --db with the real path of a demo "
                      "notebook or a new file name", EXIT_INPUT)
    exists = path.exists()
    if exists and not is_demo_file(path, unmarked_ok=demo_db is None):
        # Only a file marked as a demo (a meta row the demo writes) is ever reset or filled.
        raise Failure(f"{path} is not a demo notebook, so the demo leaves it alone; pass "
                      "--db with a new file name", EXIT_INPUT)
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


COMMANDS = [import_, backup, doctor, where, demo]
