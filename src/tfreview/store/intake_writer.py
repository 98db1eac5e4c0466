"""Group commit for the intake: one writer thread, one DBAPI connection, many deliveries per transaction.

Every accepted delivery — webhook, upload, reconciler find — is handed to `IntakeWriter.submit`, which
returns a Future. The writer thread takes what is queued (up to `max_batch`), writes each item's rows
(its tenant and Spacelift run state when given, the delivery, its job, its queued review) inside its own
SAVEPOINT, all in ONE transaction, COMMITs — with SQLite's synchronous=FULL that is the fsync — and only
then resolves the futures: an answered delivery is durable, and a SIGKILL at any moment loses only
unanswered ones. One item failing (bad data) rolls back to its savepoint — its tenant and run state
with it — and fails only its own future; a failing BEGIN or COMMIT (database locked, gone, disk full) fails
the whole batch with StoreUnavailable, and nothing of it is stored. The batch's wait for the lock is bounded by
its oldest delivery's busy_timeout; a locked database gives each caller its own wait (`Database.locked`, ADR 0240).

The hot path is plain SQL on the driver connection, built once per dialect (ADR 0125): no ORM session,
no compiled-statement cache lookups, no SELECT-then-INSERT for jobs (`ON CONFLICT DO NOTHING RETURNING`).
On SQLite the writer queues for the process's writer lock (`Database.write_slot`) like every writer,
once per batch; `wal_autocheckpoint` is off on its connection (a commit never checkpoints inside the lock)
and a checkpoint thread runs a PASSIVE checkpoint every `CHECKPOINT_EVERY` deliveries, outside the writer
lock (PASSIVE never blocks writers).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from tfreview.core.errors import StoreUnavailable
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.job_types import plan_id_of, review_id_of
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, RunStateVersion, SourceInfo, Tenant
from tfreview.store.database import Database, error_kind, unavailable_driver_error
from tfreview.store.intake_sql import DELIVERY_FIELDS, IntakeStatements
from tfreview.store.jobs import job_record_from, new_job_values
from tfreview.store.reviews import new_review_values
from tfreview.store.row_hashes import delivery_hash

MAX_BATCH: Final = 128
CHECKPOINT_EVERY: Final = 200  # deliveries (~15 MiB of WAL) between two PASSIVE checkpoints
_log = logging.getLogger("tfreview.store.intake")
Result = tuple[Delivery, bool]


@dataclass(frozen=True, slots=True)
class _Item:
    delivery: Delivery
    payload: bytes
    job: NewJob | None
    review: tuple[str, SourceInfo] | None
    future: Future[Result] | asyncio.Future[Result]  # a caller's thread, or a caller on an event loop
    loop: asyncio.AbstractEventLoop | None = None  # the loop of an asyncio future: settled there, once per batch
    tenant: Tenant | None = None  # upserted in the delivery's savepoint
    run: RunStateVersion | None = None
    queued: float = 0.0  # time.monotonic() at submit: its busy_timeout budget runs from here


def _settle(outcomes: list[tuple[asyncio.Future[Result], Result | BaseException]]) -> None:
    for future, outcome in outcomes:
        if future.done():  # the request was cancelled (client gone): its rows are stored all the same
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


class IntakeWriter:
    """The one writer of intake rows in this process (see the module docstring)."""

    def __init__(self, database: Database, *, clock: Clock = utcnow, max_batch: int = MAX_BATCH) -> None:
        self.database = database
        self.clock = clock
        self.max_batch = max_batch
        self._sql = IntakeStatements(database.is_sqlite)
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False
        self._connection: Any = None  # the pooled DBAPI connection the writer keeps for its life
        self._since_checkpoint = 0
        self.batches = 0  # committed transactions (tests read it: grouping is observable)
        self._writing = False
        self._checkpoint_due = threading.Event()
        self._checkpointer: threading.Thread | None = None

    def submit(
        self,
        delivery: Delivery,
        payload: bytes,
        job: NewJob | None,
        review: tuple[str, SourceInfo] | None,
        tenant: Tenant | None = None,
        run: RunStateVersion | None = None,
    ) -> Future[Result]:
        """For a thread: a Future resolved after the COMMIT of the batch that holds this delivery."""
        future: Future[Result] = Future()
        if self._closed:
            future.set_exception(_stopped())
            return future
        self._ensure_started()
        self._queue.put(_Item(delivery, bytes(payload), job, review, future, None, tenant, run, time.monotonic()))
        return future

    async def accept(
        self,
        delivery: Delivery,
        payload: bytes,
        job: NewJob | None,
        review: tuple[str, SourceInfo] | None,
        tenant: Tenant | None = None,
        run: RunStateVersion | None = None,
    ) -> Result:
        """For a coroutine: the same, awaited; every waiter of a batch is woken with ONE loop callback."""
        if self._closed:
            raise _stopped()
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Result] = loop.create_future()
        self._ensure_started()
        self._queue.put(_Item(delivery, bytes(payload), job, review, waiter, loop, tenant, run, time.monotonic()))
        return await waiter

    def busy(self) -> bool:
        """True while deliveries wait for the writer or a batch is being written (a burst is on)."""
        return self._writing or not self._queue.empty()

    def close(self) -> None:
        self._closed = True
        thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(30)
        self._checkpoint_due.set()
        if self._checkpointer is not None:
            self._checkpointer.join(30)

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="tfreview-intake-writer", daemon=True)
                thread.start()
                self._thread = thread

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._writing = True
            try:
                self._write(batch)
            finally:
                self._writing = False
            if stop:
                break
        self._drop_connection()

    def _write(self, batch: Sequence[_Item]) -> None:
        results: list[tuple[_Item, Result | BaseException]] = []
        begun = min(item.queued for item in batch)  # the oldest delivery's budget bounds the batch's wait
        try:
            with self.database.write_slot(begun) as left_ms:
                connection = self._connect()
                cursor = connection.cursor()
                try:
                    if self._sql.begin is not None:  # SQLite: its busy handler gets what the queue left
                        cursor.execute(f"PRAGMA busy_timeout = {int(left_ms)}")
                        cursor.execute(self._sql.begin)
                    now = self.clock()
                    for n, item in enumerate(batch):
                        results.append((item, self._write_one(cursor, item, now, n)))
                    committing = time.perf_counter()
                    if self._sql.sqlite:
                        cursor.execute("COMMIT")
                    else:
                        connection.commit()
                    self.batches += 1
                    self.database.metrics.observe(
                        "tfreview_db_commit_duration_seconds", time.perf_counter() - committing
                    )
                finally:
                    cursor.close()
        except BaseException as error:  # the batch is not stored: every caller hears it
            self._abandon(error)
            failure = self._failure(error)
            locked = isinstance(failure, StoreUnavailable) and error_kind(str(failure)) == "locked"
            self._answer([(item, self._locked(item, failure) if locked else failure) for item in batch])
            return
        self._answer(results)
        self._checkpoint_when_large(len(batch))

    def _answer(self, results: Sequence[tuple[_Item, Result | BaseException]]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Result], Result | BaseException]]] = {}
        for item, outcome in results:
            if item.loop is not None:
                assert isinstance(item.future, asyncio.Future)
                by_loop.setdefault(item.loop, []).append((item.future, outcome))
            else:
                assert isinstance(item.future, Future)
                if isinstance(outcome, BaseException):
                    item.future.set_exception(outcome)
                else:
                    item.future.set_result(outcome)
        for loop, outcomes in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, outcomes)
            except RuntimeError:  # the loop is closed (shutting down): nobody waits any more
                _log.warning("%d intake answers had no event loop left to go to", len(outcomes))

    def _write_one(self, cursor: Any, item: _Item, now: datetime, n: int) -> Result | BaseException:
        cursor.execute(f"SAVEPOINT intake_{n}")
        try:
            outcome = self._rows(cursor, item, now)
        except _Duplicate:  # PostgreSQL: committed concurrently by another process: that one is the delivery
            cursor.execute(f"ROLLBACK TO SAVEPOINT intake_{n}")
            cursor.execute(f"RELEASE SAVEPOINT intake_{n}")
            found = self._find_delivery(cursor, item.delivery.source, item.delivery.key)
            if found is None:
                return StoreUnavailable("database unavailable: a concurrently stored delivery is not visible")
            return found, False
        except Exception as error:  # this delivery's rows only: the rest of the batch goes on
            cursor.execute(f"ROLLBACK TO SAVEPOINT intake_{n}")
            cursor.execute(f"RELEASE SAVEPOINT intake_{n}")
            if unavailable_driver_error(error) is not None:
                raise  # the connection itself is in trouble: the whole batch fails
            _log.error("delivery %s/%s not stored: %s", item.delivery.source, item.delivery.key, type(error).__name__)
            return error
        cursor.execute(f"RELEASE SAVEPOINT intake_{n}")
        return outcome

    def _rows(self, cursor: Any, item: _Item, now: datetime) -> Result:
        sql, delivery = self._sql, item.delivery
        existing = self._find_delivery(cursor, delivery.source, delivery.key)
        if existing is not None:
            return existing, False
        if item.tenant is not None:
            cursor.execute(sql.upsert_tenant, sql.tenant_values(item.tenant, now))
        if item.run is not None:
            cursor.execute(sql.upsert_run, sql.run_values(delivery.tenant_id, item.run, now))
        job_id, joined, new_job = None, None, False
        if item.job is not None:
            values = new_job_values(item.job, now)
            cursor.execute(sql.insert_job, [sql.value(values[c]) for c in sql.job_columns])
            row = cursor.fetchone()
            if row is not None:
                job_id, new_job = int(row[0]), True
            else:  # the same PR head or run is queued already: this delivery joins that job's review
                cursor.execute(sql.find_job, [item.job.idempotency_key])
                found = job_record_from(self._job_values(cursor.fetchone()))
                job_id, joined = found.id, review_id_of(found)
        if item.review is not None and (item.job is None or new_job):
            review_id, source = item.review
            plan_id = plan_id_of(item.job) if item.job is not None else None
            values = new_review_values(review_id, delivery.tenant_id, source, now, plan_id=plan_id)
            cursor.execute(sql.insert_review, [sql.value(values[c]) for c in sql.review_columns])
        sha = sha256_hex(item.payload)
        columns = {
            "source": delivery.source,
            "key": delivery.key,
            "event": delivery.event,
            "tenant_id": delivery.tenant_id,
            "payload": item.payload,
            "payload_sha256": sha,
            "status": delivery.status,
            "job_id": job_id,
            "received_at": delivery.received_at,
        }
        columns["integrity_hash"] = delivery_hash(columns)  # the audit recomputes it (store/row_hashes.py)
        cursor.execute(sql.insert_delivery, [sql.value(columns[c]) for c in sql.delivery_columns])
        inserted = cursor.fetchone()
        if inserted is None:  # PostgreSQL: a concurrent transaction committed the same (source, key) first
            raise _Duplicate()
        stored = replace(delivery, id=int(inserted[0]), job_id=job_id, payload_sha256=sha)
        return replace(stored, review_id=joined or (item.review[0] if item.review is not None else None)), True

    def _find_delivery(self, cursor: Any, source: str, key: str) -> Delivery | None:
        cursor.execute(self._sql.find_delivery, [source, key])
        row = cursor.fetchone()
        if row is None:
            return None
        values = dict(zip(DELIVERY_FIELDS, row[:-1], strict=True))
        return Delivery(**values, received_at=self._sql.when(row[-1]))

    def _job_values(self, row: Any) -> dict[str, Any]:
        values = dict(zip(self._sql.job_fields, row, strict=True))
        for name in ("run_after", "lease_expires_at", "created_at"):
            values[name] = self._sql.when(values[name]) if values[name] is not None else None
        return values

    def _connect(self) -> Any:
        if self._connection is None:
            pooled = self.database.engine.raw_connection()
            driver: Any = pooled.driver_connection
            if self._sql.sqlite:
                driver.execute("PRAGMA wal_autocheckpoint = 0")
            self._connection = pooled
        return self._connection.driver_connection

    def _abandon(self, error: BaseException) -> None:
        """After a failed batch: roll back, and give up the connection when it is the connection that failed."""
        connection = self._connection
        if connection is None:
            return
        try:
            if self._sql.sqlite:
                if connection.driver_connection.in_transaction:
                    connection.driver_connection.execute("ROLLBACK")
            else:
                connection.driver_connection.rollback()
        except Exception:
            self._drop_connection(invalidate=True)
            return
        if isinstance(error, Exception) and unavailable_driver_error(error) is not None:
            self._drop_connection(invalidate=True)

    def _drop_connection(self, *, invalidate: bool = False) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if self._sql.sqlite:
                connection.driver_connection.execute("PRAGMA wal_autocheckpoint = 1000")
                connection.driver_connection.execute(f"PRAGMA busy_timeout = {int(self.database.busy_timeout_ms)}")
            connection.invalidate() if invalidate else connection.close()
        except Exception:
            _log.warning("closing the intake writer's connection failed")

    def _locked(self, item: _Item, failure: BaseException) -> StoreUnavailable:
        """Each caller's own wait, in the words of every other locked write (store/database.py)."""
        account = self.database.locked(item.queued)
        account.__cause__ = failure.__cause__ or failure
        return account

    def _failure(self, error: BaseException) -> BaseException:
        translated = unavailable_driver_error(error) if isinstance(error, Exception) else None
        if translated is not None:
            translated.__cause__ = error  # chained from the driver error, as translate_errors does
            self.database.metrics.count("tfreview_db_errors_total", kind=error_kind(str(translated)))
            return translated
        if isinstance(error, StoreUnavailable):
            self.database.metrics.count("tfreview_db_errors_total", kind=error_kind(str(error)))
        return error

    def _checkpoint_when_large(self, written: int) -> None:
        if not self._sql.sqlite:
            return
        self._since_checkpoint += written
        if self._since_checkpoint >= CHECKPOINT_EVERY:
            self._since_checkpoint = 0
            if self._checkpointer is None:
                thread = threading.Thread(target=self._checkpoints, name="tfreview-wal-checkpoint", daemon=True)
                thread.start()
                self._checkpointer = thread
            self._checkpoint_due.set()

    def _checkpoints(self) -> None:
        """A PASSIVE checkpoint each time the writer asks, on a connection of its own, outside the writer lock:
        it copies committed pages into the database file and never blocks a writer or waits for readers."""
        pooled = self.database.engine.raw_connection()
        driver: Any = pooled.driver_connection
        try:
            while not self._closed:
                if not self._checkpoint_due.wait(1.0):
                    continue
                self._checkpoint_due.clear()
                try:
                    driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except Exception as error:
                    _log.warning("WAL checkpoint failed: %s", type(error).__name__)
        finally:
            pooled.close()


def _stopped() -> StoreUnavailable:
    return StoreUnavailable("database unavailable: the intake writer is stopped")


class _Duplicate(Exception):
    """Raised inside a savepoint when the delivery's (source, key) was committed concurrently."""
