"""Failure classification: permanent failures go dead at once, retriable ones back off, then fail visibly."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest

from tfreview.core.errors import (
    AuthError,
    ConfigError,
    InputError,
    IntegrityError,
    KeysUnavailable,
    NotFound,
    StoreUnavailable,
    UpstreamError,
)
from tfreview.ports.job_types import PullRequestHead, ReviewJob
from tfreview.ports.jobs import JobState
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.sources.uploaded import UploadedPlanSource
from tfreview.worker.errors import AttemptTimedOut, classify
from tfreview.worker.runner import Worker

from .conftest import TENANT, Backend, upload
from .sources import FailingSource

CANARY = "AKIAZ7Q2CANARY9X4WLM"  # shaped like an AWS access key id: must never reach a stored reason


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (InputError("not a plan"), True),
        (ConfigError("bad .tfreview.toml"), True),
        (IntegrityError("plan p1"), True),
        (NotFound("review r1"), True),
        (UpstreamError("GitHub 502"), False),
        (StoreUnavailable("database is locked"), False),
        (KeysUnavailable("JWKS down"), False),
        (AuthError("GitHub GET /repos/o/r/pulls/1: 401 Bad credentials", status=401), False),
        (AttemptTimedOut(1, 3.0), False),
        (TimeoutError("read timed out"), False),
        (ConnectionResetError("reset by peer"), False),
        (RuntimeError("a bug"), False),
    ],
)
def test_classification(error: BaseException, permanent: bool) -> None:
    assert classify(error).permanent is permanent


def test_an_upstream_refusing_a_fresh_credential_is_retried_under_its_own_name_not_an_internal_error() -> None:
    failure = classify(AuthError("GitHub GET /repos/o/r/pulls/1: 401 Bad credentials", status=401))
    assert failure.reason == "GitHub GET /repos/o/r/pulls/1: 401 Bad credentials"


def test_an_unexpected_error_is_named_and_its_secrets_scrubbed() -> None:
    failure = classify(KeyError(f"token {CANARY}"))
    assert failure.reason.startswith("internal error: KeyError")
    assert CANARY not in failure.reason


def test_a_missing_plan_fails_the_review_permanently(backend: Backend) -> None:
    services = backend.services
    review_id = "r-missing-plan"
    from datetime import UTC, datetime

    from tfreview.ports.records import Delivery

    delivery = Delivery("api", "k-missing", "plan_upload", TENANT, "", datetime.now(UTC))
    services.intake.accept(
        delivery,
        b"{}",
        ReviewJob.for_review(TENANT, review_id, plan_id="no-such-plan").encode(),
        review=(review_id, SourceInfo("api")),
    )

    outcome = Worker(services, "w1").run_once()

    assert outcome is not None
    assert outcome.result == "dead"
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason == "uploaded plan no-such-plan was not found (deleted or never stored)"
    assert outcome.job.attempts == 1
    assert backend.publisher.published == []


def test_a_plan_that_is_not_json_fails_permanently_with_the_parser_message(backend: Backend) -> None:
    services = backend.services
    review_id, _ = upload(services)
    services = replace(
        services, sources={"api": FailingSource(InputError("expected the JSON of `terraform show -json`", path="x"))}
    )

    outcome = Worker(services, "w1").run_once()

    assert outcome is not None
    assert outcome.result == "dead"
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason == "x: expected the JSON of `terraform show -json`"


def test_github_reviews_fail_clearly_until_github_fetching_exists(backend: Backend) -> None:
    services = backend.services
    review_id = "r-github"
    from datetime import UTC, datetime

    from tfreview.ports.records import Delivery

    delivery = Delivery("github", "guid-1", "pull_request.opened", TENANT, "", datetime.now(UTC))
    source = SourceInfo("github", repository="octo/infra", pull_request=7, commit_sha="abc")
    services.intake.accept(
        delivery, b"{}", ReviewJob.for_review(TENANT, review_id).encode(), review=(review_id, source)
    )

    outcome = Worker(services, "w1").run_once()

    assert outcome is not None
    assert outcome.result == "dead"
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason == "GitHub pull-request fetching is not configured yet"


@pytest.mark.parametrize("error", [UpstreamError("GitHub answered 502"), RuntimeError(f"boom {CANARY}")])
def test_retriable_failures_back_off_then_fail_visibly(backend: Backend, error: BaseException) -> None:
    services = backend.services
    review_id, _ = upload(services)
    services = replace(services, sources={"api": FailingSource(error)})
    worker = Worker(services, "w1")
    max_attempts = services.settings.worker.max_attempts

    for attempt in range(1, max_attempts):
        outcome = worker.run_once()
        assert outcome is not None
        assert outcome.result == "retrying"
        stored = services.reviews.get(review_id)
        assert stored is not None
        assert stored.status is ReviewStatus.QUEUED
        assert stored.status_reason is not None
        assert stored.status_reason.startswith(f"attempt {attempt} of {max_attempts} failed: ")
        assert stored.status_reason.endswith("; retrying")
        assert outcome.job.run_after >= backend.clock()  # backoff: not runnable before run_after
        backend.clock.advance(services.settings.worker.backoff_cap_seconds + 1)

    last = worker.run_once()
    assert last is not None
    assert last.result == "dead"
    job = services.queue.get(last.job.id)
    assert job is not None
    assert job.state == JobState.DEAD
    assert job.attempts == max_attempts
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason is not None
    assert CANARY not in stored.status_reason
    assert job.last_error is not None
    assert CANARY not in job.last_error
    assert backend.publisher.published == []


def test_a_transient_failure_then_success_completes_the_review(backend: Backend) -> None:
    services = backend.services
    review_id, _ = upload(services)
    services = replace(
        services,
        sources={
            "api": FailingSource(
                StoreUnavailable("database is locked"), times=1, inner=UploadedPlanSource(services.plans)
            )
        },
    )
    worker = Worker(services, "w1")

    first = worker.run_once()
    assert first is not None
    assert first.result == "retrying"
    backend.clock.advance(10)
    second = worker.run_once()
    assert second is not None
    assert second.result == "succeeded"
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert stored.status_reason is None


def test_an_unconfigured_source_fails_the_job_before_its_review_is_marked_in_progress(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Known without fetching (issue 13): no `in_progress` write for a job the process cannot serve."""
    services = backend.services
    review_id = "r-github-unconfigured"
    from datetime import UTC, datetime

    from tfreview.ports.records import Delivery

    delivery = Delivery("github", "guid-2", "pull_request.opened", TENANT, "", datetime.now(UTC))
    source = SourceInfo("github", repository="octo/infra", pull_request=8, commit_sha="def")
    services.intake.accept(
        delivery, b"{}", ReviewJob.for_review(TENANT, review_id).encode(), review=(review_id, source)
    )
    marked: list[object] = []
    set_status = services.reviews.set_status
    monkeypatch.setattr(services.reviews, "set_status", lambda *a, **k: (marked.append(a[1]), set_status(*a, **k)))

    outcome = Worker(services, "w1").run_once()

    assert outcome is not None
    assert outcome.result == "dead"
    assert outcome.permanent
    assert ReviewStatus.IN_PROGRESS not in marked
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason == "GitHub pull-request fetching is not configured yet"


