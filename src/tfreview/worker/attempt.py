"""One attempt at a job, as its handler sees it: the job, the services and the fencing check."""

from __future__ import annotations

import time
from dataclasses import dataclass

from tfreview.ports.jobs import AttemptFence, Job, StaleAttempt
from tfreview.service.container import Services


@dataclass
class Attempt:
    """`mark_lost` (the heartbeat thread) and `abandon` (the runner) raise flags the handler's thread reads in
    `check_lease`: plain attributes — one store and one load, atomic in CPython — where two `threading.Event`s
    per job cost more to build than the whole check (issue 13: nothing ever waits on them)."""

    services: Services
    job: Job
    _lost: bool = False
    _abandoned: bool = False
    ends_at: float | None = None  # time.monotonic() when the runner abandons it (set as its handler starts)

    def time_left(self) -> float:
        """Seconds until the runner abandons this attempt (infinite when it never does)."""
        return float("inf") if self.ends_at is None else max(0.0, self.ends_at - time.monotonic())

    @property
    def token(self) -> str:
        if self.job.attempt_token is None:  # a claimed job always carries one
            raise StaleAttempt(self.job.id)
        return self.job.attempt_token

    @property
    def fence(self) -> AttemptFence:
        """This attempt as the stores see it: a review write carrying it is refused once the job moved on."""
        return AttemptFence(self.job.id, self.token)

    def check_lease(self) -> None:
        """Call before every write that must come from the current attempt only.

        Raises StaleAttempt when the lease was lost (a heartbeat was refused, or the queue refuses
        this one) or the runner abandoned the attempt at its timeout; nothing may be written then."""
        if self._abandoned or self._lost:
            raise StaleAttempt(self.job.id)
        self.services.queue.heartbeat(self.job.id, self.token)

    def mark_lost(self) -> None:
        self._lost = True

    def abandon(self) -> None:
        self._abandoned = True

    @property
    def abandoned(self) -> bool:
        return self._abandoned

    def stopped(self) -> bool:
        """Abandoned or lost: a review process working for this attempt is killed (ADR 0689)."""
        return self._abandoned or self._lost
