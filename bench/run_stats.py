"""Issue 15's stats rows: `supportlog stats` CPU against `supportlog --version`, and the stats
screen's first chart against a bare Textual app's start.

    python bench/run_stats.py --db COPY.db [--reps 5]

Both are ratios measured interleaved in one run (a shared machine: read the ratios, not the
milliseconds). CPU is the child's user + system time from getrusage, so waiting on the disk
or on other processes does not count.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run_probes as probes  # noqa: E402

SUPPORTLOG = Path(sys.executable).with_name("supportlog")
# stats reads kept counters: little beyond what any command that opens the notebook costs.
STATS_CPU_RATIO = 1.5
SCREEN_RATIO = 2.0         # issue 15: the first chart within 2x a bare app's start


def cpu_ms(*args: str) -> float:
    """User + system CPU of one `supportlog` process, in ms."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(SUPPORTLOG), *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000


def bench_stats_cli(db: Path, results, reps: int = 5) -> None:
    cpu_ms("--db", str(db), "stats")       # any upgrade happens here, not in the samples
    version, opening, stats = [], [], []
    for _ in range(reps):                  # alternate, so all see the same machine load
        version.append(cpu_ms("--version"))
        opening.append(cpu_ms("--db", str(db), "list", "--limit", "1"))
        stats.append(cpu_ms("--db", str(db), "stats"))
    results.add("CPU: supportlog --version", version, "reference", "info")
    base = statistics.median(version)
    results.add("CPU: supportlog list --limit 1 (opens the notebook)", opening, "reference",
                "info", ratio=round(statistics.median(opening) / base, 2),
                note=f"{statistics.median(opening) / base:.2f}x supportlog --version")
    ratio = statistics.median(stats) / base
    beyond = statistics.median(stats) / statistics.median(opening)
    results.add("CPU: supportlog stats", stats, f"<= {STATS_CPU_RATIO:g}x list --limit 1",
                "ok" if beyond <= STATS_CPU_RATIO else "OVER", ratio=round(ratio, 2),
                note=f"{ratio:.2f}x supportlog --version, {beyond:.2f}x list --limit 1")


def bench_stats_screen(db: Path, results, reps: int = 5) -> None:
    bare, started, pushed, failed = [], [], [], None
    for _ in range(reps):
        b = probes.run_probe(probes.BARE_APP)
        s = probes.run_probe(probes.STATS_SCREEN, db)
        if "ready_s" in b:
            bare.append(b["ready_s"] * 1000)
        if "ready_s" not in s:
            failed = s.get("error", "no chart")
            break
        started.append(s["ready_s"] * 1000)
        pushed.append(s["push_to_chart_ms"])
    results.add("UI start: bare Textual app, one-row table (stats)", bare, "reference", "info")
    if failed or not bare or not pushed:
        results.add("stats screen: `s` to its first chart", pushed, f"<= {SCREEN_RATIO:g}x bare",
                    "error", note=failed or "the bare app did not start")
        return
    base = statistics.median(bare)
    ratio = statistics.median(pushed) / base
    results.add("stats screen: `s` to its first chart", pushed, f"<= {SCREEN_RATIO:g}x bare",
                "ok" if ratio <= SCREEN_RATIO else "OVER", ratio=round(ratio, 2),
                note=f"{ratio:.2f}x the bare app's start; `s` pressed as home first shows")
    whole = statistics.median(started) / base
    results.add("stats screen: process start to its first chart", started, "info", "info",
                ratio=round(whole, 2), note=f"{whole:.2f}x the bare app (the app's own start "
                "to home, then `s`)")


def bench_rows(db: Path, results, reps: int = 5) -> None:
    bench_stats_cli(db, results, reps)
    bench_stats_screen(db, results, reps)


def main(argv: list[str] | None = None) -> None:
    from run import run_alone
    run_alone(__doc__, bench_rows, 5, argv)


if __name__ == "__main__":
    main()
