"""Retention on DynamoDB (issue 16): the table's TTL is enabled on `expires_at`; settled jobs, job keys,
deliveries, their keys and payload chunks carry it (epoch seconds, `retention_days` after they settle or
arrive); a job that is still queued or running never does, and a retried one loses it again."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from tests.contract.conftest import ManualClock, Stores, dynamodb_stores
from tfreview.ports.jobs import JobState, NewJob
from tfreview.ports.records import Delivery
from tfreview.store.aws.table import fixed_id

DAY = 86_400


@pytest.fixture
def dynamo(request: pytest.FixtureRequest) -> Stores:
    return dynamodb_stores(request.getfixturevalue("moto_server").fresh_target(), ManualClock())


def _item(stores: Stores, pk: str, sk: str) -> dict[str, Any]:
    aws: Any = stores.extras["aws"]
    item = aws.table.get(pk, sk)
    assert item is not None, (pk, sk)
    return dict(item)


def _epoch(stores: Stores, days: int = 30) -> int:
    return math.ceil(stores.clock().timestamp()) + days * DAY


def test_the_table_has_its_ttl_enabled(dynamo: Stores) -> None:
    aws: Any = dynamo.extras["aws"]
    answer = aws.table.clients.dynamodb.describe_time_to_live(TableName=aws.table.name)
    assert answer["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_a_job_carries_the_ttl_once_it_is_over_and_loses_it_when_retried(dynamo: Stores) -> None:
    job, _ = dynamo.queue.enqueue(NewJob("review", "github:1", "ttl-1", {}, max_attempts=1))
    key = _item(dynamo, "JOBKEY#ttl-1", "JOBKEY")
    assert key["expires_at"] == _epoch(dynamo)
    assert "expires_at" not in _item(dynamo, f"JOB#{fixed_id(job.id)}", "JOB")  # queued: kept
    claimed = dynamo.queue.claim("w")
    assert claimed is not None
    assert "expires_at" not in _item(dynamo, f"JOB#{fixed_id(job.id)}", "JOB")  # running: kept
    dynamo.clock.advance(60)
    dead = dynamo.queue.fail(claimed.id, claimed.attempt_token or "", "boom", permanent=True)
    assert dead.state is JobState.DEAD
    assert _item(dynamo, f"JOB#{fixed_id(job.id)}", "JOB")["expires_at"] == _epoch(dynamo)
    retried = dynamo.queue.retry(job.id)
    assert retried is not None
    assert retried.state is JobState.QUEUED
    assert "expires_at" not in _item(dynamo, f"JOB#{fixed_id(job.id)}", "JOB")
    again = dynamo.queue.claim("w")
    assert again is not None
    dynamo.clock.advance(60)
    dynamo.queue.complete(again.id, again.attempt_token or "")
    assert _item(dynamo, f"JOB#{fixed_id(job.id)}", "JOB")["expires_at"] == _epoch(dynamo)


def test_a_deferred_job_keeps_no_ttl(dynamo: Stores) -> None:
    dynamo.queue.enqueue(NewJob("review", "github:1", "ttl-2", {}))
    claimed = dynamo.queue.claim("w")
    assert claimed is not None
    later = dynamo.clock() + timedelta(minutes=5)
    deferred = dynamo.queue.defer(claimed.id, claimed.attempt_token or "", "waiting", later)
    assert deferred.state is JobState.QUEUED
    assert "expires_at" not in _item(dynamo, f"JOB#{fixed_id(claimed.id)}", "JOB")


def test_a_delivery_its_key_and_its_payload_chunks_carry_the_ttl(dynamo: Stores) -> None:
    import os

    payload = os.urandom(700_000)  # incompressible: stored in CHUNK# items
    delivery = Delivery("github", "guid-ttl", "pull_request", "github:1", "", dynamo.clock())
    stored, created = dynamo.intake.accept(delivery, payload, NewJob("review", "github:1", "ttl-3", {}))
    assert created
    assert stored.id is not None
    pk = f"DEL#{fixed_id(stored.id)}"
    expected = _epoch(dynamo)
    assert _item(dynamo, pk, "DEL")["expires_at"] == expected
    assert _item(dynamo, "DELKEY#github#guid-ttl", "DELKEY")["expires_at"] == expected
    assert _item(dynamo, pk, "CHUNK#0000")["expires_at"] == expected
    assert _item(dynamo, "JOBKEY#ttl-3", "JOBKEY")["expires_at"] == expected
    assert dynamo.intake.payload(stored.id) == payload
