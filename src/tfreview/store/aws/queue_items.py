"""The job items of the SQS queue (docs/adr/0151) and the writes of an attempt, fenced by its token.

`JobItems` is the part of `SqsJobQueue` (tfreview.store.aws.queue) that reads jobs (get, by key, lists, depth,
running per tenant) and writes a running job's new state only while its attempt token is current: every write
of an attempt is conditional on `#state = running AND #attempt_token = <its token>`, so a worker that lost its
lease (reaped, taken over) gets StaleAttempt instead of overwriting the new attempt. The job's SQS message
follows its item: deleted once the job is over, hidden until `run_after` while it waits.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from tfreview.core.errors import StoreUnavailable
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.job_types import ReviewOutcome
from tfreview.ports.jobs import Job, JobState, NewJob, RetryPolicy, StaleAttempt
from tfreview.ports.records import Page, ReviewStatus
from tfreview.store.aws.job_items import JOB_SK, job_key_pk, job_of, job_pk, new_job_items, state_indexes
from tfreview.store.aws.messages import JobMessages
from tfreview.store.aws.reviews import status_update
from tfreview.store.aws.table import Table, TransactionConflict, fixed_id, instant
from tfreview.store.cursor import check_limit, decode_cursor, encode_cursor
from tfreview.store.queue_settings import WorkerSettings

MAX_TAKEN_IDS = 3  # a notice's fresh job id found taken this often: the counter is broken, not behind


class JobItems:
    def __init__(
        self,
        table: Table,
        messages: JobMessages,
        settings: WorkerSettings | None = None,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.table = table
        self.messages = messages
        self.settings = settings or WorkerSettings()
        self.policy = RetryPolicy(self.settings.backoff_base_seconds, self.settings.backoff_cap_seconds)
        self.clock = clock
        self._rng = rng

    def announce(self, job: Job) -> None:
        """Send the job's message (after its item is written; a lost send is covered by the claim's sweep, and by
        the reaper sending it again after STRANDED_AFTER: on Lambda nothing claims without a message)."""
        self.messages.send(job.id, (job.run_after - self.clock()).total_seconds())

    def by_key(self, idempotency_key: str) -> Job | None:
        key = self.table.get(job_key_pk(idempotency_key), "JOBKEY")
        return self.get(int(key["job_id"])) if key is not None else None

    def running_by_tenant(self) -> dict[str, int]:
        running: dict[str, int] = {}
        for item in self.table.query("g2", f"JOB#S#{JobState.RUNNING.value}"):
            running[str(item["tenant_id"])] = running.get(str(item["tenant_id"]), 0) + 1
        return running

    # --- the attempt's writes (fenced by its token) ----------------------------------------------------
    def _current(self, job_id: int, attempt_token: str) -> tuple[Job, str | None]:
        item = self.table.get(job_pk(job_id), JOB_SK)
        if item is None or item.get("state") != JobState.RUNNING.value or item.get("attempt_token") != attempt_token:
            raise StaleAttempt(job_id)
        return job_of(item), item.get("receipt")

    def _fenced(
        self,
        job: Job,
        set_: dict[str, Any],
        outcome: ReviewOutcome | None,
        *,
        only_open: bool,
        notice: NewJob | None = None,
    ) -> Job | None:
        """Write the job's new state if `job.attempt_token` is still current, with its review's outcome and its
        failure notice (ADR 0380) in the same TransactWriteItems: all of them or none (ADR 0405). Returns the
        notice's job when this write created it (its message is the caller's to send), else None.

        The job's update is the fence: its condition failing (or losing a race) is StaleAttempt and nothing is
        written. A review gone or already settled drops the review's update; a notice whose key is there already
        (the same death written before) drops the notice; a notice id already taken (a counter behind) takes
        another id. The others are then written together again."""
        review = None
        if outcome is not None:
            # a dead job's review fails whether its worker had started it or it was queued again (never stuck)
            only_if = (ReviewStatus.IN_PROGRESS.value, ReviewStatus.QUEUED.value) if only_open else None
            review = status_update(
                self.table,
                outcome.review_id,
                outcome.status,
                outcome.reason,
                self.clock(),
                only_if=only_if,
                deadline_at=outcome.deadline_at,
            )
        update = self.table.update_request(
            job_pk(job.id),
            JOB_SK,
            set_=set_,
            condition="#state = :r AND #attempt_token = :token",
            values={":r": JobState.RUNNING.value, ":token": job.attempt_token},
        )
        taken_ids = 0
        while True:
            actions: list[dict[str, Any]] = [{"Update": update}]
            if review is not None:
                actions.append(review)
            notice_items: list[dict[str, Any]] = []
            if notice is not None:
                now = self.clock()
                notice_items = new_job_items(
                    self.table.next_id("job"), notice, now, now, key_expires_at=self.table.retained_until(now)
                )
                actions += [self.table.put_request(i, condition="attribute_not_exists(pk)") for i in notice_items]
            try:
                self.table.transact(actions)
            except TransactionConflict as conflict:
                if 0 in conflict.failed or -1 in conflict.failed:
                    raise StaleAttempt(job.id) from None
                if review is not None and 1 in conflict.failed:
                    review = None  # the review is gone or already settled: the job (and its notice) alone
                    continue
                key_at = len(actions) - 2
                if notice is not None and key_at in conflict.failed:
                    notice = None  # this death's notice is queued already (its key is there)
                    continue
                if notice is None:
                    raise
                taken_ids += 1
                if taken_ids >= MAX_TAKEN_IDS:  # nothing written: the attempt stays RUNNING, the reaper ends it
                    raise StoreUnavailable(
                        f"job {job.id}: {taken_ids} fresh job ids for its failure notice were taken"
                    ) from conflict
                continue  # the notice's job id was taken (the counter is behind): a fresh id
            return job_of(notice_items[1]) if notice_items else None

    def _state_fields(self, job: Job, now: datetime) -> dict[str, Any]:
        return _state_fields(job, self.table.retained_until(now) if job.state is JobState.DEAD else None)

    def _settle_fenced(
        self, job: Job, set_: dict[str, Any], outcome: ReviewOutcome | None, notice: NewJob | None = None
    ) -> Job | None:
        return self._fenced(job, set_, outcome, only_open=False, notice=notice)

    def _after_settle(self, job: Job, receipt: str | None, now: datetime) -> None:
        """The message follows the job: deleted when it is over, hidden until run_after when it waits."""
        if job.state is not JobState.QUEUED:
            self.messages.delete(receipt)
        elif not self.messages.extend(receipt, (job.run_after - now).total_seconds()):
            self.announce(job)

    def get(self, job_id: int | None) -> Job | None:
        if job_id is None or job_id < 1:
            return None
        item = self.table.get(job_pk(job_id), JOB_SK)
        return job_of(item) if item is not None else None

    def list(
        self, *, state: str | None = None, tenant_id: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[Job]:
        check_limit(limit)
        before = fixed_id(int(decode_cursor(cursor, (int,))[0])) if cursor else None
        if tenant_id is not None:
            index, pk = "g1", f"JOB#T#{tenant_id}"
        elif state is not None:
            index, pk = "g2", f"JOB#S#{state}"
        else:
            index, pk = "g3", "JOB"
        found: list[Job] = []
        for item in self.table.query(index, pk, before=before, page_size=max(limit + 1, 25)):
            if state is not None and item.get("state") != state:
                continue
            found.append(job_of(item))
            if len(found) > limit:
                break
        items = found[:limit]
        return Page(items, encode_cursor(items[-1].id) if len(found) > limit else None)

    def depth(self) -> int:
        return sum(self.table.count("g2", f"JOB#S#{s.value}") for s in (JobState.QUEUED, JobState.RUNNING))


def _state_fields(job: Job, expires_at: int | None) -> dict[str, Any]:
    """The attributes a settled attempt writes (None: removed); `expires_at`: the TTL of a job that is over."""
    return {
        "expires_at": expires_at,
        **state_indexes(job.id, job.tenant_id, job.state, job.run_after),
        "attempts": job.attempts,
        "attempt_token": None,
        "lease_expires_at": None,
        "receipt": None,
        "last_error": job.last_error,
        "run_after": instant(job.run_after),
    }
