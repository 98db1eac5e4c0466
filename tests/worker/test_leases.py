"""Leases: a zombie's late result is rejected (Q4), a hanging attempt is abandoned (Q7), stuck reviews are
re-queued and finished (Q8), and no review outlives its deadline (the watchdog)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from tfreview.ports.job_types import JobKind
from tfreview.ports.jobs import JobState, StaleAttempt
from tfreview.ports.records import ReviewStatus
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.worker.reaper import DEADLINE_EXCEEDED, Reaper
from tfreview.worker.runner import Outcome, Worker

from .conftest import Backend, upload
from .sources import GateSource
from .test_review_job import drain


def test_q4_a_zombie_worker_writes_nothing_and_publishes_nothing(backend: Backend) -> None:
    services = backend.services
    review_id, _ = upload(services)
    gate = GateSource(UploadedPlanSource(services.plans))
    services = replace(services, sources={"api": gate})
    zombie, healthy = Worker(services, "zombie"), Worker(services, "healthy")
    outcomes: list[Outcome | None] = []
    frozen = threading.Thread(target=lambda: outcomes.append(zombie.run_once()))
    frozen.start()
    gate.wait_entered()  # the zombie holds the lease, frozen inside the review
    first = services.queue.get(1)
    assert first is not None
    assert first.state == JobState.RUNNING
    stale_token = first.attempt_token
    assert stale_token is not None

    backend.clock.advance(services.settings.worker.lease_seconds + 1)
    assert Reaper(services, clock=backend.clock).run_once().reaped == 1
    assert [o.result for o in drain(healthy)] == ["succeeded", "succeeded"]  # review, then publish
    assert backend.publisher.published == [review_id]

    gate.release()  # the zombie wakes up
    frozen.join(10)
    assert outcomes
    assert outcomes[0] is not None
    assert outcomes[0].result == "discarded"
    with pytest.raises(StaleAttempt):
        services.queue.complete(first.id, stale_token)
    assert drain(healthy) == []
    assert backend.publisher.published == [review_id]  # exactly one publish
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED


def test_q7_a_hanging_source_is_abandoned_retried_with_backoff_then_failed(backend: Backend) -> None:
    services = backend.services
    review_id, _ = upload(services)
    max_attempts = services.settings.worker.max_attempts
    gate = GateSource(UploadedPlanSource(services.plans), blocked=max_attempts)
    services = replace(services, sources={"api": gate})
    worker = Worker(services, "w1", job_timeout_seconds=0.2)
    outcomes: list[Outcome] = []
    try:
        for attempt in range(1, max_attempts + 1):
            outcome = worker.run_once()
            assert outcome is not None
            assert outcome.reason == "timed out after 0.2 s"
            outcomes.append(outcome)
            if attempt < max_attempts:
                assert worker.run_once() is None  # backing off
                backend.clock.advance(services.settings.worker.backoff_cap_seconds + 1)
        assert [o.result for o in outcomes] == ["retrying"] * (max_attempts - 1) + ["dead"]
    finally:
        gate.release()
        gate.wait_exited(max_attempts)
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason == "timed out after 0.2 s"
    job = services.queue.get(outcomes[-1].job.id)
    assert job is not None
    assert job.state == JobState.DEAD
    assert job.attempts == max_attempts
    # the abandoned attempts woke up after the release: none of them wrote a result or published; the one job
    # left is the dead letter's failure notice (ADR 0380), with nowhere to show it (an uploaded plan)
    assert stored.report is None
    assert [(o.job.kind, o.result) for o in drain(worker)] == [("publish", "succeeded")]
    assert backend.publisher.published == []


def test_q8_reviews_stuck_in_progress_are_requeued_and_finished(backend: Backend) -> None:
    # The row's 100 on the in-memory store; 25 on SQLite/PostgreSQL, where one review is ~10 durable commits
    # (fsync'd: synchronous=FULL) and 100 would cost ~20 s without testing anything more.
    count = 100 if backend.name == "memory" else 25
    services = backend.services
    review_ids = {upload(services)[0] for _ in range(count)}
    for _ in range(count):  # every worker crashed mid-review
        job = services.queue.claim("crashed")
        assert job is not None
        services.reviews.set_status(str(job.payload["review_id"]), ReviewStatus.IN_PROGRESS)
    assert services.queue.claim("crashed") is None

    backend.clock.advance(services.settings.worker.lease_seconds + 1)
    sweep = Reaper(services, clock=backend.clock).run_once()
    assert sweep.reaped == count
    assert sweep.failed == 0
    outcomes = drain(Worker(services, "survivor"))

    assert sum(1 for o in outcomes if o.job.kind == JobKind.REVIEW and o.result == "succeeded") == count
    assert sorted(backend.publisher.published) == sorted(review_ids)
    in_progress = services.reviews.list(None, filters={"status": "in_progress"}).items
    queued = services.reviews.list(None, filters={"status": "queued"}).items
    assert in_progress == []
    assert queued == []
    assert services.queue.depth() == 0


def test_a_review_past_its_deadline_is_requeued_once_then_failed(backend: Backend) -> None:
    from .conftest import worker_settings

    services = backend.services
    services = replace(services, settings=worker_settings(review_deadline_seconds=600))
    review_id, _ = upload(services)
    reaper = Reaper(services, clock=backend.clock)
    deadline = services.settings.worker.review_deadline_seconds
    # its worker crashed and nobody ran the job again (a job dead-lettered by the reaper fails its review at
    # once since issue 9.10, so a review stuck past its deadline is one whose job is not dead)
    assert services.queue.claim("crashed") is not None
    backend.clock.advance(deadline + 1)  # past the deadline
    assert reaper.run_once().requeued == 1
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.QUEUED
    assert stored.status_reason == f"{DEADLINE_EXCEEDED}; re-queued once"
    assert reaper.run_once().requeued == 0  # once

    backend.clock.advance(deadline + 1)  # one more deadline later, still not finished
    assert reaper.run_once().failed == 1
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason == DEADLINE_EXCEEDED
    assert reaper.run_once().failed == 0


def test_the_deadline_requeue_finishes_the_review_and_publishes_once(backend: Backend) -> None:
    services = backend.services
    review_id, _ = upload(services)
    backend.clock.advance(services.settings.worker.review_deadline_seconds + 1)
    assert Reaper(services, clock=backend.clock).run_once().requeued == 1

    outcomes = drain(Worker(services, "w1"))  # the original job and the deadline job both run

    assert sorted(o.job.kind for o in outcomes) == ["publish", "review", "review"]
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert backend.publisher.published == [review_id]


def test_the_heartbeat_keeps_a_slow_review_leased(backend: Backend) -> None:
    from .conftest import worker_settings

    services = backend.services
    services = replace(services, settings=worker_settings(heartbeat_seconds=0.05))
    review_id, _ = upload(services)
    gate = GateSource(UploadedPlanSource(services.plans))
    services = replace(services, sources={"api": gate})
    worker = Worker(services, "slow")
    outcomes: list[Outcome | None] = []
    thread = threading.Thread(target=lambda: outcomes.append(worker.run_once()))
    thread.start()
    gate.wait_entered()
    job = services.queue.get(1)
    assert job is not None
    assert job.lease_expires_at is not None
    backend.clock.advance(services.settings.worker.lease_seconds - 1)
    extended = _wait_for_lease_after(services, job.lease_expires_at)
    backend.clock.advance(2)  # past the original lease, within the extended one
    assert Reaper(services, clock=backend.clock).run_once().reaped == 0
    gate.release()
    thread.join(10)
    assert outcomes
    assert outcomes[0] is not None
    assert outcomes[0].result == "succeeded"
    assert extended
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED


def _wait_for_lease_after(services: object, original: object) -> bool:
    import time

    queue = services.queue  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job = queue.get(1)
        if job is not None and job.lease_expires_at is not None and job.lease_expires_at > original:
            return True
        time.sleep(0.01)
    return False


def test_a_worker_thawed_right_after_its_claim_cannot_put_a_completed_review_back_in_progress(
    backend: Backend,
) -> None:
    """Issue 11 (chaos, frozen worker): frozen between its claim and its first write, thawed after another
    worker finished the review — its `in_progress` write is refused by the store (ADR 0200), not applied."""
    services = backend.services
    review_id, _ = upload(services)
    stale = services.queue.claim("zombie")  # claimed, then SIGSTOPped before writing anything
    assert stale is not None
    backend.clock.advance(services.settings.worker.lease_seconds + 1)
    assert Reaper(services, clock=backend.clock).run_once().reaped == 1
    assert [o.result for o in drain(Worker(services, "healthy"))] == ["succeeded", "succeeded"]

    outcome = Worker(services, "zombie").process(stale)  # SIGCONT: it carries on with its stale job

    assert outcome.result == "discarded"
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert backend.publisher.published == [review_id]  # exactly one publish


def test_the_oldest_review_past_its_deadline_is_reached_behind_thousands_of_newer_open_ones(backend: Backend) -> None:
    """ADR 0652: the sweep read the open reviews newest first, 5,000 per status at most, so under a backlog the
    oldest — the ones past their deadline — were never reached; the store now picks the overdue ones."""
    from tfreview.ports.records import SourceInfo
    from tfreview.store.reviews import new_review_row

    services = backend.services
    deadline = services.settings.worker.review_deadline_seconds
    oldest = services.reviews.create("default", SourceInfo(kind="api")).id
    backend.clock.advance(deadline + 1)  # the first is past its deadline; the 5,000 after it are not
    newer = 5000
    database = services.database
    if database is None:  # memory
        for _ in range(newer):
            services.reviews.create("default", SourceInfo(kind="api"))
    else:  # in one transaction: 5,000 commits would take the test's time
        import uuid

        with database.transaction() as session:
            session.add_all(
                new_review_row(str(uuid.uuid4()), "default", SourceInfo(kind="api"), backend.clock())
                for _ in range(newer)
            )
    assert Reaper(services, clock=backend.clock).run_once().requeued == 1
    stored = services.reviews.get(oldest)
    assert stored is not None
    assert stored.status_reason == f"{DEADLINE_EXCEEDED}; re-queued once"
    overdue = services.reviews.overdue(backend.clock(), timedelta(seconds=deadline), limit=10)
    assert [review.id for review in overdue] == [oldest]  # the only one, still past its first deadline
    assert overdue[0].report is None
    assert Reaper(services, clock=backend.clock).run_once().requeued == 0  # once
