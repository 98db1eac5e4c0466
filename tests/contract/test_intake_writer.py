"""The group-commit intake writer (store/intake_writer.py) on SQLite and PostgreSQL: grouping, dedupe inside a
batch, one bad delivery failing alone, a failed COMMIT failing the whole batch with nothing stored, the
asyncio path."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
import time
from concurrent.futures import Future

import pytest

from tests.contract.conftest import ManualClock
from tfreview.core.errors import StoreUnavailable
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, SourceInfo, Tenant
from tfreview.store.database import Database
from tfreview.store.intake import SqlIntake
from tfreview.store.intake_writer import IntakeWriter
from tfreview.store.jobs import SqlJobQueue
from tfreview.store.reviews import SqlReviewStore

SOURCE = SourceInfo(kind="github", repository="acme/infra", pull_request=7, commit_sha="a" * 40)


def _delivery(clock: ManualClock, key: str) -> Delivery:
    return Delivery(
        source="github",
        key=key,
        event="pull_request.opened",
        tenant_id="github:1",
        payload_sha256="",
        received_at=clock(),
    )


def _job(key: str, payload: dict[str, object] | None = None) -> NewJob:
    return NewJob(kind="review", tenant_id="github:1", idempotency_key=f"review:{key}", payload=payload or {})


def _review(n: int) -> tuple[str, SourceInfo]:
    return (f"0b8a3c9e-0000-4000-8000-{n:012d}", SOURCE)


@pytest.fixture
def writer(sql_database: Database) -> IntakeWriter:
    made = IntakeWriter(sql_database, clock=ManualClock())
    yield made
    made.close()


def _held_while_submitting(writer: IntakeWriter, items: list[tuple[Delivery, NewJob | None, int]]) -> list[Future]:
    """Submit while the process's writer turn is held, so the writer must group what queued meanwhile."""
    with writer.database.write_slot(time.monotonic()):
        return [writer.submit(d, b'{"n": 1}', job, _review(n) if job else None) for d, job, n in items]


def test_deliveries_queued_together_commit_together(writer: IntakeWriter, sql_database: Database) -> None:
    clock = ManualClock()
    items = [(_delivery(clock, f"d-{n}"), _job(f"k-{n}"), n) for n in range(30)]
    futures = (
        _held_while_submitting(writer, items)
        if sql_database.is_sqlite
        else [writer.submit(d, b'{"n": 1}', job, _review(n)) for d, job, n in items]
    )
    results = [f.result(timeout=30) for f in futures]
    assert all(created for _, created in results)
    assert len({stored.id for stored, _ in results}) == 30
    if sql_database.is_sqlite:  # the first item alone, then the 29 that queued behind the held turn
        assert writer.batches <= 2
    queue = SqlJobQueue(sql_database)
    reviews = SqlReviewStore(sql_database)
    for (stored, _), (_, _, n) in zip(results, items, strict=True):
        job = queue.get(stored.job_id or 0)
        assert job is not None
        assert job.idempotency_key == f"review:k-{n}"
        assert stored.review_id == _review(n)[0]
        assert reviews.get(_review(n)[0], tenant_id="github:1") is not None


def test_the_same_delivery_twice_in_one_batch_is_stored_once(writer: IntakeWriter, sql_database: Database) -> None:
    clock = ManualClock()
    first = writer.submit(_delivery(clock, "same"), b"{}", _job("one"), _review(1))
    second = writer.submit(_delivery(clock, "same"), b"{}", _job("two"), _review(2))
    (stored, created), (again, created_again) = first.result(30), second.result(30)
    assert created
    assert not created_again
    assert again.id == stored.id
    assert SqlJobQueue(sql_database).depth() == 1  # the duplicate wrote no job
    assert SqlReviewStore(sql_database).get(_review(2)[0], tenant_id="github:1") is None


def test_a_second_delivery_of_the_same_head_joins_the_queued_review(
    writer: IntakeWriter, sql_database: Database
) -> None:
    clock = ManualClock()
    first = writer.submit(_delivery(clock, "d-1"), b"{}", _job("head", {"review_id": _review(1)[0]}), _review(1))
    second = writer.submit(_delivery(clock, "d-2"), b"{}", _job("head", {"review_id": _review(2)[0]}), _review(2))
    (one, _), (two, created) = first.result(30), second.result(30)
    assert created
    assert two.job_id == one.job_id
    assert two.review_id == _review(1)[0]  # joined, and no orphan review row for the second
    assert SqlReviewStore(sql_database).get(_review(2)[0], tenant_id="github:1") is None


def test_one_bad_delivery_fails_alone(writer: IntakeWriter, sql_database: Database) -> None:
    clock = ManualClock()
    items = [
        (_delivery(clock, "good-1"), _job("g1"), 1),
        (_delivery(clock, "bad"), _job("bad", {"not json": {1, 2}}), 2),  # a set: json.dumps refuses it
        (_delivery(clock, "good-2"), _job("g2"), 3),
    ]
    futures = _held_while_submitting(writer, items)
    assert futures[0].result(30)[1]
    assert futures[2].result(30)[1]
    with pytest.raises(TypeError):
        futures[1].result(30)
    intake = SqlIntake(sql_database)
    try:
        assert intake.find("github", "bad") is None
        assert intake.find("github", "good-2") is not None
        assert SqlJobQueue(sql_database).depth() == 2
    finally:
        intake.close()


