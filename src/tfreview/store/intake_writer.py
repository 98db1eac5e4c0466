"""Group commit for the intake: one writer thread, one DBAPI connection, many deliveries per transaction.

Every accepted delivery — webhook, upload, reconciler find — is handed to `IntakeWriter.submit`, which
returns a Future. The writer thread takes what is queued (up to `max_batch`), writes each item's rows
(its tenant and Spacelift run state when given, the delivery, its job, its queued review), all in ONE
transaction, COMMITs — with SQLite's synchronous=FULL that is the fsync — and only then resolves the futures:
an answered delivery is durable, and a SIGKILL at any moment loses only unanswered ones. One item failing (bad
data) rolls the transaction back and the batch is written again with each item inside its own SAVEPOINT (on
SQLite the first pass has none: two statements fewer per delivery); there it rolls back to its savepoint — its
tenant and run state with it — and fails only its own future; a failing BEGIN or COMMIT (database locked, gone,
disk full) fails the whole batch with StoreUnavailable, and nothing of it is stored. The batch's wait for the lock
is bounded by its oldest delivery's busy_timeout; a locked database gives each caller its own wait
(`Database.locked`, ADR 0240).

The hot path is plain SQL on the driver connection, built once per dialect (ADR 0125): no ORM session,
no compiled-statement cache lookups, no SELECT-then-INSERT for jobs (`ON CONFLICT DO NOTHING RETURNING`).
On SQLite the writer queues for the process's writer lock (`Database.write_slot`) like every writer,
once per batch; like every connection of the `Database` its connection has `wal_autocheckpoint` off (a commit
never checkpoints inside the lock) and after each batch it tells the database's checkpointer how many pages it
added (`WalCheckpoints`, ADR 0416), which checkpoints in the background and keeps the WAL bounded.

On PostgreSQL every statement is a round trip and backend work, so a batch is written with ONE statement per
table (ADR 0325: `_write_together`, cut into groups where a delivery repeats a key of its group) and no
savepoint; when one of those statements fails on the data, or a delivery was committed meanwhile by another
process, the transaction is rolled back and the batch goes through the item-by-item path above.
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

from tfreview.core.errors import StoreUnanswered, StoreUnavailable
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.plumbing.hashing import sha256_hex
from tfreview.ports.job_types import plan_id_of, review_id_of
from tfreview.ports.jobs import NewJob
from tfreview.ports.records import Delivery, RunStateVersion, SourceInfo, Tenant
from tfreview.store.database import Database, error_kind, unavailable_driver_error
from tfreview.store.intake_sql import DELIVERY_FIELDS, IntakeStatements, columns_of
from tfreview.store.jobs import job_record_from, new_job_values
from tfreview.store.reviews import new_review_values
from tfreview.store.row_hashes import delivery_hash

MAX_BATCH: Final = 128
ROW_PAGES: Final = 4  # WAL pages a delivery adds besides its payload's: its job, review and index entries
# once a delivery arrives while another is still in flight (submitted, not yet answered: deliveries overlap, the
# intake is at its limit — the writer's or the event loop's), the intake counts as busy this long, even in the
# gaps between batches, so the embedded workers wait for the burst to end (ADR 0351)
PRESSED_SECONDS: Final = 0.25
# what a caller waits for its batch's answer past busy_timeout (the writer's own bound on a lock wait, from the
# caller's arrival): a statement the database never answers — a black-holed PostgreSQL, no byte and no RST — has no
# bound of the writer's, and the caller hears 503 instead of nothing; its rows may still commit once the link is
# back, and the sender's retry is then a duplicate (docs/adr/0535)
ANSWER_GRACE_SECONDS: Final = 1.0
_log = logging.getLogger("tfreview.store.intake")
_LOCK_TIMEOUT: Final = "SELECT set_config('lock_timeout', %s, true)"  # PostgreSQL, this transaction only
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


class _Late(Exception):
    """A coroutine's delivery not answered within `patience_seconds` (raised as StoreUnanswered)."""


