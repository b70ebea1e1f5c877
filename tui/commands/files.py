"""File commands: export, import, backup, doctor, where, demo."""

from __future__ import annotations

import os
import stat
import sys
from datetime import datetime
from pathlib import Path

import click

import sqlite3

from ..store import Store, StoreError, load_document
from ..store.db import translate
from ..store.dossier import render_markdown, write_csv
from ..store.paths import config_path, data_dir, default_db_path, demo_db_path
from ..store.schema import APPLICATION_ID, schema_version
from .output import EXIT_FILE, EXIT_INPUT, Failure, echo_json


def private_file(path: Path):
    """Open a new file for writing, readable by its owner only (exports hold personal data)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror}; choose another path") from None
    os.chmod(path, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline="\n")


@click.command()
@click.argument("cases", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(("json", "md", "csv")), default="json",
              show_default=True, help="json: supportlog/1 for import; md: the dossier to hand "
              "to a bank or ombudsman; csv: the contacts, for spreadsheets.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (created 0600) instead of standard output.")
@click.pass_obj
def export(env, cases, fmt, output):
    """Export the notebook, or the given cases."""
    store = env.store()
    ids = [store.resolve_case(c) for c in cases] if cases else None
    if output:
        with private_file(output) as fh:
            n = _export(store, fh, ids, fmt, env)
        click.echo(f"exported {n} {'case' if fmt != 'csv' else 'contact'}{'s' * (n != 1)} "
                   f"to {output}", err=True)
    else:
        _export(store, sys.stdout, ids, fmt, env)


def _export(store, out, ids, fmt: str, env) -> int:
    if fmt == "json":
        return store.export_json(out, ids)
    details = (store.get_detail(i) for i in (ids if ids is not None else
                                             (c.id for c in store.iter_cases(sort="id"))))
    if fmt == "csv":
        return write_csv(out, details)
    n = 0
    for n, detail in enumerate(details, 1):
        out.write(("\n\n" if n > 1 else "") + render_markdown(detail, store.now()))
    return n


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def import_(env, file, as_json):
    """Import a supportlog/1 JSON file: all or nothing, merged by uid; twice changes nothing."""
    try:
        if str(file) == "-":
            data = load_document(sys.stdin, "standard input")
        else:
            with open(file, encoding="utf-8") as fh:
                data = load_document(fh, str(file))
    except OSError as exc:
        raise Failure(f"cannot read {file}: {exc.strerror}", EXIT_INPUT) from None
    counts = env.store(create=True).import_records(data)
    if as_json:
        echo_json(counts)
        return
    parts = [f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v]
    click.echo("imported: " + (", ".join(parts) if parts else "nothing new"))


def default_backup_path(db_path: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    return db_path.parent / "backups" / f"{db_path.stem}-{stamp}.db"


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Backup file (default: backups/ beside the notebook).")
@click.pass_obj
def backup(env, output):
    """Write a consistent copy of the notebook (0600), safe while the app is running."""
    store = env.store()
    dest = output or default_backup_path(env.db_path, env.now())
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    click.echo(store.backup(dest))


EXPECTED_TABLES = {"companies", "cases", "case_refs", "interactions", "transcripts", "promises",
                   "meta", "search_index"}


def _mode(path: Path) -> str | None:
    return oct(stat.S_IMODE(path.stat().st_mode)) if path.exists() else None


def _notebook_files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def doctor(env, as_json):
    """Check the notebook: integrity, schema version, permissions, paths."""
    path = env.db_path
    report: dict = {"db": str(path), "exists": path.exists(), "problems": []}
    problems = report["problems"]
    if not path.exists():
        problems.append(f"no notebook at {path}")
    else:
        _examine(env, report)
    report["config"] = str(config_path())
    report["ok"] = not problems
    if as_json:
        echo_json(report)
    else:
        for key, value in report.items():
            if key not in ("problems", "ok"):
                click.echo(f"{key + ':':<26}{value}")
        for p in problems:
            click.echo(f"problem: {p}")
        click.echo("ok" if not problems else f"{len(problems)} problem(s)")
    if problems:
        raise click.exceptions.Exit(EXIT_FILE)


def _examine(env, report: dict) -> None:
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
            "foreign_keys": "ok" if not fk else f"{len(fk)} broken links",
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
            problems.append(f"{len(fk)} rows point at missing rows")
        if report["missing_tables"]:
            problems.append(f"tables missing: {', '.join(report['missing_tables'])}; restore "
                            "a backup")
        for p, mode in report["permissions"].items():
            if mode != "0o600":
                problems.append(f"{p} is {mode}, should be 0o600 (chmod 600 {p})")
        if store.read_only:
            problems.append(f"{path} is read-only")
    except (StoreError, sqlite3.Error) as exc:
        problems.append(str(translate(exc, path)))


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
            click.echo(f"{key + ':':<12}{value}")


@click.command()
@click.option("--db", "demo_db", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to keep the demo notebook (default: demo.db in the data folder).")
@click.option("--reset", is_flag=True, help="Rebuild the demo notebook from scratch.")
@click.option("--no-ui", is_flag=True, help="Only create the demo notebook and print its path.")
@click.pass_obj
def demo(env, demo_db, reset, no_ui):
    """Open the app on a demo notebook (its own file, never yours)."""
    from ..store.demo import build_demo
    path = demo_db or demo_db_path()
    if path.resolve() == env.db_path.resolve() and demo_db is None:
        raise Failure(f"the demo would use your notebook {path}; pass --db DEMO_FILE", EXIT_INPUT)
    if reset:
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
    fresh = not path.exists()
    clock = (lambda: env.fixed_now) if env.fixed_now else None
    with Store(path, create=True, clock=clock) as store:
        if fresh or store.count_cases() == 0:
            n = build_demo(store, env.now())
            click.echo(f"demo notebook with {n} cases: {path}", err=True)
    if no_ui:
        click.echo(path)
        return
    from ..app import run_app
    run_app(path, now=env.fixed_now)


COMMANDS = [export, import_, backup, doctor, where, demo]
