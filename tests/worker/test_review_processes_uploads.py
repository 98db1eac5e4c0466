"""ADR 0702: an uploaded plan's parsing and rules run in a review process too (the worker reads the stored bytes and
hands them through the pipe; the process opens no store), the rest of the review in the worker's own process.

The real worker runner over the memory store and real, spawned review processes, killed with real signals.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tfreview.advisor.builtin import BuiltinAdvisor
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.ports.job_types import JobKind
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.ports.review_codec import EncodedDocument, encode, finding_keys
from tfreview.ports.review_processes import Finish, FinishedReview, RulesReviewed
from tfreview.rules import load_rules_for
from tfreview.service.assessment import advise_on
from tfreview.service.kept_findings import with_kept_findings
from tfreview.service.uploads import accept_upload
from tfreview.sources.uploaded import UploadedInput, UploadedPlanSource
from tfreview.wiring import WiredServices, build_memory_services
from tfreview.worker.review_processes import ReviewProcessPool, with_review_processes
from tfreview.worker.runner import Outcome, Worker

from .blocking_input import BlockingSource
from .conftest import ManualClock, worker_settings
from .test_review_processes import WAIT_SECONDS, gone, wait_until

CORPUS = Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus"
PLANS = (
    "tfcompliance__test_issue-158.json",
    "checkov__terraform__parser__resources__plan_module_with_connected_resources__tfplan.json",
    "checkov__terraform__checks__data__aws__example_GithubActionsOIDCTrustPolicy__tfplan.json",
)
TENANT = "api:acme"
KEPT = {  # a finding kept with an upload (found on its original, service.uploads.secret_findings), as a document
    "rule_id": "TFR-AWS-999",
    "title": "A kept finding",
    "severity": "high",
    "provider": "aws",
    "category": "secrets",
    "address": "aws_lambda_function.kept",
    "resource_type": "aws_lambda_function",
    "status": "introduced",
    "message": "kept at upload",
}


def _services(processes: bool) -> Iterator[WiredServices]:
    services = build_memory_services(worker_settings(), clock=ManualClock(datetime.now(UTC).replace(microsecond=0)))
    if processes:
        services = with_review_processes(services, services.closers.add)  # type: ignore[assignment]
    try:
        yield services
    finally:
        services.close()


@pytest.fixture
def services() -> Iterator[WiredServices]:
    yield from _services(processes=True)


def pool_of(services: WiredServices) -> ReviewProcessPool:
    pool = services.review_processes
    assert isinstance(pool, ReviewProcessPool)
    return pool


def upload(services: WiredServices, name: str) -> str:
    body = (CORPUS / name).read_bytes()
    metadata = {"source": "api", "run": uuid.uuid4().hex}
    review_id, created = accept_upload(
        services, TENANT, body, "plan", metadata, SourceInfo(kind="api"), datetime.now(UTC)
    )
    assert created
    return review_id


def review_once(services: WiredServices, **worker: object) -> Outcome:
    outcome = Worker(services, "w", kinds=[JobKind.REVIEW.value], **worker).run_once()  # type: ignore[arg-type]
    assert outcome is not None, "no review job was runnable"
    return outcome


def report_of(services: WiredServices, review_id: str) -> tuple[object, ...]:
    stored = services.reviews.get(review_id, TENANT)
    assert stored is not None
    report = dict(stored.report)
    report.pop("id", None)
    report["review"] = {k: v for k, v in report["review"].items() if k != "label"}  # "upload <its plan id>"
    return stored.status, stored.verdict, dict(stored.counts), report


def test_an_uploaded_plan_is_reviewed_in_a_review_process_with_the_same_result() -> None:
    results = {}
    for processes in (False, True):
        for services in _services(processes):
            found = []
            for name in PLANS:
                review_id = upload(services, name)
                outcome = review_once(services)
                assert outcome.result == "succeeded", outcome.reason
                found.append(report_of(services, review_id))
            results[processes] = found
            if processes:  # no GitHub App configured: the pool is there for the uploads
                assert services.sources["github"].unavailable is not None
                (child,) = pool_of(services).pids()
                assert child != os.getpid()
            else:
                assert services.review_processes is None
    assert results[True] == results[False]
    assert all(status == ReviewStatus.COMPLETED for status, *_ in results[True])
    assert any(counts.get("findings") for _, _, counts, _ in results[True])  # type: ignore[attr-defined]


def test_without_a_model_advisor_only_the_finished_document_comes_back(services: WiredServices) -> None:
    """A `Finish` (no model advises): the review process merges the built-in advice and the kept findings and encodes
    the document, and neither the change set nor the rules' review crosses back; None: the rules' review and the
    change set a model's prompt reads."""
    review_id = upload(services, PLANS[0])
    stored = services.reviews.get(review_id, TENANT)
    assert stored is not None
    source = services.sources["api"]
    assert isinstance(source, UploadedPlanSource)
    prepared = source.prepare(stored, {})
    assert isinstance(prepared, UploadedInput)
    assert str(len(prepared.content)) in repr(prepared)
    assert "resource_changes" not in repr(prepared)  # a log line never carries the plan
    kept = [KEPT]
    pool = pool_of(services)
    rules = pool.review(stored, {}, lambda: False, prepared=prepared, finish=None)
    assert isinstance(rules, RulesReviewed)
    change_set = prepared.fetched().change_set
    assert rules.change_set.changes == change_set.changes
    for advised in (False, True):
        finish = Finish(tuple(kept), builtin_advice=advised, tenant_id=TENANT)
        finished = pool.review(stored, {}, lambda: False, prepared=prepared, finish=finish)
        assert isinstance(finished, FinishedReview)
        rules_here = review(change_set, load_rules_for(change_set.resource_types()), Policy())
        assessed = advise_on(change_set, rules_here, 0.0, BuiltinAdvisor() if advised else None, tenant_id=TENANT)
        here = with_kept_findings(assessed.review, kept, Policy())
        assert finished.document == EncodedDocument.of(encode(here))  # what the worker thread would have stored
        assert (finished.verdict, finished.counts) == (here.verdict.value, dict(here.counts))
        assert (here.advice is not None) == advised
        assert list(finished.keys) == finding_keys(finished.document.document())  # as read back
        assert not finished.ai_unavailable
        assert len(here.findings) == len(rules.review.findings) + 1  # the kept one merged, in the review process


