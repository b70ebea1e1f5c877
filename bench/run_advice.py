"""Issue 12's advice budgets, each a ratio of two things measured side by side in one run.

    python bench/run.py --only advice --db NOTEBOOK [--reps 5] [--report FILE]

Whole `supportlog` processes against `supportlog --version`, interleaved (reference, measured,
reference, ...) so both meet the same machine load; the median of each, wall and CPU time (the
children's user + system time from getrusage). Assessing every open case from nothing is timed
in process, against the calibration loop. The app's start to the ranked attention list is
timed against a bare Textual app's start (run_probes). Every command gets the same --now.

Works on today's engine (`tui.advice.assess_all`, `advice --json`) and on issue 12's
(`tui.advice.ranking`, `advice --json --all`): each row says which one it measured.
"""

from __future__ import annotations

import compileall
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run_probes as probes  # noqa: E402

NOW = "2026-12-01T12:00:00Z"
SUPPORTLOG = Path(sys.executable).with_name("supportlog")
FROM_NOTHING_MS = 500
TOP = 5     # the app row waits for this many of the most urgent stalled cases, in order


@dataclass
class Timing:
    """One command's runs: wall and CPU milliseconds, and the first failure if any."""
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    error: str | None = None

    def median(self, which: str = "wall") -> float:
        return statistics.median(getattr(self, which))


def cli_env(db: Path, now: str, config_home: str) -> dict:
    # An empty config folder: the playbook is the packaged one, whatever this user has set.
    return {**os.environ, "SUPPORTLOG_DB": str(db), "SUPPORTLOG_NOW": now,
            "XDG_CONFIG_HOME": config_home, "NO_COLOR": "1"}


def run_once(args: list[str], env: dict, ok_codes: tuple[int, ...] = (0,)) -> tuple[float, float,
                                                                                   str | None]:
    """Wall ms, CPU ms of one `supportlog ARGS` process, and what went wrong (None if nothing).
    Output goes to a file, as from cron: a pipe would have this process's reading in the time."""
    with tempfile.TemporaryFile() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        done = subprocess.run([str(SUPPORTLOG), *args], env=env, stdout=out,
                              stderr=subprocess.PIPE, text=True)
        wall = (time.perf_counter() - began) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000
        printed = out.tell()
    if done.returncode not in ok_codes:
        tail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return wall, cpu, f"`supportlog {' '.join(args)}` exit {done.returncode}: {tail}"
    if not printed:
        return wall, cpu, f"`supportlog {' '.join(args)}` printed nothing"
    return wall, cpu, None


def side_by_side(measured: list[str], env: dict, reps: int,
                 ok_codes: tuple[int, ...] = (0,)) -> tuple[Timing, Timing]:
    """`--version` and `measured`, alternately, after one warm run of each (the page cache,
    and the advice cache where there is one); a failing run ends the row."""
    ref, got = Timing(), Timing()
    for warm in (True, *([False] * reps)):
        for timing, args, codes in ((ref, ["--version"], (0,)), (got, measured, ok_codes)):
            wall, cpu, error = run_once(args, env, codes)
            if error:
                timing.error = error
                return ref, got
            if not warm:
                timing.wall.append(wall)
                timing.cpu.append(cpu)
    return ref, got


def add_ratio_row(results, operation: str, ref: Timing, got: Timing, budget: float,
                  ref_name: str, note: str = "") -> dict:
    if ref.error or got.error or not got.wall or not ref.wall:
        return results.add(operation, got.wall, f"<= {budget:g}x {ref_name}", "error",
                           note=ref.error or got.error or "no runs")
    ratio = got.median() / ref.median()
    cpu_ratio = got.median("cpu") / ref.median("cpu") if ref.median("cpu") else None
    cpu_text = f", CPU {cpu_ratio:.2f}x" if cpu_ratio is not None else ""
    text = (f"{ratio:.2f}x {ref_name}{cpu_text} (ref median {ref.median():.0f} ms wall, "
            f"{ref.median('cpu'):.0f} ms CPU; this {got.median('cpu'):.0f} ms CPU)")
    return results.add(operation, got.wall, f"<= {budget:g}x {ref_name}",
                       "ok" if ratio <= budget else "OVER", ratio=round(ratio, 2),
                       cpu_ratio=round(cpu_ratio, 2) if cpu_ratio is not None else None,
                       ref_median_ms=round(ref.median(), 1),
                       ref_cpu_ms=round(ref.median("cpu"), 1),
                       cpu_ms=round(got.median("cpu"), 1),
                       note=f"{text}; {note}" if note else text)


