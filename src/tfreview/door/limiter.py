"""Rate limits and failure counts: moving windows in process memory, or in Redis with the `limits` library.

Memory (embedded mode) counts per process (`MemoryWindows`: no timer thread, ADR 0320); Redis (scaled mode,
`TFREVIEW_DOOR__STORAGE_URL`) shares the counts between every API process. The keys carry the prefix setting,
a scope and an identity that is an address or a hash — never a token. A Redis that cannot be reached lets
requests through (fail open: the limit is protection, not a dependency) and is logged once per minute.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger("tfreview.door")
_WARN_EVERY_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window lets the caller in again (≥ 1 when refused)


class MemoryWindows:
    """Moving windows in this process's memory: per key, the times of its hits still inside the window.

    The same rule as the `limits` library's moving window (a hit is allowed while fewer than N hits fall
    within the last `period` seconds; a refused hit is not counted; Retry-After runs to the oldest hit's
    end) without its memory storage's cost: that storage starts a new `threading.Timer` thread every time its
    last one has ended (10 ms), i.e. a thread per 10 ms of a busy door. Here nothing runs in the
    background: keys whose window is empty are dropped by a sweep on a hit, at most once per `sweep_seconds`.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, sweep_seconds: float = 60.0) -> None:
        # per key the time of its one hit, or a deque of the times of its hits once it has two: a key seen once
        # (most of a flood of forged addresses) costs a float, not a deque's first block (ADR 0373)
        self._hits: dict[str, float | deque[float]] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sweep_seconds = sweep_seconds
        self._swept_at = clock()
        self._longest = 0.0  # the longest window seen: a key idle that long is empty whatever its rate

    def hit(self, key: str, limit: int, seconds: float) -> float | None:
        """None when the hit is allowed (and counted), else the seconds until the window admits one."""
        now = self._clock()
        with self._lock:
            self._longest = max(self._longest, seconds)
            if now - self._swept_at >= self._sweep_seconds:
                self._sweep(now)
            edge = now - seconds  # `limits` counts a hit at exactly the edge as still inside
            found = self._hits.get(key)
            if not isinstance(found, deque):  # none or one hit held
                if found is not None and found >= edge:
                    if limit > 1:
                        self._hits[key] = deque((found, now))
                        return None
                    return max(found + seconds - now, 0.0)
                if limit > 0:
                    self._hits[key] = now
                    return None
                return seconds  # a limit of 0 ("0/minute", a valid setting): every hit refused, as `limits` does
            while found and found[0] < edge:
                found.popleft()
            if len(found) < limit:
                found.append(now)
                return None
            if not found:  # a limit of 0 after a lower one
                return seconds
            return max(found[0] + seconds - now, 0.0)

    def __len__(self) -> int:
        return len(self._hits)

    def _sweep(self, now: float) -> None:
        edge = now - self._longest
        idle = [
            key
            for key, hits in self._hits.items()
            if (not hits or hits[-1] < edge if isinstance(hits, deque) else hits < edge)
        ]
        for key in idle:
            del self._hits[key]
        self._swept_at = now


class Limiter:
    """`hit(scope, identity)` against the rate of `scope`; `rates` maps scope → "N/period"."""

    def __init__(self, storage: Storage | MemoryWindows, rates: dict[str, str]) -> None:
        self.storage = storage
        self.rates: dict[str, RateLimitItem] = {scope: parse(rate) for scope, rate in rates.items()}
        self._windows = storage if isinstance(storage, MemoryWindows) else None
        self._strategy = None if isinstance(storage, MemoryWindows) else MovingWindowRateLimiter(storage)
        self._warned_at = 0.0
        self._lock = threading.Lock()

    def hit(self, scope: str, identity: str) -> Verdict:
        item = self.rates[scope]
        if self._windows is not None:
            wait = self._windows.hit(item.key_for(scope, identity), item.amount, item.get_expiry())
            return Verdict(True) if wait is None else Verdict(False, max(1, int(wait) + 1))
        if self._strategy is None:  # unreachable: one of the two is set
            return Verdict(True)
        try:
            if self._strategy.hit(item, scope, identity):
                return Verdict(True)
            stats = self._strategy.get_window_stats(item, scope, identity)
        except Exception as exc:  # the shared storage is down: fail open, say so now and then
            self._storage_failed(exc)
            return Verdict(True)
        return Verdict(False, max(1, int(stats.reset_time - time.time()) + 1))

    def _storage_failed(self, exc: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._warned_at < _WARN_EVERY_SECONDS:
                return
            self._warned_at = now
        logger.warning("rate limits: the storage cannot be reached (%s); requests are let through", type(exc).__name__)


def build_storage(url: str | None, key_prefix: str) -> Storage | MemoryWindows:
    """`MemoryWindows` when `url` is None, else the storage the URL names (redis://, rediss://, redis+sentinel://)."""
    if url is None:
        return MemoryWindows()
    if url.startswith(("redis://", "rediss://", "redis+sentinel://")):
        found = storage_from_string(url, key_prefix=key_prefix, socket_timeout=1.0, socket_connect_timeout=1.0)
    else:
        raise ValueError("only memory (no URL) and Redis storages are supported")
    if not isinstance(found, Storage):
        raise ValueError("an asynchronous storage cannot be used here")
    return found
