"""The write paths the fault sweep runs (bench/faults.py) and the checks made after each run:
the notebook opens, integrity_check is ok, every acknowledged row is there, the command
succeeded or printed one line (no traceback), and an output under its real name is the old
file or the complete new one."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # faults.py imports this module, so its types are for annotations only
    from faults import Result, Sweep

PROMISE = "refund by Friday"
TABLES = ("companies", "cases", "interactions", "promises")


def uids(doc: dict) -> set[tuple[str, str]]:
    """Every (table, uid) an interchange document holds."""
    found = {("companies", c["uid"]) for c in doc.get("companies", []) if c.get("uid")}
    for case in doc["cases"]:
        found.add(("cases", case["uid"]))
        found |= {("interactions", i["uid"]) for i in case.get("interactions", [])}
        found |= {("promises", p["uid"]) for p in case.get("promises", [])}
    return found


def present(conn: sqlite3.Connection, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (table, uid) pairs of `wanted` that the notebook holds."""
    have = set()
    for table in TABLES:
        want = {u for t, u in wanted if t == table}
        if want:
            have |= {(table, uid) for (uid,) in conn.execute(f"SELECT uid FROM {table}")
                     if uid in want}
    return have


def import_document() -> dict:
    """Several cases for `import`: an existing company and a new one, contacts, promises."""
    cases = []
    for n in range(4):
        cases.append({
            "uid": f"fa0000000000c{n:03d}", "company": ("Amazon", "Globex")[n % 2],
            "title": f"imported case {n}", "opened_at": "2026-11-01T10:00:00Z", "want": "refund",
            "notes": "n" * 300, "refs": [{"kind": "order", "value": f"ORD-{n}"}],
            "interactions": [{"uid": f"fa0000000000i{n:03d}{k}", "channel": "chat",
                              "outcome": "promised", "started_at": f"2026-11-0{k + 2}T10:00:00Z",
                              "notes": "i" * 200, "transcript_text": "Agent: ok\nMe: thanks"}
                             for k in range(2)],
            "promises": [{"uid": f"fa0000000000p{n:03d}", "interaction_uid":
                          f"fa0000000000i{n:03d}1", "text": "refund", "status": "pending",
                          "due_at": "2026-12-01T23:59:59Z"}]})
    return {"format": "supportlog/1", "companies": [], "cases": cases}


@dataclass
class Output:
    """A file the command may write under its real name, and what may be found there."""
    pattern: str                       # a glob relative to the run folder
    sqlite: bool = False               # a notebook copy: opens, integrity ok, holds `rows`
    previous: bytes | None = None      # what was there before (None: nothing)
    rows: set = field(default_factory=set)
    schema: int | None = None          # the copy's user_version, when it must be that


@dataclass
class Plan:
    args: list[str]
    acked: set                         # rows committed before the command ran
    outputs: list[Output] = field(default_factory=list)
    inputs: set = field(default_factory=set)


class WritePath:
    """One command that writes. `prepare(run, sweep)` lays out a run folder and says what to
    check; `fixture` is "v1" (an old notebook to upgrade) or "latest"."""

    def __init__(self, name: str, fixture: str, prepare):
        self.name, self.fixture, self.prepare = name, fixture, prepare


def _prep_log(run: Path, sweep: Sweep) -> Plan:
    (run / "transcript.txt").write_text("Agent: I will refund you by Friday\nMe: thanks\n")
    return Plan(["log", "1", "--channel", "chat", "--outcome", "promised", "--agent", "Sam",
                 "--promise", PROMISE, "--due", "2026-12-01", "--note", "called about it",
                 "--transcript-file", str(run / "transcript.txt"), "--json"],
                sweep.rows("latest"), inputs={"transcript.txt"})


def _prep_import(run: Path, sweep: Sweep) -> Plan:
    (run / "cases.json").write_text(json.dumps(import_document()))
    return Plan(["import", str(run / "cases.json"), "--json"], sweep.rows("latest"),
                inputs={"cases.json"})


def _prep_backup(run: Path, sweep: Sweep) -> Plan:
    rows = sweep.rows("latest")
    return Plan(["backup"], rows, [Output("backups/*.db", sqlite=True, rows=rows)])


def _prep_backup_o(run: Path, sweep: Sweep) -> Plan:
    rows = sweep.rows("latest")
    return Plan(["backup", "-o", str(run / "copy.db")], rows,
                [Output("copy.db", sqlite=True, rows=rows)])


