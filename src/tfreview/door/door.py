"""`Door`: the limiter, the block guard and the shedder together, as the web layer and the alert actions use them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tfreview.door.addresses import Network
from tfreview.door.blocks import Guard
from tfreview.door.limiter import Limiter, Verdict
from tfreview.door.settings import DoorSettings
from tfreview.door.shedding import Shedder
from tfreview.ops.recorder import NullRecorder, Recorder

IP, TOKEN, TENANT = "ip", "token", "tenant"  # the limiter's request scopes (and the metric's `scope` label)


@dataclass
class Door:
    settings: DoorSettings
    limiter: Limiter
    guard: Guard
    shedder: Shedder
    trusted_proxies: tuple[Network, ...] = ()
    metrics: Recorder = field(default_factory=NullRecorder)

    def prime(self) -> None:
        """Make the block cache's and the shedder's first looks now, on this thread (serve, before it listens): after
        them, a request never reads the database on its own thread — the event loop's (ADR 0568, 0580). Without
        this, the shedder's first look waited for the first API request, which may come long after the start,
        with the database stalled by then, and held the loop meanwhile. A read that fails is logged; the caches
        go on from it (fail open), as later reloads do."""
        self.guard.refresh()
        self.shedder.prime()

    def close(self, timeout: float = 10.0) -> None:
        """Shutdown (a closer of the services, run before the database's): the guard's and the shedder's background
        reads and writes are waited for, `timeout` s at most in all, and no new one starts."""
        deadline = time.monotonic() + timeout
        self.guard.close(timeout)
        self.shedder.close(max(0.0, deadline - time.monotonic()))

    def over_limit(self, scope: str, identity: str) -> Verdict:
        """One request of `identity` in `scope` (ip, token); refused with a Retry-After when over the rate."""
        if not self.settings.rate_limits:
            return Verdict(True)
        verdict = self.limiter.hit(scope, identity)
        if not verdict.allowed:
            self.metrics.count("tfreview_rate_limited_total", scope=scope)
        return verdict

    def tenant_delivery(self, tenant: str) -> bool:
        """A signed delivery for `tenant`: counted against its rate, NEVER refused (fair share does the rest).
        False when the tenant is over its rate (the caller logs it; the delivery is accepted anyway)."""
        if not self.settings.rate_limits:
            return True
        verdict = self.limiter.hit(TENANT, tenant)
        if not verdict.allowed:
            self.metrics.count("tfreview_rate_limited_total", scope=TENANT)
        return verdict.allowed
