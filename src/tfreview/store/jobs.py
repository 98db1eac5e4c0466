"""The durable job queue on the jobs table (see docs/explanation/queue.md).

Claiming takes the write lock up front on SQLite (`BEGIN IMMEDIATE`) and skips rows other workers
hold on PostgreSQL (`FOR UPDATE SKIP LOCKED`). Every claim starts a new attempt with a fresh token;
heartbeat, complete and fail present it and are refused (StaleAttempt) once the job moved on.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Row, bindparam, exc, func, select, update
from sqlalchemy.orm import Session

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.job_types import (
    ORPHANED,
    ReviewOutcome,
    failure_notice,
    review_after_expired_lease,
    review_after_hand_retry,
    review_after_lost_worker,
    review_marker,
    review_while_waiting,
)
from tfreview.ports.jobs import Job, JobState, NewJob, RetryPolicy, Settled, Settlement, StaleAttempt, job_error
from tfreview.ports.records import Page, ReviewStatus
from tfreview.store.damaged_jobs import bury_damaged, readable_page, stored_value_damage
from tfreview.store.database import Database
from tfreview.store.job_settlements import settle_rows
from tfreview.store.job_statements import (
    CLAIM_ANY_KIND,
    CLAIM_WITH_KINDS,
    COMPLETE,
    CURRENT_ROW,
    CURRENT_ROW_LOCKED,
    HEARTBEAT,
    JOBS,
    RELEASE,
    RUNNING,
    SETTLE_OPEN_REVIEW,
    SETTLE_OPEN_REVIEW_WITH_DEADLINE,
    SETTLE_REVIEW,
    SETTLE_REVIEW_WITH_DEADLINE,
    TAKE_MANY,
    Decide,
)
from tfreview.store.memory_queue import LEASE_EXPIRED
from tfreview.store.paging import newest_first
from tfreview.store.queue_settings import WorkerSettings
from tfreview.store.tables import JobRow, ReviewRow

Finished = datetime | None
_Claimed = TypeVar("_Claimed", Job | None, list[Job])
_JOBS = JOBS
_RUNNING = RUNNING


def job_record(row: JobRow) -> Job:
    return job_record_from({column.key: getattr(row, column.key) for column in _JOBS.columns})


def job_record_from(values: Mapping[str, Any]) -> Job:
    return Job(
        id=values["id"],
        kind=values["kind"],
        tenant_id=values["tenant_id"],
        idempotency_key=values["idempotency_key"],
        payload=json.loads(values["payload"]),
        state=JobState(values["state"]),
        attempts=values["attempts"],
        max_attempts=values["max_attempts"],
        run_after=values["run_after"],
        attempt_token=values["attempt_token"],
        lease_expires_at=values["lease_expires_at"],
        last_error=values["last_error"],
        created_at=values["created_at"],
    )


def new_job_values(job: NewJob, now: datetime, run_after: datetime | None = None) -> dict[str, Any]:
    return {
        "kind": job.kind,
        "tenant_id": job.tenant_id,
        "idempotency_key": job.idempotency_key,
        "payload": json.dumps(job.payload, sort_keys=True),
        "state": JobState.QUEUED.value,
        "attempts": 0,
        "max_attempts": job.max_attempts,
        "run_after": run_after or now,
        "lease_owner": None,
        "lease_expires_at": None,
        "attempt_token": None,
        "last_error": None,
        "created_at": now,
        "updated_at": now,
        "finished_at": None,
    }


_BY_KEY = select(_JOBS).where(_JOBS.c.idempotency_key == bindparam("key"))
_INSERT = _JOBS.insert().returning(_JOBS.c.id)


def enqueue_in(
    session: Session | Connection, job: NewJob, now: datetime, run_after: datetime | None = None
) -> tuple[Job, bool]:
    """Within an open transaction (a Session's, or a Core connection's): the job for this idempotency key, inserted
    when new. A concurrent insert of the same key surfaces as sqlalchemy's IntegrityError."""
    conn = session.connection() if isinstance(session, Session) else session
    existing = conn.execute(_BY_KEY, {"key": job.idempotency_key}).first()
    if existing is not None:
        return job_record_from(dict(existing._mapping)), False
    values = new_job_values(job, now, run_after)
    job_id = conn.execute(_INSERT, values).scalar_one()
    return job_record_from({**values, "id": job_id}), True


