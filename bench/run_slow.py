"""Run the tests marked slow, which the everyday `pytest` leaves out, and time them.

    python bench/run_slow.py [--workers 2] [pytest arguments ...]

They are the ones that take seconds apiece even alone: child processes importing tens of
thousands of rows, the fault-injection samples of six write paths, a benchmark's timeout
waited out, the CSS applied again for every theme.
Prints each test's time and the total, writes bench/out/slow-tests.json, and exits with
pytest's status, so CI can run it beside the suite.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
DURATION = re.compile(r"^([0-9.]+)s (call|setup|teardown)\s+(\S+)$")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", default="2", help="pytest-xdist workers (0: one process)")
    args, rest = ap.parse_known_args(argv)
    # The command line's -m comes after the addopts' "not slow", so it wins.
    cmd = [sys.executable, "-m", "pytest", "-m", "slow", "-n", args.workers,
           "--durations=0", "--durations-min=0.5", *rest]
    start, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall, after = time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    tests: dict[str, float] = {}
    for line in proc.stdout.splitlines():
        m = DURATION.match(line.strip())
        if m:
            tests[m[3]] = round(tests.get(m[3], 0.0) + float(m[1]), 2)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "workers": args.workers,
              "exit": proc.returncode, "tests_s": dict(sorted(tests.items(),
                                                              key=lambda kv: -kv[1]))}
    OUT.mkdir(exist_ok=True)
    (OUT / "slow-tests.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"slow tests: {wall:.1f} s wall, {cpu:.1f} s CPU on {args.workers} workers "
          f"(exit {proc.returncode}); bench/out/slow-tests.json")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