def test_a_pull_request_job_fails_on_an_unconfigured_source_without_reading_its_review(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADR 0395: the job names its pull request, so GitHub serves it: unconfigured, it fails before the review
    is read (half a delivery's worker CPU in benchmarks/worker_cost.py), and the review still ends failed."""
    from datetime import UTC, datetime

    from tfreview.ports.records import Delivery

    services = backend.services
    review_id = "r-pull-unconfigured"
    pull = PullRequestHead("octo/infra", 9, "f" * 40, installation_id=1, action="opened")
    job = ReviewJob.for_pull_request(TENANT, pull).with_review(review_id)
    delivery = Delivery("github", "guid-3", "pull_request.opened", TENANT, "", datetime.now(UTC))
    source = SourceInfo("github", repository="octo/infra", pull_request=9, commit_sha="f" * 40)
    services.intake.accept(delivery, b"{}", job.encode(), review=(review_id, source))
    read: list[str] = []  # by the handler (its thread); the memory queue reads the review to settle it
    get = services.reviews.get

    def spied(*args: Any, **kwargs: Any) -> Any:
        read.append(threading.current_thread().name)
        return get(*args, **kwargs)

    monkeypatch.setattr(services.reviews, "get", spied)

    outcome = Worker(services, "w1").run_once()

    assert outcome is not None
    assert (outcome.result, outcome.permanent) == ("dead", True)
    assert [name for name in read if "handler" in name] == []
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.FAILED
    assert stored.status_reason == "GitHub pull-request fetching is not configured yet"
