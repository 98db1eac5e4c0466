"""The worker loop: claim → run the handler under a lease (heartbeat, timeout) → complete or fail.

Delivery is at-least-once: a job whose worker dies is re-claimed after its lease expires. Every write
of a result is fenced by the attempt token (`Attempt.check_lease`, `queue.complete`), so a worker that
lost its lease — a zombie after a pause, or an attempt abandoned at its timeout — writes nothing and
publishes nothing; publish jobs are keyed by review and content, so a repeat run publishes once. A failed
job's review says so in the queue's own transaction (`JobQueue.fail`, `reap`): never `in_progress` after it.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from tfreview.core.errors import ConfigError, DependencyPending
from tfreview.ops.log_context import bound
from tfreview.ports.job_types import log_fields, review_id_of
from tfreview.ports.jobs import Job, JobState, StaleAttempt
from tfreview.service.container import Services
from tfreview.worker.attempt import Attempt
from tfreview.worker.errors import AttemptTimedOut, classify, reason_of
from tfreview.worker.handlers import HANDLERS, Handler
from tfreview.worker.job_threads import HandlerThreads, Heartbeats

logger = logging.getLogger("tfreview.worker")
INTAKE_YIELD_SECONDS = 1.0  # the longest a worker waits for an intake burst before it claims anyway
INTAKE_YIELD_STEP_SECONDS = 0.02


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one claimed job (returned by `Worker.run_once`, for tests and metrics)."""

    job: Job
    result: str  # "succeeded" | "retrying" | "waiting" (not counted) | "dead" | "discarded" (lease lost)
    reason: str | None = None
    permanent: bool = False  # the failure was not retriable (dead at once, not out of attempts)

    @property
    def label(self) -> str:
        """The `outcome` label of tfreview_jobs_total."""
        if self.result == "dead":
            return "failed" if self.permanent else "dead_lettered"
        return {"retrying": "retried", "discarded": "lease_lost"}.get(self.result, self.result)