@pytest.fixture
def blocking(services: WiredServices, tmp_path: Path) -> tuple[WiredServices, Path, Path]:
    started, go = tmp_path / "started", tmp_path / "go"
    services.sources["api"] = BlockingSource(services.sources["api"], started, go)  # type: ignore[index]
    return services, started, go


def test_a_review_process_killed_mid_review_of_an_upload_fails_retriably_and_the_retry_completes_it(
    blocking: tuple[WiredServices, Path, Path],
) -> None:
    services, started, go = blocking
    review_id = upload(services, PLANS[0])
    outcomes: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcomes.append(review_once(services)))
    worker.start()
    wait_until(started.exists, "the review process to read the upload")
    (killed,) = pool_of(services).pids()
    os.kill(killed, signal.SIGKILL)
    worker.join(WAIT_SECONDS)
    (outcome,) = outcomes
    assert outcome.result == "retrying", outcome
    assert outcome.reason is not None
    assert outcome.reason.startswith("the review process ended (signal 9)")
    stored = services.reviews.get(review_id, TENANT)
    assert stored is not None
    assert stored.status not in (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)
    assert not stored.report  # nothing half-written
    go.touch()
    services.clock.advance(60)  # type: ignore[attr-defined]  # past the retry's backoff
    outcome = review_once(services)
    assert outcome.result == "succeeded", outcome.reason
    assert killed not in pool_of(services).pids()
    status, verdict, counts, report = report_of(services, review_id)
    assert status == ReviewStatus.COMPLETED
    for plain in _services(processes=False):  # the same review as the worker thread would have made
        plain_id = upload(plain, PLANS[0])
        assert review_once(plain).result == "succeeded"
        assert report_of(plain, plain_id) == (status, verdict, counts, report)
    job = services.queue.get(outcome.job.id)
    assert job is not None
    assert job.state.value == "succeeded"


