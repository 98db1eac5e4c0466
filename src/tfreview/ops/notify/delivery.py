"""Bounded retries of one send: exponential backoff with full jitter, the server's Retry-After honoured.

A Retry-After longer than `max_retry_after_seconds` is not waited for: the delivery fails at once
(visible in the incident) rather than holding the notifier thread for minutes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from tfreview.core.redact import scrub_text
from tfreview.ops.notify.message import NotifyFailure

Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 30.0
    max_retry_after_seconds: float = 120.0
    attempt_seconds: float = 10.0  # the longest one attempt takes (the notifier's timeout): an outbox turn's clock

    def wait(self, attempt: int, retry_after: float | None, jitter: Callable[[], float] = random.random) -> float:
        """Seconds before attempt `attempt + 1`; the server's Retry-After when it gave one."""
        if retry_after is not None:
            return retry_after
        return float(jitter() * min(self.backoff_cap_seconds, self.backoff_base_seconds * 2.0 ** (attempt - 1)))


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    attempts: int
    error: str | None = None  # one scrubbed line, never a URL or a key
    retriable: bool = False  # failed on something that may pass later (5xx, 429, a timeout): worth a later turn
    retry_after: float | None = None  # the server's last Retry-After: a later turn waits at least that long


def deliver(
    send: Callable[[], None],
    policy: RetryPolicy,
    *,
    sleep: Sleep = time.sleep,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Outcome:
    """Call `send` until it succeeds, fails permanently or runs out of attempts; never raises NotifyFailure.
    With a `deadline` on `clock` (an outbox turn's: its claim must not expire under it, ADR 0639, 0643), another
    attempt is made only when its wait and the attempt itself (`policy.attempt_seconds`) end by it; otherwise the
    call ends: retriable, the wait as its `retry_after` — the time attempts take counts, not only the sleeps."""
    attempt = 0
    while True:
        attempt += 1
        try:
            send()
        except NotifyFailure as failure:
            reason = scrub_text(failure.reason.splitlines()[0] if failure.reason else "failed")
            if not failure.retriable or attempt >= policy.attempts:
                return Outcome(False, attempt, reason, retriable=failure.retriable, retry_after=failure.retry_after)
            if failure.retry_after is not None and failure.retry_after > policy.max_retry_after_seconds:
                too_long = f"{reason} (Retry-After {failure.retry_after:g} s is too long)"
                return Outcome(False, attempt, too_long, retriable=True, retry_after=failure.retry_after)
            wait = policy.wait(attempt, failure.retry_after)
            if deadline is not None and clock() + wait + policy.attempt_seconds > deadline:
                later = f"{reason} (next try in {wait:g} s, in a later turn)"
                return Outcome(False, attempt, later, retriable=True, retry_after=wait)
            sleep(wait)
            continue
        return Outcome(True, attempt)