def _expire(waiter: asyncio.Future[Result]) -> None:
    if not waiter.done():
        waiter.set_exception(_Late())


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
        self.batches = 0  # committed transactions (tests read it: grouping is observable)
        self._writing = False
        self._pressed_until = 0.0  # time.monotonic() until which a burst counts as on (PRESSED_SECONDS)
        self._in_flight = 0  # deliveries submitted and not yet answered (their caller not yet woken)
        self._in_flight_lock = threading.Lock()
        self._now: tuple[datetime | None, Any] = (None, None)  # a batch's `now` and its bound value (`_bound`)

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
        self._arrived()
        future.add_done_callback(self._answered)
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
        self._arrived()
        queued = time.monotonic()
        # the bound on the wait: one timer that fails the waiter (cheaper than asyncio.wait_for's second future and
        # callbacks); a late batch's _settle skips the settled waiter, a cancelled request's too
        timer = loop.call_later(self.patience_seconds, _expire, waiter)
        try:
            self._queue.put(_Item(delivery, bytes(payload), job, review, waiter, loop, tenant, run, queued))
            try:
                return await waiter
            except _Late:
                raise self._unanswered(queued) from None
        finally:
            timer.cancel()
            self._answered()

    @property
    def patience_seconds(self) -> float:
        """How long a caller waits for its delivery's answer: busy_timeout, then ANSWER_GRACE_SECONDS."""
        return self.database.busy_timeout_ms / 1000 + ANSWER_GRACE_SECONDS

    def result(self, future: Future[Result]) -> Result:
        """For a thread: the answer of a `submit`ted delivery, waited for as `accept` waits for its own."""
        queued = time.monotonic()
        try:
            return future.result(self.patience_seconds)
        except TimeoutError:  # the future stays: its batch answers it, to nobody, when the database does
            raise self._unanswered(queued) from None

    def _unanswered(self, queued: float) -> StoreUnanswered:
        waited = round((time.monotonic() - queued) * 1000)
        self.database.metrics.count("tfreview_db_errors_total", kind="other")
        return StoreUnanswered(
            f"database unavailable: no answer from the database (waited {waited} ms; "
            f"busy_timeout {self.database.busy_timeout_ms} ms)"
        )

    def _arrived(self) -> None:
        with self._in_flight_lock:
            self._in_flight += 1
            if self._in_flight > 1:  # deliveries overlap: a burst (see PRESSED_SECONDS)
                self._pressed_until = time.monotonic() + PRESSED_SECONDS

    def _answered(self, _future: object = None) -> None:
        with self._in_flight_lock:
            self._in_flight -= 1

    def queued(self) -> int:
        """Deliveries submitted and not yet taken into a batch."""
        return self._queue.qsize()

    def busy(self) -> bool:
        """True while a burst is on: deliveries wait for the writer, a batch is being written, or deliveries overlapped
        less than PRESSED_SECONDS ago (the gaps of a saturated intake are not quiet)."""
        return self._writing or not self._queue.empty() or time.monotonic() < self._pressed_until

    def close(self) -> None:
        self._closed = True
        thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(30)

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
                    else:
                        self._bound_lock_waits(cursor, begun)
                    now = self.clock()
                    if self._sql.sqlite:
                        results = self._write_plain(cursor, batch, now)
                    else:
                        results = self._write_together(connection, cursor, batch, now)
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
        for item, outcome in results:
            if isinstance(outcome, Exception):
                _log.error(
                    "delivery %s/%s not stored: %s", item.delivery.source, item.delivery.key, type(outcome).__name__
                )
        self._answer(results)
        if self.database.checkpoints is not None:  # SQLite
            self.database.checkpoints.committed(sum(len(item.payload) // 4096 + ROW_PAGES for item in batch))

    def _write_each(
        self, cursor: Any, batch: Sequence[_Item], now: datetime
    ) -> list[tuple[_Item, Result | BaseException]]:
        """Item by item, each in its own SAVEPOINT (SQLite always; PostgreSQL when the batch statements failed)."""
        return [(item, self._write_one(cursor, item, now, n)) for n, item in enumerate(batch)]

    def _write_plain(
        self, cursor: Any, batch: Sequence[_Item], now: datetime
    ) -> list[tuple[_Item, Result | BaseException]]:
        """SQLite: the batch without a SAVEPOINT per delivery (two statements, and two hand-overs of the GIL around
        them, fewer per delivery). When a delivery fails on its data, the transaction is rolled back, nothing of the
        batch stays, and the batch is written again item by item, each in its own SAVEPOINT (`_write_each`), so that
        only that delivery fails — as on PostgreSQL (`_write_together`)."""
        results: list[tuple[_Item, Result | BaseException]] = []
        try:
            for item in batch:
                results.append((item, self._rows(cursor, item, now)))
        except Exception as error:
            if unavailable_driver_error(error) is not None:
                raise  # the connection itself is in trouble: the whole batch fails
            _log.warning("intake batch of %d written item by item: %s", len(batch), type(error).__name__)
            cursor.execute("ROLLBACK")
            cursor.execute(self._sql.begin)
            return self._write_each(cursor, batch, now)
        return results

    def _write_together(
        self, connection: Any, cursor: Any, batch: Sequence[_Item], now: datetime
    ) -> list[tuple[_Item, Result | BaseException]]:
        """PostgreSQL: the whole batch with one statement per table (ADR 0325); when one of those fails on the data
        (a value the table refuses) or meets a delivery committed concurrently, nothing of them stays (ROLLBACK)
        and the batch is written again item by item, so that only the item at fault fails."""
        outcomes: dict[int, Result | BaseException] = {}
        try:
            for group in _groups(batch):
                self._write_group(cursor, group, now, outcomes)
        except Exception as error:
            if unavailable_driver_error(error) is not None:
                raise  # the connection itself is in trouble: the whole batch fails
            _log.warning("intake batch of %d written item by item: %s", len(batch), type(error).__name__)
            connection.rollback()
            self._bound_lock_waits(cursor, min(item.queued for item in batch))  # the rollback undid the bound
            return self._write_each(cursor, batch, now)
        return [(item, outcomes[n]) for n, item in enumerate(batch)]

    def _bound_lock_waits(self, cursor: Any, begun: float) -> None:
        """PostgreSQL: a lock another session holds (a migration's table lock, a transaction left open, or kept by
        a connection cut mid-write until the server notices) is waited for within what busy_timeout since `begun`
        left, as SQLite's busy handler is: then LockNotAvailable, and the batch's callers hear 503. Without it the
        writer waited without end, and every later delivery behind it (docs/adr/0535). For this transaction only."""
        left_ms = self.database.busy_timeout_ms - round((time.monotonic() - begun) * 1000)
        cursor.execute(_LOCK_TIMEOUT, [f"{max(1, left_ms)}ms"])  # 0 would mean no bound at all

    def _write_group(
        self,
        cursor: Any,
        group: Sequence[tuple[int, _Item]],
        now: datetime,
        outcomes: dict[int, Result | BaseException],
    ) -> None:
        """One group (no two of its deliveries share a delivery key, a job key, a tenant or a run): what is stored
        already answers as a duplicate; the rest is written with ONE statement per table."""
        sql = self._sql
        cursor.execute(sql.find_deliveries, columns_of([[i.delivery.source, i.delivery.key] for _, i in group]))
        stored = {(d.source, d.key): d for d in (self._delivery_of(row) for row in cursor.fetchall())}
        planned: list[tuple[int, _Item, _Rows]] = []
        for n, item in group:
            existing = stored.get((item.delivery.source, item.delivery.key))
            if existing is not None:
                outcomes[n] = (existing, False)
                continue
            try:
                planned.append((n, item, self._plan(item, now)))
            except Exception as error:  # a value the writer cannot bind (this delivery only; logged by _write)
                outcomes[n] = error
        if not planned:
            return
        tenants = [sql.tenant_values(item.tenant, now) for _, item, _ in planned if item.tenant is not None]
        if tenants:
            cursor.execute(sql.upsert_tenants, columns_of(tenants))
        runs = [
            sql.run_values(item.delivery.tenant_id, item.run, now) for _, item, _ in planned if item.run is not None
        ]
        if runs:
            cursor.execute(sql.upsert_runs, columns_of(runs))
        job_ids, joined = self._insert_jobs(cursor, [rows.job for _, _, rows in planned if rows.job is not None])
        reviews = [
            rows.review
            for _, item, rows in planned
            if rows.review is not None and (item.job is None or item.job.idempotency_key not in joined)
        ]
        if reviews:
            cursor.execute(sql.insert_reviews, columns_of(reviews))
        job_at = sql.delivery_columns.index("job_id")
        deliveries = []
        for _, item, rows in planned:
            if item.job is not None:
                rows.delivery[job_at] = job_ids[item.job.idempotency_key]
            deliveries.append(rows.delivery)
        cursor.execute(sql.insert_deliveries, columns_of(deliveries))
        ids = {(source, key): int(id_) for id_, source, key in cursor.fetchall()}
        if len(ids) != len(planned):  # a concurrent transaction committed one of them first: item by item
            raise _Separately()
        for n, item, rows in planned:
            delivery = item.delivery
            job_id = None if item.job is None else job_ids[item.job.idempotency_key]
            review = joined.get(item.job.idempotency_key) if item.job is not None else None
            if review is None and item.review is not None:
                review = item.review[0]
            outcomes[n] = (
                replace(
                    delivery,
                    id=ids[(delivery.source, delivery.key)],
                    job_id=job_id,
                    payload_sha256=rows.sha,
                    review_id=review,
                ),
                True,
            )

    def _insert_jobs(self, cursor: Any, jobs: list[list[Any]]) -> tuple[dict[str, int], dict[str, str | None]]:
        """The group's jobs: {idempotency key: job id}, and for the keys queued already (the same PR head or run)
        {key: the review of that job}, which the delivery joins."""
        if not jobs:
            return {}, {}
        sql = self._sql
        cursor.execute(sql.insert_jobs, columns_of(jobs))
        ids = {str(key): int(id_) for id_, key in cursor.fetchall()}
        key_at = sql.job_columns.index("idempotency_key")
        missing = [values[key_at] for values in jobs if values[key_at] not in ids]
        joined: dict[str, str | None] = {}
        if missing:
            cursor.execute(sql.find_jobs, [missing])
            for row in cursor.fetchall():
                found = job_record_from(self._job_values(row))
                ids[found.idempotency_key] = found.id
                joined[found.idempotency_key] = review_id_of(found)
            if any(key not in ids for key in missing):  # not visible: let the item-by-item path account for it
                raise _Separately()
        return ids, joined

    def _plan(self, item: _Item, now: datetime) -> _Rows:
        """Every value of the item's rows, computed before any statement runs (a value that cannot be made fails
        this delivery alone, with nothing sent); the batch statements and the item-by-item path both write these."""
        sql, delivery = self._sql, item.delivery
        job = None
        if item.job is not None:
            job = self._bound(new_job_values(item.job, now), sql.job_columns, now)
        review = None
        if item.review is not None:
            review_id, source = item.review
            plan_id = plan_id_of(item.job) if item.job is not None else None
            values = new_review_values(review_id, delivery.tenant_id, source, now, plan_id=plan_id)
            review = self._bound(values, sql.review_columns, now)
        sha = sha256_hex(item.payload)
        columns = {
            "source": delivery.source,
            "key": delivery.key,
            "event": delivery.event,
            "tenant_id": delivery.tenant_id,
            "payload": item.payload,
            "payload_sha256": sha,
            "status": delivery.status,
            "job_id": None,
            "received_at": delivery.received_at,
        }
        # the payload's digest is known: hash its spelling (row_hashes.plain_value of bytes) instead of the bytes again
        columns["integrity_hash"] = delivery_hash({**columns, "payload": "sha256:" + sha})
        return _Rows(job, review, [sql.value(columns[c]) for c in sql.delivery_columns], sha)

    def _bound(self, values: dict[str, Any], columns: Sequence[str], now: datetime) -> list[Any]:
        """The values of `columns` as the driver binds them; the batch's `now` (five columns of a job and its review)
        converted once per batch, not once per column."""
        if self._now[0] is not now:
            self._now = (now, self._sql.value(now))
        bound_now, value = self._now[1], self._sql.value
        return [bound_now if (found := values[c]) is now else value(found) for c in columns]

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
            return error  # logged by _write
        cursor.execute(f"RELEASE SAVEPOINT intake_{n}")
        return outcome

    def _rows(self, cursor: Any, item: _Item, now: datetime) -> Result:
        sql, delivery = self._sql, item.delivery
        existing = self._find_delivery(cursor, delivery.source, delivery.key)
        if existing is not None:
            return existing, False
        rows = self._plan(item, now)
        if item.tenant is not None:
            cursor.execute(sql.upsert_tenant, sql.tenant_values(item.tenant, now))
        if item.run is not None:
            cursor.execute(sql.upsert_run, sql.run_values(delivery.tenant_id, item.run, now))
        job_id, joined, new_job = None, None, False
        if item.job is not None and rows.job is not None:
            cursor.execute(sql.insert_job, rows.job)
            row = cursor.fetchone()
            if row is not None:
                job_id, new_job = int(row[0]), True
            else:  # the same PR head or run is queued already: this delivery joins that job's review
                cursor.execute(sql.find_job, [item.job.idempotency_key])
                found = job_record_from(self._job_values(cursor.fetchone()))
                job_id, joined = found.id, review_id_of(found)
        if rows.review is not None and (item.job is None or new_job):
            cursor.execute(sql.insert_review, rows.review)
        rows.delivery[sql.delivery_columns.index("job_id")] = job_id
        cursor.execute(sql.insert_delivery, rows.delivery)
        inserted = cursor.fetchone()
        if inserted is None:  # PostgreSQL: a concurrent transaction committed the same (source, key) first
            raise _Duplicate()
        review_id = joined or (item.review[0] if item.review is not None else None)
        return replace(delivery, id=int(inserted[0]), job_id=job_id, payload_sha256=rows.sha, review_id=review_id), True

    def _find_delivery(self, cursor: Any, source: str, key: str) -> Delivery | None:
        cursor.execute(self._sql.find_delivery, [source, key])
        row = cursor.fetchone()
        return None if row is None else self._delivery_of(row)

    def _delivery_of(self, row: Sequence[Any]) -> Delivery:
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


@dataclass(frozen=True, slots=True)
class _Rows:
    """One delivery's values for the batch statements, in the statements' column order (`IntakeStatements`);
    the delivery's `job_id` is filled in once the job's id is known."""

    job: list[Any] | None
    review: list[Any] | None
    delivery: list[Any]
    sha: str


def _groups(batch: Sequence[_Item]) -> list[list[tuple[int, _Item]]]:
    """The batch cut, in order, where a delivery repeats a delivery key, job key, tenant or run of its group: each
    group's statements then never meet the same row twice, and a repeat sees the earlier group's rows exactly
    as the item-by-item path would (a duplicate, a joined job, the tenant upserted again)."""
    groups: list[list[tuple[int, _Item]]] = []
    group: list[tuple[int, _Item]] = []
    seen: set[tuple[str, ...]] = set()
    for n, item in enumerate(batch):
        keys: set[tuple[str, ...]] = {("delivery", item.delivery.source, item.delivery.key)}
        if item.job is not None:
            keys.add(("job", item.job.idempotency_key))
        if item.tenant is not None:
            keys.add(("tenant", item.tenant.id))
        if item.run is not None:
            keys.add(("run", item.delivery.tenant_id, item.run.run_id))
        if keys & seen:
            groups.append(group)
            group, seen = [], set()
        group.append((n, item))
        seen |= keys
    if group:
        groups.append(group)
    return groups


def _stopped() -> StoreUnavailable:
    return StoreUnavailable("database unavailable: the intake writer is stopped")


class _Duplicate(Exception):
    """Raised inside a savepoint when the delivery's (source, key) was committed concurrently."""


class _Separately(Exception):
    """The batch statements cannot account for every delivery (one was committed concurrently): item by item."""
