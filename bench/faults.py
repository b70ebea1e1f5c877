"""Fault injection: each write path run as a real `supportlog` process with an I/O error or a
crash injected at each of its write, sync, truncate, rename, link and unlink calls in turn.

    python bench/faults.py [--paths log,export-json] [--points 3,7] [--sample K]
                           [--kinds eio,enospc,crash] [--all-kinds] [--jobs N] [--keep]

After every run it checks: the notebook opens, `integrity_check` is ok, every acknowledged
row is there, the command succeeded or printed a one-line error (no traceback), and an output
file under its real name is the old one or the complete new one. Prints a table (write path x
injection points x kinds, clean / failed) and each failure with the command that repeats it;
exits 1 on any failure. tests/test_faults.py runs a sample of the same sweep.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fault_paths import (  # noqa: E402,F401 - the tests reach the checks through here
    NOTEBOOK_FILES, PATHS, Output, Plan, WritePath, check, check_message, check_output, uids)

ROOT = HERE.parent
SHIM_C = ROOT / "tests" / "faults" / "shim.c"
NOW_ISO = "2026-11-25T12:00:00Z"
# eio: a transient error, once; enospc: a full disk stays full (every call from N on).
KINDS = {"eio": ("eio", False), "enospc": ("enospc", True), "crash": ("crash", False)}
EXTRA_KINDS = {"eio-from-n": ("eio", True), "enospc-once": ("enospc", False)}
ALL_KINDS = {**KINDS, **EXTRA_KINDS}


def build_shim(folder: Path) -> Path | None:
    """Compile the shim with the machine's C compiler; None when there is none."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    out = folder / "fault_shim.so"
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", str(out), str(SHIM_C), "-ldl"],
                   check=True, capture_output=True, text=True)
    return out


def supportlog_command(code: Path | None = None) -> list[str]:
    """The installed console script, or the CLI module of another checkout (`code`)."""
    script = Path(sys.executable).with_name("supportlog")
    if script.exists() and code is None:
        return [str(script)]
    return [sys.executable, "-m", "tui.cli"]


@dataclass
class Result:
    path: str
    point: int                 # 0: the clean run that counts the points
    kind: str
    returncode: int
    call: str = ""             # the faulted call and its file
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    run_dir: Path | None = None
    code: Path | None = None

    def repro(self) -> str:
        return (f"python bench/faults.py --paths {self.path} --points {self.point} "
                f"--kinds {self.kind} --keep" + (f" --code {self.code}" if self.code else ""))


