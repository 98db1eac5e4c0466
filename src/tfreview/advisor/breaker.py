"""A circuit breaker per provider model (L6).

Closed: calls go through; `failures` failures within `window` seconds open it. Open: no call for
`open_for` seconds. Then half-open: exactly one probe goes through; its success closes the
breaker, its failure opens it again for another `open_for`; a probe that was never sent is
`release`d, and the next caller probes.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable


class CircuitBreaker:
    def __init__(
        self, *, clock: Callable[[], float], failures: int = 5, window: float = 30.0, open_for: float = 30.0
    ) -> None:
        self._threshold = failures
        self._window = window
        self._open_for = open_for
        self._clock = clock
        self._failures: deque[float] = deque()
        self._opened_at: float | None = None
        self._probing = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self._probing or self._clock() - self._opened_at < self._open_for:
                return "open"
            return "half-open"

    def allow(self) -> bool:
        """May a call go now? In half-open, True once (the probe) until it reports back."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._probing or self._clock() - self._opened_at < self._open_for:
                return False
            self._probing = True
            return True

    def release(self) -> None:
        """A call `allow()` let through was never made (no time left for it): in half-open, the probe is free
        again for the next caller; otherwise nothing changes. Without this the breaker waits for ever for a
        probe's result that never comes."""
        with self._lock:
            self._probing = False

    def success(self) -> None:
        with self._lock:
            self._failures.clear()
            self._opened_at = None
            self._probing = False

    def failure(self) -> None:
        with self._lock:
            now = self._clock()
            if self._opened_at is not None:  # the probe failed (or a call that started before opening)
                self._opened_at = now
                self._probing = False
                return
            self._failures.append(now)
            while self._failures and now - self._failures[0] > self._window:
                self._failures.popleft()
            if len(self._failures) >= self._threshold:
                self._opened_at = now
                self._failures.clear()


class BreakerBoard:
    """One breaker per key, made on first use; shared by every tenant's advisor (provider health is global)."""

    def __init__(
        self, *, clock: Callable[[], float], failures: int = 5, window: float = 30.0, open_for: float = 30.0
    ) -> None:
        self._clock = clock
        self._failures = failures
        self._window = window
        self._open_for = open_for
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(key)
            if breaker is None:
                breaker = self._breakers[key] = CircuitBreaker(
                    clock=self._clock, failures=self._failures, window=self._window, open_for=self._open_for
                )
            return breaker
