"""Publish locks (issue 9.11) on memory, SQLite, PostgreSQL and DynamoDB: one holder at a time, expiry, release."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.conftest import Stores
from tfreview.ports.service import PublishLocks
from tfreview.store.publish_locks import MemoryPublishLocks, SqlPublishLocks


def locks_of(stores: Stores) -> PublishLocks:
    if stores.backend == "dynamodb":
        aws: Any = stores.extras["aws"]
        locks: PublishLocks = aws.publish_locks
        return locks
    if stores.database is not None:
        return SqlPublishLocks(stores.database, clock=stores.clock)
    return MemoryPublishLocks(clock=stores.clock)


def test_one_holder_at_a_time_until_release_or_expiry(stores: Stores) -> None:
    locks = locks_of(stores)
    assert locks.acquire("pr:acme/infra#7", "worker-a", 30)
    assert not locks.acquire("pr:acme/infra#7", "worker-b", 30)
    assert locks.acquire("pr:acme/infra#7", "worker-a", 30)  # the holder renews
    assert locks.acquire("pr:acme/infra#8", "worker-b", 30)  # another target is free
    locks.release("pr:acme/infra#7", "worker-b")  # not the holder: nothing happens
    assert not locks.acquire("pr:acme/infra#7", "worker-b", 30)
    locks.release("pr:acme/infra#7", "worker-a")
    assert locks.acquire("pr:acme/infra#7", "worker-b", 30)
    stores.clock.advance(31)  # worker-b crashed holding it: its lease runs out
    assert locks.acquire("pr:acme/infra#7", "worker-c", 30)


def test_the_dynamodb_lock_carries_the_ttl_attribute(stores: Stores) -> None:
    if stores.backend != "dynamodb":
        pytest.skip("the TTL attribute is the DynamoDB table's (the SQL stores overwrite or delete the row)")
    aws: Any = stores.extras["aws"]
    assert locks_of(stores).acquire("pr:acme/infra#9", "worker-a", 30)
    item = aws.table.get("LOCK#pr:acme/infra#9", "LOCK")
    assert item is not None
    assert item["expires_at"] >= int(stores.clock().timestamp()) + 30
    assert isinstance(item["expires_at"], int)  # epoch seconds, a number: what DynamoDB's TTL reads
