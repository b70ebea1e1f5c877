"""Following the notebook: what every screen that shows notebook data does when it changes,
and how the app tells another process's writes (the CLI, a second app) from its own."""

from __future__ import annotations

import sqlite3
import threading
from typing import Callable, TypeVar

from textual.screen import Screen

T = TypeVar("T")


class FollowingScreen(Screen):
    """A screen whose `load()` reads what it shows: loaded again when the notebook changes
    (watch the app's version with `_data_changed`), at once while the screen is showing, else
    when it is next resumed."""

    _stale = False

    def load(self) -> None:
        raise NotImplementedError

    def _data_changed(self) -> None:
        if self.app.screen is self:
            self.load()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.load()


def data_version(conn: sqlite3.Connection) -> int | None:
    """SQLite's count of commits made by other connections, as this one sees it; None when
    the notebook cannot be read just now. fetchall: no statement is left open."""
    try:
        return conn.execute("PRAGMA data_version").fetchall()[0][0]
    except sqlite3.Error:
        return None


class NotebookWatch:
    """Whether another process committed to the notebook since the last look.

    The main connection's data_version changes whenever any other connection commits, the
    app's own among them: its writer's (every write) and its readers' (they keep the advice
    they work out). `run` wraps such a connection's work and takes a commit it made as
    the app's own only when that connection saw no other commit since its last run;
    when in doubt (an app write came in between) the change counts as news, which costs
    one reload and never hides another process's write for long."""

    def __init__(self, main: sqlite3.Connection) -> None:
        self.main = main
        # Readers (in their threads) count their own commits; the poll (on the UI thread,
        # the only one that touches `main` here) takes them off.
        self._lock = threading.Lock()
        self.seen = data_version(main)
        self.own = 0
        self._last: dict[int, int | None] = {}    # each reader's version after its last run

    def changed(self) -> bool:
        """Whether the notebook changed since the last call, by anyone but this app."""
        version = data_version(self.main)
        if version is None or version == self.seen:
            return False
        self.seen = version
        with self._lock:
            own, self.own = self.own, 0
        return not own

    def run(self, reader, fn: Callable[[], T]) -> T:
        """`fn()`, which uses the reader Store (in the calling thread). A commit it made
        counts as the app's own only when the reader saw no other commit since its last
        run (its temp tables are no commit: `commits` counts write units); the main
        connection is never used from here (its thread may be waiting on the lock)."""
        conn = reader.conn
        before, commits = data_version(conn), reader.commits
        try:
            return fn()
        finally:
            after = data_version(conn)
            with self._lock:
                quiet = before is not None and self._last.get(id(conn), before) == before == after
                self._last[id(conn)] = after
                if reader.commits != commits and quiet:
                    self.own += 1
