"""The JobQueue on SQS + DynamoDB (docs/adr/0151-sqs-job-queue.md).

- The job item in DynamoDB is the truth; a standard SQS queue delivers job ids. Claiming receives a batch,
  reads the jobs, takes the fairest due one (fewest running jobs of its tenant) with a conditional update
  that writes a fresh attempt token, and releases the rest. The receive's visibility timeout IS the lease:
  `heartbeat` extends the DynamoDB lease and the message's visibility together; a worker killed while holding
  a message lets it come back after the lease, and the next claim takes the job over (a new attempt, a new
  token: the old worker's late writes raise StaleAttempt, every write being conditional on the token).
- When SQS hands out nothing due (messages in flight elsewhere, delayed, or lost between the DynamoDB write and
  SendMessage), the claim sweeps the `g4` index of due jobs: no job waits on a lost message.
- Reading jobs and the attempt's fenced writes are `JobItems` (tfreview.store.aws.queue_items); this module
  enqueues, claims, settles attempts, reaps and retries.
- Dedupe of job keys: a conditional JOBKEY item written with the job in one transaction (standard queue, not
  FIFO: FIFO dedupe lasts five minutes, the port's idempotency lasts as long as the job).
- A dead letter, its review's FAILED status and its failure notice (job + key items) are one TransactWriteItems
  fenced by the attempt token (ADR 0380, 0405): a kill leaves all of them or none.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from tfreview.core.errors import StoreUnavailable
from tfreview.ports.job_types import (
    failure_notice,
    review_after_failure,
    review_after_hand_retry,
    review_after_lost_worker,
    review_while_waiting,
)
from tfreview.ports.jobs import Job, JobState, NewJob, Settled, Settlement, StaleAttempt, job_error, settle_each
from tfreview.store.aws.job_items import JOB_SK, job_of, job_pk, new_job_items, state_indexes
from tfreview.store.aws.messages import Message
from tfreview.store.aws.queue_admin import drain_dead_letters
from tfreview.store.aws.queue_items import MAX_TAKEN_IDS, JobItems
from tfreview.store.aws.reviews import status_update
from tfreview.store.aws.table import TransactionConflict, instant, parse_instant
from tfreview.store.memory_queue import LEASE_EXPIRED

SWEEP_SIZE = 50
STRANDED_AFTER = timedelta(minutes=5)  # a due job with no claim this long may have lost its message (ADR 0600)


class SqsJobQueue(JobItems):
    # --- enqueue -------------------------------------------------------------------------------------
    def enqueue(self, job: NewJob, *, run_after: datetime | None = None) -> tuple[Job, bool]:
        for _ in range(MAX_TAKEN_IDS):
            now = self.clock()
            retained = self.table.retained_until(now)
            items = new_job_items(self.table.next_id("job"), job, run_after or now, now, key_expires_at=retained)
            try:
                self.table.transact([self.table.put_request(i, condition="attribute_not_exists(pk)") for i in items])
            except TransactionConflict:
                existing = self.by_key(job.idempotency_key)  # the key was there (or a writer created it first)
                if existing is not None:
                    return existing, False
                continue  # the job id was taken (the counter is behind) or the key's item expired meanwhile
            created = job_of(items[1])
            self.announce(created)
            return created, True
        # nothing written: every fresh id was taken and no job holds the key; the caller answers 503 and retries
        raise StoreUnavailable(f"job {job.idempotency_key!r}: {MAX_TAKEN_IDS} fresh job ids were taken")

    # --- claim ---------------------------------------------------------------------------------------
    def claim(self, worker_id: str, *, kinds: Sequence[str] | None = None) -> Job | None:
        now = self.clock()
        received = self.messages.receive(self.settings.lease_seconds)
        candidates: list[tuple[Job, str]] = []
        later: list[tuple[str, float]] = []
        keys = [(job_pk(m.job_id), JOB_SK) for m in received if m.job_id is not None and m.job_id > 0]
        items = self.table.get_many(keys) if keys else {}
        for message in received:
            item = items.get((job_pk(message.job_id), JOB_SK)) if message.job_id is not None else None
            job = job_of(item) if item is not None else None
            if job is None or job.state in (JobState.SUCCEEDED, JobState.DEAD):
                self.messages.delete(message.receipt)
            elif kinds is not None and job.kind not in kinds:
                later.append((message.receipt, 0))
            elif self._runnable(job, now, takeover=True):
                candidates.append((job, message.receipt))
            elif job.state is JobState.QUEUED:
                later.append((message.receipt, (job.run_after - now).total_seconds()))
            else:  # running on a live lease: a duplicate message; back when the lease would end
                later.append((message.receipt, ((job.lease_expires_at or now) - now).total_seconds()))
        claimed = self._take_fairest(candidates, worker_id, now, later)
        self.messages.release(later)
        if claimed is not None:
            return claimed
        for _ in range(3):  # the sweep: due jobs whose message is not at hand
            due = [
                job
                for job in (job_of(i) for i in self._due(now))
                if (kinds is None or job.kind in kinds) and self._runnable(job, now, takeover=False)
            ]
            if not due:
                return None
            swept = self._take_fairest([(job, "") for job in due], worker_id, now, [])
            if swept is not None:
                return swept
        return None

    def claim_many(self, worker_id: str, limit: int, *, kinds: Sequence[str] | None = None) -> list[Job]:
        """One claim after another: DynamoDB has no cheap multi-item claim, and each claim is its own fenced write."""
        if limit < 1:
            raise ValueError("claim_many: limit must be at least 1")
        claimed: list[Job] = []
        while len(claimed) < limit and (job := self.claim(worker_id, kinds=kinds)) is not None:
            claimed.append(job)
        return claimed

    def claim_delivered(self, job_id: int | None, receipt: str, worker_id: str) -> tuple[Job | None, bool]:
        """Claim the job of a message SQS handed to a Lambda function (the event source mapping received it).
        Returns (the claimed job or None, keep): `keep` means the message must stay in the queue (the caller
        reports it in `batchItemFailures`); it was hidden until the job is due or its live lease ends."""
        now = self.clock()
        job = self.get(job_id)
        if job is None or job.state in (JobState.SUCCEEDED, JobState.DEAD):
            return None, False  # over, or a body this release cannot read: the message goes
        if self._runnable(job, now, takeover=True):
            return self._claim_one(job, receipt, worker_id, now), False
        until = job.run_after if job.state is JobState.QUEUED else (job.lease_expires_at or now)
        self.messages.extend(receipt, (until - now).total_seconds())
        return None, True

    def release_delivered(self, receipt: str) -> bool:
        """Hand a delivered message back to the queue at once, its job unclaimed (the function has no time left
        for it); False when SQS did not take the change (it comes back after its visibility timeout then)."""
        return self.messages.extend(receipt or None, 0)

    def _runnable(self, job: Job, now: datetime, *, takeover: bool) -> bool:
        if job.state is JobState.QUEUED:
            return job.run_after <= now
        lease = job.lease_expires_at
        return takeover and job.state is JobState.RUNNING and lease is not None and lease < now

    def _due(self, now: datetime) -> list[dict[str, Any]]:
        found = []
        for item in self.table.query("g4", "JOB#DUE", at_most=f"{instant(now)}#~", newest_first=False):
            found.append(item)
            if len(found) >= SWEEP_SIZE:
                break
        return found

    def _take_fairest(
        self, candidates: list[tuple[Job, str]], worker_id: str, now: datetime, later: list[tuple[str, float]]
    ) -> Job | None:
        if len({job.tenant_id for job, _ in candidates}) > 1:
            running = self.running_by_tenant()
            candidates.sort(key=lambda c: (running.get(c[0].tenant_id, 0), c[0].run_after, c[0].id))
        claimed: Job | None = None
        for job, receipt in candidates:
            if claimed is None:
                claimed = self._claim_one(job, receipt or None, worker_id, now)
                if claimed is not None:
                    continue
            if receipt:
                later.append((receipt, 0))
        return claimed

    def _claim_one(self, job: Job, receipt: str | None, worker_id: str, now: datetime) -> Job | None:
        if job.state is JobState.RUNNING and job.attempts >= job.max_attempts:
            self._expire(job, now, receipt)  # its last attempt's worker died: dead-letter, do not run again
            return None
        lease = now + timedelta(seconds=self.settings.lease_seconds)
        condition = "(#state = :q AND #run_after <= :now)" + (
            " OR (#state = :r AND #lease_expires_at < :now)" if receipt else ""
        )
        item = self.table.update(
            job_pk(job.id),
            JOB_SK,
            set_={
                **state_indexes(job.id, job.tenant_id, JobState.RUNNING, job.run_after),
                "attempt_token": uuid.uuid4().hex,
                "lease_expires_at": instant(lease),
                "receipt": receipt,
                "worker": worker_id[:200],
            },
            add={"attempts": 1},
            condition=condition,
            values={":q": JobState.QUEUED.value, ":r": JobState.RUNNING.value, ":now": instant(now)},
        )
        return job_of(item) if item is not None else None

    def heartbeat(self, job_id: int, attempt_token: str) -> None:
        job, receipt = self._current(job_id, attempt_token)
        lease = self.clock() + timedelta(seconds=self.settings.lease_seconds)
        try:
            self._fenced(job, {"lease_expires_at": instant(lease)}, None, only_open=False)
        except TransactionConflict:
            raise StaleAttempt(job_id) from None
        self.messages.extend(receipt, self.settings.lease_seconds)

    def complete(self, job_id: int, attempt_token: str) -> None:
        job, receipt = self._current(job_id, attempt_token)
        done = {**state_indexes(job.id, job.tenant_id, JobState.SUCCEEDED, job.run_after)}
        done.update(attempt_token=None, lease_expires_at=None, receipt=None)
        done["expires_at"] = self.table.retained_until(self.clock())  # over: DynamoDB's TTL removes it later
        self._settle_fenced(job, done, None)
        self.messages.delete(receipt)

    def fail(
        self, job_id: int, attempt_token: str, error: str, *, permanent: bool = False, announce: bool = True
    ) -> Job:
        job, receipt = self._current(job_id, attempt_token)
        error = job_error(error)
        now = self.clock()
        dead = permanent or job.attempts >= job.max_attempts
        run_after = job.run_after if dead else now + timedelta(seconds=self.policy.delay(job.attempts, self._rng))
        state = JobState.DEAD if dead else JobState.QUEUED
        failed = replace(
            job, state=state, attempt_token=None, lease_expires_at=None, last_error=error, run_after=run_after
        )
        notice = failure_notice(failed, now) if announce else None
        queued = self._settle_fenced(job, self._state_fields(failed, now), review_after_failure(failed, error), notice)
        self._after_settle(failed, receipt, now)
        if queued is not None:
            self.announce(queued)
        return failed

    def settle(self, settlements: Sequence[Settlement]) -> list[Settled]:
        """One settlement after another (each its own conditional transaction, as `complete` and `fail`)."""
        return settle_each(
            settlements, self.complete, lambda j, t, e, p, a: self.fail(j, t, e, permanent=p, announce=a)
        )

    def defer(
        self,
        job_id: int,
        attempt_token: str,
        reason: str,
        run_after: datetime,
        *,
        review_deadline_at: datetime | None = None,
    ) -> Job:
        job, receipt = self._current(job_id, attempt_token)
        reason = job_error(reason)
        now = self.clock()
        deferred = replace(
            job,
            state=JobState.QUEUED,
            attempts=max(0, job.attempts - 1),
            attempt_token=None,
            lease_expires_at=None,
            last_error=reason,
            run_after=run_after,
        )
        waiting = review_while_waiting(deferred, reason, review_deadline_at)
        # a review the attempt finished before it was given back stays finished (ADR 0660)
        self._fenced(job, self._state_fields(deferred, now), waiting, only_open=True)
        self._after_settle(deferred, receipt, now)
        return deferred

    # --- the reaper, the DLQ, the operator -------------------------------------------------------------
    def reap(self) -> list[Job]:
        now = self.clock()
        expired: list[Job] = []
        for item in list(self.table.query("g2", f"JOB#S#{JobState.RUNNING.value}")):
            job = job_of(item)
            if job.lease_expires_at is not None and job.lease_expires_at < now:
                moved = self._expire(job, now, item.get("receipt"))
                if moved is not None:
                    expired.append(moved)
        drain_dead_letters(self)
        self._announce_stranded(now)
        return expired

    def _announce_stranded(self, now: datetime) -> int:
        """Send again the message of a job due for STRANDED_AFTER and not announced since (docs/adr/0600).

        A job's item is written before its message is sent: a send that failed left a queued job no message
        carries. `claim()` sweeps due jobs, but on Lambda nothing claims without a message. A job whose message
        is only late (a backlog) gets a second one, at most once per STRANDED_AFTER: the claim is fenced, the
        second delivery of a running or finished job is kept or dropped (ADR 0155)."""
        cutoff = now - max(STRANDED_AFTER, timedelta(seconds=self.settings.lease_seconds))
        sent = 0
        for item in self.table.query("g4", "JOB#DUE", at_most=f"{instant(cutoff)}#~", newest_first=False):
            announced = parse_instant(item.get("announced_at"))
            if announced is not None and announced > cutoff:
                continue
            marked = self.table.update(
                job_pk(int(item["id"])),
                JOB_SK,
                set_={"announced_at": instant(now)},
                condition="#state = :q" + (" AND #announced_at = :seen" if announced is not None else ""),
                values={":q": JobState.QUEUED.value, ":seen": item.get("announced_at")},
            )
            if marked is not None:  # still queued, and no other reaper announced it meanwhile
                self.messages.send(int(item["id"]))
                sent += 1
            if sent >= SWEEP_SIZE:
                break
        return sent

    def _expire(self, job: Job, now: datetime, receipt: str | None) -> Job | None:
        dead = job.attempts >= job.max_attempts
        moved = replace(
            job,
            state=JobState.DEAD if dead else JobState.QUEUED,
            attempt_token=None,
            lease_expires_at=None,
            last_error=LEASE_EXPIRED,
            run_after=job.run_after if dead else now,
        )
        outcome = review_after_lost_worker(moved, LEASE_EXPIRED) if dead else None
        notice = failure_notice(moved, now) if dead else None
        try:
            queued = self._fenced(job, self._state_fields(moved, now), outcome, only_open=True, notice=notice)
        except StaleAttempt:
            return None  # a heartbeat, a completion or another reaper got there first
        if dead:
            self.messages.delete(receipt)
            if queued is not None:
                self.announce(queued)
        elif not self.messages.extend(receipt, 0):
            self.announce(moved)
        return moved

    def repair_orphans(self, older_than: datetime) -> list[tuple[str, bool]]:
        from tfreview.store.aws.orphans import repair_orphans

        return repair_orphans(self.table, older_than, self.clock())

    def retry(self, job_id: int, tenant_id: str | None = None) -> Job | None:
        job = self.get(job_id)
        if job is None or (tenant_id is not None and job.tenant_id != tenant_id):
            return None
        if job.state is not JobState.DEAD:
            return job
        now = self.clock()
        item = self.table.update(
            job_pk(job_id),
            JOB_SK,
            set_={
                **state_indexes(job_id, job.tenant_id, JobState.QUEUED, now),
                "attempts": 0,
                "run_after": instant(now),
                "created_at": instant(now),  # a new start: the bounds of ADR 0515/0530 count from here (ADR 0536)
                "expires_at": None,  # alive again: no TTL until it is over
            },
            condition="#state = :dead",
            values={":dead": JobState.DEAD.value},
        )
        if item is None:
            return self.get(job_id)
        requeued = job_of(item)
        outcome = review_after_hand_retry(requeued, now + timedelta(seconds=self.settings.review_deadline_seconds))
        if outcome is not None:  # after the job's write: a crash between leaves the review failed until a claim
            update = status_update(
                self.table, outcome.review_id, outcome.status, outcome.reason, now, deadline_at=outcome.deadline_at
            )
            with contextlib.suppress(TransactionConflict):  # the review is gone (retention): the job says so itself
                self.table.transact([update])
        self.announce(requeued)
        return requeued


__all__ = ["Message", "SqsJobQueue"]