class Sweep:
    """Runs write paths under the shim in folders below `work`."""

    def __init__(self, work: Path, shim: Path, code: Path | None = None):
        self.work, self.shim = work, shim
        self.command = supportlog_command(code)
        self.pythonpath = {"PYTHONPATH": str(code)} if code else {}
        self.templates: dict[str, Path] = {}
        self.code = code
        self.fixtures = (code or ROOT) / "tests" / "fixtures"
        self.versions = {"v1": self.fixtures / "notebook-v1.db", "latest": max(
            self.fixtures.glob("notebook-v*.db"), key=lambda p: int(p.stem.split("-v")[1]))}
        self.force = "--force" in subprocess.run(
            [*self.command, "export", "--help"], capture_output=True, text=True, cwd=work,
            env={**os.environ, **self.pythonpath}).stdout
        self.expected: dict[tuple[str, str], bytes] = {}  # (path, output) -> clean run's bytes
        self.points: dict[str, int] = {}
        self.labels: dict[str, list[str]] = {}

    def rows(self, fixture: str) -> set:
        """Every row of a fixture notebook, from the export kept beside it."""
        return uids(json.loads(self.versions[fixture].with_suffix(".json").read_text()))

    def template(self, fixture: str) -> Path:
        """The newest fixture notebook as a user has it (opened once, so in WAL mode and at
        the code's schema, then closed); v1 as it is, to be upgraded."""
        if fixture not in self.templates:
            folder = self.work / f"template-{fixture}"
            folder.mkdir()
            db = folder / "notebook.db"
            shutil.copyfile(self.versions[fixture], db)
            os.chmod(db, 0o600)
            if fixture != "v1":
                from tui.store import Store
                Store(db).close()
            self.templates[fixture] = db
        return self.templates[fixture]

    def run(self, path: WritePath, point: int = 0, kind: str = "eio") -> Result:
        run = self.work / f"{path.name}-{point}-{kind}"
        run.mkdir()
        db = run / "notebook.db"
        shutil.copyfile(self.template(path.fixture), db)
        os.chmod(db, 0o600)
        plan = path.prepare(run, self)
        errname, persist = ALL_KINDS[kind]
        count_file, log_file = run.with_suffix(".count"), run.with_suffix(".log")
        env = {**os.environ, "LD_PRELOAD": str(self.shim), "FAULT_DIR": str(run),
               "FAULT_AT": str(point), "FAULT_KIND": errname,
               "FAULT_PERSIST": "1" if persist else "0", "FAULT_COUNT_FILE": str(count_file),
               "FAULT_LOG_FILE": str(log_file), "TZ": "UTC", "PYTHONDONTWRITEBYTECODE": "1",
               "XDG_DATA_HOME": str(self.work / "xdg-data"),
               "XDG_CONFIG_HOME": str(self.work / "xdg-config"), **self.pythonpath}
        for var in ("SUPPORTLOG_DB", "SUPPORTLOG_NOW", "SUPPORTLOG_DEBUG"):
            env.pop(var, None)
        proc = subprocess.run([*self.command, "--db", str(db), "--now", NOW_ISO, *plan.args],
                              env=env, cwd=run, capture_output=True, text=True, timeout=120)
        result = Result(path.name, point, kind, proc.returncode, run_dir=run, code=self.code)
        log = log_file.read_text().splitlines() if log_file.exists() else []
        if point == 0:
            self.points[path.name] = int(count_file.read_text()) if count_file.exists() else 0
            self.labels[path.name] = [line.split(" ", 1)[1] for line in log]
        elif point <= len(log):
            result.call = log[point - 1].split(" ", 1)[1].replace(str(run), ".")
        check(self, path, plan, proc, result)
        return result


def spread(n: int, k: int) -> list[int]:
    """k points from 1 to n, evenly spread, always the first and the last."""
    if n <= k:
        return list(range(1, n + 1))
    return sorted({round(1 + i * (n - 1) / (k - 1)) for i in range(k)})


def sample_points(labels: list[str], k: int) -> list[int]:
    """`spread`, plus the first call on each file that is not the notebook's and each call
    that gives a file its real name: where output files are written and committed."""
    chosen = set(spread(len(labels), k))
    seen: set[str] = set()
    for i, label in enumerate(labels, 1):
        call, path = label.split(" ", 1)
        if call.startswith(("rename", "link")) or (
                path not in seen and Path(path).name not in NOTEBOOK_FILES):
            chosen.add(i)
        seen.add(path)
    return sorted(chosen)


def sweep_path(sweep: Sweep, path: WritePath, kinds, points=None, sample=None, jobs=1,
               keep=False) -> list[Result]:
    """The clean run, then a run per point and kind; clean runs' folders are removed."""
    clean = sweep.run(path)
    results = [clean]
    if clean.problems:
        return results
    n = sweep.points[path.name]
    chosen = points or (sample_points(sweep.labels[path.name], sample) if sample
                        else list(range(1, n + 1)))
    tasks = [(i, kind) for i in chosen if i <= n for kind in kinds]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for result in pool.map(lambda t: sweep.run(path, *t), tasks):
            results.append(result)
            if not result.problems and not keep:
                shutil.rmtree(result.run_dir, ignore_errors=True)
    return results


