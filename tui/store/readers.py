"""Read connections for worker threads, lent one thread at a time."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from . import Store, StoreError


class ReaderPool:
    """Read connections for worker threads: each is lent to one thread at a time. Closing
    the pool closes idle connections now and lent ones when they come back, because a
    worker thread may still be reading when the app exits (and a connection closed under
    a running statement can take the process down)."""

    def __init__(self, path: Path, clock: Callable[[], datetime], ready: int = 0):
        self.path, self.clock = path, clock
        self._lock = threading.Lock()
        self._closed = False
        # Opened here, on the UI thread before the app runs (6 ms each at 100k cases): opened
        # in a worker while the first screen is being built, a connection takes 100+ ms,
        # the thread waiting for the GIL after every one of its SQLite calls.
        self._idle: list[Store] = [self._open() for _ in range(ready)]

    def _open(self) -> Store:
        return Store(self.path, create=False, clock=self.clock)

    @contextmanager
    def borrow(self) -> Iterator[Store]:
        with self._lock:
            if self._closed:
                raise StoreError("the notebook is closing")
            store = self._idle.pop() if self._idle else None
        if store is None:
            store = self._open()
        try:
            yield store
        finally:
            with self._lock:
                if self._closed:
                    store.close()
                else:
                    self._idle.append(store)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()
