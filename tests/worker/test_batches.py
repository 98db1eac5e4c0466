"""Workers claim short jobs in batches and record their ends together (issue 13, ADR 0350): the same job rows,
review statuses, outcomes and metrics as one job at a time, on every backend."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tfreview.ports.job_types import PullRequestHead, ReviewJob
from tfreview.ports.jobs import Job, JobState
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.service.container import Services
from tfreview.worker import runner
from tfreview.worker.process import RELEASED
from tfreview.worker.runner import Worker

from .conftest import TENANT, Backend, upload

NOT_CONFIGURED = "GitHub pull-request fetching is not configured yet"


class Counted:
    """A metrics recorder that keeps what the worker counted (the same calls as the Prometheus one)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self.observed: Counter[str] = Counter()

    def count(self, name: str, amount: float = 1.0, /, **labels: str) -> None:
        self.counts[(name, tuple(sorted(labels.items())))] += int(amount)

    def observe(self, name: str, value: float, /, **labels: str) -> None:
        self.observed[name] += 1

    def set(self, name: str, value: float, /, **labels: str) -> None:
        return None


def _github_delivery(services: Services, n: int) -> str:
    """A pull_request delivery as the webhook accepts it: its job and its queued review (returns the review id)."""
    review_id = f"r-batch-{n}"
    pull = PullRequestHead("octo/infra", n, f"{n:040x}", installation_id=1, action="opened")
    job = ReviewJob.for_pull_request(TENANT, pull).with_review(review_id).encode(max_attempts=3)
    delivery = Delivery("github", f"guid-{n}", "pull_request.opened", TENANT, "", datetime.now(UTC))
    source = SourceInfo("github", repository="octo/infra", pull_request=n, commit_sha=f"{n:040x}")
    services.intake.accept(delivery, b"{}", job, review=(review_id, source))
    return review_id


def _rows(services: Services, review_ids: list[str]) -> list[tuple[object, ...]]:
    """What a job leaves behind, without its ids and instants."""
    rows: list[tuple[object, ...]] = []
    for job in sorted(services.queue.list(limit=200).items, key=lambda j: j.idempotency_key):
        rows.append((job.kind, job.state, job.attempts, job.last_error, job.attempt_token, job.lease_expires_at))
    for review_id in review_ids:
        review = services.reviews.get(review_id)
        assert review is not None
        rows.append((review.status, review.status_reason))
    return rows


def test_a_batch_leaves_the_rows_outcomes_and_metrics_of_one_job_at_a_time(backend: Backend) -> None:
    counted = Counted()
    services = replace(backend.services, metrics=counted)
    reviews = [_github_delivery(services, n) for n in range(1, 6)]

    outcomes = Worker(services, "w1").run_batch(4)
    outcomes += Worker(services, "w1").run_batch(4)

    assert [o.result for o in outcomes] == ["dead"] * 5
    assert all(o.permanent and o.reason == NOT_CONFIGURED for o in outcomes)
    assert Worker(services, "w1").run_batch(4) == []
    batched = _rows(services, reviews)
    assert (
        batched
        == [("review", JobState.DEAD, 1, NOT_CONFIGURED, None, None)] * 5 + [(ReviewStatus.FAILED, NOT_CONFIGURED)] * 5
    )
    assert counted.counts[("tfreview_jobs_total", (("kind", "review"), ("outcome", "failed")))] == 5
    assert counted.counts[("tfreview_reviews_finished_total", (("status", "failed"),))] == 5
    assert counted.observed["tfreview_job_duration_seconds"] == 5


def test_one_at_a_time_leaves_the_same_rows(backend: Backend) -> None:
    """The other half of the comparison above: the same deliveries through `run_once`."""
    services = backend.services
    reviews = [_github_delivery(services, n) for n in range(1, 6)]
    while Worker(services, "w1").run_once() is not None:
        pass
    assert (
        _rows(services, reviews)
        == [("review", JobState.DEAD, 1, NOT_CONFIGURED, None, None)] * 5 + [(ReviewStatus.FAILED, NOT_CONFIGURED)] * 5
    )


