"""`supportlog doctor`: the notebook file, its WAL, integrity, schema, permissions, paths,
and the evidence folder beside it (every file there with its hash, nothing left over)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import click

from ..store import StoreError
from ..store.atomic import is_temp
from ..store.db import translate
from ..store.opening import check_file, check_wal
from ..store.paths import config_path
from ..store.schema import APPLICATION_ID, schema_version
from ..store.wal import live_wal
from ..store.wording import plural
from .output import EXIT_FILE, clean, echo_json

EXPECTED_TABLES = {"companies", "cases", "case_refs", "interactions", "transcripts", "promises",
                   "meta", "search_index", "attachments"}


def _mode(path: Path) -> str | None:
    return oct(stat.S_IMODE(path.stat().st_mode)) if path.exists() else None


def _notebook_files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--scan", is_flag=True, help="Also look for card numbers in the file, its WAL, "
              "every text value and the text or original-message evidence files, showing "
              "only their last four (exit 3 if any).")
@click.option("--sweep", is_flag=True, help="Remove the evidence files no attachment refers "
              "to (and temp files an interrupted copy left) before checking.")
@click.pass_obj
def doctor(env, as_json, scan, sweep):
    """Check the notebook: the file, its WAL, integrity, schema version, permissions,
    evidence files, paths."""
    path = env.db_path
    report: dict = {"db": str(path), "db_exists": path.exists(), "problems": [], "notes": []}
    problems = report["problems"]
    for check in (*DOCTOR_CHECKS, lambda e, r: _evidence(e, r, sweep)):
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
            if key not in ("problems", "notes", "ok", "cards", "evidence"):
                click.echo(f"{key + ':':<26}{clean(value)}")
        if "evidence" in report:
            click.echo(f"{'evidence:':<26}{clean(_evidence_line(report['evidence']))}")
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


def _evidence(env, report: dict, sweep: bool = False) -> bool:
    """The evidence folder: each attachment's file there with its SHA-256, the files no row
    refers to, and the modes (0700 folders, 0600 files)."""
    store, problems, notes = env.store(), report["problems"], report["notes"]
    if "attachments" in report["missing_tables"]:
        return True
    try:
        swept = store.sweep_evidence() if sweep else None
        check = store.verify_evidence()
    except (StoreError, OSError) as exc:
        problems.append(str(exc))
        return True
    ref = lambda a: {"id": a.id, "name": a.name, "sha256": a.sha256, "case_id": a.case_id}
    report["evidence"] = {"folder": str(check.folder), "verified": check.ok,
                          "missing": [ref(a) for a in check.missing],
                          "corrupt": [ref(a) for a in check.corrupt],
                          "orphans": [str(p) for p in check.orphans],
                          "leftovers": [str(p) for p in check.leftovers]}
    if swept is not None:
        report["evidence"]["swept"] = swept
        notes.append(f"swept {plural(swept, 'evidence file')} no attachment referred to")
    for a in sorted((*check.missing, *check.corrupt), key=lambda a: a.id):
        what = ("is missing" if a in check.missing else
                "does not match its SHA-256 (it was changed or damaged)")
        problems.append(f"attachment {a.id} “{a.name}” (case {a.case_id}): its file "
                        f"{store.evidence_path(a.sha256)} {what}; attach the original again "
                        f"(supportlog attach {a.case_id} FILE) or restore the evidence "
                        "folder from a backup")
    if check.orphans:
        notes.append(f"{plural(len(check.orphans), 'evidence file')} in {check.folder} "
                     f"{'is' if len(check.orphans) == 1 else 'are'} no attachment's (left by a "
                     "deleted case or attachment); `supportlog doctor --sweep` removes them")
    if check.leftovers:
        notes.append(f"{plural(len(check.leftovers), 'temp file')} in {check.folder} "
                     f"{'was' if len(check.leftovers) == 1 else 'were'} left by an interrupted "
                     "copy; `supportlog doctor --sweep` removes them")
    for p, mode in check.modes:
        want = "700" if p.is_dir() else "600"
        problems.append(f"{p} is {mode}, should be 0o{want} (chmod {want} {p})")
    return True


def _evidence_line(evidence: dict) -> str:
    bad = len(evidence["missing"]) + len(evidence["corrupt"])
    line = f"{plural(evidence['verified'], 'file')} verified"
    if bad:
        line += f", {bad} missing or damaged"
    if evidence["orphans"]:
        line += f", {len(evidence['orphans'])} no attachment's"
    return f"{line} ({evidence['folder']})"


def _scan(env, report: dict) -> None:
    """`--scan`: every card number found is a problem, named by where it is and its last four."""
    from ..store.card_scan import describe, scan_notebook
    try:
        findings = scan_notebook(env.db_path, env.store().conn)
        findings += _scan_evidence(env.store())
    except (StoreError, sqlite3.Error, OSError) as exc:
        report["problems"].append(str(translate(exc, env.db_path)))
        return
    report["scan"] = (f"{plural(len(findings), 'card number')} found" if findings
                      else "no card numbers")
    report["cards"] = findings
    report["problems"].extend(_describe_evidence(f) if f["where"] == "evidence"
                              else describe(f) for f in findings)


def _scan_evidence(store) -> list[dict]:
    """Card numbers in the evidence files that hold text nobody masked: an original message
    kept whole, and text files (a picture or a PDF is not read)."""
    from ..store.card_scan import scan_file
    findings = []
    seen: set[str] = set()
    for a in store.conn.execute("SELECT id, name, sha256 FROM attachments WHERE origin = "
                                "'original' OR type LIKE 'text/%' ORDER BY id").fetchall():
        attachment_id, name, sha = a
        path = store.evidence_path(sha)
        if sha in seen or not path.is_file():
            continue   # one report per stored file; a missing one is the check's problem
        seen.add(sha)
        findings.extend({"where": "evidence", "attachment_id": attachment_id, "name": name,
                         "file": str(path), "offset": offset, "last4": last4}
                        for offset, last4 in scan_file(path))
    return findings


def _describe_evidence(finding: dict) -> str:
    return (f"card number ending {finding['last4']} in evidence file {finding['attachment_id']} "
            f"“{finding['name']}” at byte {finding['offset']:,}; it cannot be masked in place: "
            f"detach it (supportlog detach {finding['attachment_id']}) and attach a copy with "
            "the number removed")


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


# Each returns False to stop; the evidence check (with --sweep or not) comes last.
DOCTOR_CHECKS = [_check_file, _check_wal, _leftovers, _examine]

COMMANDS = [doctor]