def test_a_locked_database_fails_the_whole_batch_and_stores_none_of_it(sqlite_dir) -> None:  # type: ignore[no-untyped-def]
    from tests.contract.conftest import fresh_sqlite

    migrated = fresh_sqlite(sqlite_dir)
    migrated.close()
    database = Database(str(migrated.url.render_as_string(False)), busy_timeout_ms=200)
    writer = IntakeWriter(database, clock=ManualClock())
    blocker = sqlite3.connect(database.url.database or "", isolation_level=None)
    try:
        clock = ManualClock()
        blocker.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
        futures = [writer.submit(_delivery(clock, f"d-{n}"), b"{}", _job(f"k-{n}"), _review(n)) for n in range(5)]
        for future in futures:
            with pytest.raises(StoreUnavailable, match="locked"):
                future.result(30)
        blocker.execute("ROLLBACK")
        assert blocker.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
        # the writer recovers once the lock is gone
        stored, created = writer.submit(_delivery(clock, "after"), b"{}", None, None).result(30)
        assert created
        assert stored.id is not None
    finally:
        blocker.close()
        writer.close()
        database.close()


def test_a_locked_database_gives_each_caller_its_own_wait_and_stores_no_tenant(sqlite_dir) -> None:  # type: ignore[no-untyped-def]
    """The tenant is written inside the batch (ADR 0235): a locked database must still answer with the account
    every locked write gives (store/database.py `Database.locked`: the wait, then busy_timeout), one per caller,
    whether the wait ran out in this process's queue or in SQLite's busy handler, and store nothing."""
    from tests.contract.conftest import fresh_sqlite

    migrated = fresh_sqlite(sqlite_dir)
    migrated.close()
    database = Database(str(migrated.url.render_as_string(False)), busy_timeout_ms=300)
    writer = IntakeWriter(database, clock=ManualClock())
    blocker = sqlite3.connect(database.url.database or "", isolation_level=None)
    clock = ManualClock()
    tenant = Tenant("github:77", "github", "acme")
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
        first = writer.submit(_delivery(clock, "l-0"), b"{}", _job("l-0"), _review(0), tenant)
        queued_behind = [
            writer.submit(_delivery(clock, f"l-{n}"), b"{}", _job(f"l-{n}"), _review(n), tenant) for n in range(1, 6)
        ]
        accounts = []
        for future in [first, *queued_behind]:
            with pytest.raises(StoreUnavailable) as raised:
                future.result(30)
            accounts.append(str(raised.value))
        blocker.execute("ROLLBACK")
        pattern = r"^database unavailable: database is locked \(waited (\d+) ms; busy_timeout 300 ms\)$"
        assert all(re.match(pattern, account) for account in accounts), accounts
        for table in ("tenants", "deliveries", "jobs", "reviews"):
            assert blocker.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        # the writer recovers once the lock is gone: delivery and tenant in one commit
        stored, created = writer.submit(_delivery(clock, "after"), b"{}", None, None, tenant).result(30)
        assert created
        assert stored.id is not None
        assert blocker.execute("SELECT count(*) FROM tenants").fetchone()[0] == 1
    finally:
        blocker.close()
        writer.close()
        database.close()


def test_coroutines_await_the_commit(writer: IntakeWriter, sql_database: Database) -> None:
    clock = ManualClock()

    async def many() -> list[tuple[Delivery, bool]]:
        return await asyncio.gather(
            *(writer.accept(_delivery(clock, f"a-{n}"), b"{}", _job(f"a-{n}"), _review(n)) for n in range(20))
        )

    results = asyncio.run(many())
    assert [created for _, created in results] == [True] * 20
    assert SqlJobQueue(sql_database).depth() == 20


def test_a_stopped_writer_refuses_with_store_unavailable(sql_database: Database) -> None:
    writer = IntakeWriter(sql_database, clock=ManualClock())
    writer.close()
    with pytest.raises(StoreUnavailable, match="stopped"):
        writer.submit(_delivery(ManualClock(), "late"), b"{}", None, None).result(5)


def test_threads_accepting_at_once_all_get_their_own_answer(sql_database: Database) -> None:
    intake = SqlIntake(sql_database, clock=ManualClock())
    answers: dict[int, int | None] = {}
    clock = ManualClock()

    def one(n: int) -> None:
        stored, _ = intake.accept(_delivery(clock, f"t-{n}"), b"{}", _job(f"t-{n}"), review=_review(n))
        answers[n] = stored.id

    try:
        threads = [threading.Thread(target=one, args=(n,)) for n in range(24)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert len(answers) == 24
        assert len(set(answers.values())) == 24
    finally:
        intake.close()


def test_busy_while_deliveries_wait_for_the_writer(writer: IntakeWriter) -> None:
    assert not writer.busy()
    with writer.database.write_slot(time.monotonic()):
        future = writer.submit(_delivery(ManualClock(), "b-1"), b"{}", None, None)
        assert writer.busy()  # queued, or being written behind the held turn
    future.result(30)
    deadline = time.monotonic() + 30
    while writer.busy() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not writer.busy()
