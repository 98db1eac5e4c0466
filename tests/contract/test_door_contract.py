"""The door's storage, one scenario set for every backend: blocks (memory, SQLite, PostgreSQL, DynamoDB) and
the rate limiter's counts (memory; Redis with TFREVIEW_TEST_REDIS_URL, under a key prefix unique to this run)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.contract.conftest import Stores
from tfreview.door.limiter import Limiter, build_storage
from tfreview.ports.blocks import Block, Blocks
from tfreview.store.aws.blocks import DynamoBlocks
from tfreview.store.blocks import MemoryBlocks, SqlBlocks

REDIS_ENV = "TFREVIEW_TEST_REDIS_URL"


def blocks_of(stores: Stores) -> Blocks:
    if stores.backend == "dynamodb":
        aws: Any = stores.extras["aws"]
        return DynamoBlocks(aws.table)
    return MemoryBlocks() if stores.database is None else SqlBlocks(stores.database)


def test_blocks_are_kept_after_expiry_replaced_and_removed(stores: Stores) -> None:
    blocks = blocks_of(stores)
    now = stores.clock()
    first = Block("ip:203.0.113.9", "ip", "4 signature failures", "auto", now, now + timedelta(seconds=300), 1)
    blocks.put(first)
    token = Block("token:0123456789abcdef", "token", "manual", "admin alice", now, now + timedelta(seconds=60), 1)
    blocks.put(token)
    assert [b.source for b in blocks.active(now)] == ["token:0123456789abcdef", "ip:203.0.113.9"]  # soonest first
    later = now + timedelta(seconds=301)
    assert [b.source for b in blocks.active(later)] == []
    kept = blocks.get("ip:203.0.113.9")
    assert kept == first  # expired, still there: the next block knows its strikes
    second = Block(first.source, "ip", "again", "auto", later, later + timedelta(seconds=600), 2)
    blocks.put(second)
    assert blocks.get(first.source) == second
    assert blocks.active(later) == [second]
    assert blocks.remove(first.source)
    assert not blocks.remove(first.source)
    assert blocks.get(first.source) is None


@pytest.fixture(params=["memory", "redis"])
def storage_url(request: pytest.FixtureRequest) -> Iterator[tuple[str | None, str]]:
    prefix = f"tfreview-test-{uuid.uuid4().hex[:12]}"
    if request.param == "memory":
        yield None, prefix
        return
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: no Redis server to test against")
    yield url, prefix
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def test_a_limit_refuses_past_its_rate_with_a_retry_after(storage_url: tuple[str | None, str]) -> None:
    url, prefix = storage_url
    limiter = Limiter(build_storage(url, prefix), {"ip": "3/minute"})
    assert [limiter.hit("ip", "203.0.113.1").allowed for _ in range(4)] == [True, True, True, False]
    refused = limiter.hit("ip", "203.0.113.1")
    assert not refused.allowed
    assert 1 <= refused.retry_after <= 61
    assert limiter.hit("ip", "203.0.113.2").allowed  # another identity has its own count


def test_redis_counts_are_shared_between_processes(storage_url: tuple[str | None, str]) -> None:
    url, prefix = storage_url
    one = Limiter(build_storage(url, prefix), {"ip": "3/minute"})
    two = Limiter(build_storage(url, prefix), {"ip": "3/minute"})  # a second API process
    assert one.hit("ip", "203.0.113.3").allowed
    assert one.hit("ip", "203.0.113.3").allowed
    assert two.hit("ip", "203.0.113.3").allowed
    shared = not two.hit("ip", "203.0.113.3").allowed
    assert shared is (url is not None)  # Redis: one count for both; memory: each process its own


def test_an_unreachable_redis_lets_requests_through(caplog: pytest.LogCaptureFixture) -> None:
    limiter = Limiter(build_storage("redis://:canary-password@127.0.0.1:1/0", "x"), {"ip": "1/minute"})
    assert [limiter.hit("ip", "203.0.113.4").allowed for _ in range(3)] == [True, True, True]
    assert "the storage cannot be reached" in caplog.text
    assert "canary-password" not in caplog.text


def test_concurrent_blocks_of_one_source_leave_one_row(stores: Stores) -> None:
    """Two API processes block the same address at once (both saw its failures): one row, no error."""
    import threading

    blocks = blocks_of(stores)
    now = stores.clock()
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def put(n: int) -> None:
        try:
            start.wait()
            blocks.put(Block("ip:198.51.100.7", "ip", f"by {n}", "auto", now, now + timedelta(seconds=60 * n), 1))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=put, args=(n,)) for n in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [b.source for b in blocks.active(now)] == ["ip:198.51.100.7"]
