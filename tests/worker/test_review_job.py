"""A review job end to end: uploaded plan → worker → stored review → publish job → one publish."""

from __future__ import annotations

import io
import tarfile
from datetime import UTC, datetime

from tfreview.ports.job_types import JobKind, RunState, SpaceliftRunJob
from tfreview.ports.jobs import JobState, NewJob
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.ports.review_codec import report_document
from tfreview.worker.runner import Outcome, Worker

from .conftest import TENANT, Backend, upload


def drain(worker: Worker, limit: int = 1000) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for _ in range(limit):
        outcome = worker.run_once()
        if outcome is None:
            return outcomes
        outcomes.append(outcome)
    raise AssertionError("the queue never drained")


def test_review_job_stores_the_review_and_publishes_it_once(backend: Backend) -> None:
    services = backend.services
    review_id, _ = upload(services)
    worker = Worker(services, "w1")

    first = worker.run_once()
    assert first is not None
    assert first.job.kind == JobKind.REVIEW
    assert first.result == "succeeded"
    stored = services.reviews.get(review_id, TENANT)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert stored.verdict == "fail"
    assert stored.report is not None
    assert len(report_document(stored.report)["findings"]) == 6  # one cause, one finding: all ports folds SSH/RDP/HTTP;
    # the new VPC leaves its default security group unmanaged (TFR-AWS-016)
    assert stored.content_hash
    assert len(stored.content_hash) == 64
    assert stored.counts["findings"]["introduced"] == 6
    assert backend.publisher.published == []  # publishing is its own job

    second = worker.run_once()
    assert second is not None
    assert second.job.kind == JobKind.PUBLISH
    assert second.result == "succeeded"
    assert second.job.idempotency_key == f"publish:{TENANT}:{review_id}:{stored.content_hash}"
    assert backend.publisher.published == [review_id]
    assert drain(worker) == []
    assert services.queue.depth() == 0


def test_a_tarball_of_terraform_sources_is_reviewed(backend: Backend) -> None:
    main_tf = b'resource "aws_s3_bucket_acl" "logs" {\n  bucket = "logs"\n  acl    = "public-read"\n}\n'
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("infra/main.tf")
        info.size = len(main_tf)
        archive.addfile(info, io.BytesIO(main_tf))
    review_id, _ = upload(backend.services, buffer.getvalue(), kind="tarball")

    outcomes = drain(Worker(backend.services, "w1"))

    assert [o.result for o in outcomes] == ["succeeded", "succeeded"]
    stored = backend.services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED
    assert stored.report is not None
    assert report_document(stored.report)["source"] == "hcl"
    assert {f["address"] for f in report_document(stored.report)["findings"]} == {"aws_s3_bucket_acl.logs"}
    assert backend.publisher.published == [review_id]


def test_a_publisher_failure_is_retried_and_the_review_stays_completed(backend: Backend) -> None:
    from tfreview.core.errors import UpstreamError

    services = backend.services
    review_id, _ = upload(services)
    backend.publisher.fail_next(UpstreamError("GitHub answered 502"))
    worker = Worker(services, "w1")

    outcomes = drain(worker)
    assert [o.result for o in outcomes] == ["succeeded", "retrying"]
    backend.clock.advance(10)
    outcomes = drain(worker)
    assert [o.result for o in outcomes] == ["succeeded"]
    assert backend.publisher.published == [review_id]
    stored = services.reviews.get(review_id)
    assert stored is not None
    assert stored.status is ReviewStatus.COMPLETED


def test_a_repeated_review_publishes_the_same_content_once(backend: Backend) -> None:
    """At-least-once execution: the review job runs twice (e.g. after a crash), the publish happens once."""
    services = backend.services
    review_id, plan_id = upload(services)
    again = NewJob(
        JobKind.REVIEW.value, TENANT, f"review:{review_id}:again", {"review_id": review_id, "plan_id": plan_id}
    )
    services.queue.enqueue(again)
    outcomes = drain(Worker(services, "w1"))
    assert sorted(o.job.kind for o in outcomes) == ["publish", "review", "review"]
    assert backend.publisher.published == [review_id]


def test_spacelift_run_job_finds_the_uploaded_review_or_does_nothing(backend: Backend) -> None:

    services = backend.services
    job, created = services.queue.enqueue(SpaceliftRunJob(TENANT, RunState("stack-1", "run-1")).encode())
    assert created
    outcome = Worker(services, "w1").run_once()
    assert outcome is not None
    assert outcome.result == "succeeded"
    done = services.queue.get(job.id)
    assert done is not None
    assert done.state == JobState.SUCCEEDED
    assert backend.publisher.published == []


