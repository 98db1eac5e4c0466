"""The threads a worker runs its jobs on, kept for the worker's life instead of two new threads per job (issue 13:
starting them cost ~0.5 ms CPU per job).

`HandlerThreads` lends a thread that runs one handler at a time; a thread whose handler was abandoned at its
timeout is retired (it ends when that handler returns) and never lent again, so a hung handler cannot delay
the next job. `Heartbeats` is ONE thread per worker that renews the lease of every running attempt every
`interval` seconds from the attempt's start; `stop` returns only once no renewal of that attempt is in flight,
so the runner's complete/fail never races its own heartbeat. Both end after IDLE_SECONDS without work (a
`Worker` made per Lambda batch or per test leaves no thread behind) and are started again when needed.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Final

from tfreview.worker.attempt import Attempt

_RETIRE: Final = None
IDLE_SECONDS: Final = 30.0
_log = logging.getLogger("tfreview.worker")


class _HandlerThread:
    def __init__(self, name: str, pool: HandlerThreads) -> None:
        self._tasks: queue.SimpleQueue[Callable[[], object] | None] = queue.SimpleQueue()
        self._pool = pool
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def run(self, task: Callable[[], object]) -> None:
        self._tasks.put(task)

    def retire(self) -> None:
        self._tasks.put(_RETIRE)

    def _run(self) -> None:
        while True:
            try:
                task = self._tasks.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                if self._pool.forget(self):
                    return
                continue  # lent at this very moment: its task is on the way
            if task is _RETIRE:
                return
            task()


class HandlerThreads:
    """Threads lent to one handler at a time (see the module docstring)."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._idle: list[_HandlerThread] = []
        self._lock = threading.Lock()
        self._made = 0

    def start(self, task: Callable[[], object]) -> _HandlerThread:
        with self._lock:
            if self._idle:
                thread = self._idle.pop()
            else:
                self._made += 1
                thread = _HandlerThread(f"{self._prefix}/handler-{self._made}", self)
        thread.run(task)
        return thread

    def give_back(self, thread: _HandlerThread, *, finished: bool) -> None:
        """After the task: an idle thread is kept for the next job; one still running an abandoned handler retires."""
        if not finished:
            thread.retire()
            return
        with self._lock:
            self._idle.append(thread)

    def forget(self, thread: _HandlerThread) -> bool:
        """An idle thread that timed out asks to end: True unless it was lent meanwhile."""
        with self._lock:
            if thread in self._idle:
                self._idle.remove(thread)
                return True
            return False


class Heartbeats:
    """One thread renewing the leases of every running attempt of a worker (see the module docstring)."""

    def __init__(self, name: str, interval: float, beat: Callable[[Attempt], bool]) -> None:
        """`beat` renews one attempt's lease; it returns False when the lease is lost (no more beats for it)."""
        self._name = name
        self._interval = interval
        self._beat = beat
        self._due: dict[int, tuple[float, Attempt]] = {}
        self._beating: int | None = None
        self._sleeping_until = float("inf")  # when the thread wakes next on its own (inf: only when told)
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self, attempt: Attempt) -> None:
        with self._changed:
            due = time.monotonic() + self._interval
            self._due[id(attempt)] = (due, attempt)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            elif due < self._sleeping_until:  # woken only when it would otherwise sleep past this beat
                self._changed.notify_all()

    def stop(self, attempt: Attempt) -> None:
        with self._changed:
            self._due.pop(id(attempt), None)
            while self._beating == id(attempt):
                self._changed.wait()

    def _run(self) -> None:
        while True:
            with self._changed:
                attempt = self._next_due()
                if attempt is None:  # idle for IDLE_SECONDS: end; `start` makes a new thread when needed
                    self._thread = None
                    return
                self._beating = id(attempt)
            alive = True
            try:
                alive = self._beat(attempt)
            except Exception:  # `beat` reports its own failures; the next beat tries again
                _log.exception("heartbeat of job %s failed", attempt.job.id)
            finally:
                with self._changed:
                    self._beating = None
                    if id(attempt) in self._due:
                        if alive:
                            self._due[id(attempt)] = (time.monotonic() + self._interval, attempt)
                        else:
                            del self._due[id(attempt)]
                    self._changed.notify_all()

    def _next_due(self) -> Attempt | None:
        """Wait (holding the condition) until some attempt's beat is due; that attempt (None: idle too long)."""
        while True:
            if not self._due:
                self._sleeping_until = float("inf")
                self._changed.wait(IDLE_SECONDS)
                if not self._due:
                    return None
                continue
            at, attempt = min(self._due.values(), key=lambda entry: entry[0])
            left = at - time.monotonic()
            if left <= 0:
                return attempt
            self._sleeping_until = at
            self._changed.wait(left)