def test_an_upload_reviewed_past_its_timeout_kills_the_review_process(
    blocking: tuple[WiredServices, Path, Path],
) -> None:
    services, started, _go = blocking
    upload(services, PLANS[0])
    # long enough for a process spawned on a loaded machine to take the upload: one still starting when the attempt
    # stops is killed as it is sent the upload (review23), before it reads it
    outcome = review_once(services, job_timeout_seconds=10.0)
    assert outcome.result == "retrying", outcome
    assert outcome.reason == "timed out after 10 s"
    assert started.exists()
    wait_until(lambda: not pool_of(services).pids(), "the timed-out attempt's review process to end")


def test_close_ends_a_review_process_reading_an_upload(blocking: tuple[WiredServices, Path, Path]) -> None:
    services, started, _go = blocking
    upload(services, PLANS[0])
    worker = threading.Thread(target=lambda: review_once(services), daemon=True)
    worker.start()
    wait_until(started.exists, "the review process to read the upload")
    (child,) = pool_of(services).pids()
    pool_of(services).close()
    wait_until(lambda: gone(child), "the busy review process to be killed")
    worker.join(WAIT_SECONDS)


def test_close_leaves_a_busy_review_process_pipe_to_the_thread_using_it(
    blocking: tuple[WiredServices, Path, Path],
) -> None:
    """CI at 1635bf7e: `close` closed a busy process's pipe while its worker thread, woken by the kill, closed it too
    (EBADF, or the close of whatever file had just taken the number). The descriptor is closed once, by that thread."""
    services, started, _go = blocking
    upload(services, PLANS[0])
    worker = threading.Thread(target=lambda: review_once(services), daemon=True)
    worker.start()
    wait_until(started.exists, "the review process to read the upload")
    pool = pool_of(services)
    (busy,) = pool._all  # the process whose pipe is watched
    closes: list[str] = []
    real_close = busy.connection._close  # type: ignore[attr-defined]

    def slow_close() -> None:  # a wide window: a second closer in it closes the same number twice
        closes.append(threading.current_thread().name)
        time.sleep(0.3)
        real_close()

    busy.connection._close = slow_close  # type: ignore[attr-defined]
    pool.close()
    worker.join(WAIT_SECONDS)
    assert not worker.is_alive()
    assert busy.connection.closed
    assert len(closes) == 1, closes
    assert closes != [threading.current_thread().name]  # the thread that reviewed, not `close`'s


def _bounded(mib: int) -> Iterator[WiredServices]:
    settings = worker_settings(review_process_max_rss_mib=mib)
    services = with_review_processes(build_memory_services(settings), None)
    try:
        yield services  # type: ignore[misc]
    finally:
        services.close()


def test_a_review_process_over_its_memory_bound_after_a_review_is_replaced_for_the_next() -> None:
    """ADR 0703: a process holding more than `worker.review_process_max_rss_mib` after its review is ended (the
    smallest bound, 32 MiB, is below what any process holds once it reviewed); under the default it is kept."""
    for services in _bounded(32):
        upload(services, PLANS[0])
        assert review_once(services).result == "succeeded"
        assert not pool_of(services).pids()  # ended after its review: the peak is not kept while idle
        upload(services, PLANS[1])
        assert review_once(services).result == "succeeded"  # a new one reviewed it
        assert not pool_of(services).pids()
    for services in _bounded(worker_settings().worker.review_process_max_rss_mib):
        upload(services, PLANS[0])
        assert review_once(services).result == "succeeded"
        (kept,) = pool_of(services).pids()
        upload(services, PLANS[1])
        assert review_once(services).result == "succeeded"
        assert pool_of(services).pids() == [kept]  # the same process, kept idle between reviews
