"""A dead letter and its failure notice (ADR 0380) are written together on every queue (memory, SQLite,
PostgreSQL, DynamoDB): the worker's `fail`, the reaper's expired last attempt, and no notice for a retry, a stale
attempt or `announce=False`. On DynamoDB they are one TransactWriteItems (ADR 0405): a failure DynamoDB reports on
the notice's item leaves neither the dead letter nor the notice, and the reaper writes both later."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.conftest import LEASE_SECONDS, Stores, worker_settings
from tfreview.core.errors import StoreUnavailable
from tfreview.ports.job_types import JobKind, PublishJob, ReviewJob
from tfreview.ports.jobs import Job, JobState, StaleAttempt
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.store.aws.connection import AwsClients, AwsTarget
from tfreview.store.aws.messages import JobMessages
from tfreview.store.aws.queue import SqsJobQueue
from tfreview.store.aws.stores import AwsStores
from tfreview.store.aws.table import Table

TENANT = "github:1"
PULL = SourceInfo("github", repository="octo/infra", pull_request=7, commit_sha="a" * 40)


def _claimed_review(stores: Stores, *, max_attempts: int = 1) -> tuple[str, Job]:
    review = stores.reviews.create(TENANT, PULL)
    job = ReviewJob.for_review(TENANT, review.id, plan_id="p-1").encode(max_attempts=max_attempts)
    stores.queue.enqueue(job)
    claimed = stores.queue.claim("w-1")
    assert claimed is not None
    assert claimed.attempt_token is not None
    stores.reviews.set_status(review.id, ReviewStatus.IN_PROGRESS)
    return review.id, claimed


def _notices(stores: Stores) -> list[PublishJob]:
    jobs = stores.queue.list(limit=100).items
    return [
        notice
        for notice in (PublishJob.decode(j) for j in jobs if j.kind == JobKind.PUBLISH.value)
        if notice.failure_notice
    ]


def _status(stores: Stores, review_id: str) -> ReviewStatus:
    review = stores.reviews.get(review_id)
    assert review is not None
    return review.status


def test_a_dead_letter_is_written_with_its_failure_notice(stores: Stores) -> None:
    review_id, job = _claimed_review(stores)
    dead = stores.queue.fail(job.id, job.attempt_token or "", "plan not found", permanent=True)
    assert dead.state is JobState.DEAD
    assert _status(stores, review_id) is ReviewStatus.FAILED
    [notice] = _notices(stores)
    assert (notice.review_id, notice.failed_job) == (review_id, job.id)
    claimed = stores.queue.claim("w-2")  # the notice is due now, like any job
    assert claimed is not None
    assert claimed.kind == JobKind.PUBLISH.value


def test_a_reaped_last_attempt_is_dead_lettered_with_its_notice(stores: Stores) -> None:
    review_id, job = _claimed_review(stores)
    stores.clock.advance(LEASE_SECONDS + 1)
    [reaped] = stores.queue.reap()
    assert (reaped.id, reaped.state) == (job.id, JobState.DEAD)
    assert _status(stores, review_id) is ReviewStatus.FAILED
    [notice] = _notices(stores)
    assert notice.failed_job == job.id
    assert stores.queue.reap() == []
    assert len(_notices(stores)) == 1


def test_no_notice_for_a_retry_a_stale_attempt_or_an_unannounced_death(stores: Stores) -> None:
    review_id, job = _claimed_review(stores, max_attempts=2)
    retrying = stores.queue.fail(job.id, job.attempt_token or "", "GitHub 502")
    assert retrying.state is JobState.QUEUED
    with pytest.raises(StaleAttempt):
        stores.queue.fail(job.id, job.attempt_token or "", "late", permanent=True)
    stores.clock.advance(3600)
    again = stores.queue.claim("w-2")
    assert again is not None
    dead = stores.queue.fail(again.id, again.attempt_token or "", "not configured", permanent=True, announce=False)
    assert dead.state is JobState.DEAD
    assert _status(stores, review_id) is ReviewStatus.FAILED
    assert _notices(stores) == []


def test_a_dead_letter_whose_review_is_gone_still_gets_its_notice(stores: Stores) -> None:
    """The review's update cannot apply (no such review): the job and its notice are written without it."""
    stores.queue.enqueue(ReviewJob.for_review(TENANT, "r-gone", plan_id="p-1").encode(max_attempts=1))
    job = stores.queue.claim("w-1")
    assert job is not None
    dead = stores.queue.fail(job.id, job.attempt_token or "", "boom", permanent=True)
    assert dead.state is JobState.DEAD
    assert [(n.review_id, n.failed_job) for n in _notices(stores)] == [("r-gone", job.id)]


