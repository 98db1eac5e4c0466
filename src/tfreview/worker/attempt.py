"""One attempt at a job, as its handler sees it: the job, the services and the fencing check."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from tfreview.ports.jobs import AttemptFence, Job, StaleAttempt
from tfreview.service.container import Services


@dataclass
class Attempt:
    services: Services
    job: Job
    _lost: threading.Event = field(default_factory=threading.Event)
    _abandoned: threading.Event = field(default_factory=threading.Event)

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
        if self._abandoned.is_set() or self._lost.is_set():
            raise StaleAttempt(self.job.id)
        self.services.queue.heartbeat(self.job.id, self.token)

    def mark_lost(self) -> None:
        self._lost.set()

    def abandon(self) -> None:
        self._abandoned.set()

    @property
    def abandoned(self) -> bool:
        return self._abandoned.is_set()