def test_a_spacelift_run_takes_the_result_of_its_uploaded_plan_published_once(backend: Backend) -> None:
    services = backend.services
    run = SourceInfo("spacelift", stack_id="stack-1", run_id="run-7", account="acme")
    webhook_review = "r-webhook"
    job = NewJob(
        JobKind.SPACELIFT_RUN.value,
        TENANT,
        "spacelift:stack-1:run-7",
        {"stack_id": "stack-1", "run_id": "run-7", "review_id": webhook_review},
    )
    services.intake.accept(
        Delivery("spacelift", "run-7:FINISHED:3", "run_state.FINISHED", TENANT, "", datetime.now(UTC)),
        b"{}",
        job,
        review=(webhook_review, run),
    )
    worker = Worker(services, "w1")

    waiting = worker.run_once()  # the webhook came first: no upload yet
    assert waiting is not None
    assert waiting.result == "retrying"
    stored = services.reviews.get(webhook_review)
    assert stored is not None
    assert stored.status is ReviewStatus.QUEUED
    assert "no plan was uploaded for Spacelift run stack-1/run-7" in (stored.status_reason or "")

    upload_review, _ = upload(services, source=run)  # the after_plan hook's upload, with the run's metadata
    backend.clock.advance(60)
    drain(worker)

    uploaded = services.reviews.get(upload_review)
    taken = services.reviews.get(webhook_review)
    assert uploaded is not None
    assert taken is not None
    assert uploaded.status is ReviewStatus.COMPLETED
    assert taken.status is ReviewStatus.COMPLETED
    assert taken.content_hash == uploaded.content_hash
    assert backend.publisher.published == [upload_review]


def test_9_8_a_run_waiting_for_its_upload_in_review_is_not_failing_even_after_a_worker_crash(backend: Backend) -> None:
    """The upload's review job is claimed by a worker that dies (its lease runs out, then it is claimed again);
    meanwhile the run's review waits — many more times than max_attempts — without one attempt counted, and
    then takes the upload's result."""
    services = backend.services
    run = SourceInfo("spacelift", stack_id="stack-1", run_id="run-8", account="acme")
    upload_review, _ = upload(services, source=run)
    crashed = services.queue.claim("crashed-worker", kinds=[JobKind.REVIEW.value])  # and never heard of again
    assert crashed is not None
    webhook_review = "r-webhook-8"
    job = NewJob(
        JobKind.SPACELIFT_RUN.value,
        TENANT,
        "spacelift:stack-1:run-8",
        {"stack_id": "stack-1", "run_id": "run-8", "review_id": webhook_review},
        max_attempts=services.settings.worker.max_attempts,
    )
    services.intake.accept(
        Delivery("spacelift", "run-8:FINISHED:3", "run_state.FINISHED", TENANT, "", datetime.now(UTC)),
        b"{}",
        job,
        review=(webhook_review, run),
    )
    runs = Worker(services, "w-runs", kinds=[JobKind.SPACELIFT_RUN.value])
    waits = 0
    lease = services.settings.worker.lease_seconds
    for _ in range(3 * services.settings.worker.max_attempts):  # well past max_attempts, and past the lease
        outcome = runs.run_once()
        assert outcome is not None
        assert outcome.result == "waiting", outcome
        assert outcome.job.attempts == 0
        waits += 1
        waiting = services.reviews.get(webhook_review)
        assert waiting is not None
        assert waiting.status is ReviewStatus.QUEUED
        assert "still being reviewed" in (waiting.status_reason or "")
        backend.clock.advance(lease / services.settings.worker.max_attempts)
    assert waits > services.settings.worker.max_attempts
    services.queue.reap()  # the crashed worker's lease is long gone: its job goes back to the queue
    for _ in range(3):  # the run may wait once more if it is claimed before the upload's review ends
        drain(Worker(services, "w-all"))
        backend.clock.advance(10)
    uploaded = services.reviews.get(upload_review)
    taken = services.reviews.get(webhook_review)
    assert uploaded is not None
    assert taken is not None
    assert uploaded.status is ReviewStatus.COMPLETED
    assert taken.status is ReviewStatus.COMPLETED
    assert taken.content_hash == uploaded.content_hash
    finished = [j for j in services.queue.list(limit=50).items if j.kind == JobKind.SPACELIFT_RUN.value]
    assert [(j.state, j.attempts) for j in finished] == [(JobState.SUCCEEDED, 1)]