def test_a_batch_runs_real_reviews_and_their_publish_jobs(backend: Backend) -> None:
    uploaded = [upload(backend.services)[0] for _ in range(3)]
    worker = Worker(backend.services, "w1")

    reviewed = worker.run_batch(8)
    published = worker.run_batch(8)

    assert [(o.job.kind, o.result) for o in reviewed] == [("review", "succeeded")] * 3
    assert [(o.job.kind, o.result) for o in published] == [("publish", "succeeded")] * 3
    for review_id in uploaded:
        review = backend.services.reviews.get(review_id)
        assert review is not None
        assert review.status is ReviewStatus.COMPLETED
    assert len(backend.publisher.published) == 3
    for outcome in (*reviewed, *published):
        stored = backend.services.queue.get(outcome.job.id)
        assert stored is not None
        assert (stored.state, stored.attempt_token) == (JobState.SUCCEEDED, None)


def test_a_stale_attempt_in_a_batch_writes_nothing_and_the_others_are_recorded(backend: Backend) -> None:
    services = backend.services
    reviews = [_github_delivery(services, n) for n in range(1, 4)]
    jobs = services.queue.claim_many("zombie", 3)
    assert len(jobs) == 3
    # the zombie froze past its lease: the reaper re-queued its jobs and a healthy worker holds the first
    backend.clock.advance(services.settings.worker.lease_seconds + 1)
    assert len(services.queue.reap()) == 3
    taken = services.queue.claim("healthy")
    assert taken is not None
    assert taken.id == jobs[0].id
    # only the first job's attempt is stale; give the zombie fresh leases on the other two
    fresh = [taken, *services.queue.claim_many("zombie", 2)]

    outcomes = Worker(services, "zombie").process_batch([jobs[0], *fresh[1:]])

    assert [o.result for o in outcomes] == ["discarded", "dead", "dead"]
    still = services.queue.get(jobs[0].id)
    assert still is not None
    assert (still.state, still.attempt_token) == (JobState.RUNNING, taken.attempt_token)
    first = services.reviews.get(reviews[0])
    assert first is not None
    assert first.status is ReviewStatus.QUEUED  # the stale attempt wrote nothing (the reaper's requeue stands)
    for review_id in reviews[1:]:
        review = services.reviews.get(review_id)
        assert review is not None
        assert review.status is ReviewStatus.FAILED


def test_a_stopping_worker_gives_back_the_jobs_it_has_not_started(backend: Backend) -> None:
    services = backend.services
    reviews = [_github_delivery(services, n) for n in range(1, 4)]
    jobs = services.queue.claim_many("w1", 3)
    stop = threading.Event()
    stop.set()

    outcomes = Worker(services, "w1", stop_event=stop).process_batch(jobs)

    assert [(o.result, o.reason) for o in outcomes] == [("waiting", runner.STOPPING)] * 3
    for job in jobs:
        back = services.queue.get(job.id)
        assert back is not None
        assert (back.state, back.attempts, back.attempt_token) == (JobState.QUEUED, 0, None)
        assert back.run_after <= backend.clock()
    for review_id in reviews:
        review = services.reviews.get(review_id)
        assert review is not None
        assert review.status is ReviewStatus.QUEUED
    again = services.queue.claim_many("w2", 3)
    assert sorted(job.id for job in again) == sorted(job.id for job in jobs)


class _Claims:
    """The queue with the limit of every batch claim written down."""

    def __init__(self, services: Services, stop: threading.Event) -> None:
        self._queue = services.queue
        self._stop = stop
        self.limits: list[int] = []

    def claim_many(self, worker_id: str, limit: int, *, kinds: object = None) -> list[Job]:
        self.limits.append(limit)
        jobs = self._queue.claim_many(worker_id, limit)
        if not jobs:
            self._stop.set()
        return jobs

    def __getattr__(self, name: str) -> object:
        return getattr(self._queue, name)


@pytest.mark.parametrize(("short_seconds", "expected"), [(1e9, [1, 2, 4, 8, 16, 16, 16, 16]), (-1.0, [1] * 11)])
def test_batches_grow_while_jobs_are_short_and_shrink_when_one_is_not(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, short_seconds: float, expected: list[int]
) -> None:
    """`loop` doubles its batch after a full batch of short jobs and takes one at a time after a long one (which
    job counts as short is the test's choice here: no timing decides the outcome)."""
    monkeypatch.setattr(runner, "SHORT_JOB_SECONDS", short_seconds)
    monkeypatch.setattr(runner, "INTAKE_YIELD_SECONDS", 0.0)
    for n in range(1, 11):
        _github_delivery(backend.services, n)
    if short_seconds > 0:
        for n in range(11, 61):
            _github_delivery(backend.services, n)
    stop = threading.Event()
    claims = _Claims(backend.services, stop)
    services = replace(backend.services, queue=claims)  # type: ignore[arg-type]  # the queue, observed

    Worker(services, "w1", stop_event=stop).loop()

    assert claims.limits == expected
    assert all(job.state == JobState.DEAD for job in backend.services.queue.list(limit=200).items)


