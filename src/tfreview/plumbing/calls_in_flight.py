"""Calls run on threads of their own, one at a time per key, and joined at shutdown (the readiness checks of
/readyz and the operations page, ADR 0569).

A probe starts a check's call here and waits for it a bounded time; a call still running from an earlier probe is
waited on again rather than started twice. `close()` (before the database closes) starts no further call and
waits a bounded time for those running: a check still holding a database connection when the pool was disposed
left it unclosed, garbage-collected later in whatever ran next (the door's rereads had the same fault; flaky16).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Final

CLOSE_SECONDS: Final = 10.0  # as Door.close()


class ShuttingDown(RuntimeError):
    """The process is stopping: no further call is started."""


class CallsInFlight:
    def __init__(self, name: str = "tfreview-call") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._futures: dict[str, Future[object]] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._closed = False

    def start(self, key: str, call: Callable[[], object]) -> Future[object]:
        """`call()` on its own thread; the call of the same `key` still running, if any. After close(), a future
        that failed with ShuttingDown."""
        with self._lock:
            future = self._futures.get(key)
            if future is not None and not future.done():
                return future
            future = Future()
            if self._closed:
                future.set_exception(ShuttingDown("the process is stopping"))
                return future
            thread = threading.Thread(target=_run, args=(future, call), name=f"{self._name}-{key}", daemon=True)
            self._futures[key], self._threads[key] = future, thread
            thread.start()
        return future

    def close(self, timeout: float = CLOSE_SECONDS) -> None:
        """Start no further call; wait up to `timeout` s in all for those running."""
        with self._lock:
            self._closed = True
            threads = list(self._threads.values())
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def running(self) -> int:
        """Calls whose thread has not ended (tests, shutdown)."""
        with self._lock:
            return sum(1 for thread in self._threads.values() if thread.is_alive())


def _run(future: Future[object], call: Callable[[], object]) -> None:
    try:
        future.set_result(call())
    except BaseException as exc:  # handed to the caller waiting on it
        future.set_exception(exc)
