"""Load shedding: API reads and uploads get 503 + Retry-After while the queue is too deep or too old, or
while the `shed-load` alert action holds its lease (shared by every process through the database).

The queue is looked at every `shed_check_seconds` at most, never per request, and after the first look never
on the request's thread: a stale answer is rechecked on a thread of its own (one at a time) while requests go
on with the last answer (a database that stops answering held the event loop, and every request with it; ADR
0568). Signed webhooks are never shed: they are stored and queued whatever the load (the web layer does not ask
for them).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from tfreview.door.settings import DoorSettings
from tfreview.ops.incidents import Leases
from tfreview.ops.signals import QueueSignals
from tfreview.plumbing.clock import Clock, utcnow

logger = logging.getLogger("tfreview.door")
SHED_LEASE = "shed-load"  # held by the alert action for `shed_action_seconds`
SHED_OWNER = "shed-load-action"  # one owner: a repeated action extends the lease


class Shedder:
    def __init__(
        self,
        signals: Callable[[], QueueSignals],
        settings: DoorSettings,
        leases: Leases | None = None,
        *,
        clock: Clock = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.signals = signals
        self.settings = settings
        self.leases = leases
        self.clock = clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._checked_once = False
        self._checking: threading.Thread | None = None
        self._reason: str | None = None

    def shedding(self) -> str | None:
        """Why API reads and uploads are shed right now (None: they are served)."""
        now = self._monotonic()
        with self._lock:
            if self._checked_at is not None and now - self._checked_at < self.settings.shed_check_seconds:
                return self._reason
            if self._checking is not None and self._checking.is_alive():
                return self._reason  # a recheck is on its way: the last answer meanwhile
            self._checked_at = now
            last, thread = self._reason, None
            if self._checked_once:
                thread = threading.Thread(target=self._check, name="tfreview-door-shedding", daemon=True)
                self._checking = thread
        if thread is None:  # the first answer: nothing to go on with yet
            return self._check()
        thread.start()
        return last

    def wait_for_check(self, timeout: float = 30.0) -> None:
        """Wait for a background recheck in progress (tests, shutdown)."""
        thread = self._checking
        if thread is not None:
            thread.join(timeout)

    def _check(self) -> str | None:
        reason = self._decide()
        with self._lock:
            if reason != self._reason:
                logger.warning("load shedding %s", f"on: {reason}" if reason else "off")
            self._reason = reason
            self._checked_once = True
        return reason

    def force(self) -> bool:
        """The `shed-load` action: shed for `shed_action_seconds` in every process (False: no lease store)."""
        if self.leases is None:
            return False
        self.leases.acquire(SHED_LEASE, SHED_OWNER, self.settings.shed_action_seconds)
        with self._lock:
            self._checked_at = None
        return True

    def _decide(self) -> str | None:
        try:
            found = self.signals()
        except Exception as exc:  # the database is down: the readiness check says so; do not shed for it
            logger.warning("load shedding: the queue could not be read: %s", type(exc).__name__)
            return None
        settings = self.settings
        if found.queued > settings.shed_queue_depth:
            return f"{found.queued} jobs queued (limit {settings.shed_queue_depth})"
        if found.oldest_queued_age_seconds > settings.shed_oldest_age_seconds:
            age, limit = found.oldest_queued_age_seconds, settings.shed_oldest_age_seconds
            return f"the oldest job waited {age:.0f} s (limit {limit:g} s)"
        if self.leases is not None:
            try:
                held = self.leases.holder(SHED_LEASE)
            except Exception:  # as above: no shedding for a database fault
                held = None
            if held is not None and held.expires_at > self.clock():
                return f"the shed-load action holds until {held.expires_at.isoformat(timespec='seconds')}"
        return None
