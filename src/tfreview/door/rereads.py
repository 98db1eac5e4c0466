"""When the door reads a value of the database again, and on which thread (ADR 0568, ADR 0580): the block cache,
the queue's signals, each tenant's backlog.

A value is read at most every `every()` seconds. The first read is the caller's own (Door.prime makes it before
serve listens); after it, a stale value is reread on a thread of its own, one at a time, while callers go on with
the last value: a database that stops answering held the event loop, and every request with it. `close()` starts
no further reread and joins the one running, a bounded time, before the database closes (flaky16).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Reread(Generic[T]):
    def __init__(
        self,
        read: Callable[[], T],
        every: Callable[[], float],
        name: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._every = every
        self._name = name
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._at: float | None = None  # when the last read began
        self._once = False  # a read has ended (whatever it found)
        self._thread: threading.Thread | None = None
        self._closed = False

    def due(self) -> bool:
        """True when the caller must read now, on its own thread: nothing read yet. A stale value is reread on a
        thread of its own, started here, and False answered: the caller goes on with the last value, as it does
        while the value is fresh, a reread is on its way, or the process is shutting down."""
        now = self._monotonic()
        with self._lock:
            if self._at is not None and now - self._at < self._every():
                return False
            if self._thread is not None and self._thread.is_alive():
                return False
            if self._closed and self._once:
                return False
            self._at = now
            if not self._once:
                return True
            thread = threading.Thread(target=self.read_now, name=self._name, daemon=True)
            self._thread = thread
        thread.start()
        return False

    def read_now(self) -> T:
        """Read now, on this thread (the first read, or after a change made here): the value is fresh from now."""
        with self._lock:
            if self._thread is not threading.current_thread():
                self._at = self._monotonic()
        try:
            return self._read()
        finally:
            with self._lock:
                self._once = True

    def close(self, timeout: float) -> None:
        """Start no further reread; wait up to `timeout` s for the one running."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            thread.join(max(0.0, timeout))

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for a reread in progress (tests, shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def touch(self) -> None:
        """The value was made fresh by its owner (an answer decided here): no reread before `every()` s."""
        with self._lock:
            self._at = self._monotonic()
