"""Rate limits and failure counts with the `limits` library: moving windows in memory or in Redis.

Memory (embedded mode) counts per process; Redis (scaled mode, `TFREVIEW_DOOR__STORAGE_URL`) shares the
counts between every API process. The keys carry the prefix setting, a scope and an identity that is an
address or a hash — never a token. A Redis that cannot be reached lets requests through (fail open:
the limit is protection, not a dependency) and is logged once per minute.
"""

from __future__ import annotations

import logging
import threading
import time
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


class Limiter:
    """`hit(scope, identity)` against the rate of `scope`; `rates` maps scope → "N/period"."""

    def __init__(self, storage: Storage, rates: dict[str, str]) -> None:
        self.storage = storage
        self.rates: dict[str, RateLimitItem] = {scope: parse(rate) for scope, rate in rates.items()}
        self._strategy = MovingWindowRateLimiter(storage)
        self._warned_at = 0.0
        self._lock = threading.Lock()

    def hit(self, scope: str, identity: str) -> Verdict:
        item = self.rates[scope]
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


def build_storage(url: str | None, key_prefix: str) -> Storage:
    """memory:// when `url` is None, else the storage the URL names (redis://, rediss://, redis+sentinel://)."""
    if url is None:
        found = storage_from_string("memory://")
    elif url.startswith(("redis://", "rediss://", "redis+sentinel://")):
        found = storage_from_string(url, key_prefix=key_prefix, socket_timeout=1.0, socket_connect_timeout=1.0)
    else:
        raise ValueError("only memory (no URL) and Redis storages are supported")
    if not isinstance(found, Storage):
        raise ValueError("an asynchronous storage cannot be used here")
    return found
