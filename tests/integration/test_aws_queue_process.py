"""The SQS/DynamoDB adapters with real processes and real time, on moto in server mode (loopback only).

A worker killed (SIGKILL) while holding a message: the message comes back after its visibility timeout
(the lease), another worker takes the job over with a new attempt token, completes it once, and the
killed worker's token is refused. Killed on its last attempt, the reaper dead-letters the job with its review's
FAILED status and its failure notice in one transaction, and the notice's message comes through SQS (ADR 0405).
The endpoint check: nothing but a loopback endpoint is accepted.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.aws_store import DUMMY_CREDENTIALS, SerialMoto
from tfreview.core.errors import ConfigError, InputError
from tfreview.ports.job_types import PublishJob, ReviewJob
from tfreview.ports.jobs import JobState, NewJob, StaleAttempt
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.store.aws.connection import AwsClients, AwsTarget, require_loopback, target_from_urls
from tfreview.store.aws.stores import aws_stores
from tfreview.store.queue_settings import WorkerSettings

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2.0
WAIT_BOUND_SECONDS = 60.0  # a bound on waiting for the message to come back, not a timing assertion


def _claimed_by_a_killed_worker(target: AwsTarget) -> dict[str, object]:
    """A worker process (tests/integration/aws_claimer.py) claims one job and prints it; it is SIGKILLed then."""
    env = {
        **os.environ,
        **DUMMY_CREDENTIALS,
        "TFREVIEW_TEST_AWS_TARGET": json.dumps(dataclasses.asdict(target)),
        "TFREVIEW_TEST_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.aws_claimer"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None
        held: dict[str, object] = json.loads(worker.stdout.readline())
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        if worker.stdout is not None:
            worker.stdout.close()
    assert worker.returncode == -signal.SIGKILL
    return held


@pytest.fixture(scope="module")
def moto() -> Iterator[SerialMoto]:
    for name, value in DUMMY_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    server = SerialMoto()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_killed_worker_s_message_comes_back_after_the_lease_and_the_job_completes_once(moto: SerialMoto) -> None:
    target = moto.fresh_target()
    queue = aws_stores(target, WorkerSettings(lease_seconds=LEASE_SECONDS)).queue
    job, _ = queue.enqueue(NewJob("review", "github:1", "sigkill-1", {"n": 1}))
    held = _claimed_by_a_killed_worker(target)
    assert held["id"] == job.id
    running = queue.get(job.id)
    assert running is not None
    assert running.state is JobState.RUNNING
    assert running.attempts == 1

    deadline = time.monotonic() + WAIT_BOUND_SECONDS
    while (taken := queue.claim("survivor")) is None:
        assert time.monotonic() < deadline, "the killed worker's message never came back"
        time.sleep(0.2)
    assert taken.id == job.id
    assert taken.attempts == 2
    assert taken.attempt_token != held["token"]
    with pytest.raises(StaleAttempt):
        queue.complete(job.id, held["token"])  # the dead worker's token, were it to come back
    queue.complete(job.id, taken.attempt_token or "")
    done = queue.get(job.id)
    assert done is not None
    assert done.state is JobState.SUCCEEDED
    assert done.attempts == 2

    time.sleep(LEASE_SECONDS + 1)  # past any visibility the message could still have: nothing comes back
    assert queue.claim("late") is None
    counts = moto.client("sqs").get_queue_attributes(
        QueueUrl=target.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}


def test_a_worker_killed_on_its_last_attempt_is_dead_lettered_with_its_notice(moto: SerialMoto) -> None:
    target = moto.fresh_target()
    stores = aws_stores(target, WorkerSettings(lease_seconds=LEASE_SECONDS))
    review = stores.reviews.create("github:1", SourceInfo("github", repository="octo/infra", pull_request=3))
    job = ReviewJob.for_review("github:1", review.id, plan_id="p-1").encode(max_attempts=1)
    created, _ = stores.queue.enqueue(job)
    held = _claimed_by_a_killed_worker(target)  # on its one and only attempt
    assert held["id"] == created.id

    deadline = time.monotonic() + WAIT_BOUND_SECONDS
    while not (reaped := stores.queue.reap()):
        assert time.monotonic() < deadline, "the killed worker's lease never expired"
        time.sleep(0.2)
    assert [(j.id, j.state) for j in reaped] == [(created.id, JobState.DEAD)]
    failed = stores.reviews.get(review.id)
    assert failed is not None
    assert failed.status is ReviewStatus.FAILED
    while (notice := stores.queue.claim("publisher")) is None:  # its message, sent after the transaction
        assert time.monotonic() < deadline, "the failure notice never came"
        time.sleep(0.2)
    assert PublishJob.decode(notice).failed_job == created.id
    assert stores.queue.reap() == []


def test_a_queue_named_by_its_name_is_found(moto: SerialMoto) -> None:
    target = moto.fresh_target()
    assert target.queue_url is not None
    named = target_from_urls(
        f"dynamodb://{target.table}?region={target.region}&endpoint={moto.endpoint_url}",
        f"sqs://{target.queue_url.rsplit('/', 1)[1]}",
    )
    queue = aws_stores(named).queue
    assert queue.messages.url == target.queue_url
    assert queue.messages.dead_url == target.dead_letter_url
    job, created = queue.enqueue(NewJob("review", "github:1", "by-name", {}))
    assert created
    claimed = queue.claim("w")
    assert claimed is not None
    assert claimed.id == job.id


def test_payloads_larger_than_an_item_are_chunked_and_too_large_ones_refused(moto: SerialMoto) -> None:
    stores = aws_stores(moto.fresh_target())
    big = os.urandom(700_000)  # incompressible: three CHUNK items
    received = datetime.now(UTC)
    delivery = Delivery("github", "big-1", "pull_request.opened", "github:1", "", received)
    stored, created = stores.intake.accept(delivery, big, None)
    assert created
    assert stored.id is not None
    assert stores.intake.payload(stored.id) == big
    huge = Delivery("github", "huge-1", "pull_request.opened", "github:1", "", received)
    with pytest.raises(InputError, match="too large to store"):
        stores.intake.accept(huge, os.urandom(3_100_000), None)
    assert stores.intake.find("github", "huge-1") is None  # nothing half-written


def test_only_loopback_endpoints_are_accepted_in_tests(moto: SerialMoto) -> None:
    assert require_loopback(moto.endpoint_url) == moto.endpoint_url
    for remote in ("https://dynamodb.eu-west-1.amazonaws.com", "http://10.0.0.5:4566", "http://example.com"):
        with pytest.raises(ConfigError, match="not a loopback address"):
            require_loopback(remote)
        with pytest.raises(ConfigError):
            AwsTarget(table="t", region="eu-west-1", endpoint_url=remote, loopback_only=True)
    with pytest.raises(ConfigError, match="endpoint_url on this machine is required"):
        AwsTarget(table="t", region="eu-west-1", loopback_only=True)
    target = moto.fresh_target()
    clients = AwsClients(target)
    for client in (clients.dynamodb, clients.sqs):
        require_loopback(client.meta.endpoint_url)  # what boto3 will really call
    assert target.queue_url is not None
    require_loopback(target.queue_url)
