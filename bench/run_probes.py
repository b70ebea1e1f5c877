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

# Both apps are timed the same way: ready at the end of the first frame written to the
# terminal (Textual's post_display_hook) while a DataTable on the active screen has rows.

# A bare Textual app with a one-row table.
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

    def post_display_hook(self):
        if self.screen.query(DataTable).first().row_count:
            # Textual captures print() while an app runs; write to the real stdout.
            os.write(1, (json.dumps({"ready_s": time.time() - float(os.environ["BENCH_T0"])})
                         + "\n").encode())
            self.exit()

Bare().run(headless=True, size=(120, 40))
"""

# supportlog's app on the notebook in BENCH_DB.
SUPPORTLOG_APP = r"""
import json, os, sys, time
t0 = float(os.environ["BENCH_T0"])

def report(**fields):
    os.write(1, (json.dumps(fields) + "\n").encode())   # print() is captured inside the app

from textual.widgets import DataTable
from tui.app import SupportlogApp
from tui.store import Store

store = Store(os.environ["BENCH_DB"], create=False)
app = SupportlogApp(store)
done = False

def rows_on_screen():
    for table in app.screen.query(DataTable):
        if table.row_count and table.display:
            return table.row_count
    return 0

def post_display_hook():
    global done
    SupportlogApp.post_display_hook(app)
    rows = rows_on_screen()
    if rows and not done:
        done = True
        report(ready_s=time.time() - t0, rows=rows, screen=type(app.screen).__name__)
        app.exit()

app.post_display_hook = post_display_hook   # run_probe's timeout ends a start that hangs
app.run(headless=True, size=(120, 40))
store.close()
"""

# The stats screen, opened as soon as the home screen shows its first rows (as `s` pressed
# then would): ready at the end of the first frame that shows a chart. It reports the time
# from the process start and from the push, so a slow app start and a slow stats screen can
# be told apart.
STATS_SCREEN = r"""
import json, os, time
t0 = float(os.environ["BENCH_T0"])
from tui.app import SupportlogApp
from tui.store import Store
from tui.widgets.bar_chart import BarChart

pushed = done = None

class Probe(SupportlogApp):
    def open_stats(self):
        global pushed
        pushed = time.time()
        self.action_stats()

    def post_display_hook(self):
        global done
        SupportlogApp.post_display_hook(self)
        if self.first_rows_added and not pushed:
            self.call_later(self.open_stats)
        elif (pushed and not done and type(self.screen).__name__ == "StatsScreen"
              and self.screen.query(BarChart)):
            done = time.time()
            os.write(1, (json.dumps({"ready_s": done - t0, "push_to_chart_ms":
                                     (done - pushed) * 1000}) + "\n").encode())
            self.exit()

store = Store(os.environ["BENCH_DB"], create=False)
Probe(store).run(headless=True, size=(120, 40))
store.close()
"""

# A bare Textual modal: pushed once the bare app has painted, ready at the end of the first
# frame that shows it with its field focused (what a form's probe waits for too).
BARE_MODAL = r"""
import json, os, time
from textual.app import App
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input

class Modal(ModalScreen):
    def compose(self):
        yield Input(id="field")

    def on_mount(self):
        self.query_one(Input).focus()

pushed = None

class Bare(App):
    def compose(self):
        yield DataTable()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("case")
        table.add_row("a row")

    def post_display_hook(self):
        global pushed
        if pushed is None:
            pushed = time.time()
            self.push_screen(Modal())
        elif isinstance(self.screen, Modal) and self.screen.focused is not None:
            os.write(1, (json.dumps({"push_to_form_ms": (time.time() - pushed) * 1000})
                         + "\n").encode())
            self.exit()

Bare().run(headless=True, size=(120, 40))
"""

# supportlog's forms on the notebook in BENCH_DB, BENCH_FORM naming which: `new` (n on the
# home screen), `log` (l on the home screen's first case) or `case-log` (l on that case's
# screen). Opened once the screen below has painted and the start-up work (the ranking, the
# start-up checks) is done, so the row is the form's own cost; BENCH_FORM_AT=first-rows
# opens it as the first rows show instead, while that work still runs. Ready as BARE_MODAL.
FORM_OPEN = r"""
import json, os, time
from tui.app import SupportlogApp
from tui.store import Store

form = os.environ["BENCH_FORM"]
at_first_rows = os.environ.get("BENCH_FORM_AT") == "first-rows"
pushed = below = waiting = None
frames = 0

class Probe(SupportlogApp):
    def open_form(self):
        global pushed
        pushed = time.time()
        if form == "new":
            self.new_case()
        else:
            self.log_contact(below)

    def open_when_started(self):
        if self.stalled is not None and all(w.is_finished for w in self.workers):
            waiting.stop()
            self.open_below()

    def open_below(self):
        if form == "case-log":
            self.open_case(below)
        else:
            self.open_form()

    def post_display_hook(self):
        global below, frames, waiting
        SupportlogApp.post_display_hook(self)
        name = type(self.screen).__name__
        if below is None and self.first_rows_added:
            below = self.store.list_cases(limit=1).items[0].id
            if at_first_rows:
                self.call_later(self.open_below)
            else:
                waiting = self.set_interval(0.01, self.open_when_started)
        elif form == "case-log" and pushed is None and name == "CaseScreen":
            frames += 1
            if frames == 3:      # its first frames: the case read in, not still loading
                self.call_later(self.open_form)
        elif pushed and name in ("CaseForm", "ContactForm") and self.screen.focused:
            os.write(1, (json.dumps({"push_to_form_ms": (time.time() - pushed) * 1000})
                         + "\n").encode())
            self.exit()

store = Store(os.environ["BENCH_DB"], create=False)
Probe(store).run(headless=True, size=(120, 40))
store.close()
"""

# Every open case's advice, first in a fresh process, as `supportlog advice` and the app's start
# meet it: nothing in memory yet (the timed rows in run.py repeat it warm). Issue 12's engine
# ranks from its cache in the notebook (tui.advice.ranking); today's assesses (assess_all).
ADVICE_COLD = r"""
import json, os, time
from datetime import datetime, timezone
from tui import advice
from tui.store import Store
store = Store(os.environ["BENCH_DB"], create=False)
playbook = advice.load_playbook()
every = getattr(advice, "ranking", None) or advice.assess_all
began = time.perf_counter()
assessed = every(store, datetime.now(timezone.utc), playbook)
print(json.dumps({"ms": (time.perf_counter() - began) * 1000, "cases": len(assessed)}))
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


def run_probe(script: str, db: str | None = None, timeout: float = 120, **env_vars: str
              ) -> dict:
    """Run one probe script in a fresh interpreter (with env_vars); its JSON line, or an
    error."""
    env = {**os.environ, **env_vars, "BENCH_T0": repr(time.time())}
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