def table(sweep: Sweep, results: list[Result], kinds) -> str:
    lines = [f"{'write path':12} {'points':>6}  " + "  ".join(f"{k:>12}" for k in kinds)]
    for name in dict.fromkeys(r.path for r in results):
        mine = [r for r in results if r.path == name and r.point]
        cells = []
        for kind in kinds:
            runs = [r for r in mine if r.kind == kind]
            bad = sum(bool(r.problems) for r in runs)
            cells.append(f"{len(runs) - bad:>5} ok {bad:>3} bad" if runs else f"{'-':>12}")
        lines.append(f"{name:12} {sweep.points.get(name, 0):>6}  " + "  ".join(cells))
    return "\n".join(lines)


def details(results: list[Result]) -> str:
    out = []
    for r in results:
        if r.problems:
            where = f"point {r.point} ({r.call})" if r.point else "clean run"
            out.append(f"FAIL {r.path} {where} {r.kind}: exit {r.returncode}")
            out += [f"    {p}" for p in r.problems]
            out += [f"    note: {n[:240]}" for n in r.notes]
            out.append(f"    repro: {r.repro()}  (this run's folder: {r.run_dir})")
    return "\n".join(out)


def messages(results: list[Result]) -> str:
    """Each path's distinct one-line errors and leftover files, with how many runs had each."""
    seen: dict[tuple[str, str], list[str]] = {}
    for r in results:
        for note in r.notes:
            text = note.replace(str(r.run_dir), "RUN")
            if text.startswith("left behind: "):
                text = "left behind: " + re.sub(r"tmp-[0-9a-f]+", "tmp-*", text[13:])
            seen.setdefault((r.path, text), []).append(r.kind)
    return "\n".join(f"{path:12} {len(kinds):>4} runs ({_tally(kinds)}): {text[:240]}"
                     for (path, text), kinds in sorted(seen.items()))


def _tally(kinds: list[str]) -> str:
    return " ".join(f"{k} {kinds.count(k)}" for k in dict.fromkeys(kinds))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", default=",".join(PATHS), help="write paths, comma-separated")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"of {', '.join(ALL_KINDS)}")
    parser.add_argument("--all-kinds", action="store_true", help="every kind, once and from N on")
    parser.add_argument("--points", help="only these points (comma-separated)")
    parser.add_argument("--sample", type=int, help="k points per path instead of all")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep every run's folder")
    parser.add_argument("--list", action="store_true", help="only list each path's points")
    parser.add_argument("--code", type=Path, help="run the CLI of this checkout instead")
    parser.add_argument("--messages", action="store_true",
                        help="also print each path's distinct error lines and leftovers")
    args = parser.parse_args(argv)
    kinds = list(ALL_KINDS) if args.all_kinds else args.kinds.split(",")
    points = [int(p) for p in args.points.split(",")] if args.points else None
    if args.code:  # the checks open notebooks with the same code the runs use
        sys.path.insert(0, str(args.code.resolve()))
    work = Path(tempfile.mkdtemp(prefix="supportlog-faults-"))
    shim = build_shim(work)
    if shim is None:
        print("no C compiler (cc or gcc) to build the fault shim", file=sys.stderr)
        return 2
    sweep = Sweep(work, shim, args.code.resolve() if args.code else None)
    results: list[Result] = []
    for name in args.paths.split(","):
        if args.list:
            clean = sweep.run(PATHS[name])
            print(f"{name}:", *clean.problems)
            for i, label in enumerate(sweep.labels[name], 1):
                print(f"{i:>5} {label.replace(str(clean.run_dir), '.')}")
            continue
        got = sweep_path(sweep, PATHS[name], kinds, points, args.sample, args.jobs, args.keep)
        results += got
        bad = sum(bool(r.problems) for r in got)
        print(f"{name}: {sweep.points.get(name, 0)} points, {len(got) - 1} runs, {bad} failed",
              file=sys.stderr, flush=True)
    print(table(sweep, results, kinds))
    if args.messages:
        print("\n" + messages(results))
    failed = [r for r in results if r.problems]
    if failed:
        print("\n" + details(results))
    runs = len(results) - len({r.path for r in results})
    print(f"\n{runs} runs, {len(failed)} failed; "
          + (f"failed runs' folders kept in {work}" if failed or args.keep else "all clean"))
    if not failed and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
