"""Helpers for the UI tests: a movable clock, a seeded notebook built through the Store API,
the real app on a real SQLite file, and a `settle` that waits for every worker."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled, WorkerState

from tui.app import SupportlogApp
from tui.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
SIZE = (100, 30)            # behaviour tests; the snapshots use SNAPSHOT_SIZE
SNAPSHOT_SIZE = (120, 40)
MARKUP = ("[/]", "[bold]", "[link=x]", "\\[", "[b]x[/b]", "$accent")


def ui(test):
    """Run an async pilot test (no asyncio plugin here); pytest still sees its fixtures."""
    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))
    return run


class Clock:
    """The app's and the store's clock; tests move it forward."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Seeded:
    stalled: int      # Amazon: two dead ends in a row, an overdue promise -> needs attention
    quiet: int        # Acme: open, one useful contact yesterday
    done: int         # resolved long ago
    dead_end: int     # the interaction id of the last dead end on `stalled`


def seed(path: Path, clock: Clock) -> Seeded:
    with Store(path, clock=clock) as s:
        a = s.create_case("Amazon", "Package never arrived", refs=[("order", "112-3345")],
                          want="refund", category="missing_package", amount="129.99",
                          currency="EUR", opened_at="2026-11-01T09:00:00Z")
        s.log_interaction(a.id, "phone", "transferred", started_at="2026-11-20T10:00:00Z",
                          duration="20m", hold="12m", agent="Priya", reference="T-1")
        last = s.log_interaction(a.id, "phone", "disconnected",
                                 started_at="2026-11-22T10:00:00Z", duration="5m",
                                 notes="line went dead")
        s.add_promise(a.id, "Refund issued", "2026-11-21")
        b = s.create_case("Acme", "Broken toaster", opened_at="2026-11-23T09:00:00Z")
        s.log_interaction(b.id, "chat", "info", started_at="2026-11-24T15:00:00Z",
                          duration="10m", agent="Sam", notes="asked for photos of the toaster")
        c = s.create_case("Skylark", "Lost suitcase", opened_at="2025-03-01T09:00:00Z")
        s.log_interaction(c.id, "email", "resolved", started_at="2025-03-04T09:00:00Z",
                          duration="5m")
        return Seeded(a.id, b.id, c.id, last.id)


def make_app(path: Path, clock: Clock, **kwargs) -> SupportlogApp:
    return SupportlogApp(Store(path, clock=clock), clock=clock, **kwargs)


async def settle(pilot) -> None:
    """Let every worker finish and every resize reach the screens (Textual hands a resize
    on after a timer of its own, which quick idle checks can beat). A finished worker may
    start another, and watchers run a moment later, so the app counts as settled after two
    idle checks in a row."""
    idle = 0
    for _ in range(20):
        await pilot.pause()
        if pilot.app._resize_event is not None:     # still on its way to the screens
            idle = 0
        elif any(w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                 for w in pilot.app.workers):
            idle = 0
            try:
                await pilot.app.workers.wait_for_complete()
            except WorkerCancelled:     # replaced by a newer one (exclusive): done with it
                pass
        else:
            idle += 1
            if idle == 2:
                return


async def resize(pilot, size: tuple[int, int]) -> None:
    await pilot.resize_terminal(*size)
    await settle(pilot)


async def open_case(app, pilot, case_id: int):
    """The case screen of `case_id`, opened from wherever the app is, with its data in."""
    from tui.screens.case import CaseScreen
    await settle(pilot)
    app.open_case(case_id)
    await settle(pilot)
    assert isinstance(app.screen, CaseScreen)
    return app.screen


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def plain(widget) -> str:
    """What a Static shows, as plain text."""
    return str(widget.render())


def table_text(table) -> str:
    return "\n".join(" ".join(str(c) for c in table.get_row_at(i))
                     for i in range(table.row_count))


@pytest.fixture(autouse=True)
def debug_errors(monkeypatch):
    """Bugs in workers fail the test instead of becoming a one-line notice."""
    monkeypatch.setenv("SUPPORTLOG_DEBUG", "1")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def seeded(db_path, clock) -> Seeded:
    return seed(db_path, clock)


@pytest.fixture
def app_factory(db_path, clock):
    """Apps on the test notebook; their stores are closed afterwards."""
    apps: list[SupportlogApp] = []

    def factory(**kwargs) -> SupportlogApp:
        app = make_app(db_path, clock, **kwargs)
        apps.append(app)
        return app
    yield factory
    for app in apps:
        app.store.close()


@pytest.fixture
def steady_home(monkeypatch):
    """Snapshots: the home screen's agenda line comes with the first ranking, not on a timer
    that may or may not have fired by the time the picture is taken."""
    from tui.screens import home
    monkeypatch.setattr(home, "AGENDA_AFTER_START", 0)
