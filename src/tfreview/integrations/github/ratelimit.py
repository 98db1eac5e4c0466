"""GitHub's rate limits, honoured before GitHub has to enforce them.

Three things, per key (an installation id, `app` for app-JWT calls, `token` for a plain token):

- **primary** — every answer carries `x-ratelimit-remaining` and `x-ratelimit-reset` (epoch seconds);
  once `remaining` is 0, the next request waits until `reset`;
- **secondary** — 403/429 with `retry-after` (or, without one, a refusal that names a limit — "secondary rate
  limit", "abuse detection", in its JSON or its HTML page — `names_a_limit`: a
  minute, as GitHub documents): the key waits at least that long, then the same request is sent
  again — a refused write was not performed, so resending it loses nothing and duplicates nothing;
- **write pacing** — content-creating requests (POST/PATCH/PUT/DELETE) are held to
  `writes_per_minute` in ANY 60-second window and `writes_per_hour` in any hour (GitHub: 80/min,
  500/h). A sliding-window log, not a refilling bucket: a bucket of 80 that refills at 80/min lets
  ~160 writes through in the first minute, which is exactly what GitHub punishes.

A reset or Retry-After more than `LONGEST_WAIT` (an hour, GitHub's longest window) away is read as an hour:
a server that says 1e12 or the year 9999 is broken or hostile, and must not block a key, or defer a job, for
ever. A wait longer than `max_wait_seconds` is not slept: `RateLimited` is raised with the wait, so a
worker gives the job back to the queue instead of holding a thread for an hour. Clock and sleep
are injected; tests read the recorded sleeps instead of sleeping.

With `restart_writes` (the service: issue 9.11) a WRITE is never sent after a rate-limit wait, nor resent
after a refusal: `RateLimited` is raised instead (the key stays blocked for the wait), and the publish
job restarts from the top after the wait — re-reading the head, searching its comment again, under
the per-PR publish lease — since another process may have published a newer review meanwhile. Our own
write pacing may still delay a write up to `RESTART_PACING_SECONDS` (nothing was refused, and the
lease outlasts it). Reads still wait and are sent (they change nothing) — for at most `RESTART_READ_SECONDS`: a
longer wait is raised too, so one installation's limit never holds the worker threads every tenant shares (ADR 0609).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tfreview.integrations.github.errors import RateLimited
from tfreview.ops.recorder import NullRecorder, Recorder
from tfreview.plumbing.http import header_number, parse_retry_after

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], None]

RESTART_PACING_SECONDS = 30.0  # restart_writes: our own pacing may delay a write this long (well within a lease)
RESTART_READ_SECONDS = 60.0  # restart_writes: a read sleeps at most GitHub's default minute in a shared thread
SECONDARY_DEFAULT_WAIT = 60.0  # GitHub: "wait for at least one minute" when no retry-after is given
LONGEST_WAIT = 3600.0  # GitHub's windows are an hour: a reset or Retry-After further off is not GitHub's (ADR 0499)
_MINUTE = 60.0
_HOUR = 3600.0
# how a 403 names a rate limit when it carries no header saying so: "You have exceeded a secondary rate limit",
# "You have triggered an abuse detection mechanism" (GitHub's older wording, and its HTML page), their
# documentation_url anchors, and the primary limit's "API rate limit exceeded" from behind a proxy that drops headers
_LIMIT_WORDS = (
    "secondary rate limit",
    "abuse detection",
    "rate limit exceeded",
    "#abuse-rate-limits",
    "#secondary-rate-limits",
)


def names_a_limit(text: str) -> bool:
    """True when a refusal's text (message, documentation_url, or an HTML page) says it is a rate limit."""
    lowered = text.lower()
    return any(words in lowered for words in _LIMIT_WORDS)


@dataclass
class _KeyState:
    blocked_until: float = 0.0
    blocked_kind: str = "primary"
    writes: deque[list[float]] = field(default_factory=deque)  # [time] per write of the last hour: its start,
    # then its end once answered — GitHub counts a write somewhere in between, so the later time is kept
    refusals: int = 0  # secondary refusals in a row: each doubles the wait GitHub states (ADR 0589)
    refused_write: bool = False  # the last refusal was of a write: only a write that goes through ends the row


