"""The ONE place a worker decides whether a failure is worth retrying.

    permanent   InputError, ConfigError, IntegrityError, NotFound   the job goes dead, the review FAILED with the reason
                PermissionMissing (an AuthError: a 403 naming a     the same: retrying cannot grant it (ADR 0636)
                permission the credential lacks)
    retriable   UpstreamError (StoreUnavailable, KeysUnavailable), AttemptTimedOut, TimeoutError, ConnectionError,
                ReviewProcessEnded (ADR 0689)                       backoff; the review stays queued with the reason
                AuthError (an upstream refused a fresh credential)  the same, up to max_attempts: a token GitHub has
                                                                   just minted may be refused for a moment (ADR 0549)
    unexpected  anything else                                      retried up to max_attempts, then FAILED visibly
    waiting     DependencyPending (not a failure)                  the runner defers the job, the attempt uncounted,
                                                                   while the job is younger than 2 × review deadline
                UpstreamRateLimited (not a failure)                the same, while the job is younger than
                                                                   worker.rate_limit_wait_seconds (ADR 0515)
    permanent   RateLimitOutlasted                                 ...then the job goes dead, naming the rate limit

The reason is one line for a human, scrubbed of anything that looks like a secret and bounded in length.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreview.core.errors import (
    AuthError,
    ConfigError,
    InputError,
    IntegrityError,
    NotConfigured,
    NotFound,
    PermissionMissing,
    StoreUnavailable,
    TfreviewError,
    UpstreamError,
)
from tfreview.core.redact import scrub_text

REASON_MAX = 500
PERMANENT = (InputError, ConfigError, IntegrityError, NotFound, PermissionMissing)


class ReviewProcessEnded(TfreviewError):
    """The review process working for an attempt ended before it answered (killed, crashed; ADR 0689): retriable,
    and the next review starts a new process."""


RETRIABLE = (UpstreamError, AuthError, TimeoutError, ConnectionError, ReviewProcessEnded)


class AttemptTimedOut(TimeoutError):
    """The handler did not finish within the job timeout; the attempt is abandoned (its result discarded)."""

    def __init__(self, job_id: int, seconds: float) -> None:
        self.job_id = job_id
        self.seconds = seconds
        super().__init__(f"timed out after {seconds:g} s")


class RateLimitOutlasted(UpstreamError):
    """A job still rate limited by `upstream` when older than `worker.rate_limit_wait_seconds`: permanent."""

    def __init__(self, upstream: str, bound_seconds: float, reason: str) -> None:
        self.upstream = upstream
        self.bound_seconds = bound_seconds
        super().__init__(
            f"gave up waiting for {upstream}'s rate limit: still limited after {_duration(bound_seconds)}"
            f" (worker.rate_limit_wait_seconds): {reason}"
        )


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


@dataclass(frozen=True, slots=True)
class Failure:
    permanent: bool
    reason: str
    announce: bool = True  # False: the failure notice could reach no one (the integration is not configured)


RETRY_CAUSES = ("store", "upstream", "timeout", "connection", "unexpected")


def retry_cause(error: BaseException) -> str:
    """The `reason` label of tfreview_job_retries_total for a retried attempt's error (one of RETRY_CAUSES)."""
    if isinstance(error, StoreUnavailable):
        return "store"
    if isinstance(error, UpstreamError):
        return "upstream"
    if isinstance(error, TimeoutError):  # AttemptTimedOut included
        return "timeout"
    if isinstance(error, ConnectionError):
        return "connection"
    return "unexpected"


def classify(error: BaseException) -> Failure:
    """Permanent or retriable, with the reason to store on the job and the review."""
    if isinstance(error, NotConfigured):
        return Failure(True, reason_of(error), announce=False)
    if isinstance(error, (*PERMANENT, RateLimitOutlasted)):
        return Failure(True, reason_of(error))
    if isinstance(error, RETRIABLE):
        return Failure(False, reason_of(error))
    return Failure(False, f"internal error: {reason_of(error)}")


def message_of(error: BaseException) -> str | None:
    """`str(error)`, or None when its `__str__` raises (ADR 0699): no error escapes the telling of another."""
    try:
        return str(error)
    except Exception:  # any class's __str__ can fail in its own way
        return None


def reason_of(error: BaseException) -> str:
    message = message_of(error)
    if message is None:
        return f"{type(error).__name__} (its message could not be read)"
    text = message.strip().splitlines()
    line = text[0] if text else ""
    if not isinstance(error, (TfreviewError, AttemptTimedOut)):
        line = f"{type(error).__name__}: {line}" if line else type(error).__name__
    line = scrub_text(line)
    return line if len(line) <= REASON_MAX else line[: REASON_MAX - 1] + "…"
