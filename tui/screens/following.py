"""Following the notebook: what every screen that shows notebook data does when it changes,
and how the app tells another process's writes (the CLI, a second app) from its own."""

from __future__ import annotations

import sqlite3
import threading
from typing import Callable, TypeVar

from textual.screen import Screen

from ..store import db

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


def write_count(conn: sqlite3.Connection) -> int | None:
    """How many write units supportlog processes have committed to the notebook; None when
    it cannot be read just now (or is not a whole number)."""
    try:
        return db.write_count(conn)
    except sqlite3.Error:
        return None


class NotebookWatch:
    """Whether another process committed to the notebook since the last look.

    The main connection's data_version changes whenever any other connection commits, the
    app's own among them: its writer's (every write) and its readers' (they keep the advice
    they work out). Every supportlog write unit also counts itself in `meta` ('writes'),
    and each connection keeps the counts its own commits reached (`marks`): a change is news
    when a count between the last look and now is not one of the app's. A tool that does not
    count (sqlite-utils, Datasette) moves data_version alone, which is news too, unless it
    lands in the same poll as one of the app's commits (then it shows at the next change).
    `run` wraps a reader's or the writer's work and takes its connection's counts as the
    app's."""

    def __init__(self, main) -> None:
        """`main`: the app's Store (its commits are the app's own too)."""
        self.main, self._main_marks = main.conn, main.marks
        # Readers (in their threads) hand over their counts; the poll (on the UI thread,
        # the only one that touches `main` here) takes them off.
        self._lock = threading.Lock()
        self.seen = data_version(self.main)
        self.count = write_count(self.main)
        self._own: set[int] = set()

    def changed(self) -> bool:
        """Whether the notebook changed since the last call, by anyone but this app."""
        version = data_version(self.main)
        if version is None or version == self.seen:
            return False
        count = write_count(self.main)
        self.seen, last, self.count = version, self.count, count
        if count is None:
            return True     # when in doubt, news: one reload too many hides nothing
        with self._lock:
            own = self._own | set(self._main_marks)
            self._own = {n for n in self._own if n > count}
        if last is None or count <= last:
            return True     # data_version moved with no count: a tool that does not count
        return any(n not in own for n in range(last + 1, count + 1))

    def run(self, reader, fn: Callable[[], T]) -> T:
        """`fn()`, which uses the reader Store (in the calling thread); the counts its
        commits reach are the app's own. The main connection is never used from here (its
        thread may be waiting on the lock)."""
        try:
            return fn()
        finally:
            # All it holds: a commit made as the connection opened (ANALYZE, its stamp) is
            # the app's too, and a count the last look has passed is dropped there.
            with self._lock:
                self._own.update(reader.marks)