def has_option(command: str, option: str, env: dict) -> bool:
    """Whether `supportlog COMMAND --help` lists OPTION (issue 12 adds some)."""
    done = subprocess.run([str(SUPPORTLOG), command, "--help"], env=env, capture_output=True,
                          text=True)
    return option in done.stdout


# -- rows 1-4: whole processes against --version -------------------------------------------------
def bench_cli(db: Path, results, reps: int = 5, now: str = NOW) -> None:
    with tempfile.TemporaryDirectory() as config_home:
        env = cli_env(db, now, config_home)
        new_cli = has_option("advice", "--all", env)
        json_args = ["advice", "--json", "--all"] if new_cli else ["advice", "--json"]
        rows = [
            ("advice --fail-on-stall, unchanged notebook", ["advice", "--fail-on-stall"], 1.5,
             (0, 1)),
            ("list --stalled, unchanged notebook", ["list", "--stalled"], 1.5, (0,)),
            ("advice (top 20)" if new_cli else "advice (today: every stalled case)",
             ["advice"], 2, (0,)),
            (f"{' '.join(json_args)} (every open case, worded)", json_args, 6, (0,)),
        ]
        for operation, args, budget, codes in rows:
            ref, got = side_by_side(args, env, reps, codes)
            add_ratio_row(results, operation, ref, got, budget, "--version",
                          note="issue 12 CLI" if new_cli else "today's CLI")


# -- row 5: every open case from nothing, in process ---------------------------------------------
def calibration_ms() -> float:
    """run.py's calibration loop, once: fixed pure-Python work, to read the row against."""
    began = time.perf_counter()
    total = 0
    for n in range(300_000):
        total += n % 7
    return (time.perf_counter() - began) * 1000


def forget_advice(db: Path) -> bool:
    """Empty the advice cache (issue 12's case_advice), as after an upgrade; False when the
    notebook has none (today's engine keeps nothing)."""
    conn = sqlite3.connect(db)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'case_advice'").fetchone():
            return False
        with conn:
            conn.execute("DELETE FROM case_advice")
        return True
    finally:
        conn.close()


def from_nothing(db: Path, now: datetime) -> tuple[float, int, str]:
    """Ms to assess every open or waiting case on a fresh Store with nothing cached, how many,
    and which entry point did it."""
    import tui.advice as advice
    from tui.store import Store
    cleared = forget_advice(db)
    with Store(db, create=False) as store:
        if hasattr(advice, "ranking"):
            began = time.perf_counter()
            rows = advice.ranking(store, now)
            ms = (time.perf_counter() - began) * 1000
            how = "ranking() with the advice cache emptied" if cleared else "ranking()"
        else:
            began = time.perf_counter()
            rows = advice.assess_all(store, now)
            ms = (time.perf_counter() - began) * 1000
            how = "assess_all() on a fresh Store"
        count = len(rows)
        del rows
    return ms, count, how


def bench_from_nothing(db: Path, results, reps: int = 5, now: str = NOW) -> None:
    when = datetime.fromisoformat(now.replace("Z", "+00:00"))
    try:
        from_nothing(db, when)     # warm the page cache (and upgrade the copy, if it must)
    except Exception as exc:      # a half-landed engine: say so in the row, run the others
        results.add("assess every open case from nothing", None, f"<= {FROM_NOTHING_MS} ms",
                    "error", note=f"{type(exc).__name__}: {exc}")
        return
    samples, calibrations, count, how = [], [], 0, ""
    for _ in range(reps):
        calibrations.append(calibration_ms())
        ms, count, how = from_nothing(db, when)
        samples.append(ms)
    calibrations.append(calibration_ms())
    median, loop = statistics.median(samples), statistics.median(calibrations)
    results.add(f"assess every open case from nothing ({how})", samples,
                f"<= {FROM_NOTHING_MS} ms", "ok" if median <= FROM_NOTHING_MS else "OVER",
                cases=count, calibration_ms=round(loop, 2),
                calibration_ratio=round(median / loop, 1),
                note=f"{count:,} cases; {median / loop:.1f}x the calibration loop "
                     f"({loop:.1f} ms)")


