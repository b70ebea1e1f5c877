"""The app and CLI writers at once: every write succeeds, nobody is shown "locked", every
row is there. And a bad notebook file through the app's own entry point is one clean line."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tui.cli import cli
from tui.store import Store
from ui_fixtures import SIZE, app_factory, clock, messages, seeded, settle, ui  # noqa: F401


@ui
async def test_app_and_cli_writers_at_once(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        writers = [subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "--db", str(db_path), "log", str(seeded.quiet),
             "--channel", "email", "--outcome", "info", "--note", f"cli {w}"],
            stderr=subprocess.PIPE, text=True) for w in range(4)]
        script = ("import sys\nfrom tui.store import Store\ns = Store(sys.argv[1])\n"
                  "for n in range(150):\n"
                  "    s.log_interaction(int(sys.argv[2]), 'chat', 'info', notes=f'bulk {n}')\n")
        bulk = subprocess.Popen([sys.executable, "-c", script, str(db_path),
                                 str(seeded.stalled)], stderr=subprocess.PIPE, text=True)
        live = await app.write(lambda s: s.start_contact(seeded.quiet, "phone"))
        for n in range(120):  # what typing into a live contact does: save as it goes
            await app.write(lambda s, n=n: s.edit_interaction(live.id, notes=f"typed {n}",
                                                              hold=n))
            if n % 10 == 0:
                await app.write(lambda s, n=n: s.log_interaction(seeded.done, "letter", "info",
                                                                 notes=f"app {n}"))
            await asyncio.sleep(0)
        codes = [p.wait(timeout=120) for p in (*writers, bulk)]
        errors = [p.stderr.read() for p in (*writers, bulk)]
        await settle(pilot)
        assert codes == [0] * 5, errors
        assert not [m for m in messages(app) if "locked" in m or "error" in m.lower()]
    with Store(db_path) as s:
        notes = [r[0] for r in s.conn.execute("SELECT notes FROM interactions")]
        assert sum(n.startswith("bulk ") for n in notes if n) == 150
        assert sum(n.startswith("cli ") for n in notes if n) == 4
        assert sum(n.startswith("app ") for n in notes if n) == 12
        assert s.get_interaction(live.id).notes == "typed 119"
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_bare_supportlog_on_a_bad_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("this is a shopping list, not a notebook")
    result = CliRunner().invoke(cli, ["--db", str(bad)])  # no subcommand: the app's path
    assert result.exit_code == 3
    assert result.stderr == (f"supportlog: {bad} is not a supportlog notebook (not a SQLite "
                             "database); pass --db with another path\n")
    assert bad.read_text().startswith("this is a shopping list")
    missing = tmp_path / "nope" / "n.db"
    result = CliRunner().invoke(cli, ["--db", str(missing)])
    assert result.exit_code == 3 and "does not exist" in result.stderr
    assert not missing.parent.exists()


@pytest.mark.parametrize("wait", ["read", "pause"])
@ui
async def test_a_read_landing_on_a_screen_being_removed_stops_its_worker(app_factory, seeded,
                                                                         wait):
    """The screen closes (or the app exits) while a read is in flight: Textual removes the
    screen's children before it cancels the screen's workers, so the worker must stop at
    the await rather than go on to query widgets that are going or gone."""
    import time

    from textual import work
    from textual.screen import Screen
    from textual.widgets import Static
    from textual.worker import WorkerState

    went_on = []

    class SlowToGo(Static):
        async def on_unmount(self) -> None:
            await asyncio.sleep(0.5)

    class Probe(Screen):
        def compose(self):
            yield SlowToGo(id="probe")

        @work(group="probe")
        async def load(self) -> None:
            def fn(store):
                child, deadline = self.query_one(SlowToGo), time.monotonic() + 10
                while not child._closing and time.monotonic() < deadline:
                    time.sleep(0.01)        # the read returns while the removal is under way
                return store.get_case(seeded.quiet)
            if wait == "read":
                await self.app.read(fn)
            else:       # a debounce that ends while the removal is under way
                await self.app.pause(0.2)
            went_on.append(self.query("#probe").first())

    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        probe = Probe()
        await app.push_screen(probe)
        worker = probe.load()
        await pilot.pause()
        app.pop_screen()
        await settle(pilot)
        assert not isinstance(app.screen, Probe)
        assert worker.state == WorkerState.CANCELLED and not went_on