def _prep_backup_force(run: Path, sweep: Sweep) -> Plan:
    """`backup -o --force` over an older backup: the old copy stays whole or the new one is."""
    rows = sweep.rows("latest")
    shutil.copyfile(sweep.template("latest"), run / "copy.db")
    os.chmod(run / "copy.db", 0o600)
    return Plan(["backup", "-o", str(run / "copy.db"), "--force"], rows,
                [Output("copy.db", sqlite=True, rows=rows)])


def _prep_upgrade(run: Path, sweep: Sweep) -> Plan:
    rows = sweep.rows("v1")
    return Plan(["list", "--json"], rows,
                [Output("notebook.db.v1-*.bak", sqlite=True, rows=rows, schema=1)])


OLD_JSON = b'{"format": "supportlog/1", "exported_at": "2026-01-01T00:00:00Z", ' \
           b'"companies": [], "cases": []}\n'


def _prep_export(fmt: str, name: str, old: bytes):
    def prepare(run: Path, sweep: Sweep) -> Plan:
        (run / name).write_bytes(old)
        os.chmod(run / name, 0o600)
        return Plan(["export", "--format", fmt, "-o", str(run / name)] + ["--force"] * sweep.force,
                    sweep.rows("latest"), [Output(name, previous=old)])
    return prepare


PATHS = {p.name: p for p in (
    WritePath("log", "latest", _prep_log),
    WritePath("import", "latest", _prep_import),
    WritePath("backup", "latest", _prep_backup),
    WritePath("backup-o", "latest", _prep_backup_o),
    WritePath("backup-force", "latest", _prep_backup_force),
    WritePath("upgrade", "v1", _prep_upgrade),
    WritePath("export-json", "latest", _prep_export("json", "export.json", OLD_JSON)),
    WritePath("export-md", "latest", _prep_export("md", "dossier.md", b"# an older dossier\n")),
)}


def _sqlite_copy_problems(files: list[Path], out: Output, scratch: Path) -> str | None:
    """Opens a copy (with its journal, as SQLite would) and says what is wrong, if anything."""
    if files[0].stat().st_size == 0:
        return "is empty"
    scratch.mkdir(exist_ok=True)
    for f in files:
        shutil.copyfile(f, scratch / f.name)
    try:
        conn = sqlite3.connect(scratch / files[0].name)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return "fails integrity_check"
            if not conn.execute("PRAGMA application_id").fetchone()[0]:
                return "is not a whole notebook copy (no application_id: half written)"
            if out.schema is not None and \
                    conn.execute("PRAGMA user_version").fetchone()[0] != out.schema:
                return "has the wrong schema version"
            missing = out.rows - present(conn, out.rows)
            return f"lacks {len(missing)} of the notebook's rows" if missing else None
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"does not open ({exc})"


def check_output(sweep: Sweep, path: WritePath, out: Output, run: Path, succeeded: bool,
                 result: Result) -> set[Path]:
    """The file under the output's real name is the old one or the complete new one."""
    found = sorted(p for p in run.glob(out.pattern) if p.is_file() and not p.name.startswith("."))
    companions = {Path(f"{p}{s}") for p in found for s in ("-journal", "-wal", "-shm")}
    if out.sqlite:
        if succeeded and not found:
            result.problems.append(f"exit 0 but no file matches {out.pattern}")
        for n, f in enumerate(found):
            why = _sqlite_copy_problems([f] + [c for c in sorted(companions) if c.exists()
                                               and c.name.startswith(f.name)], out,
                                        run.parent / f"{run.name}.scratch{n}")
            if why:
                size = f.stat().st_size
                result.problems.append(f"{f.relative_to(run)} ({size} bytes) {why}")
            elif f.stat().st_mode & 0o077:
                result.problems.append(f"{f.relative_to(run)} is {oct(f.stat().st_mode & 0o777)}")
        return set(found) | companions
    target = run / out.pattern
    key = (path.name, out.pattern)
    now = target.read_bytes() if target.exists() else None
    if result.point == 0:
        if now is None or now == out.previous:
            result.problems.append(f"the clean run left {out.pattern} unwritten")
        elif out.pattern.endswith(".json"):
            try:
                json.loads(now)
            except ValueError:
                result.problems.append(f"the clean run's {out.pattern} is not JSON")
        sweep.expected[key] = now or b""
        return {target}
    expected = sweep.expected.get(key)
    if now is not None and now == expected:
        if target.stat().st_mode & 0o077:
            result.problems.append(f"{out.pattern} is {oct(target.stat().st_mode & 0o777)}")
        return {target}
    if succeeded:
        result.problems.append(f"exit 0 but {out.pattern} is not the complete export "
                               f"({'absent' if now is None else f'{len(now)} bytes'})")
    elif now != out.previous:
        state = "gone" if now is None else f"{len(now)} bytes, neither old nor new"
        result.problems.append(f"{out.pattern} is {state} (old: {len(out.previous or b'')}, "
                               f"new: {len(expected or b'')} bytes)")
    return {target}