# --- DynamoDB: one transaction ----------------------------------------------------------------------------------


class Refusing(Table):
    """The deployment's table, except that DynamoDB is made to refuse every new job item of one kind (its
    condition can never hold on a fresh item): the transaction is cancelled by DynamoDB itself, not before it is
    sent."""

    def __init__(self, clients: AwsClients, kind: JobKind) -> None:
        super().__init__(clients)
        self.kind = kind
        self.refused = 0

    def transact(self, actions: list[dict[str, Any]]) -> None:
        for action in actions:
            put = action.get("Put")
            if put is not None and put["Item"].get("kind") == {"S": self.kind.value}:
                put["ConditionExpression"] = "attribute_exists(pk)"
                self.refused += 1
        super().transact(actions)


def _poisoned_queue(stores: Stores) -> tuple[SqsJobQueue, Refusing]:
    target = stores.extras["target"]
    assert isinstance(target, AwsTarget)
    table = Refusing(AwsClients(target), JobKind.PUBLISH)  # a failure notice's job item
    return SqsJobQueue(table, JobMessages(table.clients), worker_settings(), clock=stores.clock), table


def _raw_publish_items(stores: Stores) -> list[dict[str, Any]]:
    aws = stores.extras["aws"]
    assert isinstance(aws, AwsStores)
    client = aws.table.clients.dynamodb
    found = []
    for page in client.get_paginator("scan").paginate(TableName=aws.table.name):
        for raw in page["Items"]:
            item = aws.table.decode(raw)
            if item.get("kind") == JobKind.PUBLISH.value or str(item["pk"]).startswith("JOBKEY#publish:"):
                found.append(item)
    return found


def test_dynamodb_a_refused_notice_leaves_neither_the_dead_letter_nor_the_notice(stores: Stores) -> None:
    if stores.backend != "dynamodb":
        pytest.skip("the other queues write both in one SQL transaction or under one lock (ADR 0380)")
    review_id, job = _claimed_review(stores)
    poisoned, table = _poisoned_queue(stores)

    with pytest.raises(StoreUnavailable, match="failure notice"):
        poisoned.fail(job.id, job.attempt_token or "", "plan not found", permanent=True)

    assert table.refused == 3  # sent three times (a fresh id each), cancelled by DynamoDB each time
    still = stores.queue.get(job.id)
    assert still is not None
    assert (still.state, still.attempt_token) == (JobState.RUNNING, job.attempt_token)  # no dead letter
    assert _status(stores, review_id) is ReviewStatus.IN_PROGRESS  # nor its review's status
    assert _raw_publish_items(stores) == []  # nor the notice: neither its job item nor its key item

    stores.clock.advance(LEASE_SECONDS + 1)  # the worker that could not settle is gone: the reaper ends it
    [reaped] = stores.queue.reap()
    assert reaped.state is JobState.DEAD
    assert _status(stores, review_id) is ReviewStatus.FAILED
    assert [n.failed_job for n in _notices(stores)] == [job.id]
    assert len(_raw_publish_items(stores)) == 2  # the notice's job and key items, together


def test_dynamodb_an_enqueue_whose_fresh_ids_are_all_taken_ends_unavailable(stores: Stores) -> None:
    if stores.backend != "dynamodb":
        pytest.skip("only DynamoDB takes job ids from a counter outside the job's own write")
    target = stores.extras["target"]
    assert isinstance(target, AwsTarget)
    table = Refusing(AwsClients(target), JobKind.REVIEW)  # as if each fresh id from the counter were taken
    queue = SqsJobQueue(table, JobMessages(table.clients), worker_settings(), clock=stores.clock)
    review = stores.reviews.create(TENANT, PULL)
    job = ReviewJob.for_review(TENANT, review.id, plan_id="p-1").encode(max_attempts=1)

    with pytest.raises(StoreUnavailable, match="fresh job ids were taken"):
        queue.enqueue(job)

    assert table.refused == 3  # three fresh ids, each refused by DynamoDB itself, then a clear error
    assert stores.queue.by_key(job.idempotency_key) is None  # nothing half-written
