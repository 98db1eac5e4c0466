"""PlanSources for worker tests: failing on demand, or blocking until released (crash and timeout scenarios)."""

from __future__ import annotations

import threading

from tfreview.ports.records import StoredReview
from tfreview.ports.service import Fetched, PlanSource


class FailingSource:
    """Raises `error` for the first `times` fetches, then delegates to `inner` (or keeps raising without one)."""

    kind = "api"
    unavailable: str | None = None

    def __init__(self, error: BaseException, *, times: int = 10**6, inner: PlanSource | None = None) -> None:
        self.error = error
        self.times = times
        self.inner = inner
        self.calls = 0

    def fetch(self, review: StoredReview, payload: dict[str, object]) -> Fetched:
        self.calls += 1
        if self.calls <= self.times or self.inner is None:
            raise self.error
        return self.inner.fetch(review, payload)


class GateSource:
    """The first `blocked` fetches wait until `release()`; later ones go straight to `inner`."""

    kind = "api"
    unavailable: str | None = None

    def __init__(self, inner: PlanSource, *, blocked: int = 1) -> None:
        self.inner = inner
        self.blocked = blocked
        self.entered = threading.Semaphore(0)
        self.gate = threading.Event()
        self.exited = threading.Semaphore(0)
        self._lock = threading.Lock()
        self._calls = 0

    def fetch(self, review: StoredReview, payload: dict[str, object]) -> Fetched:
        with self._lock:
            self._calls += 1
            wait = self._calls <= self.blocked
        if not wait:
            return self.inner.fetch(review, payload)
        self.entered.release()
        try:
            self.gate.wait(30)  # bounded: a forgotten release never hangs the suite
            return self.inner.fetch(review, payload)
        finally:
            self.exited.release()

    def release(self) -> None:
        self.gate.set()

    def wait_entered(self, count: int = 1) -> None:
        for _ in range(count):
            assert self.entered.acquire(timeout=10), "the worker never reached the source"

    def wait_exited(self, count: int = 1) -> None:
        for _ in range(count):
            assert self.exited.acquire(timeout=10), "a blocked fetch never returned"