class SqlJobQueue:
    def __init__(
        self,
        database: Database,
        settings: WorkerSettings | None = None,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.database = database
        self.settings = settings or WorkerSettings()
        self.policy = RetryPolicy(self.settings.backoff_base_seconds, self.settings.backoff_cap_seconds)
        self.clock = clock
        self._rng = rng

    @property
    def _lease(self) -> timedelta:
        return timedelta(seconds=self.settings.lease_seconds)

    def enqueue(self, job: NewJob, *, run_after: datetime | None = None) -> tuple[Job, bool]:
        try:
            with self.database.transaction() as session:
                return enqueue_in(session, job, self.clock(), run_after)
        except exc.IntegrityError:
            # another process inserted the same key between our look-up and our insert
            with self.database.transaction(write=False) as session:
                found = session.scalars(select(JobRow).where(JobRow.idempotency_key == job.idempotency_key)).one()
                return job_record(found), False

    def claim(self, worker_id: str, *, kinds: Sequence[str] | None = None) -> Job | None:
        return self._past_damage(lambda: self._claim(worker_id, kinds))

    def claim_many(self, worker_id: str, limit: int, *, kinds: Sequence[str] | None = None) -> list[Job]:
        """One transaction (one BEGIN IMMEDIATE and one fsync on SQLite) for up to `limit` claims, each as fair as
        `claim`: while several tenants wait, one job at a time from the fairest; when only one does, its oldest
        `limit` jobs at once."""
        if limit < 1:
            raise ValueError("claim_many: limit must be at least 1")
        return self._past_damage(lambda: self._claim_many(worker_id, limit, kinds))

    def _past_damage(self, claiming: Callable[[], _Claimed]) -> _Claimed:
        """`claiming()`; when it failed on a stored row that no longer reads back, the runnable jobs that do not
        read are dead-lettered (store/damaged_jobs.py) and it is tried once more."""
        try:
            return claiming()
        except Exception as error:
            if stored_value_damage(error) is None or not bury_damaged(self.database, self.clock(), job_record_from):
                raise
        return claiming()

    def _claim(self, worker_id: str, kinds: Sequence[str] | None) -> Job | None:
        with self.database.core_transaction() as conn:
            params = self._claim_params(kinds)
            statements = CLAIM_WITH_KINDS if kinds is not None else CLAIM_ANY_KIND
            tenant = conn.execute(statements.fairest_tenant, params).scalar()
            if tenant is None:
                return None
            row = conn.execute(statements.next_of_tenant, {**params, "tenant": tenant}).first()
            if row is None and not self.database.is_sqlite:
                # every runnable job of that tenant is being claimed by another worker right now
                row = conn.execute(statements.next_of_any, params).first()
            if row is None:
                return None
            return self._take(conn, [row], worker_id, params["now"])[0]

    def _claim_many(self, worker_id: str, limit: int, kinds: Sequence[str] | None) -> list[Job]:
        claimed: list[Job] = []
        with self.database.core_transaction() as conn:
            params = self._claim_params(kinds)
            now = params["now"]
            statements = CLAIM_WITH_KINDS if kinds is not None else CLAIM_ANY_KIND
            while len(claimed) < limit:
                tenants = conn.execute(statements.two_fairest_tenants, params).scalars().all()
                if not tenants:
                    break
                n = limit - len(claimed) if len(tenants) == 1 else 1
                rows = conn.execute(statements.oldest_of_tenant, {**params, "tenant": tenants[0], "n": n}).all()
                if not rows and not self.database.is_sqlite:
                    rows = conn.execute(statements.next_of_any, params).all()  # that tenant's are being claimed
                if not rows:
                    break
                claimed.extend(self._take(conn, rows, worker_id, now))
        return claimed

    def _claim_params(self, kinds: Sequence[str] | None) -> dict[str, Any]:
        params: dict[str, Any] = {"now": self.clock()}
        if kinds is not None:
            params["kinds"] = list(kinds)
        return params

    def _take(self, conn: Connection, rows: Sequence[Row[Any]], worker_id: str, now: datetime) -> list[Job]:
        """Start a new attempt of each selected row (locked: BEGIN IMMEDIATE, or FOR UPDATE SKIP LOCKED)."""
        taken: list[Job] = []
        values: list[dict[str, Any]] = []
        for row in rows:
            claimed = {
                "state": JobState.RUNNING.value,
                "attempts": row.attempts + 1,
                "attempt_token": uuid.uuid4().hex,
                "lease_owner": worker_id[:200],
                "lease_expires_at": now + self._lease,
                "updated_at": now,
            }
            values.append({"job_id": row.id, **{f"to_{name}": value for name, value in claimed.items()}})
            taken.append(job_record_from({**row._mapping, **claimed}))
        TAKE_MANY.execute(conn, values)
        return taken

    def heartbeat(self, job_id: int, attempt_token: str) -> None:
        now = self.clock()
        values = {"job_id": job_id, "token": attempt_token, "lease": now + self._lease, "now": now}
        with self.database.core_transaction() as conn:
            if conn.execute(HEARTBEAT, values).rowcount != 1:
                raise StaleAttempt(job_id)

    def complete(self, job_id: int, attempt_token: str) -> None:
        values = {"job_id": job_id, "token": attempt_token, "now": self.clock()}
        with self.database.core_transaction() as conn:
            if conn.execute(COMPLETE, values).rowcount != 1:
                raise StaleAttempt(job_id)

    def _release(self, conn: Connection, job_id: int, token: str, error: str, decide: Decide) -> tuple[Job, datetime]:
        """Core statements, no ORM (issue 13): the current attempt's row, then its release, both fenced by the token."""
        now = self.clock()
        found = conn.execute(CURRENT_ROW if self.database.is_sqlite else CURRENT_ROW_LOCKED, {"job_id": job_id})
        row = found.first()
        if row is None or row.state != _RUNNING or row.attempt_token != token:
            raise StaleAttempt(job_id)
        current = dict(row._mapping)
        state, attempts, run_after, finished_at = decide(current, now)
        released = {
            "state": state,
            "attempts": attempts,
            "run_after": run_after,
            "last_error": job_error(error),
            "attempt_token": None,
            "lease_owner": None,
            "lease_expires_at": None,
            "updated_at": now,
            "finished_at": finished_at,
        }
        values = {"job_id": job_id, "token": token, "now": now, "error": released["last_error"]}
        values.update(to_state=state, to_attempts=attempts, to_run_after=run_after, to_finished_at=finished_at)
        if conn.execute(RELEASE, values).rowcount != 1:
            raise StaleAttempt(job_id)
        return job_record_from({**current, **released}), now

    def fail(
        self, job_id: int, attempt_token: str, error: str, *, permanent: bool = False, announce: bool = True
    ) -> Job:
        answer = self.settle([Settlement(job_id, attempt_token, error, permanent, announce)])[0]
        if isinstance(answer, StaleAttempt):
            raise answer
        if answer is None:  # a failure is answered with the failed job
            raise TypeError("settle answered a failure as a completion")
        return answer

    def _failure(self, row: Mapping[str, Any], now: datetime, permanent: bool) -> tuple[str, int, datetime, Finished]:
        """A failed attempt's row once released: dead (permanent, or out of attempts) or queued after its backoff."""
        attempts = int(row["attempts"])
        if permanent or attempts >= row["max_attempts"]:
            return JobState.DEAD.value, attempts, row["run_after"], now
        delay = timedelta(seconds=self.policy.delay(attempts, self._rng))
        return JobState.QUEUED.value, attempts, now + delay, row["finished_at"]

    def settle(self, settlements: Sequence[Settlement]) -> list[Settled]:
        """One transaction and one statement of each kind for all (ADR 0396, `store/job_settlements.py`): a stale
        attempt is refused before any write of its own, so the others commit all the same."""
        with self.database.core_transaction() as conn:
            now = self.clock()
            settled = settle_rows(
                conn,
                settlements,
                now,
                self._failure,
                job_record_from,
                lock_rows=not self.database.is_sqlite,
            )
            for dead, announce in settled.dead:
                if announce:
                    _announce_death(conn, dead, now)
        return settled.answers

    def defer(
        self,
        job_id: int,
        attempt_token: str,
        reason: str,
        run_after: datetime,
        *,
        review_deadline_at: datetime | None = None,
    ) -> Job:
        def decide(row: Mapping[str, Any], now: datetime) -> tuple[str, int, datetime, datetime | None]:
            return JobState.QUEUED.value, max(0, int(row["attempts"]) - 1), run_after, row["finished_at"]

        with self.database.core_transaction() as conn:
            deferred, now = self._release(conn, job_id, attempt_token, reason, decide)
            waiting = review_while_waiting(deferred, deferred.last_error or "", review_deadline_at)
            # a review the attempt finished before it was given back stays finished (ADR 0660)
            _settle_review(conn, waiting, now, only_open=True, statuses=_UNFINISHED_REVIEWS)
            return deferred

    def reap(self) -> list[Job]:
        with self.database.transaction() as session:
            now = self.clock()
            expired = [
                JobRow.state == JobState.RUNNING.value,
                JobRow.lease_expires_at < now,
            ]
            cleared = {"attempt_token": None, "lease_owner": None, "lease_expires_at": None, "updated_at": now}
            reaped: list[Job] = []
            dying = select(JobRow).where(*expired, JobRow.attempts >= JobRow.max_attempts)
            for row in session.scalars(dying if self.database.is_sqlite else dying.with_for_update()).all():
                dead = replace(job_record(row), state=JobState.DEAD, attempt_token=None, lease_expires_at=None)
                dead = replace(dead, last_error=LEASE_EXPIRED)
                lost = review_after_lost_worker(dead, LEASE_EXPIRED)
                _settle_review(session, lost, now, only_open=True, statuses=_UNFINISHED_REVIEWS)
                _announce_death(session, dead, now)
                reaped.append(dead)
            living = select(JobRow).where(*expired, JobRow.attempts < JobRow.max_attempts)
            for row in session.scalars(living if self.database.is_sqlite else living.with_for_update()).all():
                again = replace(job_record(row), state=JobState.QUEUED, attempt_token=None, lease_expires_at=None)
                again = replace(again, last_error=LEASE_EXPIRED, run_after=now)
                _settle_review(session, review_after_expired_lease(again, LEASE_EXPIRED), now, only_open=True)
                reaped.append(again)
            session.execute(
                update(JobRow)
                .where(*expired, JobRow.attempts >= JobRow.max_attempts)
                .values(state=JobState.DEAD.value, last_error=LEASE_EXPIRED, finished_at=now, **cleared)
            )
            session.execute(
                update(JobRow)
                .where(*expired)
                .values(state=JobState.QUEUED.value, last_error=LEASE_EXPIRED, run_after=now, **cleared)
            )
            return reaped

    def repair_orphans(self, older_than: datetime) -> list[tuple[str, bool]]:
        """Reviews `in_progress` since before `older_than` with no RUNNING job carrying them (their worker died
        and nothing will finish them) go back to `queued`; returns (review id, a queued job carries it)."""
        repaired: list[tuple[str, bool]] = []
        with self.database.transaction() as session:
            stuck = session.scalars(
                select(ReviewRow.id).where(
                    ReviewRow.status == ReviewStatus.IN_PROGRESS.value, ReviewRow.updated_at < older_than
                )
            ).all()
            now = self.clock()
            for review_id in stuck:
                states = set(session.scalars(select(JobRow.state).where(_carries(review_id))).all())
                if JobState.RUNNING.value in states:
                    continue
                _settle_review(session, ReviewOutcome(review_id, ReviewStatus.QUEUED, ORPHANED), now, only_open=True)
                repaired.append((review_id, JobState.QUEUED.value in states))
        return repaired

    def retry(self, job_id: int, tenant_id: str | None = None) -> Job | None:
        with self.database.transaction() as session:
            # locked: a retry racing another retry and the claim after it sees the job running (PostgreSQL)
            row = session.get(JobRow, job_id, with_for_update=True)
            if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
                return None
            if row.state == JobState.DEAD.value:
                now = self.clock()
                row.state = JobState.QUEUED.value
                row.attempts = 0
                row.run_after = now
                row.created_at = now  # a new start: the bounds of ADR 0515/0530 count from here (ADR 0536)
                row.updated_at = now
                row.finished_at = None
                session.flush()
                deadline_at = now + timedelta(seconds=self.settings.review_deadline_seconds)
                _settle_review(session, review_after_hand_retry(job_record(row), deadline_at), now, only_open=False)
            return job_record(row)

    def get(self, job_id: int) -> Job | None:
        with self.database.transaction(write=False) as session:
            row = session.get(JobRow, job_id)
            return None if row is None else job_record(row)

    def list(
        self, *, state: str | None = None, tenant_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Job]:
        filters = [JobRow.state == state] if state is not None else []
        if tenant_id is not None:
            filters.append(JobRow.tenant_id == tenant_id)
        try:
            return newest_first(self.database, JobRow, filters, limit=limit, cursor=cursor, record=job_record)
        except Exception as error:
            if stored_value_damage(error) is None:
                raise
        return readable_page(self.database, filters, limit=limit, cursor=cursor, read=job_record_from)

    def depth(self) -> int:
        with self.database.transaction(write=False) as session:
            query = select(func.count()).where(JobRow.state.in_([JobState.QUEUED.value, JobState.RUNNING.value]))
            return int(session.scalar(query) or 0)


def _announce_death(session: Session | Connection, job: Job, now: datetime) -> None:
    """A dead-lettered job's review failed: its failure notice goes to the queue in this transaction (ADR 0380)."""
    notice = failure_notice(job, now)
    if notice is not None:
        enqueue_in(session, notice, now)


def _carries(review_id: str) -> ColumnElement[bool]:
    """The job's payload names this review (payloads are `json.dumps(..., sort_keys=True)`: one spelling)."""
    marker = review_marker(review_id)
    escaped = marker.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return JobRow.payload.like(f"%{escaped}%", escape="\\")


_OPEN_REVIEWS = (ReviewStatus.IN_PROGRESS.value,)  # a lost worker's review: only an `in_progress` one moves
# a dead-lettered job's review fails whether it was in progress or queued again (a re-claim that never started)
_UNFINISHED_REVIEWS = (ReviewStatus.QUEUED.value, ReviewStatus.IN_PROGRESS.value)


def _settle_review(
    session: Session | Connection,
    outcome: ReviewOutcome | None,
    now: datetime,
    *,
    only_open: bool,
    statuses: tuple[str, ...] = _OPEN_REVIEWS,
) -> None:
    if outcome is None:
        return
    values: dict[str, Any] = {"review_id": outcome.review_id, "to_status": outcome.status.value}
    values.update(reason=outcome.reason, now=now)
    if only_open:
        values["statuses"] = list(statuses)
    conn = session.connection() if isinstance(session, Session) else session
    if outcome.deadline_at is not None:
        statement = SETTLE_OPEN_REVIEW_WITH_DEADLINE if only_open else SETTLE_REVIEW_WITH_DEADLINE
        conn.execute(statement, {**values, "deadline_at": outcome.deadline_at})
        return
    conn.execute(SETTLE_OPEN_REVIEW if only_open else SETTLE_REVIEW, values)
