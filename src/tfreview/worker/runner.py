"""The worker loop: claim → run the handler under a lease (heartbeat, timeout) → complete or fail.

Delivery is at-least-once: a job whose worker dies is re-claimed after its lease expires. Every write
of a result is fenced by the attempt token (`Attempt.check_lease`, `queue.complete`), so a worker that
lost its lease — a zombie after a pause, or an attempt abandoned at its timeout — writes nothing and
publishes nothing; publish jobs are keyed by review and content, so a repeat run publishes once. A failed
job's review says so in the queue's own transaction (`JobQueue.fail`, `reap`): never `in_progress` after it.

Batches (ADR 0350): `loop` claims up to `batch` jobs in one transaction (`JobQueue.claim_many`), runs them one
after another, every claimed attempt heartbeaten from its claim until it is settled, and records their ends
together (`JobQueue.settle`, one transaction) — at the end of the batch, or sooner once the first unrecorded end
is SETTLE_AFTER_SECONDS old. The batch doubles (up to CLAIM_BATCH_MAX) while every job of a full batch finished
within SHORT_JOB_SECONDS, and falls back to one job as soon as one did not: reviews that take seconds run one
per claim as before, jobs that end at once (a source not configured, a publish already done) stop costing
three fsync'd transactions each. A worker that stops gives its batch's unstarted jobs back (`defer`, now), and so
does a job still running after HAND_BACK_AFTER_SECONDS (ADR 0537: a hung job held up to 15 claimed jobs for the job
timeout), recording the batch's ended jobs first. A
batch of short jobs that came back smaller than asked (the queue drained) is followed by GATHER_SECONDS of wait,
so the jobs written meanwhile share the next claim instead of paying a claim and a settle each (ADR 0397).
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from tfreview.core.errors import ConfigError, DependencyPending, UpstreamRateLimited
from tfreview.ops.log_context import bound
from tfreview.ports.job_types import log_fields, review_id_of
from tfreview.ports.jobs import Job, JobState, Settlement, StaleAttempt
from tfreview.service.container import Services
from tfreview.worker.attempt import Attempt
from tfreview.worker.errors import AttemptTimedOut, RateLimitOutlasted, classify, reason_of, retry_cause
from tfreview.worker.handlers import HANDLERS, Handler
from tfreview.worker.job_threads import HandlerThreads, Heartbeats

logger = logging.getLogger("tfreview.worker")
INTAKE_YIELD_SECONDS = 1.0  # the longest a worker waits for an intake burst before it claims anyway
INTAKE_YIELD_STEP_SECONDS = 0.02
CLAIM_BATCH_MAX = 16  # jobs claimed in one transaction at most
SHORT_JOB_SECONDS = 0.05  # a batch grows while every job of it finished this fast
SETTLE_AFTER_SECONDS = 0.5  # the longest a finished job's end waits for the rest of its batch
GATHER_SECONDS = 0.05  # after a short batch that drained the queue: jobs gather this long before the next claim
RATE_LIMIT_BACKOFF_SHARE = 0.25  # a job refused by a rate limit waits at least this share of its age (ADR 0530)
RATE_LIMIT_BACKOFF_CAP_SECONDS = 3600.0  # ...an hour at most (GitHub's longest window: ADR 0499)
STOPPING = "the worker stopped before starting it"
HAND_BACK_AFTER_SECONDS = 10.0  # a job of a batch running this long hands the batch's unstarted jobs back (ADR 0537)
BEHIND_A_SLOW_JOB = "a job claimed before it in the same batch ran long"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one claimed job (returned by `Worker.run_once`, for tests and metrics)."""

    job: Job
    result: str  # "succeeded" | "retrying" | "waiting" (not counted) | "dead" | "discarded" (lease lost)
    reason: str | None = None
    permanent: bool = False  # the failure was not retriable (dead at once, not out of attempts)
    seconds: float = 0.0  # how long its handler ran
    cause: str = ""  # a retried failure's kind (`retry_cause`): the reason label of tfreview_job_retries_total

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
        # set (the SQS batch, ADR 0531): the timeout is what others left of an invocation, not the job's own time;
        # an attempt that outlasts it waits, uncounted, saying this
        self.cut_short_reason: str | None = None
        # reused for the worker's life: no thread started per job (issue 13)
        self._handler_threads = HandlerThreads(worker_id)
        # the attempts whose handler runs now, by job id: what a shutdown past its deadline releases (ADR 0632)
        self._running: dict[int, Attempt] = {}
        # ... and, for one run in a batch, what records the batch's ended jobs and gives back its unstarted ones
        self._hand_backs: dict[int, Callable[[], None]] = {}
        self._running_lock = threading.Lock()
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
        batch = 1
        while not self.stop_event.is_set():
            self._make_way_for_intake()
            try:
                jobs = self.services.queue.claim_many(self.worker_id, batch, kinds=self.kinds or None)
                outcomes = self.process_batch(jobs) if jobs else []
            except Exception as exc:  # the store is down or locked: back off, never die
                logger.warning("worker %s: cannot claim: %s", self.worker_id, reason_of(exc))
                idle = min(idle * 2, 30.0)
                batch = 1
                self.stop_event.wait(idle)
                continue
            idle = poll
            if not jobs:
                self.stop_event.wait(poll)
            elif any(outcome.seconds > SHORT_JOB_SECONDS for outcome in outcomes):
                batch = 1
            elif len(jobs) == batch:
                batch = min(batch * 2, CLAIM_BATCH_MAX)
            else:  # the queue had no more for this worker: let the next jobs gather into one claim (ADR 0397)
                self.stop_event.wait(min(poll, GATHER_SECONDS))

    def run_batch(self, limit: int) -> list[Outcome]:
        """Claim up to `limit` jobs in one transaction and process them as `loop` does; [] when none is runnable."""
        jobs = self.services.queue.claim_many(self.worker_id, limit, kinds=self.kinds or None)
        return self.process_batch(jobs) if jobs else []

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
        self._count(outcome, begun)
        return outcome

    def _count(self, outcome: Outcome, begun: float) -> None:
        metrics = self.services.metrics
        metrics.observe("tfreview_job_duration_seconds", time.perf_counter() - begun, kind=outcome.job.kind)
        metrics.count("tfreview_jobs_total", kind=outcome.job.kind, outcome=outcome.label)
        if outcome.result == "retrying":
            metrics.count("tfreview_job_retries_total", kind=outcome.job.kind, reason=outcome.cause or "unexpected")

    def _process(self, job: Job) -> Outcome:
        attempt = Attempt(self.services, job)
        self._heartbeats.start(attempt)
        try:
            error, seconds = self._attempt(attempt)
        finally:
            self._heartbeats.stop(attempt)  # returns once no beat of this attempt is in flight
        early = self._unsettled(attempt, error, seconds)
        if early is not None:
            return early
        if error is None:
            try:
                self.services.queue.complete(job.id, attempt.token)
            except StaleAttempt:
                logger.warning("job %s: lease lost before completion; result discarded", job.id)
                return Outcome(job, "discarded", "lease lost", seconds=seconds)
            return Outcome(job, "succeeded", seconds=seconds)
        return self._fail(attempt, error, seconds)

    def _attempt(
        self, attempt: Attempt, running_long: Callable[[], None] | None = None
    ) -> tuple[BaseException | None, float]:
        """Run the job's handler: its error (None: it succeeded) and how long it ran. `running_long` is called once
        if the handler is still running after HAND_BACK_AFTER_SECONDS (a batch hands its other jobs back)."""
        begun = time.perf_counter()
        handler = self.handlers.get(attempt.job.kind)
        error = self._run_handler(attempt, handler, running_long) if handler is not None else _unknown_kind(attempt.job)
        if isinstance(error, UpstreamRateLimited) and not self._may_wait(attempt.job, error):
            error = self._outlasted(error)
        if isinstance(error, AttemptTimedOut) and self.cut_short_reason is not None:
            cut = DependencyPending(f"{reason_of(error)}: {self.cut_short_reason}", retry_after_seconds=1.0)
            cut.__cause__ = error
            error = cut  # ADR 0097's bound holds: past twice the review deadline, it counts again
        return error, time.perf_counter() - begun

    def _unsettled(self, attempt: Attempt, error: BaseException | None, seconds: float) -> Outcome | None:
        """The ends that are not a completion or a failure: a lost lease (nothing to record) and a wait."""
        job = attempt.job
        if isinstance(error, StaleAttempt):
            logger.warning("job %s: lease lost during attempt %s; result discarded", job.id, job.attempts)
            return Outcome(job, "discarded", "lease lost", seconds=seconds)
        if isinstance(error, DependencyPending) and self._may_wait(job, error):
            return replace(self._wait(attempt, error), seconds=seconds)
        return None

    # --- a batch -------------------------------------------------------------------------------

    def process_batch(self, jobs: Sequence[Job]) -> list[Outcome]:
        """Run claimed jobs one after another and record their ends together (see the module docstring)."""
        attempts = [Attempt(self.services, job) for job in jobs]
        for attempt in attempts:  # every claimed attempt keeps its lease until its end is recorded
            self._heartbeats.start(attempt)
        outcomes: list[Outcome] = []
        ended: list[tuple[Attempt, BaseException | None, float, float]] = []  # (attempt, error, seconds, begun)
        handed_back: set[int] = set()  # positions of unstarted attempts given back while a job before them ran long
        try:
            for position, attempt in enumerate(attempts):
                if position in handed_back:
                    continue
                begun = time.perf_counter()
                if self.stop_event.is_set():
                    outcomes.append(self._give_back(attempt, begun))
                    continue

                def hand_back(running: int = position, told: list[Outcome] = outcomes) -> None:
                    """The job runs long: the ended jobs are recorded and the unstarted ones go back (ADR 0537)."""
                    nonlocal ended
                    told.extend(self._settle(ended))
                    ended = []
                    for later in range(running + 1, len(attempts)):
                        handed_back.add(later)
                        told.append(self._give_back(attempts[later], time.perf_counter(), BEHIND_A_SLOW_JOB))

                later_or_ended = position + 1 < len(attempts) or bool(ended)
                with bound(job_id=attempt.job.id, **log_fields(attempt.job)):
                    error, seconds = self._attempt(attempt, hand_back if later_or_ended else None)
                    if isinstance(error, (StaleAttempt, DependencyPending)):
                        self._heartbeats.stop(attempt)  # before its wait is written, as in `_process`
                    early = self._unsettled(attempt, error, seconds)
                if early is not None:
                    self._count(early, begun)
                    outcomes.append(early)
                    continue
                ended.append((attempt, error, seconds, begun))
                if time.perf_counter() - ended[0][3] - ended[0][2] >= SETTLE_AFTER_SECONDS:
                    outcomes += self._settle(ended)
                    ended = []
            outcomes += self._settle(ended)
        finally:
            for attempt in attempts:  # idempotent; a store error above leaves the leases to expire
                self._heartbeats.stop(attempt)
        return outcomes

    def _settle(self, ended: Sequence[tuple[Attempt, BaseException | None, float, float]]) -> list[Outcome]:
        """Record the ends of `ended` in one transaction; the same log lines, outcomes and metrics as one by one."""
        if not ended:
            return []
        settlements = []
        for attempt, error, _seconds, _begun in ended:
            self._heartbeats.stop(attempt)  # no beat in flight while its end is written
            if error is None:
                settlements.append(Settlement(attempt.job.id, attempt.token))
                continue
            failure = classify(error)
            settlements.append(
                Settlement(attempt.job.id, attempt.token, failure.reason, failure.permanent, failure.announce)
            )
        try:
            answers = self.services.queue.settle(settlements)
        except Exception:  # not recorded: the leases expire and the jobs run again; their failures are still told
            for (attempt, *_), settlement in zip(ended, settlements, strict=True):
                if settlement.error is not None:
                    with bound(job_id=attempt.job.id, **log_fields(attempt.job)):
                        self._log_failure(attempt.job, settlement.error)
            raise
        outcomes = []
        for (attempt, error, seconds, begun), settlement, answer in zip(ended, settlements, answers, strict=True):
            job = attempt.job
            if isinstance(answer, StaleAttempt):
                with bound(job_id=job.id, **log_fields(job)):
                    if settlement.error is None:
                        logger.warning("job %s: lease lost before completion; result discarded", job.id)
                    else:
                        self._log_failure(job, settlement.error)
                outcome = Outcome(job, "discarded", "lease lost", seconds=seconds)
            elif answer is None:
                outcome = Outcome(job, "succeeded", seconds=seconds)
            else:
                with bound(job_id=job.id, **log_fields(job)):
                    outcome = self._failed(job, answer, settlement.error or "", settlement.permanent, seconds)
                outcome = replace(outcome, cause=retry_cause(error) if error is not None else "")
            self._count(outcome, begun)
            outcomes.append(outcome)
        return outcomes

    def _give_back(self, attempt: Attempt, begun: float, reason: str = STOPPING) -> Outcome:
        """A claimed job not started goes back to the queue at once, its attempt uncounted: the worker stops, or a
        job before it in its batch runs long (`reason`)."""
        self._heartbeats.stop(attempt)
        job = attempt.job
        try:
            waiting = self.services.queue.defer(job.id, attempt.token, reason, self.services.clock())
        except StaleAttempt:
            outcome = Outcome(job, "discarded", "lease lost")
        else:
            outcome = Outcome(waiting, "waiting", reason)
        self._count(outcome, begun)
        return outcome

    def _may_wait(self, job: Job, pending: DependencyPending) -> bool:
        """Waiting is not failing — within a bound (ADR 0515). A wait for another job: while the job is younger
        than twice the review deadline (what it waits for has had every chance to finish, a crash and a re-claim
        included); older, it counts its attempts again. A wait for an upstream's rate limit: while the job is
        younger than `worker.rate_limit_wait_seconds` (a day by default); older, it fails (`_outlasted`)."""
        settings = self.services.settings.worker
        if isinstance(pending, UpstreamRateLimited):
            limit = timedelta(seconds=settings.rate_limit_wait_seconds)
        else:
            limit = timedelta(seconds=2 * settings.review_deadline_seconds)
        return self.services.clock() - job.created_at <= limit

    def _outlasted(self, limited: UpstreamRateLimited) -> RateLimitOutlasted:
        """The job waited for `limited`'s upstream longer than it may: a permanent failure that names the limit (its
        one log line is the dead job's, ADR 0439)."""
        outlasted = RateLimitOutlasted(
            limited.upstream, self.services.settings.worker.rate_limit_wait_seconds, reason_of(limited)
        )
        outlasted.__cause__ = limited
        return outlasted

    def _wait(self, attempt: Attempt, pending: DependencyPending) -> Outcome:
        job = attempt.job
        reason = reason_of(pending)
        now = self.services.clock()
        seconds = pending.retry_after_seconds
        if isinstance(pending, UpstreamRateLimited):
            seconds = rate_limit_wait(seconds, (now - job.created_at).total_seconds())
        run_after = now + timedelta(seconds=seconds)
        deadline_at = None
        if isinstance(pending, UpstreamRateLimited):  # the review gets its whole deadline once the wait is over
            deadline_at = run_after + timedelta(seconds=self.services.settings.worker.review_deadline_seconds)
        try:
            waiting = self.services.queue.defer(
                job.id, attempt.token, reason, run_after, review_deadline_at=deadline_at
            )
        except StaleAttempt:
            return Outcome(job, "discarded", "lease lost")
        logger.info(
            "job %s (%s) waits %.0f s: %s", job.id, job.kind, seconds, reason
        )  # its review says so (same transaction)
        return Outcome(waiting, "waiting", reason)

    def _run_handler(
        self, attempt: Attempt, handler: Handler, running_long: Callable[[], None] | None = None
    ) -> BaseException | None:
        """Run the handler on a thread of its own (lent, see job_threads.py), heartbeating meanwhile; abandon it
        at the job timeout. `running_long`: called on this thread once the handler has run HAND_BACK_AFTER_SECONDS."""
        done = threading.Lock()  # held until the handler ends: a gate cheaper to make than an Event (issue 13)
        done.acquire()
        errors: list[BaseException] = []

        def target() -> None:
            try:
                handler(attempt)
            except BaseException as exc:  # handed to the runner, which classifies it
                errors.append(exc)
            finally:
                done.release()

        context = contextvars.copy_context()  # the job's log ids follow it onto the handler's thread
        attempt.ends_at = time.monotonic() + self.job_timeout_seconds  # what the handler may spend (its AI part)
        hand_back = _once(running_long) if running_long is not None else None
        with self._running_lock:
            self._running[attempt.job.id] = attempt
            if hand_back is not None:
                self._hand_backs[attempt.job.id] = hand_back
        try:
            return self._wait_for_handler(attempt, context, target, done, errors, hand_back)
        finally:
            with self._running_lock:
                self._running.pop(attempt.job.id, None)
                self._hand_backs.pop(attempt.job.id, None)

    def _wait_for_handler(
        self,
        attempt: Attempt,
        context: contextvars.Context,
        target: Callable[[], None],
        done: threading.Lock,
        errors: list[BaseException],
        running_long: Callable[[], None] | None,
    ) -> BaseException | None:
        thread = self._handler_threads.start(lambda: context.run(target))
        begun = time.monotonic()
        patience = min(HAND_BACK_AFTER_SECONDS, self.job_timeout_seconds)
        if running_long is not None and not done.acquire(timeout=patience):
            try:
                running_long()
            except Exception as exc:  # the store blipped: the batch's leases expire instead; this job goes on
                logger.warning("job %s: could not hand its batch back: %s", attempt.job.id, reason_of(exc))
            left = self.job_timeout_seconds - (time.monotonic() - begun)
            finished = done.acquire(timeout=max(left, 0.0))
        else:
            finished = running_long is not None or done.acquire(timeout=self.job_timeout_seconds)
        if not finished:
            attempt.abandon()  # the handler thread may still wake; check_lease() stops its writes
        self._handler_threads.give_back(thread, finished=finished)
        if not finished:
            return AttemptTimedOut(attempt.job.id, self.job_timeout_seconds)
        return errors[0] if errors else None

    def release_running(self, reason: str) -> list[int]:
        """A shutdown past its deadline (ADR 0632): every attempt whose handler still runs is abandoned (its writes
        are refused from now on, `Attempt.check_lease`) and its job goes back to the queue at once, the attempt
        uncounted, so another worker takes it now rather than when the lease expires. A job whose end was recorded
        meanwhile is left as it is (StaleAttempt): never released after it was done, never done twice. Returns the
        ids of the jobs released."""
        with self._running_lock:
            running = [(attempt, self._hand_backs.get(job_id)) for job_id, attempt in self._running.items()]
        released: list[int] = []
        for attempt, hand_back in running:
            if hand_back is not None:  # its batch: the jobs that ended are recorded, those not started go back
                try:  # (the runner's own hand-back, 10 s into the job, may not have come yet: ADR 0644)
                    hand_back()
                except Exception as exc:  # the store blipped: their leases expire instead
                    logger.warning("job %s: could not hand its batch back: %s", attempt.job.id, reason_of(exc))
            attempt.abandon()
            self._heartbeats.stop(attempt)
            try:
                self.services.queue.defer(attempt.job.id, attempt.token, reason, self.services.clock())
            except StaleAttempt:
                continue
            released.append(attempt.job.id)
        return released

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

    def _fail(self, attempt: Attempt, error: BaseException, seconds: float) -> Outcome:
        job = attempt.job
        failure = classify(error)
        try:
            failed = self.services.queue.fail(
                job.id, attempt.token, failure.reason, permanent=failure.permanent, announce=failure.announce
            )
        except StaleAttempt:  # not recorded: the failure is told all the same
            self._log_failure(job, failure.reason)
            return Outcome(job, "discarded", "lease lost", seconds=seconds)
        except Exception:
            self._log_failure(job, failure.reason)
            raise
        return replace(self._failed(job, failed, failure.reason, failure.permanent, seconds), cause=retry_cause(error))

    @staticmethod
    def _log_failure(job: Job, reason: str) -> None:
        logger.warning("job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempts, reason)

    def _failed(self, job: Job, failed: Job, reason: str, permanent: bool, seconds: float) -> Outcome:
        """The outcome of a failure the queue recorded (retrying or dead), its ONE log line (ADR 0439: a dead job's
        says so and which attempt failed, at ERROR) and review metric; `job` is the attempt as claimed."""
        dead = failed.state == JobState.DEAD
        if dead:
            logger.error("job %s (%s) is dead: %s (attempt %s failed)", job.id, job.kind, reason, job.attempts)
        else:
            self._log_failure(job, reason)
        if dead and review_id_of(failed) is not None:  # the queue marked its review failed
            self.services.metrics.count("tfreview_reviews_finished_total", status="failed")
        return Outcome(failed, "dead" if dead else "retrying", reason, permanent=permanent, seconds=seconds)


def rate_limit_wait(asked_seconds: float, job_age_seconds: float) -> float:
    """How long a job refused by an upstream's rate limit waits (ADR 0530): what the upstream asked, but at least a
    second and at least a quarter of the job's age (an hour at most for that floor). A limit that never lifts — a
    `Retry-After: 1` answered all day, a reset our clock already sees as past — is retried ever more slowly (the
    age grows by a quarter per wait: ~60 requests a day, not 86 400), as GitHub asks of a client whose requests
    keep failing on a secondary limit; a first refusal waits what the upstream said."""
    floor = min(RATE_LIMIT_BACKOFF_SHARE * max(job_age_seconds, 0.0), RATE_LIMIT_BACKOFF_CAP_SECONDS)
    return max(asked_seconds, 1.0, floor)


def _unknown_kind(job: Job) -> BaseException:
    return ConfigError(f"no handler for jobs of kind {job.kind!r}")


def _once(call: Callable[[], None]) -> Callable[[], None]:
    """`call`, run at most once whichever thread asks first (the runner 10 s into a job, or a shutdown's release);
    a second caller waits for the first to end."""
    lock = threading.Lock()
    called = False

    def run() -> None:
        nonlocal called
        with lock:
            if called:
                return
            called = True
            call()

    return run
