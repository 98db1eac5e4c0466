"""The group-commit intake writer (store/intake_writer.py) on SQLite and PostgreSQL: grouping, dedupe inside a
batch, one bad delivery failing alone, a failed COMMIT failing the whole batch with nothing stored, the
asyncio path. On PostgreSQL a batch is written with one statement per table (ADR 0325): the tests hold the
writer inside a batch while they submit, so what they submit is written as ONE batch."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, cast

import pytest

from tests.contract.conftest import ManualClock
from tfreview.core.errors import StoreUnavailable
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, RunStateVersion, SourceInfo, Tenant
from tfreview.store import intake_writer
from tfreview.store.database import Database
from tfreview.store.intake import SqlIntake
from tfreview.store.intake_writer import IntakeWriter
from tfreview.store.jobs import SqlJobQueue
from tfreview.store.reviews import SqlReviewStore
from tfreview.store.tenants import SqlTenants

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
    """Submit while the writer is held, so the writer must group what queued meanwhile."""
    with _writer_held(writer):
        return [writer.submit(d, b'{"n": 1}', job, _review(n) if job else None) for d, job, n in items]


@contextmanager
def _writer_held(writer: IntakeWriter) -> Iterator[None]:
    """While inside, the writer is stuck in a batch of its own (one "hold" delivery, no job): what is submitted
    meanwhile queues behind it and is then written as ONE batch. SQLite: the process's writer turn is held.
    PostgreSQL: another transaction holds an uncommitted delivery row with the hold's key, so the writer waits on
    its lock until that transaction rolls back. The hold delivery is then stored (one delivery row, nothing else)."""
    clock = ManualClock()
    if writer.database.is_sqlite:
        with writer.database.write_slot(time.monotonic()):
            holder = writer.submit(_delivery(clock, "hold"), b"{}", None, None)
            for _ in range(3000):  # until the writer took it (and waits for the turn): 30 s at most
                if writer.queued() == 0:
                    break
                time.sleep(0.01)
            yield
        assert holder.result(30)[1]
        return
    blocker: Any = writer.database.engine.raw_connection()
    try:
        cursor = blocker.cursor()
        cursor.execute(
            "INSERT INTO deliveries (source, key, event, tenant_id, payload, payload_sha256, status, received_at) "
            "VALUES ('github', 'hold', 'ping', 'github:1', '', '', 'ignored', now())"
        )
        holder = writer.submit(_delivery(clock, "hold"), b"{}", None, None)
        _wait_for_a_lock_wait(blocker)
        yield
    finally:
        blocker.rollback()
        blocker.close()
    assert holder.result(30)[1]


def _wait_for_a_lock_wait(connection: Any) -> None:
    """Until a session of this database waits for a lock (the writer, on the blocker's row); 30 s at most."""
    cursor = connection.cursor()
    for _ in range(3000):
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is read once per transaction otherwise
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        if cursor.fetchone()[0]:
            return
        time.sleep(0.01)
    raise AssertionError("the writer never waited for the blocker's lock")


def test_deliveries_queued_together_commit_together(writer: IntakeWriter, sql_database: Database) -> None:
    clock = ManualClock()
    items = [(_delivery(clock, f"d-{n}"), _job(f"k-{n}"), n) for n in range(30)]
    futures = _held_while_submitting(writer, items)
    results = [f.result(timeout=30) for f in futures]
    assert all(created for _, created in results)
    assert len({stored.id for stored, _ in results}) == 30
    assert writer.batches == 2  # the hold's batch, then the 30 that queued behind it
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


def test_a_delivery_the_database_refuses_fails_alone_and_leaves_none_of_its_rows(
    writer: IntakeWriter, sql_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """The database refuses a row of one delivery of a batch (NOT NULL): only that delivery fails, with the
    driver's error; its job and review are not stored, the others' are. On PostgreSQL the batch statements fail
    as a whole, are rolled back and the batch is written again item by item."""
    clock = ManualClock()
    bad = _delivery(clock, "refused")
    items = [
        (_delivery(clock, "fine-1"), _job("fine-1"), 1),
        (Delivery(**{**_fields(bad), "event": cast(str, None)}), _job("refused"), 2),
        (_delivery(clock, "fine-2"), _job("fine-2"), 3),
    ]
    with caplog.at_level(logging.WARNING, logger="tfreview.store.intake"):
        futures = _held_while_submitting(writer, items)
        first, third = futures[0].result(30), futures[2].result(30)
        with pytest.raises(Exception, match=r"(?i)not.null") as raised:
            futures[1].result(30)
    assert "IntegrityError" in [kind.__name__ for kind in type(raised.value).__mro__]  # the driver's own error
    assert first[1]
    assert third[1]
    if not sql_database.is_sqlite:
        assert any("written item by item" in record.getMessage() for record in caplog.records)
    assert any("refused not stored" in record.getMessage() for record in caplog.records)
    reviews = SqlReviewStore(sql_database)
    assert reviews.get(_review(2)[0], tenant_id="github:1") is None
    assert reviews.get(_review(1)[0], tenant_id="github:1") is not None
    assert reviews.get(_review(3)[0], tenant_id="github:1") is not None
    queue = SqlJobQueue(sql_database)
    assert queue.depth() == 2
    assert {queue.get(stored.job_id or 0).idempotency_key for stored, _ in (first, third)} == {  # type: ignore[union-attr]
        "review:fine-1",
        "review:fine-2",
    }
    intake = SqlIntake(sql_database)
    try:
        assert intake.find("github", "refused") is None
    finally:
        intake.close()


def _fields(delivery: Delivery) -> dict[str, Any]:
    return {name: getattr(delivery, name) for name in Delivery.__slots__}


def test_repeats_inside_one_batch_answer_as_if_written_one_by_one(
    writer: IntakeWriter, sql_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """One batch holding a delivery stored before, the same delivery twice, two deliveries of one PR head, a
    tenant renamed between two deliveries and a Spacelift run's states out of order: every answer and every row
    is what writing them one at a time gives."""
    clock = ManualClock()
    earlier, _ = writer.submit(_delivery(clock, "earlier"), b"{}", _job("earlier"), _review(0)).result(30)
    old_name, new_name = Tenant("github:1", "github", "acme"), Tenant("github:1", "github", "acme-renamed")
    head: dict[str, object] = {"review_id": _review(3)[0]}
    before = writer.batches
    with caplog.at_level(logging.WARNING, logger="tfreview.store.intake"), _writer_held(writer):
        futures = [
            writer.submit(_delivery(clock, "earlier"), b"{}", _job("again"), _review(1)),
            writer.submit(_delivery(clock, "twice"), b"{}", _job("twice"), _review(2), old_name),
            writer.submit(_delivery(clock, "twice"), b"{}", _job("twice-2"), _review(9)),
            writer.submit(_delivery(clock, "head-1"), b"{}", _job("head", head), _review(3), new_name),
            writer.submit(_delivery(clock, "head-2"), b"{}", _job("head", {"review_id": _review(4)[0]}), _review(4)),
            writer.submit(_delivery(clock, "run-5"), b"{}", None, None, None, RunStateVersion("r-1", "FINISHED", 5)),
            writer.submit(_delivery(clock, "run-3"), b"{}", None, None, None, RunStateVersion("r-1", "PLANNING", 3)),
            writer.submit(_delivery(clock, "run-b"), b"{}", None, None, None, RunStateVersion("r-2", "QUEUED", 1)),
        ]
    results = [future.result(30) for future in futures]
    assert writer.batches == before + 2  # the hold's batch, then all of these in one
    assert not [r for r in caplog.records if "item by item" in r.getMessage()]  # PostgreSQL: the batch statements
    assert [created for _, created in results] == [False, True, False, True, True, True, True, True]
    assert results[0][0].id == earlier.id
    assert results[0][0].job_id == earlier.job_id
    assert results[2][0].id == results[1][0].id
    assert results[2][0].review_id is None  # a duplicate answers with the stored row, as one at a time does
    head_1, head_2 = results[3][0], results[4][0]
    assert head_2.job_id == head_1.job_id
    assert (head_1.review_id, head_2.review_id) == (_review(3)[0], _review(3)[0])
    reviews = SqlReviewStore(sql_database)
    for never in (1, 4, 9):  # a duplicate's or a joining delivery's review is not written
        assert reviews.get(_review(never)[0], tenant_id="github:1") is None
    assert SqlJobQueue(sql_database).depth() == 3  # earlier, twice, head
    intake = SqlIntake(sql_database)
    try:
        assert intake.spacelift_state("github:1", "r-1", "PLANNING", 4) is False  # 5 was kept, not 3
        assert intake.spacelift_state("github:1", "r-2", "QUEUED", 1) is False
    finally:
        intake.close()
    assert SqlTenants(sql_database).get("github:1") == new_name


def test_a_delivery_committed_meanwhile_by_another_process_answers_as_a_duplicate(
    writer: IntakeWriter, sql_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL, several processes: another transaction inserts a delivery of the batch after the writer looked
    for it, and commits while the writer's INSERT waits on it. That delivery answers as a duplicate (the other
    process's row), the rest of its batch is stored, and none of its own rows (job, review) are."""
    if sql_database.is_sqlite:
        pytest.skip("SQLite has one writer at a time: nothing commits between the writer's look and its INSERT")
    clock = ManualClock()
    other: Any = sql_database.engine.raw_connection()
    try:
        cursor = other.cursor()
        with _writer_held(writer):
            futures = [writer.submit(_delivery(clock, f"c-{n}"), b"{}", _job(f"c-{n}"), _review(n)) for n in range(4)]
            # the other process's c-2, not committed yet: invisible to the writer's look, its INSERT will wait on it
            cursor.execute(
                "INSERT INTO deliveries (source, key, event, tenant_id, payload, payload_sha256, status, received_at) "
                "VALUES ('github', 'c-2', 'pull_request.opened', 'github:1', '', '', 'ignored', now()) RETURNING id"
            )
            theirs = cursor.fetchone()[0]
        _wait_for_a_lock_wait(other)  # the held batch is being written, and waits on c-2
        with caplog.at_level(logging.WARNING, logger="tfreview.store.intake"):
            other.commit()
            results = [future.result(30) for future in futures]
    finally:
        other.close()
    assert [created for _, created in results] == [True, True, False, True]
    assert results[2][0].id == theirs
    assert any("written item by item" in record.getMessage() for record in caplog.records)
    assert SqlReviewStore(sql_database).get(_review(2)[0], tenant_id="github:1") is None
    assert SqlJobQueue(sql_database).depth() == 3


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


def test_overlapping_deliveries_keep_the_intake_busy_between_batches(
    writer: IntakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delivery that arrives while another is still unanswered means the intake is at its limit: the gap before
    the next batch is not quiet, and the embedded workers keep waiting (ADR 0351). How long the intake counts as
    busy after an overlap is the test's choice here (an hour), so no timing decides the outcome."""
    monkeypatch.setattr(intake_writer, "PRESSED_SECONDS", 3600.0)
    clock = ManualClock()
    single = writer.submit(_delivery(clock, "p-0"), b"{}", None, None)
    single.result(30)
    _wait_idle(writer)
    assert not writer.busy()  # one at a time: no overlap, no pressure
    futures = _held_while_submitting(writer, [(_delivery(clock, f"p-{n}"), None, n) for n in range(1, 4)])
    for future in futures:
        future.result(30)
    assert writer.batches == 3  # p-0; the hold; p-1..p-3 together
    _wait_idle(writer)
    assert writer.queued() == 0
    assert writer.busy()


def _wait_idle(writer: IntakeWriter) -> None:
    """Until the writer is neither writing nor holding anything queued (it resolves futures just before)."""
    deadline = time.monotonic() + 30
    while (writer._writing or writer.queued()) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_deliveries_awaited_on_an_event_loop_overlap_too(writer: IntakeWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook path awaits `accept`: one at a time leaves the intake quiet, two at once press it."""
    monkeypatch.setattr(intake_writer, "PRESSED_SECONDS", 3600.0)
    clock = ManualClock()

    async def one() -> None:
        await writer.accept(_delivery(clock, "a-0"), b"{}", None, None)

    async def two() -> None:
        await asyncio.gather(*(writer.accept(_delivery(clock, f"a-{n}"), b"{}", None, None) for n in (1, 2)))

    asyncio.run(one())
    _wait_idle(writer)
    assert not writer.busy()
    asyncio.run(two())
    _wait_idle(writer)
    assert writer.busy()


def test_a_sqlite_batch_without_failures_has_no_savepoints_and_one_with_a_bad_delivery_is_redone(
    writer: IntakeWriter, sql_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite (r18-intake): a batch is written without a SAVEPOINT per delivery; a delivery failing on its data
    rolls the transaction back and the batch is written again item by item, so that only that delivery fails."""
    if not sql_database.is_sqlite:
        pytest.skip("PostgreSQL writes a batch with one statement per table (ADR 0325)")
    statements: list[str] = []
    writer.submit(_delivery(ManualClock(), "warm"), b"{}", None, None).result(30)  # the writer's connection exists
    writer._connect().set_trace_callback(statements.append)  # the writer's own sqlite3 connection
    clock = ManualClock()
    good = [writer.submit(_delivery(clock, f"plain-{n}"), b"{}", _job(f"plain-{n}"), _review(n)) for n in (1, 2, 3)]
    assert all(future.result(30)[1] for future in good)
    assert statements
    assert not [s for s in statements if "SAVEPOINT" in s.upper()]
    statements.clear()
    mixed = [
        (_delivery(clock, "redo-1"), _job("redo-1"), 4),
        (_delivery(clock, "redo-bad"), _job("redo-bad", {"not json": {1, 2}}), 5),
        (_delivery(clock, "redo-2"), _job("redo-2"), 6),
    ]
    with caplog.at_level(logging.WARNING, logger="tfreview.store.intake"):
        futures = _held_while_submitting(writer, mixed)
        assert futures[0].result(30)[1]
        assert futures[2].result(30)[1]
        with pytest.raises(TypeError):
            futures[1].result(30)
    assert any("written item by item" in record.getMessage() for record in caplog.records)
    assert [s for s in statements if s.upper().startswith("SAVEPOINT")]
    intake = SqlIntake(sql_database)
    try:
        assert intake.find("github", "redo-bad") is None
        assert intake.find("github", "redo-1") is not None
        assert intake.find("github", "redo-2") is not None
    finally:
        intake.close()


def test_a_redone_batch_with_a_repeated_delivery_and_a_joined_job_stores_each_once(
    writer: IntakeWriter, sql_database: Database
) -> None:
    """review18a: the batch that fails on one delivery's data and is written again item by item (ADR 0623) holds the
    same delivery id twice and two deliveries of one pull-request head: the redo answers the repeat as a duplicate of
    the first (same row), the second head joins the first's job and review, the bad one alone fails, and nothing
    of the rolled-back first pass stays or is answered."""
    clock = ManualClock()
    futures = _held_while_submitting(
        writer,
        [
            (_delivery(clock, "twice"), _job("head-1", {"review_id": _review(1)[0]}), 1),
            (_delivery(clock, "twice"), _job("head-1", {"review_id": _review(2)[0]}), 2),
            (_delivery(clock, "bad"), _job("bad", {"not json": {1, 2}}), 3),
            (_delivery(clock, "same-head"), _job("head-1", {"review_id": _review(4)[0]}), 4),
            (_delivery(clock, "after"), _job("head-2", {"review_id": _review(5)[0]}), 5),
        ],
    )
    first, repeat, bad, joined, after = futures
    stored, new = first.result(30)
    assert new
    assert stored.review_id == _review(1)[0]
    again, repeated_new = repeat.result(30)
    assert not repeated_new
    assert (again.id, again.job_id) == (stored.id, stored.job_id)
    with pytest.raises(TypeError):
        bad.result(30)
    joining, joined_new = joined.result(30)
    assert joined_new
    assert (joining.job_id, joining.review_id) == (stored.job_id, stored.review_id)
    assert after.result(30)[1]
    intake = SqlIntake(sql_database)
    try:
        assert intake.find("github", "bad") is None
        found = {key: intake.find("github", key) for key in ("twice", "same-head", "after")}
        assert found["twice"] is not None
        assert (found["twice"].id, found["twice"].job_id) == (stored.id, stored.job_id)
        assert found["same-head"] is not None
        assert found["after"] is not None
    finally:
        intake.close()
    with sql_database.engine.connect() as connection:
        keys = [row[0] for row in connection.exec_driver_sql("SELECT key FROM deliveries ORDER BY key")]
        jobs = [row[0] for row in connection.exec_driver_sql("SELECT idempotency_key FROM jobs ORDER BY 1")]
        reviews = connection.exec_driver_sql("SELECT count(*) FROM reviews").scalar_one()
    assert [key for key in keys if key != "hold"] == ["after", "same-head", "twice"]  # "hold": _writer_held
    assert jobs == ["review:head-1", "review:head-2"]
    assert reviews == 2  # the first pass's rows are gone: head-1's review once, head-2's; none of the repeat's
