"""A dead-lettered review job's failure notice (ADR 0380) on memory, SQLite and PostgreSQL: the queue writes it
with the dead letter (the worker's failure path and the reaper's expired lease), a worker publishes it once
through the Publisher, the reaper names every job it dead-lettered in an ERROR line and counts it like a
worker's dead letter (the dead-letters alert), and a notice whose review is no longer FAILED publishes nothing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from tfreview.ports.job_types import JobKind, PublishJob, ReviewJob
from tfreview.ports.jobs import Job, JobState
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.worker.reaper import Reaper
from tfreview.worker.runner import Worker

from .conftest import TENANT, Backend

PULL = SourceInfo("github", repository="octo/infra", pull_request=7, commit_sha="a" * 40)


def _queued_review(backend: Backend, review_id: str, *, max_attempts: int, source: SourceInfo = PULL) -> None:
    """A review whose job dies for good: its plan is missing (NotFound: permanent)."""
    delivery = Delivery("api", f"k-{review_id}", "plan_upload", TENANT, "", datetime.now(UTC))
    job = ReviewJob.for_review(TENANT, review_id, plan_id="no-such-plan").encode(max_attempts=max_attempts)
    backend.services.intake.accept(delivery, b"{}", job, review=(review_id, source))


def _notices(backend: Backend) -> list[Job]:
    jobs = backend.services.queue.list(limit=100).items
    return [j for j in jobs if j.kind == JobKind.PUBLISH.value and PublishJob.decode(j).failure_notice]


def _dead_letter_count(backend: Backend) -> float:
    return sum(
        value
        for name, labels, value in backend.services.metrics.samples()
        if name == "tfreview_jobs_total" and labels.get("outcome") == "dead_lettered" and labels.get("kind") == "review"
    )


def test_a_job_dead_in_the_worker_publishes_its_failure_once(backend: Backend) -> None:
    _queued_review(backend, "r-dead", max_attempts=3)
    worker = Worker(backend.services, "w-1")
    outcome = worker.run_once()
    assert outcome is not None
    assert outcome.result == "dead"
    [notice] = _notices(backend)  # written with the dead letter
    assert PublishJob.decode(notice).failed_job == outcome.job.id
    published = worker.run_once()
    assert published is not None
    assert published.result == "succeeded"
    assert worker.run_once() is None
    assert backend.publisher.failures == ["r-dead"]
    assert backend.publisher.published == []


def test_the_reaper_names_each_dead_lettered_job_and_its_notice_is_published(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    _queued_review(backend, "r-reaped", max_attempts=1)
    _queued_review(backend, "r-requeued", max_attempts=3)
    services = backend.services
    first, second = services.queue.claim("w-gone"), services.queue.claim("w-gone")
    assert first is not None
    assert second is not None
    services.reviews.set_status("r-reaped", ReviewStatus.IN_PROGRESS)
    backend.clock.advance(services.settings.worker.lease_seconds + 1)
    before = _dead_letter_count(backend)

    with caplog.at_level(logging.INFO, logger="tfreview.worker"):
        sweep = Reaper(services, clock=backend.clock).run_once()

    assert sweep.reaped == 2
    dead = [r for r in caplog.records if "is dead" in r.getMessage()]
    assert [r.levelno for r in dead] == [logging.ERROR]
    assert f"job {first.id} (review)" in dead[0].getMessage()
    assert "review r-reaped failed" in dead[0].getMessage()
    requeued = [r for r in caplog.records if "re-queued" in r.getMessage()]
    assert len(requeued) == 1
    assert f"job {second.id} (review)" in requeued[0].getMessage()
    assert "r-requeued" in requeued[0].getMessage()
    assert _dead_letter_count(backend) == before + 1  # the dead-letters alert's series

    [notice] = _notices(backend)
    assert PublishJob.decode(notice).review_id == "r-reaped"
    Worker(services, "w-2", kinds=[JobKind.PUBLISH.value]).run_once()
    assert backend.publisher.failures == ["r-reaped"]


def test_a_notice_publishes_nothing_once_the_review_is_no_longer_failed(backend: Backend) -> None:
    _queued_review(backend, "r-retried", max_attempts=1)
    worker = Worker(backend.services, "w-1")
    assert worker.run_once() is not None
    backend.services.reviews.set_status("r-retried", ReviewStatus.COMPLETED)  # an operator's retry finished it
    outcome = worker.run_once()
    assert outcome is not None
    assert outcome.result == "succeeded"
    assert backend.publisher.failures == []


def test_a_review_with_nowhere_to_publish_fails_without_a_notice_shown(backend: Backend) -> None:
    _queued_review(backend, "r-upload", max_attempts=1, source=SourceInfo("api"))
    worker = Worker(backend.services, "w-1")
    assert worker.run_once() is not None
    outcome = worker.run_once()
    assert outcome is not None
    assert outcome.result == "succeeded"
    assert backend.publisher.failures == []


def test_a_review_failed_past_its_deadline_publishes_its_failure(backend: Backend) -> None:
    _queued_review(backend, "r-late", max_attempts=3)
    services = backend.services
    deadline = services.settings.worker.review_deadline_seconds
    reaper = Reaper(services, clock=backend.clock)
    backend.clock.advance(2 * deadline + 1)
    assert reaper.run_once().failed == 1
    stored = services.reviews.get("r-late")
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    [notice] = _notices(backend)
    assert notice.state is JobState.QUEUED
    Worker(services, "w-1", kinds=[JobKind.PUBLISH.value]).run_once()
    assert backend.publisher.failures == ["r-late"]


def test_a_job_whose_integration_is_not_configured_announces_nothing(backend: Backend) -> None:
    """GitHub fetching not configured (no App credentials): nothing could publish the notice either, so the
    dead letter enqueues none (ADR 0382) — one at a time and in the worker's batches alike."""
    for review_id in ("r-unconfigured-1", "r-unconfigured-2", "r-unconfigured-3"):
        delivery = Delivery("api", f"k-{review_id}", "pull_request", TENANT, "", datetime.now(UTC))
        job = ReviewJob.for_review(TENANT, review_id).encode(max_attempts=3)
        backend.services.intake.accept(delivery, b"{}", job, review=(review_id, PULL))
    worker = Worker(backend.services, "w-1")
    outcome = worker.run_once()  # one at a time: queue.fail
    assert outcome is not None
    assert outcome.result == "dead"
    assert "not configured" in outcome.reason
    batch = backend.services.queue.claim_many("w-1", 16)  # the loop's batches: queue.settle
    assert len(batch) == 2
    assert [o.result for o in worker.process_batch(batch)] == ["dead", "dead"]
    assert worker.run_once() is None
    states = [(j.kind, j.state) for j in backend.services.queue.list(limit=100).items]
    assert states == [("review", JobState.DEAD)] * 3
    assert _notices(backend) == []
    assert backend.publisher.failures == []
    for review_id in ("r-unconfigured-1", "r-unconfigured-2", "r-unconfigured-3"):
        stored = backend.services.reviews.get(review_id, TENANT)
        assert stored is not None
        assert stored.status is ReviewStatus.FAILED
