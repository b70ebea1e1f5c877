"""The app's one writer: a thread of its own with a connection of its own, so a notebook
locked by another process keeps that thread waiting, never the screen."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Callable, TypeVar

from . import Store

T = TypeVar("T")


class Writer:
    """Runs `fn(store)` calls one at a time, in the order given, on one thread whose Store
    (opened there on first use) no other thread touches. Each result comes with the
    warnings the write left (accepted input worth a word: see Store.take_warnings)."""

    def __init__(self, path: Path, clock: Callable[[], datetime]) -> None:
        self.path, self.clock = path, clock
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="supportlog-writer")
        self._store: Store | None = None

    @property
    def commits(self) -> int:
        """Write units committed so far (one per user action: see Connection.write)."""
        return self._store.commits if self._store is not None else 0

    def submit(self, fn: Callable[[Store], T]) -> Future[tuple[T, list[str]]]:
        return self._pool.submit(self._run, fn)

    def _run(self, fn: Callable[[Store], T]) -> tuple[T, list[str]]:
        if self._store is None:
            self._store = Store(self.path, create=False, clock=self.clock)
        store = self._store
        try:
            return fn(store), store.take_warnings()
        except BaseException:
            store.take_warnings()   # a refused write's warnings are not the next one's
            raise

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def close(self, *, wait: bool = True) -> None:
        """Close after the writes already queued, which still land (a save as the app
        exits); `wait` for them to."""
        try:
            self._pool.submit(self._close_store)
        except RuntimeError:
            return      # closed already
        self._pool.shutdown(wait=wait)