class RateLimiter:
    """Shared by every client of one process; thread-safe."""

    def __init__(
        self,
        *,
        writes_per_minute: int = 80,
        writes_per_hour: int = 500,
        max_wait_seconds: float = 900.0,
        clock: Clock = time.time,
        sleep: Sleep = time.sleep,
        restart_writes: bool = False,
        metrics: Recorder | None = None,
    ) -> None:
        self.restart_writes = restart_writes
        self.metrics: Recorder = metrics or NullRecorder()  # refusals whose doubled wait reached LONGEST_WAIT
        self.writes_per_minute = writes_per_minute
        self.writes_per_hour = writes_per_hour
        self.max_wait_seconds = max_wait_seconds
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._keys: dict[str, _KeyState] = {}

    def before_request(self, key: str, *, write: bool) -> list[float] | None:
        """Wait (sleep) until `key` may send a request. A write takes a slot in the write windows and
        gets it back: pass it to `write_done` once the answer (or the failure) is in."""
        while True:
            with self._lock:
                state = self._keys.setdefault(key, _KeyState())
                now = self._clock()
                wait, kind = self._wait(state, now, write=write)
                if wait <= 0:
                    if not write:
                        return None
                    slot = [now]
                    state.writes.append(slot)
                    return slot
            if write and self.restart_writes and (kind != "pacing" or wait > RESTART_PACING_SECONDS):
                raise RateLimited(
                    f"GitHub {kind} rate limit for {key}: a write would wait {wait:.0f} s; restart after it",
                    wait_seconds=wait,
                    kind=kind,
                )
            if not write and self.restart_writes and wait > RESTART_READ_SECONDS:  # the job is handed back instead
                raise RateLimited(
                    f"GitHub {kind} rate limit for {key}: a read would wait {wait:.0f} s; retried after it",
                    wait_seconds=wait,
                    kind=kind,
                )
            self._pause(key, wait, kind)

    def write_done(self, slot: list[float] | None) -> None:
        """The write of `slot` is answered: it counts from now on (GitHub saw it no later than this)."""
        if slot is not None:
            with self._lock:
                slot[0] = max(slot[0], self._clock())

    def after_response(
        self, key: str, status: int, headers: Mapping[str, str], message: str = "", *, write: bool = False
    ) -> float | None:
        """Record the limits an answer reports. Returns the wait before retrying when the answer is a
        rate-limit refusal (403/429), else None. A secondary refusal that follows another one without a request
        of its kind going through in between waits twice as long as the one before (GitHub: "wait for an
        exponentially increasing amount of time between retries"), up to `LONGEST_WAIT`. The row ends with a request
        of the refused kind that goes through, or an hour past its last wait without a refusal."""
        now = self._clock()
        remaining = header_number(headers.get("x-ratelimit-remaining"))
        reset = header_number(headers.get("x-ratelimit-reset"))
        if reset is not None:
            reset = min(reset, now + LONGEST_WAIT)
        retry_after = parse_retry_after(headers)
        if retry_after is not None:
            retry_after = min(retry_after, LONGEST_WAIT)
        refused: float | None = None
        capped = False
        with self._lock:
            state = self._keys.setdefault(key, _KeyState())
            if state.refusals and now - state.blocked_until > LONGEST_WAIT:
                state.refusals = 0  # an hour past its last wait without a refusal: a row left open is over (ADR 0609)
            if remaining is not None and remaining <= 0 and reset is not None:
                self._block(state, reset, "primary")
                if status in (403, 429):
                    refused = max(reset - now, 1.0)
                    # a reset already past by our clock (GitHub's is behind, or its whole second rounds down):
                    # the refusal still stands, so the next request waits the second it says, not none
                    self._block(state, now + refused, "primary")
            if status in (403, 429) and refused is None:
                if retry_after is not None:  # `retry-after: 0` is still a refusal: a second, as the App's own
                    refused = max(retry_after, 1.0)  # requests and Spacelift's 429 wait (ADR 0515)
                elif status == 429 or names_a_limit(message):
                    refused = SECONDARY_DEFAULT_WAIT
                if refused is not None:
                    # a request sent while the key was already blocked (in flight beside the one refused first) is
                    # the same refusal, not one more in the row: it does not double the wait again
                    again = state.blocked_until <= now or state.blocked_kind != "secondary"
                    row = state.refusals if again else max(state.refusals - 1, 0)
                    refused = min(refused * 2 ** min(row, 12), max(refused, LONGEST_WAIT))
                    state.refusals, state.refused_write = state.refusals + int(again), write
                    self._block(state, now + refused, "secondary")
                    capped = again and refused >= LONGEST_WAIT
            if status < 400 and (write or not state.refused_write):
                state.refusals = 0
        if refused is not None:
            log.warning("GitHub rate limit for %s: waiting %.0f s before the next request", key, refused)
        if capped:  # GitHub has refused us for an hour and more: the github-secondary-limit-capped alert (ADR 0611)
            self.metrics.count("tfreview_github_secondary_limit_capped_total")
        return refused

    def _wait(self, state: _KeyState, now: float, *, write: bool) -> tuple[float, str]:
        if state.blocked_until > now:
            return state.blocked_until - now, state.blocked_kind
        if not write:
            return 0.0, ""
        state.writes = deque(slot for slot in state.writes if slot[0] > now - _HOUR)
        for window, limit in ((_HOUR, self.writes_per_hour), (_MINUTE, self.writes_per_minute)):
            times = sorted(slot[0] for slot in state.writes if slot[0] > now - window)
            if len(times) >= limit:
                # wait until enough of them leave the window that one more fits
                return max(times[len(times) - limit] + window - now, 1e-3), "pacing"
        return 0.0, ""

    @staticmethod
    def _block(state: _KeyState, until: float, kind: str) -> None:
        if until > state.blocked_until:
            state.blocked_until, state.blocked_kind = until, kind

    def _pause(self, key: str, wait: float, kind: str) -> None:
        if wait > self.max_wait_seconds:
            raise RateLimited(
                f"GitHub {kind} rate limit for {key}: {wait:.0f} s to wait, more than {self.max_wait_seconds:.0f} s",
                wait_seconds=wait,
                kind=kind,
            )
        self._sleep(wait)
