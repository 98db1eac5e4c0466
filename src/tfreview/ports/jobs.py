"""Jobs of the durable queue as the queue port sees them (payload: an open JSON object; its typed kinds
and their codecs are in `tfreview.ports.job_types`)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tfreview.core.redact import scrub_text


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for run_after
    RUNNING = "running"  # claimed, lease held
    SUCCEEDED = "succeeded"
    DEAD = "dead"  # failed permanently or out of attempts; kept for inspection and manual retry


@dataclass(frozen=True, slots=True)
class NewJob:
    kind: str
    tenant_id: str
    idempotency_key: str  # unique: enqueueing the same key twice creates one job
    payload: dict[str, Any] = field(default_factory=dict)
    max_attempts: int = 5


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    tenant_id: str
    idempotency_key: str
    payload: dict[str, Any]
    state: JobState
    attempts: int  # attempts started so far (the current one included when RUNNING)
    max_attempts: int
    run_after: datetime
    attempt_token: str | None  # set at claim; complete/fail/heartbeat must present it
    lease_expires_at: datetime | None
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter: delay = random(0, min(cap, base * 2**(attempt-1)))."""

    base_seconds: float = 2.0
    cap_seconds: float = 300.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        ceiling = min(self.cap_seconds, self.base_seconds * (2 ** max(0, attempt - 1)))
        return (rng or random).uniform(0, ceiling)


@dataclass(frozen=True, slots=True)
class AttemptFence:
    """The attempt a worker's write comes from. A store given one writes only while this attempt is still the
    job's current one (state running, same token), checked in the same transaction as the write, and raises
    StaleAttempt otherwise: a worker thawed past its lease can no longer overwrite what a newer attempt wrote."""

    job_id: int
    token: str


class StaleAttempt(Exception):
    """A worker presented an attempt token that is no longer current (its lease expired and the job moved on)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        super().__init__(f"job {job_id}: attempt token is stale; the result is discarded")


@dataclass(frozen=True, slots=True)
class Settlement:
    """The end of one attempt, recorded with others in one transaction (`JobQueue.settle`): `error` None means it
    succeeded (as `complete`), otherwise it failed (as `fail`, `permanent` or retriable)."""

    job_id: int
    attempt_token: str
    error: str | None = None
    permanent: bool = False
    announce: bool = True  # a dead-lettered job's failure notice is enqueued (ADR 0380), unless False (ADR 0382)


# what `settle` answers for each Settlement: None (completed), the failed job, or the refusal of a stale attempt
Settled = Job | StaleAttempt | None


MAX_ERROR_CHARS = 4000  # of a job's last_error


def job_error(text: str) -> str:
    """A failure's reason as every queue keeps it: scrubbed of secrets, a NUL written out (`\\x00`: PostgreSQL's text
    cannot hold one, and an upstream's words in the reason may — its driver refused the settlement, review19a), and
    at most MAX_ERROR_CHARS characters."""
    return scrub_text(text).replace("\x00", "\\x00")[:MAX_ERROR_CHARS]


def settle_each(
    settlements: Sequence[Settlement],
    complete: Callable[[int, str], None],
    fail: Callable[[int, str, str, bool, bool], Job],
) -> list[Settled]:
    """`JobQueue.settle` for a store without multi-row transactions: each settlement on its own, in order."""
    answers: list[Settled] = []
    for one in settlements:
        try:
            if one.error is None:
                complete(one.job_id, one.attempt_token)
                answers.append(None)
            else:
                answers.append(fail(one.job_id, one.attempt_token, one.error, one.permanent, one.announce))
        except StaleAttempt as stale:
            answers.append(stale)
    return answers