def check(sweep: Sweep, path: WritePath, plan: Plan, proc, result: Result) -> None:
    run, problems = result.run_dir, result.problems
    crashed = proc.returncode == -9 and result.kind == "crash"
    succeeded = proc.returncode == 0
    if proc.returncode < 0 and not crashed:
        problems.append(f"died of signal {-proc.returncode}")
    if "Traceback" in proc.stderr:
        problems.append("traceback on stderr: " + proc.stderr.strip().splitlines()[-1][:200])
    elif not succeeded and not crashed:
        lines = proc.stderr.strip().splitlines()
        if len(lines) != 1:
            problems.append(f"exit {proc.returncode} with {len(lines)} lines on stderr: "
                            + " | ".join(lines)[:300])
        else:
            check_message(lines[0], plan, result)
    if result.point == 0 and not succeeded:
        problems.append(f"the clean run failed: exit {proc.returncode}: {proc.stderr.strip()}")
    # Outputs and leftovers first: opening an old notebook below upgrades it (a new backup).
    known = {run / "notebook.db", run / "notebook.db-wal", run / "notebook.db-shm",
             run / "notebook.db-journal"} | {run / name for name in plan.inputs}
    for out in plan.outputs:
        known |= check_output(sweep, path, out, run, succeeded, result)
    for leftover in sorted(p for p in run.rglob("*") if p.is_file() and p not in known):
        name = leftover.relative_to(run)
        if leftover.name.startswith(".") or "tmp" in leftover.name:
            result.notes.append(f"left behind: {name}")
        else:
            problems.append(f"unexpected file {name} ({leftover.stat().st_size} bytes)")
    own: set = set()
    if path.name == "import":
        own = uids(import_document())
    try:
        from tui.store import Store
        with Store(run / "notebook.db", create=False) as store:
            conn = store.conn
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                problems.append("the notebook fails integrity_check")
            lost = plan.acked - present(conn, plan.acked)
            if lost:
                problems.append(f"{len(lost)} acknowledged rows lost: {sorted(lost)[:3]}")
            got = present(conn, own)
            if own and got and got != own:
                problems.append(f"import half done: {len(got)} of {len(own)} rows")
            if own and succeeded and got != own:
                problems.append(f"exit 0 but {len(own - got)} imported rows missing")
            if path.name == "log" and succeeded:
                _check_logged(conn, proc.stdout, problems)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the finding
        problems.append(f"the notebook does not open: {type(exc).__name__}: {exc}")


NOTEBOOK_FILES = {"notebook.db", "notebook.db-wal", "notebook.db-shm", "notebook.db-journal"}


def check_message(line: str, plan: Plan, result: Result) -> None:
    """A handled error is a diagnosis, not "internal error", and a fault in an output file
    is blamed on that output (a full disk under an export is not the notebook's disk)."""
    result.notes.append(line)
    if "internal error" in line:
        result.problems.append(f"an internal error instead of a diagnosis: {line[:200]}")
    faulted = Path(result.call.split(" ", 1)[-1]).name if result.call else ""
    names = [out.pattern.split("*")[0] for out in plan.outputs]
    if names and faulted and faulted not in NOTEBOOK_FILES and \
            not any(name in line for name in names):
        result.problems.append(f"the error does not name the output ({' or '.join(names)}) "
                               f"where the fault was: {line[:200]}")


def _check_logged(conn: sqlite3.Connection, stdout: str, problems: list[str]) -> None:
    try:
        uid = json.loads(stdout)["uid"]
    except (ValueError, KeyError, TypeError):
        problems.append(f"exit 0 but no contact printed: {stdout[:100]!r}")
        return
    row = conn.execute("SELECT i.id, t.text, p.text FROM interactions i LEFT JOIN transcripts "
                       "t ON t.interaction_id = i.id LEFT JOIN promises p ON "
                       "p.interaction_id = i.id WHERE i.uid = ?", (uid,)).fetchone()
    if row is None:
        problems.append(f"exit 0 but the logged contact {uid} is missing")
    elif not row[1] or row[2] != PROMISE:
        problems.append(f"the logged contact {uid} lacks its transcript or promise: {row}")