class Worker:
    def __init__(
        self,
        services: Services,
        worker_id: str,
        *,
        stop_event: threading.Event | None = None,
        handlers: Mapping[str, Handler] | None = None,
        kinds: Sequence[str] | None = None,
        job_timeout_seconds: float | None = None,
    ) -> None:
        self.services = services
        self.worker_id = worker_id
        self.stop_event = stop_event or threading.Event()
        self.handlers = dict(handlers if handlers is not None else HANDLERS)
        self.kinds = list(kinds) if kinds is not None else None
        settings = services.settings.worker
        # One attempt may not outlive the review deadline; the lease is kept alive by heartbeats meanwhile.
        self.job_timeout_seconds = job_timeout_seconds or settings.review_deadline_seconds
        # reused for the worker's life: no thread started per job (issue 13)
        self._handler_threads = HandlerThreads(worker_id)
        self._heartbeats = Heartbeats(f"{worker_id}/heartbeat", settings.heartbeat_seconds, self._heartbeat)

    # --- the loop ------------------------------------------------------------------------------

    def run_once(self) -> Outcome | None:
        """Claim one job and process it; None when nothing is runnable."""
        job = self.services.queue.claim(self.worker_id, kinds=self.kinds or None)
        if job is None:
            return None
        return self.process(job)

    def run(self, concurrency: int | None = None) -> None:
        """Process jobs on `concurrency` threads until `stop_event` is set; in-flight jobs finish first."""
        count = concurrency or self.services.settings.worker.concurrency
        threads = [threading.Thread(target=self.loop, name=f"{self.worker_id}/{n}", daemon=True) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def loop(self) -> None:
        poll = self.services.settings.worker.poll_interval_seconds
        idle = poll
        while not self.stop_event.is_set():
            self._make_way_for_intake()
            try:
                outcome = self.run_once()
            except Exception as exc:  # the store is down or locked: back off, never die
                logger.warning("worker %s: cannot claim: %s", self.worker_id, reason_of(exc))
                idle = min(idle * 2, 30.0)
                self.stop_event.wait(idle)
                continue
            idle = poll
            if outcome is None:
                self.stop_event.wait(poll)

    def _make_way_for_intake(self) -> None:
        """Webhook deliveries first (ADR 0127): while the intake writes a burst, wait before claiming — a claim
        takes the same SQLite writer and competes for the same CPU — but never longer than INTAKE_YIELD_SECONDS,
        so reviews still progress under sustained load."""
        deadline = time.monotonic() + INTAKE_YIELD_SECONDS
        while self.services.intake.busy() and time.monotonic() < deadline and not self.stop_event.is_set():
            self.stop_event.wait(INTAKE_YIELD_STEP_SECONDS)

    # --- one job -------------------------------------------------------------------------------

    def process(self, job: Job) -> Outcome:
        begun = time.perf_counter()
        with bound(job_id=job.id, **log_fields(job)):
            outcome = self._process(job)
        metrics = self.services.metrics
        metrics.observe("tfreview_job_duration_seconds", time.perf_counter() - begun, kind=job.kind)
        metrics.count("tfreview_jobs_total", kind=job.kind, outcome=outcome.label)
        return outcome

    def _process(self, job: Job) -> Outcome:
        attempt = Attempt(self.services, job)
        handler = self.handlers.get(job.kind)
        error = self._run_handler(attempt, handler) if handler is not None else _unknown_kind(job)
        if error is None:
            try:
                self.services.queue.complete(job.id, attempt.token)
            except StaleAttempt:
                logger.warning("job %s: lease lost before completion; result discarded", job.id)
                return Outcome(job, "discarded", "lease lost")
            return Outcome(job, "succeeded")
        if isinstance(error, StaleAttempt):
            logger.warning("job %s: lease lost during attempt %s; result discarded", job.id, job.attempts)
            return Outcome(job, "discarded", "lease lost")
        if isinstance(error, DependencyPending) and self._may_wait(job):
            return self._wait(attempt, error)
        return self._fail(attempt, error)

    def _may_wait(self, job: Job) -> bool:
        """Waiting is not failing — within a bound: a job older than twice the review deadline (what it waits for
        has had every chance to finish, a crash and a re-claim included) counts its attempts again."""
        limit = timedelta(seconds=2 * self.services.settings.worker.review_deadline_seconds)
        return self.services.clock() - job.created_at <= limit

    def _wait(self, attempt: Attempt, pending: DependencyPending) -> Outcome:
        job = attempt.job
        reason = reason_of(pending)
        run_after = self.services.clock() + timedelta(seconds=pending.retry_after_seconds)
        try:
            waiting = self.services.queue.defer(job.id, attempt.token, reason, run_after)
        except StaleAttempt:
            return Outcome(job, "discarded", "lease lost")
        logger.info("job %s (%s) waits: %s", job.id, job.kind, reason)  # its review says so (same transaction)
        return Outcome(waiting, "waiting", reason)

    def _run_handler(self, attempt: Attempt, handler: Handler) -> BaseException | None:
        """Run the handler on a thread of its own (lent, see job_threads.py), heartbeating meanwhile; abandon it
        at the job timeout."""
        done = threading.Event()
        errors: list[BaseException] = []

        def target() -> None:
            try:
                handler(attempt)
            except BaseException as exc:  # handed to the runner, which classifies it
                errors.append(exc)
            finally:
                done.set()

        context = contextvars.copy_context()  # the job's log ids follow it onto the handler's thread
        self._heartbeats.start(attempt)
        try:
            thread = self._handler_threads.start(lambda: context.run(target))
            finished = done.wait(self.job_timeout_seconds)
            if not finished:
                attempt.abandon()  # the handler thread may still wake; check_lease() stops its writes
            self._handler_threads.give_back(thread, finished=finished)
        finally:
            self._heartbeats.stop(attempt)  # returns once no beat of this attempt is in flight
        if not finished:
            return AttemptTimedOut(attempt.job.id, self.job_timeout_seconds)
        return errors[0] if errors else None

    def _heartbeat(self, attempt: Attempt) -> bool:
        """One renewal of the attempt's lease (on the worker's heartbeat thread); False once the lease is lost."""
        try:
            self.services.queue.heartbeat(attempt.job.id, attempt.token)
        except StaleAttempt:
            attempt.mark_lost()
            logger.warning("job %s: heartbeat refused; the lease was lost", attempt.job.id)
            return False
        except Exception as exc:  # the store blipped; try again at the next beat
            logger.warning("job %s: heartbeat failed: %s", attempt.job.id, reason_of(exc))
        return True

    def _fail(self, attempt: Attempt, error: BaseException) -> Outcome:
        job = attempt.job
        failure = classify(error)
        logger.warning("job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempts, failure.reason)
        try:
            failed = self.services.queue.fail(job.id, attempt.token, failure.reason, permanent=failure.permanent)
        except StaleAttempt:
            return Outcome(job, "discarded", "lease lost")
        dead = failed.state == JobState.DEAD
        if dead:
            logger.error("job %s (%s) is dead: %s", job.id, job.kind, failure.reason)
        if dead and review_id_of(job) is not None:  # the queue marked its review failed
            self.services.metrics.count("tfreview_reviews_finished_total", status="failed")
        return Outcome(failed, "dead" if dead else "retrying", failure.reason, permanent=failure.permanent)


def _unknown_kind(job: Job) -> BaseException:
    return ConfigError(f"no handler for jobs of kind {job.kind!r}")
