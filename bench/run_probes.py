"""Measurements that need a process of their own: UI cold start and peak memory.

Each probe is a small script run with `python -c`; it prints one JSON line. Start times are
wall-clock (time.time()) from just before the parent spawns the process, so a measurement
covers interpreter start, imports and the app's own start, as a user would see it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

# A bare Textual app with a one-row table: ready once that row has been painted.
BARE_APP = r"""
import json, os, time
from textual.app import App
from textual.widgets import DataTable

class Bare(App):
    def compose(self):
        yield DataTable()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("case")
        table.add_row("a row")
        self.call_after_refresh(self.ready)

    def ready(self):
        # Textual captures print() while an app runs; write to the real stdout.
        os.write(1, (json.dumps({"ready_s": time.time() - float(os.environ["BENCH_T0"])})
                     + "\n").encode())
        self.exit()

Bare().run(headless=True, size=(120, 40))
"""

# supportlog's app on the notebook in BENCH_DB: ready once the home screen's list has rows
# on screen. The auto-pilot polls every 5 ms for a DataTable with rows on the active screen.
SUPPORTLOG_APP = r"""
import asyncio, inspect, json, os, sys, time
t0 = float(os.environ["BENCH_T0"])

def report(**fields):
    os.write(1, (json.dumps(fields) + "\n").encode())   # print() is captured inside the app

try:
    from tui.app import SupportlogApp
except Exception as exc:
    report(pending=f"tui.app.SupportlogApp is not importable: {exc!r}")
    sys.exit(0)
from textual.widgets import DataTable
from tui.store import Store

params = list(inspect.signature(SupportlogApp).parameters)
store = None
if params and params[0] == "store":
    store = Store(os.environ["BENCH_DB"], create=False)
    app = SupportlogApp(store)
else:
    os.environ["SUPPORTLOG_DB"] = os.environ["BENCH_DB"]
    app = SupportlogApp()

def rows_on_screen():
    for table in app.screen.query(DataTable):
        if table.row_count and table.display:
            return table.row_count
    return 0

async def pilot(pilot):
    deadline = time.monotonic() + float(os.environ.get("BENCH_TIMEOUT", "60"))
    while time.monotonic() < deadline:
        rows = rows_on_screen()
        if rows:
            # Stop at the first frame painted with rows. (pilot.pause() would wait for the
            # app to go idle, i.e. for the attention order computed in the background.)
            painted = asyncio.Event()
            app.call_after_refresh(painted.set)
            await painted.wait()
            report(ready_s=time.time() - t0, rows=rows, screen=type(app.screen).__name__)
            app.exit()
            return
        await asyncio.sleep(0.005)
    report(pending=f"no list with rows on {type(app.screen).__name__} within the timeout")
    app.exit()

app.run(headless=True, size=(120, 40), auto_pilot=pilot)
if store is not None:
    store.close()
"""

# Page through every case (the iterator the CLI uses, then the UI's 50-row pages) and report
# the peak resident set size. getrusage's ru_maxrss survives exec on Linux, so a child spawned
# by a big parent reports the parent's size; VmHWM in /proc/self/status is this process's own.
MEMORY = r"""
import json, os, resource

def peak_kib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

from tui.store import Store
store = Store(os.environ["BENCH_DB"], create=False)
seen = sum(1 for _ in store.iter_cases())
after, pages = None, 0
while True:
    page = store.list_cases(sort="recent", after=after, limit=50)
    pages += 1
    if page.after is None:
        break
    after = page.after
print(json.dumps({"cases": seen, "pages": pages, "maxrss_kib": peak_kib(),
                  "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run_probe(script: str, db: str | None = None, timeout: float = 120) -> dict:
    """Run one probe script in a fresh interpreter; its JSON line, or an error."""
    env = {**os.environ, "BENCH_T0": repr(time.time())}
    if db:
        env["BENCH_DB"] = str(db)
    try:
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(done.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                pass
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"exit {done.returncode}: {tail}"}
