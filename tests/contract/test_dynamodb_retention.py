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


def _outbox_item(aws: Any, entry: int) -> dict[str, Any]:
    from tfreview.store.aws.notify_outbox import ENTRY_BITS

    item = aws.table.get(f"NOTIFY#{fixed_id(entry >> ENTRY_BITS)}", f"OUT#{fixed_id(entry)}")
    assert item is not None
    return dict(item)


def _owed_entry(aws: Any) -> int:
    from tests.contract.test_incidents_contract import new_incident

    incident, _ = aws.incidents.open(new_incident(), {"value": 3})
    (entry,) = aws.outbox.due()
    assert entry.incident_id == incident.id
    return int(entry.id)


def test_a_sent_outbox_entry_carries_the_ttl_a_day_after_the_sweep_would_delete_it(dynamo: Stores) -> None:
    """r23-mend item 4 (ADR 0742): the sweep deletes a sent entry `notify.outbox_retention_days` after it was sent;
    the TTL is the backstop for a sweep that never runs (the watchdog off, failing, its lease held by a dead one)."""
    aws: Any = dynamo.extras["aws"]
    entry = _owed_entry(aws)
    assert "expires_at" not in _outbox_item(aws, entry)  # owed: never expires on its own
    assert aws.outbox.claim(entry, "a:1")
    aws.outbox.later(entry, 30, "503 from PagerDuty")
    assert "expires_at" not in _outbox_item(aws, entry)  # still owed after a failed send
    dynamo.clock.advance(31)
    assert aws.outbox.claim(entry, "a:1")
    aws.outbox.done(entry)
    assert _outbox_item(aws, entry)["expires_at"] == _epoch(dynamo, 7 + 1)  # the default retention, a day later


def test_the_outbox_ttl_follows_the_configured_retention(request: pytest.FixtureRequest) -> None:
    from tests.contract.conftest import worker_settings
    from tfreview.store.aws.stores import aws_stores

    clock = ManualClock()
    aws = aws_stores(
        request.getfixturevalue("moto_server").fresh_target(), worker_settings(), clock=clock, outbox_sent_days=90
    )
    entry = _owed_entry(aws)
    assert aws.outbox.claim(entry, "a:1")
    aws.outbox.done(entry)
    assert _outbox_item(aws, entry)["expires_at"] == math.ceil(clock().timestamp()) + (90 + 1) * DAY
