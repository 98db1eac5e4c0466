"""ADR 0536: a dead job retried by hand (`POST /api/v1/jobs/{id}/retry`, the dashboard's button, a delivery's
requeue — all `JobQueue.retry`) starts its bounds again: an upstream's rate limit met after the retry is waited
out as on a new job (ADR 0515), not a permanent failure at once because the job was queued long ago.

From the outside as in test_rate_limit_waits.py: the real worker runner and reaper over a real store (memory,
SQLite, PostgreSQL when TFREVIEW_TEST_POSTGRES_URL is set), the real GitHub client against the fake GitHub, one
hand-moved clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tfreview.ports.job_types import JobKind
from tfreview.ports.jobs import JobState
from tfreview.ports.records import ReviewStatus
from tfreview.service.retries import retry_review
from tfreview.worker.reaper import Reaper
from tfreview.worker.runner import Worker

from .test_rate_limit_waits import HOUR, REPO, TENANT, Stack, job, pull_request_review, run, stack

DAY = 24 * HOUR


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def two_hours(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    yield from stack(request, tmp_path, rate_limit_wait_seconds=2 * HOUR)


def test_a_dead_job_retried_by_hand_a_day_later_waits_out_its_first_rate_limit(two_hours: Stack) -> None:
    services, github, clock = two_hours.services, two_hours.github, two_hours.clock
    review_id, review_job = pull_request_review(services, github)
    for _ in range(2):
        github.primary_limit(0, reset_in_seconds=HOUR)
        assert run(services, JobKind.REVIEW).result == "waiting"
        clock.advance(HOUR + 1)
    github.primary_limit(0, reset_in_seconds=HOUR)
    assert run(services, JobKind.REVIEW).result == "dead"  # past the bound: ADR 0515's permanent failure

    clock.advance(DAY)  # the operator finds what spent the budget, and retries by hand
    retried = services.queue.retry(review_job, TENANT)
    assert retried is not None
    assert retried.state is JobState.QUEUED
    assert retried.attempts == 0

    github.primary_limit(0, reset_in_seconds=HOUR)  # the limit comes back once more
    waiting = run(services, JobKind.REVIEW)
    assert waiting.result == "waiting", waiting  # was: dead at once, "gave up waiting for GitHub's rate limit"
    assert waiting.job.attempts == 0
    assert retried.created_at == clock()  # the bound is measured from the retry
    waited = (waiting.job.run_after - clock()).total_seconds()
    assert HOUR - 1 <= waited <= HOUR + 1, waited  # what GitHub asked, not a quarter of a two-day age
    clock.advance(HOUR + 1)
    sweep = Reaper(services, clock=clock).run_once()
    assert (sweep.requeued, sweep.failed) == (0, 0), sweep
    done = run(services, JobKind.REVIEW)
    assert done.result == "succeeded", done
    assert job(services, review_job).state is JobState.SUCCEEDED
    reviewed = services.reviews.get(review_id)
    assert reviewed is not None
    assert reviewed.status in (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI), reviewed
    # the failure notice of the first death and the review's own comment: one comment, the review's
    for _ in range(4):
        if run_publish(two_hours) is None:
            break
    comments = github.comments(REPO, 1)
    assert len(comments) == 1, comments
    assert "could not review" not in comments[0]["body"]


def run_publish(two: Stack) -> str | None:
    outcome = Worker(two.services, "w", kinds=[JobKind.PUBLISH.value]).run_once()
    if outcome is not None:
        two.clock.advance(timedelta(minutes=5).total_seconds())
    return None if outcome is None else outcome.result


def test_a_review_retried_by_hand_gets_a_fresh_deadline_and_says_so(two_hours: Stack) -> None:
    """The retried job's review is queued again at once, with the review deadline counted from the retry: a worker
    lost on its first hand-retried attempt is re-queued by the reaper, not failed "deadline exceeded" for a
    deadline that passed with the first death, a day ago (the failure notice of which would go out again)."""
    services, github, clock = two_hours.services, two_hours.github, two_hours.clock
    review_id, review_job = pull_request_review(services, github)
    github.primary_limit(0, reset_in_seconds=HOUR)
    assert run(services, JobKind.REVIEW).result == "waiting"
    clock.advance(2 * HOUR + 1)
    github.primary_limit(0, reset_in_seconds=HOUR)
    assert run(services, JobKind.REVIEW).result == "dead"
    clock.advance(DAY)
    assert services.queue.retry(review_job, TENANT) is not None
    queued = services.reviews.get(review_id)
    assert queued is not None
    assert queued.status is ReviewStatus.QUEUED, queued  # was: FAILED until a worker claims the job
    assert queued.status_reason == "retried by hand"
    assert queued.deadline_at == clock() + timedelta(seconds=services.settings.worker.review_deadline_seconds)

    # its worker claims the job and starts the review (the handler's first write), then is SIGKILLed
    claimed = services.queue.claim("doomed", kinds=[JobKind.REVIEW.value])
    assert claimed is not None
    assert claimed.id == review_job
    services.reviews.set_status(review_id, ReviewStatus.IN_PROGRESS)
    clock.advance(services.settings.worker.lease_seconds + 1)
    sweep = Reaper(services, clock=clock).run_once()
    assert sweep.reaped == 1
    assert (sweep.requeued, sweep.failed) == (0, 0), sweep  # was: failed 1, "deadline exceeded"
    done = run(services, JobKind.REVIEW)
    assert done.result == "succeeded", done
    reviewed = services.reviews.get(review_id)
    assert reviewed is not None
    assert reviewed.status in (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI), reviewed


def test_a_failed_review_retried_by_request_a_day_later_is_not_failed_by_the_next_sweep(two_hours: Stack) -> None:
    """`POST /api/v1/reviews/{id}/retry` (a new job for a failed review) is a hand retry too: the review is queued
    with a deadline counted from the retry. Before, it kept the deadline of its first run (or its creation plus
    the review deadline): the reaper's next sweep — seconds later, before any worker took the new job — failed it
    "deadline exceeded" and queued a failure notice for the pull request."""
    services, github, clock = two_hours.services, two_hours.github, two_hours.clock
    review_id, _review_job = pull_request_review(services, github)
    github.primary_limit(0, reset_in_seconds=HOUR)
    assert run(services, JobKind.REVIEW).result == "waiting"
    clock.advance(2 * HOUR + 1)
    github.primary_limit(0, reset_in_seconds=HOUR)
    assert run(services, JobKind.REVIEW).result == "dead"
    clock.advance(DAY)
    failed = services.reviews.get(review_id)
    assert failed is not None
    assert failed.status is ReviewStatus.FAILED
    retry_review(services, failed)
    queued = services.reviews.get(review_id)
    assert queued is not None
    assert queued.status is ReviewStatus.QUEUED
    assert queued.deadline_at == clock() + timedelta(seconds=services.settings.worker.review_deadline_seconds)
    sweep = Reaper(services, clock=clock).run_once()  # the reaper sweeps before a worker is free
    assert (sweep.requeued, sweep.failed) == (0, 0), sweep  # was: failed 1, "deadline exceeded"
    done = run(services, JobKind.REVIEW)
    assert done.result == "succeeded", done
    reviewed = services.reviews.get(review_id)
    assert reviewed is not None
    assert reviewed.status in (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI), reviewed