class _NoSleep(threading.Event):
    """A stop event that writes down every wait of the loop instead of sleeping it."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        return self.is_set()


def test_a_batch_that_drained_the_queue_lets_the_next_jobs_gather(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADR 0397: full batches are followed by the next claim at once; a short batch smaller than asked (nothing
    more to claim) by GATHER_SECONDS of wait; an empty claim by the poll interval, as before."""
    monkeypatch.setattr(runner, "SHORT_JOB_SECONDS", 1e9)  # every job counts as short: no timing decides
    monkeypatch.setattr(runner, "INTAKE_YIELD_SECONDS", 0.0)
    for n in range(1, 5):
        _github_delivery(backend.services, n)
    stop = _NoSleep()
    claims = _Claims(backend.services, stop)
    services = replace(backend.services, queue=claims)  # type: ignore[arg-type]  # the queue, observed

    Worker(services, "w1", stop_event=stop).loop()

    poll = backend.services.settings.worker.poll_interval_seconds
    assert claims.limits == [1, 2, 4, 4]  # 1 and 2 full, then 1 of 4, then none
    assert stop.waits == [min(poll, runner.GATHER_SECONDS), poll]


def test_a_slow_job_in_a_batch_hands_the_unstarted_jobs_back_to_the_queue(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Q2, a poison job does not block others: a batch grows while its jobs end at once (a publish already done, a
    source not configured); the next claim of it may hold one that runs long (a hung upstream, up to the job
    timeout — the review deadline, 15 min by default). Before, the jobs claimed behind it waited that long, RUNNING
    under its worker's heartbeat where no other worker could take them. Now, once a job has run long the jobs of its
    batch not started go back to the queue (uncounted) for any worker to take, and those that ended are recorded."""
    monkeypatch.setattr(runner, "HAND_BACK_AFTER_SECONDS", 1.0)  # 10 s in production; the hung job waits for the test
    services = backend.services
    reviews = [_github_delivery(services, n) for n in range(1, 5)]
    release = threading.Event()
    started = threading.Event()
    ran: list[int] = []

    def handler(attempt: object) -> None:  # the first job claimed hangs until the test releases it
        job = attempt.job  # type: ignore[attr-defined]
        ran.append(job.id)
        if len(ran) == 2:
            started.set()
            release.wait(60)

    jobs = services.queue.claim_many("w1", 4)
    assert len(jobs) == 4
    worker = Worker(services, "w1", handlers={"review": handler})
    outcomes: list[runner.Outcome] = []
    batch = threading.Thread(target=lambda: outcomes.extend(worker.process_batch(jobs)))
    batch.start()
    try:
        assert started.wait(30)
        taken: list[Job] = []
        for _ in range(600):  # bounded: the hand-back follows the slow job's first HAND_BACK_AFTER_SECONDS
            taken += services.queue.claim_many("w2", 4)
            if len(taken) == 2:
                break
            release.wait(0.05)
        assert sorted(j.id for j in taken) == sorted(j.id for j in jobs[2:]), taken  # was: [] until released
        first = services.queue.get(jobs[0].id)
        assert first is not None
        assert first.state is JobState.SUCCEEDED  # the job that ended before the slow one is recorded meanwhile
    finally:
        release.set()
        batch.join(60)
    assert [(o.job.id, o.result) for o in outcomes] == [
        (jobs[0].id, "succeeded"),
        (jobs[2].id, "waiting"),
        (jobs[3].id, "waiting"),
        (jobs[1].id, "succeeded"),
    ], outcomes
    assert {o.reason for o in outcomes if o.result == "waiting"} == {runner.BEHIND_A_SLOW_JOB}
    for job, review_id in zip(jobs[2:], reviews[2:], strict=True):
        back = services.queue.get(job.id)
        assert back is not None
        assert (back.state, back.attempts) == (JobState.RUNNING, 1)  # w2's attempt only: the hand-back spent none
        review = services.reviews.get(review_id)
        assert review is not None
        assert review.status is ReviewStatus.QUEUED
        assert review.status_reason == f"waiting: {runner.BEHIND_A_SLOW_JOB}"


def test_a_shutdown_release_records_the_ended_jobs_of_the_batch_and_gives_back_the_unstarted(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADR 0632 releases the job still running at the shutdown deadline; with `server.shutdown_seconds` under
    ~12.5 s (Cloud Run gives 10 s, Fly.io 5 s) the release came before the batch's hand-back (10 s into the slow
    job), and the worker exited 3 with the jobs of that batch that had ended (their reviews saved, their publish
    queued) and the ones not started still RUNNING under its lease: held for `worker.lease_seconds`, then run again.
    The release now records the ended ones and gives the unstarted back, as the hand-back does (ADR 0644)."""
    monkeypatch.setattr(runner, "HAND_BACK_AFTER_SECONDS", 3600.0)  # the release comes first
    services = backend.services
    for n in range(1, 5):
        _github_delivery(services, n)
    release = threading.Event()
    started = threading.Event()
    ran: list[int] = []

    def handler(attempt: object) -> None:  # the second job claimed hangs until the test lets it go
        job = attempt.job  # type: ignore[attr-defined]
        ran.append(job.id)
        if len(ran) == 2:
            started.set()
            release.wait(60)

    jobs = services.queue.claim_many("w1", 4)
    assert len(jobs) == 4
    worker = Worker(services, "w1", handlers={"review": handler})
    batch = threading.Thread(target=worker.process_batch, args=(jobs,))
    batch.start()
    try:
        assert started.wait(30)
        assert worker.release_running(RELEASED) == [jobs[1].id]
        states = {job.id: services.queue.get(job.id) for job in jobs}
        ended = states[jobs[0].id]
        assert ended is not None
        assert ended.state is JobState.SUCCEEDED  # was: RUNNING under the lease of a worker about to exit
        for job in (jobs[1], jobs[2], jobs[3]):  # the released one and the two never started
            back = states[job.id]
            assert back is not None
            assert (back.state, back.attempts, back.attempt_token) == (JobState.QUEUED, 0, None)
        taken = services.queue.claim_many("w2", 4)
        assert sorted(j.id for j in taken) == sorted(j.id for j in jobs[1:])  # another worker takes them now
    finally:
        release.set()
        batch.join(60)
    assert ran == [jobs[0].id, jobs[1].id]  # the unstarted ones never ran here


class HeldAfterSave(Counted):
    """The worker's recorder: the review handler's first observation comes right after it saved the review — held
    there until the test lets it go (a shutdown's release lands between "review saved" and "job recorded")."""

    def __init__(self) -> None:
        super().__init__()
        self.saved = threading.Event()
        self.go = threading.Event()

    def observe(self, name: str, value: float, /, **labels: str) -> None:
        super().observe(name, value, **labels)
        if name == "tfreview_review_rules_duration_seconds" and not self.go.is_set():
            self.saved.set()
            assert self.go.wait(60), "the test never let the handler go"


def test_a_review_saved_before_a_release_is_not_computed_again(backend: Backend) -> None:
    """A shutdown's release (ADR 0632) after the handler saved the review and before its job was recorded put the
    COMPLETED review back to `queued` and the next worker computed it again — its AI part paid twice. The review now
    stays completed and the job given back only queues its publish (ADR 0660)."""
    held = HeldAfterSave()
    services = replace(backend.services, metrics=held)
    review_id, _plan_id = upload(services)
    jobs = services.queue.claim_many("w1", 1)
    assert len(jobs) == 1
    worker = Worker(services, "w1")
    running = threading.Thread(target=worker.process_batch, args=(jobs,))
    running.start()
    try:
        assert held.saved.wait(60)
        assert worker.release_running(RELEASED) == [jobs[0].id]
        review = services.reviews.get(review_id)
        assert review is not None
        assert review.status is ReviewStatus.COMPLETED  # was: queued, "waiting: released …"
    finally:
        held.go.set()
        running.join(60)
    again = Counted()
    outcomes = Worker(replace(backend.services, metrics=again), "w2").run_batch(4)
    assert sorted((o.job.kind, o.result) for o in outcomes) == [("publish", "succeeded"), ("review", "succeeded")]
    assert again.observed["tfreview_review_rules_duration_seconds"] == 0  # not assessed a second time
    review = services.reviews.get(review_id)
    assert review is not None
    assert review.status is ReviewStatus.COMPLETED
    publishes = [j for j in services.queue.list(limit=50).items if j.kind == "publish"]
    assert len(publishes) == 1  # keyed by review and content: the one the first attempt queued
