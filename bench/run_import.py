"""The import row of the benchmark: export a generated notebook, import the file into an
empty notebook, then merge it again into the now full one.

    python bench/run_import.py --db bench/out/bench-100000-1000000.db

bench/run.py runs it after its other rows. Each step is a real `supportlog` process; its
peak memory is ru_maxrss from wait4 (the larger of the import and its worker process).
Budget (issue 11): the import into an empty notebook takes at most 3x the export's time,
with peak memory under 200 MB; the merge into a full notebook is reported, with no budget.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SUPPORTLOG = [sys.executable, "-m", "tui.cli"]
RATIO, RSS_MIB = 3.0, 200


def timed(args: list[str]) -> tuple[float, int, str]:
    """Run one supportlog command: (seconds, peak RSS in KiB, its stdout)."""
    began = time.perf_counter()
    proc = subprocess.Popen([*SUPPORTLOG, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=HERE.parent)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"supportlog {' '.join(args)} failed: {err.decode(errors='replace')}")
    return seconds, usage.ru_maxrss, out.decode()


def bench_import(db: Path, results) -> None:
    work = OUT / "import"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    export, empty = work / "export.json", work / "empty.db"
    try:
        out_s, out_kib, _ = timed(["--db", str(db), "export", "-o", str(export)])
        size = export.stat().st_size
        results.add("export json (whole notebook)", [out_s * 1000], "reference", "info",
                    bytes=size, maxrss_kib=out_kib,
                    note=f"{size / 2**20:,.0f} MiB, peak RSS {out_kib / 1024:.0f} MiB")
        in_s, in_kib, said = timed(["--db", str(empty), "import", str(export)])
        ratio = in_s / out_s
        fits = ratio <= RATIO and in_kib <= RSS_MIB * 1024
        results.add("import json into an empty notebook", [in_s * 1000],
                    f"<= {RATIO:g}x export, < {RSS_MIB} MiB", "ok" if fits else "OVER",
                    ratio=round(ratio, 2), maxrss_kib=in_kib,
                    note=f"{ratio:.2f}x the export, peak RSS {in_kib / 1024:.0f} MiB; "
                         f"{said.strip()[:80]}")
        cases, contacts = _counts(empty)
        merge_s, merge_kib, said = timed(["--db", str(empty), "import", str(export)])
        results.add("import json again into the full notebook (merge)", [merge_s * 1000],
                    "reported", "info", maxrss_kib=merge_kib,
                    cases_per_second=int(cases / merge_s),
                    contacts_per_second=int(contacts / merge_s),
                    note=f"{cases / merge_s:,.0f} cases/s, {contacts / merge_s:,.0f} contacts/s, "
                         f"peak RSS {merge_kib / 1024:.0f} MiB; {said.strip()[:40]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _counts(db: Path) -> tuple[int, int]:
    import sqlite3
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (conn.execute("SELECT count(*) FROM cases").fetchone()[0],
                conn.execute("SELECT count(*) FROM interactions").fetchone()[0])
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> None:
    sys.path.insert(0, str(HERE))
    from run import Results
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a generated notebook")
    args = parser.parse_args(argv)
    bench_import(args.db, Results())


if __name__ == "__main__":
    main()