# -- row 6: the app's start to the ranked attention list -----------------------------------------
# The app on BENCH_DB at BENCH_NOW, ready once the home screen's list starts with the most
# urgent stalled cases in the attention order (BENCH_STALLED: a file of their ids). Any
# stalled case is not enough: most active cases are stalled, so the unranked first page
# often starts with one.
ATTENTION_APP = r"""
import json, os, time
from datetime import datetime
t0 = float(os.environ["BENCH_T0"])

def report(**fields):
    os.write(1, (json.dumps(fields) + "\n").encode())   # print() is captured inside the app

from textual.widgets import DataTable
from tui.app import SupportlogApp
from tui.store import Store

now = datetime.fromisoformat(os.environ["BENCH_NOW"].replace("Z", "+00:00"))
store = Store(os.environ["BENCH_DB"], create=False, clock=lambda: now)
app = SupportlogApp(store, clock=lambda: now)
top = None
done = False

def first_rows(count):
    try:
        table = app.screen.query_one("#cases", DataTable)
    except Exception:
        return []
    if not table.display:
        return []
    return [row.key.value for row in table.ordered_rows[:count]]

def post_display_hook():
    global done, top
    SupportlogApp.post_display_hook(app)
    if done:
        return
    if top is None:
        with open(os.environ["BENCH_STALLED"]) as ids:
            top = json.load(ids)
    if first_rows(len(top)) == top:
        done = True
        report(ready_s=time.time() - t0, first=top[0], screen=type(app.screen).__name__)
        app.exit()

app.post_display_hook = post_display_hook   # run_probe's timeout ends a start that never gets there
app.run(headless=True, size=(120, 40))
store.close()
"""


def stalled_ids(db: Path, now: str, count: int = TOP) -> list[str]:
    """The most urgent stalled cases' ids (as the home list keys its rows): from issue 12's
    `ranking` (the order the home list and `list --sort attention` share), else from today's
    `list --stalled`."""
    import tui.advice as advice
    if hasattr(advice, "ranking"):
        from tui.store import Store
        with Store(db, create=False) as store:
            rows = advice.ranking(store, datetime.fromisoformat(now.replace("Z", "+00:00")),
                                  stalled_only=True, limit=count)
        return [str(row.case_id) for row in rows]
    with tempfile.TemporaryDirectory() as config_home:
        done = subprocess.run([str(SUPPORTLOG), "list", "--stalled", "--limit", str(count),
                               "--json"], env=cli_env(db, now, config_home),
                              capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"list --stalled: {done.stderr.strip()[-200:]}")
    return [str(case["id"]) for case in json.loads(done.stdout)["cases"]]


def bench_attention(db: Path, results, reps: int = 5, now: str = NOW,
                    timeout: float = 60) -> None:
    operation = "app: ranked attention list on screen (first stalled row)"
    try:
        ids = stalled_ids(db, now)
    except Exception as exc:      # a half-landed engine or CLI: say so in the row
        results.add(operation, None, "<= 2x bare", "error", note=f"{type(exc).__name__}: {exc}")
        return
    if not ids:
        results.add(operation, None, "<= 2x bare", "error", note="no stalled case to wait for")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as ids_file:
        json.dump(ids, ids_file)
    env_keys = {"BENCH_NOW": now, "BENCH_STALLED": ids_file.name}
    saved = {k: os.environ.get(k) for k in env_keys}
    os.environ.update(env_keys)    # run_probe passes this process's environment on
    bare, app, error = [], [], None
    try:
        for warm in (True, *([False] * reps)):
            b = probes.run_probe(probes.BARE_APP)
            a = probes.run_probe(ATTENTION_APP, db, timeout=timeout)
            if "ready_s" not in a or "ready_s" not in b:
                error = a.get("error") or b.get("error") or "no ready time"
                break
            if not warm:
                bare.append(b["ready_s"] * 1000)
                app.append(a["ready_s"] * 1000)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        os.unlink(ids_file.name)
    if error or not app:
        if error and error.startswith("timed out"):
            error += f": the home list never started with the {len(ids)} most urgent stalled"
        results.add(operation, app, "<= 2x bare", "error", note=error)
        return
    ratio = statistics.median(app) / statistics.median(bare)
    results.add(operation, app, "<= 2x bare", "ok" if ratio <= 2 else "OVER",
                ratio=round(ratio, 2), bare_median_ms=round(statistics.median(bare), 1),
                note=f"{ratio:.2f}x the bare app ({statistics.median(bare):.0f} ms); first "
                     f"rows: cases {', '.join(ids)}")


def bench_rows(db: Path, results, reps: int = 5, now: str = NOW) -> None:
    """Every issue-12 row, in the order of the issue's budgets."""
    # An installed supportlog has its bytecode compiled (pip does it), as Textual's is.
    compileall.compile_dir(HERE.parent / "tui", quiet=1)
    bench_cli(db, results, reps, now)
    bench_from_nothing(db, results, reps, now)
    bench_attention(db, results, reps, now)
