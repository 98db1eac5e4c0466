"""A review process stopped while its answer is half written (review23, from outside: real spawned processes, real
signals). The worker thread had begun to read the answer — `recv` waits for its last byte, and the attempt's
`stopped()` was asked only before the first byte came — so when the attempt timed out the process was never killed:
it stayed, stopped, and the handler thread stayed blocked on it, until the server's shutdown. Now the process is
killed once the attempt stops, whatever part of the answer came; the job is retried and completes."""

from __future__ import annotations

import json
import os
import signal
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.service.uploads import accept_upload
from tfreview.wiring import WiredServices
from tfreview.worker.runner import Outcome

from .stalling_input import StoppingSource
from .test_review_processes import WAIT_SECONDS, gone, wait_until
from .test_review_processes_uploads import PLANS, TENANT, _services, pool_of, review_once, upload


@pytest.fixture
def services() -> Iterator[WiredServices]:
    yield from _services(processes=True)


def test_a_review_process_stopped_mid_answer_is_killed_when_the_attempt_times_out(
    services: WiredServices, tmp_path: Path
) -> None:
    started = tmp_path / "started"
    upload(services, PLANS[1])
    assert review_once(services, job_timeout_seconds=WAIT_SECONDS).result == "succeeded"  # the process started
    real = services.sources["api"]
    services.sources["api"] = StoppingSource(real, started)  # type: ignore[index]
    review_id = upload(services, PLANS[0])
    outcomes: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcomes.append(review_once(services, job_timeout_seconds=5.0)))
    worker.start()
    wait_until(started.exists, "the review process to begin its answer")
    (child,) = pool_of(services).pids()
    try:
        worker.join(WAIT_SECONDS)
        (outcome,) = outcomes
        assert outcome.result == "retrying", outcome
        assert outcome.reason == "timed out after 5 s"
        wait_until(lambda: gone(child), "the review process stopped mid-answer to be killed")
        stored = services.reviews.get(review_id, TENANT)
        assert stored is not None
        assert not stored.report  # nothing half-written
        services.sources["api"] = real  # type: ignore[index]
        services.clock.advance(60)  # type: ignore[attr-defined]  # past the retry's backoff
        assert review_once(services).result == "succeeded"
        done = services.reviews.get(review_id, TENANT)
        assert done is not None
        assert done.status == ReviewStatus.COMPLETED
    finally:
        if not gone(child):  # before the fix: the test ends it, not the worker
            os.kill(child, signal.SIGKILL)


def _big_plan(resources: int) -> bytes:
    """A plan of `resources` buckets: its bytes are more than a pipe holds, so handing it over waits for the reader."""
    changes = [
        {
            "address": f"aws_s3_bucket.b{index}",
            "mode": "managed",
            "type": "aws_s3_bucket",
            "name": f"b{index}",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {"bucket": f"bucket-{index}-{'x' * 200}", "tags": {"team": "platform"}},
                "after_unknown": {},
                "before_sensitive": False,
                "after_sensitive": {},
            },
        }
        for index in range(resources)
    ]
    return json.dumps({"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": changes}).encode()


def test_an_idle_review_process_stopped_is_killed_when_the_attempt_sending_it_an_upload_times_out(
    services: WiredServices,
) -> None:
    upload(services, PLANS[1])
    assert review_once(services, job_timeout_seconds=WAIT_SECONDS).result == "succeeded"  # the process started
    (child,) = pool_of(services).pids()
    os.kill(child, signal.SIGSTOP)  # idle, stopped: it takes nothing from its pipe
    body = _big_plan(4000)
    assert len(body) > 1_000_000
    review_id, created = accept_upload(
        services, TENANT, body, "plan", {"source": "api", "run": uuid.uuid4().hex}, SourceInfo(kind="api"),
        datetime.now(UTC),
    )  # fmt: skip
    assert created
    outcomes: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcomes.append(review_once(services, job_timeout_seconds=5.0)))
    worker.start()
    try:
        worker.join(WAIT_SECONDS)
        (outcome,) = outcomes
        assert outcome.result == "retrying", outcome
        wait_until(lambda: gone(child), "the stopped review process to be killed")
        services.clock.advance(60)  # type: ignore[attr-defined]  # past the retry's backoff
        assert review_once(services, job_timeout_seconds=WAIT_SECONDS).result == "succeeded"
        done = services.reviews.get(review_id, TENANT)
        assert done is not None
        assert done.status == ReviewStatus.COMPLETED
    finally:
        if not gone(child):  # before the fix: the test ends it, not the worker
            os.kill(child, signal.SIGKILL)
