"""ADR 0515: a job waiting out an upstream's rate limit does not spend its attempts, however often it meets one,
until the job is `worker.rate_limit_wait_seconds` old; then it fails visibly, naming the rate limit.

From the outside: the real worker runner and reaper over a real store (memory, SQLite, PostgreSQL when
TFREVIEW_TEST_POSTGRES_URL is set), the real GitHub client over HTTP against the fake GitHub, which answers 403 with
`x-ratelimit-remaining: 0` and a reset an hour away (reads) or 403 + `retry-after: 3600` (writes). One hand-moved
clock is the stores', the rate limiter's and the fake GitHub's: an hour passes without sleeping.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tfreview.ports.job_types import JobKind, PullRequestHead, ReviewJob
from tfreview.ports.jobs import Job, JobState
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.settings import Settings
from tfreview.wiring import WiredServices, build_memory_services, build_services
from tfreview.worker.reaper import Reaper
from tfreview.worker.runner import Outcome, Worker

from .conftest import ManualClock, _emptied, database_settings, sqlite_url, worker_settings

REPO = "octo/infra"
INSTALLATION = 42
TENANT = f"github:{INSTALLATION}"
MAIN_TF = 'resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size = 40\n}\n'
HOUR = 3600.0
WAITS = 4  # more rate limits in a row than max_attempts (3): each would have spent an attempt before


@dataclass
class Stack:
    services: WiredServices
    github: FakeGitHub
    clock: ManualClock


def stack(request: pytest.FixtureRequest, tmp_path: Path, **worker: object) -> Iterator[Stack]:
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    with FakeGitHub(clock=lambda: clock().timestamp()) as github:
        github.add_installation(INSTALLATION, "octo", repos=[REPO])
        github.add_commit(REPO, "main", {"README.md": "hello"})
        github.add_commit(REPO, "feature", {"main.tf": MAIN_TF}, base="main")
        github.open_pull_request(REPO, head="feature", base="main", number=1)
        marker = tmp_path / "marker-secret"
        marker.write_text("marker-secret-0123456789abcdef")
        app = github.app_settings(tmp_path, marker_secret=f"file:{marker}")
        if request.param == "memory":
            settings = worker_settings(**worker).model_copy(update={"github_app": app})
            services = build_memory_services(settings, clock=clock)
        else:
            url = (
                sqlite_url(tmp_path) if request.param == "sqlite" else _emptied(request.getfixturevalue("postgres_url"))
            )
            settings = database_settings(url, **worker).model_copy(update={"github_app": app})
            services = build_services(settings, clock=clock)
        try:
            yield Stack(services, github, clock)
        finally:
            services.close()


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def day(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    """The default bound: a day of rate-limit waits."""
    yield from stack(request, tmp_path)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def two_hours(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    yield from stack(request, tmp_path, rate_limit_wait_seconds=2 * HOUR)


def pull_request_review(services: WiredServices, github: FakeGitHub) -> tuple[str, int]:
    """A pull_request delivery accepted as the webhook does (delivery, review row and job in one transaction)."""
    pull = github.pull_request(REPO, 1)
    review_id = str(uuid.uuid4())
    head = PullRequestHead(REPO, 1, pull.head_sha, installation_id=INSTALLATION, action="opened")
    job = ReviewJob.for_pull_request(TENANT, head).with_review(review_id)
    delivery = Delivery(
        source="github",
        key=f"delivery-{review_id}",
        event="pull_request",
        tenant_id=TENANT,
        payload_sha256="",
        received_at=services.clock(),
    )
    source = SourceInfo("github", repository=REPO, pull_request=1, commit_sha=pull.head_sha)
    services.intake.accept(
        delivery, b"{}", job.encode(max_attempts=services.settings.worker.max_attempts), review=(review_id, source)
    )
    queued = services.queue.list(tenant_id=TENANT).items
    return review_id, next(j.id for j in queued if j.kind == JobKind.REVIEW.value)


def run(services: WiredServices, kind: JobKind) -> Outcome:
    outcome = Worker(services, "w", kinds=[kind.value]).run_once()
    assert outcome is not None, f"no {kind.value} job was runnable"
    return outcome


def job(services: WiredServices, job_id: int) -> Job:
    found = services.queue.get(job_id)
    assert found is not None
    return found


def jobs_total(services: WiredServices, outcome: str) -> float:
    return sum(
        value
        for name, labels, value in services.metrics.samples()
        if name == "tfreview_jobs_total" and labels.get("outcome") == outcome
    )


def test_a_review_and_its_publish_wait_out_hour_long_rate_limits_without_spending_attempts(day: Stack) -> None:
    services, github, clock = day.services, day.github, day.clock
    review_id, review_job = pull_request_review(services, github)
    reaper = Reaper(services, clock=clock)
    for n in range(WAITS):  # primary limit exhausted, reset an hour away: the App's token exchange is refused
        # first, then (one request left for the token) the pull request's reads
        github.primary_limit(0 if n == 0 else 1, reset_in_seconds=HOUR)
        outcome = run(services, JobKind.REVIEW)
        assert outcome.result == "waiting", outcome
        assert outcome.job.attempts == 0
        expected = (
            "access_tokens: refused by a rate limit" if n == 0 else f"GitHub primary rate limit for {INSTALLATION}"
        )
        assert expected in (outcome.reason or ""), outcome.reason
        stored = services.reviews.get(review_id)
        assert stored is not None
        assert stored.status is ReviewStatus.QUEUED
        assert (stored.status_reason or "") == f"waiting: {outcome.reason}"
        assert run_none(services, JobKind.REVIEW), "the job ran again before its wait was over"
        clock.advance(HOUR + 1)
        sweep = reaper.run_once()  # the review's deadline moved with each wait: not re-queued, not failed
        assert (sweep.requeued, sweep.failed) == (0, 0), (n, sweep)
    done = run(services, JobKind.REVIEW)
    assert done.result == "succeeded", done
    assert job(services, review_job).attempts == 1  # only the attempt that succeeded
    completed = services.reviews.get(review_id)
    assert completed is not None
    assert completed.status in (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI), completed.status

    github.secondary_limit(writes_per_minute=0, retry_after=HOUR)  # every write: 403 + retry-after an hour
    for _ in range(WAITS):
        outcome = run(services, JobKind.PUBLISH)
        assert outcome.result == "waiting", outcome
        assert outcome.job.attempts == 0
        assert "refused by a rate limit" in (outcome.reason or ""), outcome.reason
        assert "the publish starts over" in (outcome.reason or ""), outcome.reason
        clock.advance(HOUR + 1)
    assert github.refused_writes == WAITS
    github.heal()
    published = run(services, JobKind.PUBLISH)
    assert published.result == "succeeded", published
    assert published.job.attempts == 1
    comments = github.comments(REPO, 1)
    assert len(comments) == 1
    assert github.pull_request(REPO, 1).head_sha[:7] in comments[0]["body"]
    assert jobs_total(services, "waiting") == 2 * WAITS
    assert jobs_total(services, "failed") == jobs_total(services, "dead_lettered") == 0


def test_past_the_bound_a_rate_limited_review_fails_visibly_naming_the_rate_limit(two_hours: Stack) -> None:
    services, github, clock = two_hours.services, two_hours.github, two_hours.clock
    review_id, review_job = pull_request_review(services, github)
    for _ in range(2):  # within the two hours: waits, attempts unspent
        github.primary_limit(0, reset_in_seconds=HOUR)
        assert run(services, JobKind.REVIEW).result == "waiting"
        clock.advance(HOUR + 1)
    github.primary_limit(0, reset_in_seconds=HOUR)  # still limited, and the job is now older than the bound
    dead = run(services, JobKind.REVIEW)
    assert dead.result == "dead", dead
    assert dead.permanent  # not "out of attempts": it spent one
    assert dead.job.attempts == 1
    reason = dead.reason or ""
    assert "gave up waiting for GitHub's rate limit" in reason, reason
    assert "2 h (worker.rate_limit_wait_seconds)" in reason, reason
    assert job(services, review_job).state is JobState.DEAD
    assert reason in (job(services, review_job).last_error or "")
    failed = services.reviews.get(review_id)
    assert failed is not None
    assert failed.status is ReviewStatus.FAILED
    assert "gave up waiting for GitHub's rate limit" in (failed.status_reason or ""), failed.status_reason
    assert jobs_total(services, "failed") == 1  # what the dead-letters alert counts
    notices = [j for j in services.queue.list(tenant_id=TENANT).items if j.kind == JobKind.PUBLISH.value]
    assert len(notices) == 1
    assert notices[0].payload.get("failed_job") == review_job  # the PR will say so


def run_none(services: WiredServices, kind: JobKind) -> bool:
    return Worker(services, "w", kinds=[kind.value]).run_once() is None


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("5", "greater than or equal to 60"),
        ("691200", "less than or equal to 604800"),
        ("nan", "less than or equal to 604800"),
        ("a day", "a valid number, unable to parse string as a number"),
    ],
)
def test_a_bound_that_cannot_be_one_is_refused_at_load_naming_the_setting(
    value: str, says: str, tmp_path: Path
) -> None:
    env = {**os.environ, "TFREVIEW_WORKER__RATE_LIMIT_WAIT_SECONDS": value}
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "worker"],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done
    assert f"TFREVIEW_WORKER__RATE_LIMIT_WAIT_SECONDS: Input should be {says}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / ".tfreview-data").exists()  # nothing written before the refusal


def test_the_default_bound_is_a_day() -> None:
    assert Settings().worker.rate_limit_wait_seconds == 86400.0


def test_a_rate_limit_that_never_lifts_is_retried_ever_more_slowly_not_every_second(day: Stack) -> None:
    """GitHub: "if your request continues to fail due to a secondary rate limit, wait for an exponentially
    increasing amount of time between retries" — continuing to send while limited may get the App banned. An
    upstream answering every write 403 + `retry-after: 1` (or a reset our clock already sees as past: 1 s) for a
    whole day must not be sent the write ~86 400 times: each wait is at least a quarter of the job's age."""
    services, github, clock = day.services, day.github, day.clock
    pull_request_review(services, github)
    assert run(services, JobKind.REVIEW).result == "succeeded"
    github.secondary_limit(writes_per_minute=0, retry_after=1)
    publish = next(j for j in services.queue.list(tenant_id=TENANT).items if j.kind == JobKind.PUBLISH.value)
    waits: list[float] = []
    while clock() - publish.created_at < timedelta(seconds=HOUR) and len(waits) < 200:
        outcome = run(services, JobKind.PUBLISH)
        assert outcome.result == "waiting", outcome
        assert outcome.job.attempts == 0
        waited = (outcome.job.run_after - clock()).total_seconds()
        assert waited >= 1.0 - 1e-3, waited  # never sooner than GitHub said
        assert waited >= (clock() - publish.created_at).total_seconds() / 4 - 1e-3, waited  # stores keep µs
        waits.append(waited)
        assert run_none(services, JobKind.PUBLISH), "the job ran again before its wait was over"
        clock.advance(waited)
    assert len(waits) < 40, f"{len(waits)} refused writes in the first hour"  # was one a second: 3 600
    assert waits == sorted(waits)  # ever more slowly
    assert github.refused_writes == len(waits)
    github.heal()
    published = run(services, JobKind.PUBLISH)
    assert published.result == "succeeded", published
    assert published.job.attempts == 1
    assert jobs_total(services, "failed") == 0
