"""Load shedding: API reads and uploads get 503 + Retry-After while the queue is too deep or too old, or
while the `shed-load` alert action holds its lease (shared by every process through the database).

A queue too deep or too old, or the `shed-load` action of the queue-backlog alert, sheds only the tenants that
fill the queue (ADR 0561): a tenant with at least the mean number of queued jobs of the tenants waiting, or whose
oldest due job has waited past `shed_oldest_age_seconds`. The others' reads and uploads are served (fair share runs
their jobs first). The `shed-load` action of the other alerts, and a caller of no one tenant, shed everyone.

The queue (and each tenant's share of it) is looked at every `shed_check_seconds` at most, never per request,
and after the first look never on the request's thread: a stale answer is rechecked on a thread of its own (one
at a time) while requests go on with the last answer (a database that stops answering held the event loop, and
every request with it; ADR 0568). Signed webhooks are never shed: they are stored and queued whatever the load
(the web layer does not ask for them).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import timedelta

from tfreview.door.rereads import Reread
from tfreview.door.settings import DoorSettings
from tfreview.ops.incidents import Leases
from tfreview.ops.signals import QueueSignals, TenantBacklog
from tfreview.plumbing.clock import Clock, utcnow

logger = logging.getLogger("tfreview.door")
SHED_LEASE = "shed-load"  # held by the alert action for `shed_action_seconds`
SHED_QUEUE_LEASE = "shed-load-queue"  # held by the queue-backlog alert's action: sheds the tenants that fill it
SHED_OWNER = "shed-load-action"  # one owner: a repeated action extends the lease


class Shedder:
    def __init__(
        self,
        signals: Callable[[], QueueSignals],
        settings: DoorSettings,
        leases: Leases | None = None,
        *,
        backlog: Callable[[], Mapping[str, TenantBacklog]] | None = None,
        clock: Clock = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.signals = signals
        self.backlog = backlog  # each tenant's queued jobs (None: every caller is shed alike)
        self.settings = settings
        self.leases = leases
        self.clock = clock
        self._lock = threading.Lock()
        self._reason: str | None = None
        self._forced = False  # the reason is the shed-load action's: every tenant is shed
        self._tenants: Mapping[str, TenantBacklog] | None = None  # None: never read, or the last read failed
        self._forced_at = 0  # bumped by force(): a recheck begun before it does not write its answer back
        self._queue_look = Reread(self._check, self._every, "tfreview-door-shedding", monotonic=monotonic)
        self._tenants_look = Reread(self._read_tenants, self._every, "tfreview-door-tenants", monotonic=monotonic)

    def _every(self) -> float:
        return self.settings.shed_check_seconds  # read at each look: the settings may be swapped

    def shedding(self) -> str | None:
        """Why API reads and uploads are shed right now (None: they are served)."""
        last = self._reason
        if self._queue_look.due():  # the first answer: nothing to go on with yet
            return self._queue_look.read_now()
        return last  # fresh, or a recheck on its way (or shutting down): the last answer meanwhile

    def prime(self) -> None:
        """The first look, made now on this thread (Door.prime, before serve listens): every later one is made on a
        thread of its own (ADR 0580)."""
        self._queue_look.read_now()

    def close(self, timeout: float = 10.0) -> None:
        """Shutdown, before the database closes: start no further recheck, and wait up to `timeout` s for those
        running (one holding a connection when the pool was disposed left it unclosed; flaky16)."""
        deadline = time.monotonic() + timeout  # the real clock (a test's hand-moved one does not bound a join)
        for look in (self._queue_look, self._tenants_look):
            look.close(deadline - time.monotonic())

    def wait_for_check(self, timeout: float = 30.0) -> None:
        """Wait for a background recheck in progress (tests, shutdown)."""
        for look in (self._queue_look, self._tenants_look):
            look.wait(timeout)

    def _check(self) -> str | None:
        with self._lock:
            began = self._forced_at
        reason, forced = self._decide()
        with self._lock:
            if began != self._forced_at:  # force() answered meanwhile: its answer stands until the next recheck
                return self._reason
            if reason != self._reason:
                logger.warning("load shedding %s", f"on: {reason}" if reason else "off")
            self._reason, self._forced = reason, forced
        return reason

    @property
    def per_tenant(self) -> bool:
        """Whether the current shedding spares the tenants that do not fill the queue (`shedding_for` decides)."""
        with self._lock:
            return self.backlog is not None and self._reason is not None and not self._forced

    def shedding_for(self, tenant_id: str | None) -> str | None:
        """Why this tenant's API reads and uploads are shed right now (None: they are served)."""
        reason = self.shedding()
        if reason is None or tenant_id is None or not self.per_tenant:
            return reason
        backlog = self._tenant_backlog()
        if backlog is None:  # the queue could not be read per tenant: shed alike, as before
            return reason
        mine = backlog.get(tenant_id)
        if mine is None:
            return None
        mean = sum(b.queued for b in backlog.values()) / len(backlog)
        if mine.queued >= mean or mine.oldest_queued_age_seconds > self.settings.shed_oldest_age_seconds:
            return reason
        return None

    def _tenant_backlog(self) -> Mapping[str, TenantBacklog] | None:
        """Each tenant's queued jobs; after the first read, a stale copy is reread on a thread of its own while
        callers go on with the last one (ADR 0568)."""
        last = self._tenants
        if self._tenants_look.due():
            return self._tenants_look.read_now()
        return last

    def _read_tenants(self) -> Mapping[str, TenantBacklog] | None:
        assert self.backlog is not None
        found: Mapping[str, TenantBacklog] | None
        try:
            found = dict(self.backlog())
        except Exception as exc:
            logger.warning("load shedding: the queue could not be read per tenant: %s", type(exc).__name__)
            found = None
        with self._lock:
            self._tenants = found
        return found

    def force(self, *, per_tenant: bool = False) -> bool:
        """The `shed-load` action: shed for `shed_action_seconds` in every process (False: no lease store);
        `per_tenant` (the queue is the cause): only the tenants that fill the queue."""
        if self.leases is None:
            return False
        lease = SHED_QUEUE_LEASE if per_tenant else SHED_LEASE
        self.leases.acquire(lease, SHED_OWNER, self.settings.shed_action_seconds)
        until = self.clock() + timedelta(seconds=self.settings.shed_action_seconds)
        with self._lock:
            # this process sheds at once (a recheck would take one read, and one begun before the lease was taken
            # would write back "not shedding"); the others see the lease at their next recheck (review16c)
            if self._reason is None:
                logger.warning("load shedding on: the shed-load action holds until %s", until.isoformat())
            self._reason = self._reason or f"the shed-load action holds until {until.isoformat(timespec='seconds')}"
            self._forced = self._forced or not per_tenant
            self._forced_at += 1
        self._queue_look.touch()
        return True

    def _decide(self) -> tuple[str | None, bool]:
        """(why shed, whether the shed-load action holds: then every tenant is shed)."""
        try:
            found = self.signals()
        except Exception as exc:  # the database is down: the readiness check says so; do not shed for it
            logger.warning("load shedding: the queue could not be read: %s", type(exc).__name__)
            return None, False
        settings = self.settings
        reason = None
        if found.queued > settings.shed_queue_depth:
            reason = f"{found.queued} jobs queued (limit {settings.shed_queue_depth})"
        elif found.oldest_queued_age_seconds > settings.shed_oldest_age_seconds:
            age, limit = found.oldest_queued_age_seconds, settings.shed_oldest_age_seconds
            reason = f"the oldest job waited {age:.0f} s (limit {limit:g} s)"
        for lease, everyone in ((SHED_LEASE, True), (SHED_QUEUE_LEASE, False)):
            if self.leases is None:
                break
            try:
                held = self.leases.holder(lease)
            except Exception:  # as above: no shedding for a database fault
                held = None
            if held is not None and held.expires_at > self.clock():
                until = held.expires_at.isoformat(timespec="seconds")
                return reason or f"the shed-load action holds until {until}", everyone
        return reason, False
