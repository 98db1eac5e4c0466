"""JobQueue scenarios, run on the in-memory queue, SQLite and PostgreSQL alike."""

from __future__ import annotations

import os
import threading
from collections import Counter
from datetime import timedelta

import pytest

from tests.contract.conftest import LEASE_SECONDS, Stores
from tfreview.ports.job_types import ReviewJob
from tfreview.ports.jobs import Job, JobState, NewJob, Settlement, StaleAttempt
from tfreview.ports.records import ReviewStatus, SourceInfo


def new_job(key: str, tenant: str = "github:1", *, max_attempts: int = 3, kind: str = "review") -> NewJob:
    return NewJob(kind=kind, tenant_id=tenant, idempotency_key=key, payload={"key": key}, max_attempts=max_attempts)


def test_enqueue_is_idempotent_on_its_key(stores: Stores) -> None:
    first, created = stores.queue.enqueue(new_job("k1"))
    again, created_again = stores.queue.enqueue(new_job("k1"))
    assert created
    assert not created_again
    assert again.id == first.id
    assert again.payload == {"key": "k1"}
    assert first.state == JobState.QUEUED
    assert first.attempts == 0
    assert first.run_after == stores.clock()
    assert stores.queue.depth() == 1


def test_claim_then_complete(stores: Stores) -> None:
    job, _ = stores.queue.enqueue(new_job("k1"))
    claimed = stores.queue.claim("w1")
    assert claimed is not None
    assert claimed.id == job.id
    assert claimed.state == JobState.RUNNING
    assert claimed.attempts == 1
    assert claimed.attempt_token
    assert len(claimed.attempt_token) == 32
    assert claimed.lease_expires_at is not None
    assert (claimed.lease_expires_at - stores.clock()).total_seconds() == LEASE_SECONDS
    assert stores.queue.claim("w2") is None  # nothing else runnable
    stores.queue.heartbeat(job.id, claimed.attempt_token)
    stores.queue.complete(job.id, claimed.attempt_token)
    done = stores.queue.get(job.id)
    assert done is not None
    assert done.state == JobState.SUCCEEDED
    assert stores.queue.depth() == 0
    with pytest.raises(StaleAttempt):
        stores.queue.complete(job.id, claimed.attempt_token)  # not running any more


def test_claim_respects_kinds_and_run_after(stores: Stores) -> None:
    stores.queue.enqueue(new_job("later"), run_after=stores.clock.now.replace(hour=13))
    stores.queue.enqueue(new_job("publish", kind="publish"))
    assert stores.queue.claim("w", kinds=["review"]) is None
    claimed = stores.queue.claim("w", kinds=["publish"])
    assert claimed is not None
    assert claimed.idempotency_key == "publish"
    stores.clock.advance(3600)
    later = stores.queue.claim("w")
    assert later is not None
    assert later.idempotency_key == "later"


def test_fail_backs_off_then_dead_letters_after_max_attempts(stores: Stores) -> None:
    job, _ = stores.queue.enqueue(new_job("k1", max_attempts=3))
    for attempt in (1, 2):
        claimed = stores.queue.claim("w")
        assert claimed is not None
        assert claimed.attempts == attempt
        failed = stores.queue.fail(job.id, claimed.attempt_token or "", f"boom {attempt}")
        assert failed.state == JobState.QUEUED
        assert failed.attempt_token is None
        assert failed.last_error == f"boom {attempt}"
        ceiling = min(30.0, 2.0 * 2 ** (attempt - 1))
        assert 0 <= (failed.run_after - stores.clock()).total_seconds() <= ceiling
        stores.clock.advance(ceiling + 1)
    claimed = stores.queue.claim("w")
    assert claimed is not None
    assert claimed.attempts == 3
    dead = stores.queue.fail(job.id, claimed.attempt_token or "", "boom 3")
    assert dead.state == JobState.DEAD
    assert dead.last_error == "boom 3"
    stores.clock.advance(3600)
    assert stores.queue.claim("w") is None
    assert [j.id for j in stores.queue.list(state="dead").items] == [job.id]


def test_permanent_failure_dead_letters_at_once_and_retry_requeues(stores: Stores) -> None:
    job, _ = stores.queue.enqueue(new_job("k1", tenant="github:1"))
    claimed = stores.queue.claim("w")
    assert claimed is not None
    secret = "AKIAIOSFODNN7EXAMPLE"
    dead = stores.queue.fail(job.id, claimed.attempt_token or "", f"bad input near {secret}", permanent=True)
    assert dead.state == JobState.DEAD
    assert secret not in (dead.last_error or "")
    assert stores.queue.retry(job.id, tenant_id="github:2") is None  # another tenant's job
    stores.clock.advance(86400)  # retried by hand a day later: a new start, its bounds count from now (ADR 0536)
    retried = stores.queue.retry(job.id, tenant_id="github:1")
    assert retried is not None
    assert retried.state == JobState.QUEUED
    assert retried.attempts == 0
    assert retried.created_at == retried.run_after == stores.clock()
    stored = stores.queue.get(job.id)
    assert stored is not None
    assert stored.created_at == stores.clock()
    assert stores.queue.retry(999_999) is None
    again = stores.queue.claim("w")
    assert again is not None
    assert again.id == job.id
    assert again.attempts == 1


def test_stale_token_is_rejected_after_reap_q4(stores: Stores) -> None:
    job, _ = stores.queue.enqueue(new_job("k1"))
    zombie = stores.queue.claim("zombie")
    assert zombie is not None
    assert zombie.attempt_token
    stores.clock.advance(LEASE_SECONDS + 1)  # the zombie is frozen past its lease
    assert len(stores.queue.reap()) == 1
    with pytest.raises(StaleAttempt):
        stores.queue.heartbeat(job.id, zombie.attempt_token)
    fresh = stores.queue.claim("healthy")
    assert fresh is not None
    assert fresh.attempt_token != zombie.attempt_token
    assert fresh.attempts == 2
    for late_write in (
        lambda: stores.queue.complete(job.id, zombie.attempt_token or ""),
        lambda: stores.queue.fail(job.id, zombie.attempt_token or "", "late"),
        lambda: stores.queue.heartbeat(job.id, zombie.attempt_token or ""),
    ):
        with pytest.raises(StaleAttempt):
            late_write()
    stores.queue.complete(job.id, fresh.attempt_token or "")
    done = stores.queue.get(job.id)
    assert done is not None
    assert done.state == JobState.SUCCEEDED


def test_reap_dead_letters_a_job_out_of_attempts(stores: Stores) -> None:
    job, _ = stores.queue.enqueue(new_job("k1", max_attempts=1))
    assert stores.queue.claim("w") is not None
    stores.clock.advance(LEASE_SECONDS + 1)
    assert len(stores.queue.reap()) == 1
    reaped = stores.queue.get(job.id)
    assert reaped is not None
    assert reaped.state == JobState.DEAD
    assert reaped.attempt_token is None
    assert len(stores.queue.reap()) == 0


def test_heartbeat_keeps_a_lease_alive(stores: Stores) -> None:
    job, _ = stores.queue.enqueue(new_job("k1"))
    claimed = stores.queue.claim("w")
    assert claimed is not None
    for _ in range(3):
        stores.clock.advance(LEASE_SECONDS / 2)
        stores.queue.heartbeat(job.id, claimed.attempt_token or "")
        assert len(stores.queue.reap()) == 0


def test_q8_one_reap_requeues_100_expired_leases_and_all_finish(stores: Stores) -> None:
    count = 20 if stores.backend == "dynamodb" else 100  # moto answers in tens of ms: the same scenario, smaller
    for i in range(count):
        stores.queue.enqueue(new_job(f"k{i}", tenant=f"github:{i % 4}"))
    claimed = [stores.queue.claim(f"crashed-{i}") for i in range(count)]
    assert all(c is not None for c in claimed)
    stores.clock.advance(LEASE_SECONDS + 1)  # every worker died
    assert len(stores.queue.reap()) == count
    finished = set()
    while (job := stores.queue.claim("survivor")) is not None:
        stores.queue.complete(job.id, job.attempt_token or "")
        finished.add(job.id)
    assert len(finished) == count
    assert stores.queue.depth() == 0


def test_fair_share_lets_a_small_tenant_through_a_noisy_one(stores: Stores) -> None:
    if stores.backend == "dynamodb":
        pytest.skip("fair share across the whole queue is not this backend's (docs/adr/0151): see the next test")
    for i in range(500):
        stores.queue.enqueue(new_job(f"a{i}", tenant="github:A"))
    stores.clock.advance(1)
    for i in range(5):
        stores.queue.enqueue(new_job(f"b{i}", tenant="github:B"))
    # two workers, each finishing its job before taking the next
    running: list[tuple[int, str]] = []
    order: list[str] = []
    for _ in range(12):
        if len(running) == 2:
            job_id, token = running.pop(0)
            stores.queue.complete(job_id, token)
        job = stores.queue.claim("w")
        assert job is not None
        running.append((job.id, job.attempt_token or ""))
        order.append(job.tenant_id)
    assert order.count("github:B") == 5, order
    assert order.index("github:B") <= 2
    assert max(i for i, tenant in enumerate(order) if tenant == "github:B") < 11


def test_fair_share_within_a_receive_batch(stores: Stores) -> None:
    """Every backend: among the jobs a claim can see at once (SQS: one receive batch of up to 10), the tenant
    with the fewest running jobs goes first."""
    for i in range(6):
        stores.queue.enqueue(new_job(f"a{i}", tenant="github:A"))
    stores.clock.advance(1)
    for i in range(2):
        stores.queue.enqueue(new_job(f"b{i}", tenant="github:B"))
    first = stores.queue.claim("w1")
    second = stores.queue.claim("w2")
    assert first is not None
    assert second is not None
    assert (first.tenant_id, second.tenant_id) == ("github:A", "github:B")  # B waited less, but A is running


def test_claim_many_takes_each_job_as_claim_would(stores: Stores) -> None:
    """A batch claim (issue 13): each job its own attempt, token and lease; no more than the limit; the same
    fair share as claims one after another."""
    for i in range(6):
        stores.queue.enqueue(new_job(f"a{i}", tenant="github:A"))
    stores.clock.advance(1)
    for i in range(2):
        stores.queue.enqueue(new_job(f"b{i}", tenant="github:B"))
    batch = stores.queue.claim_many("w", 3)
    assert len(batch) == 3
    assert len({job.id for job in batch}) == 3
    assert len({job.attempt_token for job in batch}) == 3
    for job in batch:
        assert job.state == JobState.RUNNING
        assert job.attempts == 1
        assert job.lease_expires_at is not None
        assert (job.lease_expires_at - stores.clock()).total_seconds() == LEASE_SECONDS
        stored = stores.queue.get(job.id)
        assert stored is not None
        assert (stored.state, stored.attempt_token) == (JobState.RUNNING, job.attempt_token)
    assert [job.tenant_id for job in batch[:2]] == ["github:A", "github:B"]  # B waited less, but A is running
    if stores.backend != "dynamodb":  # fair share across the whole queue (docs/adr/0151)
        assert batch[2].tenant_id == "github:A"
    rest = stores.queue.claim_many("w", 10)
    assert len(rest) == 5  # fewer than the limit: all that was runnable
    assert not {job.id for job in rest} & {job.id for job in batch}
    assert stores.queue.claim_many("w", 10) == []


def test_claim_many_of_one_tenant_takes_the_oldest_first(stores: Stores) -> None:
    ids = []
    for i in range(5):
        job, _ = stores.queue.enqueue(new_job(f"k{i}"))
        ids.append(job.id)
        stores.clock.advance(1)
    stores.queue.enqueue(new_job("publish", kind="publish"))
    batch = stores.queue.claim_many("w", 4, kinds=["review"])
    assert sorted(job.id for job in batch) == ids[:4]
    if stores.backend != "dynamodb":  # SQS hands messages in no guaranteed order
        assert [job.id for job in batch] == ids[:4]
    with pytest.raises(ValueError, match="at least 1"):
        stores.queue.claim_many("w", 0)


def test_settle_records_each_end_and_refuses_only_the_stale_one(stores: Stores) -> None:
    done, _ = stores.queue.enqueue(new_job("done"))
    retried, _ = stores.queue.enqueue(new_job("retried"))
    dead, _ = stores.queue.enqueue(new_job("dead"))
    lost, _ = stores.queue.enqueue(new_job("lost", max_attempts=5))
    batch = {job.idempotency_key: job for job in stores.queue.claim_many("zombie", 4)}
    assert set(batch) == {"done", "retried", "dead", "lost"}
    # "lost" is taken over: its lease expires (no heartbeat) while the others are renewed, then another worker claims it
    stores.clock.advance(LEASE_SECONDS / 2)
    for key in ("done", "retried", "dead"):
        stores.queue.heartbeat(batch[key].id, batch[key].attempt_token or "")
    stores.clock.advance(LEASE_SECONDS / 2 + 1)
    assert len(stores.queue.reap()) == 1
    fresh = stores.queue.claim("healthy")
    assert fresh is not None
    assert fresh.id == lost.id

    def token(key: str) -> str:
        return batch[key].attempt_token or ""

    answers = stores.queue.settle(
        [
            Settlement(done.id, token("done")),
            Settlement(retried.id, token("retried"), "upstream down"),
            Settlement(lost.id, token("lost")),  # the zombie's late completion
            Settlement(dead.id, token("dead"), "bad input", permanent=True),
        ]
    )
    assert answers[0] is None
    assert isinstance(answers[2], StaleAttempt)
    failed, dead_letter = answers[1], answers[3]
    assert failed is not None
    assert not isinstance(failed, StaleAttempt)
    assert (failed.state, failed.attempts, failed.last_error) == (JobState.QUEUED, 1, "upstream down")
    assert failed.run_after >= stores.clock()
    assert dead_letter is not None
    assert not isinstance(dead_letter, StaleAttempt)
    assert (dead_letter.state, dead_letter.last_error) == (JobState.DEAD, "bad input")
    for job_id, state in ((done.id, JobState.SUCCEEDED), (retried.id, JobState.QUEUED), (dead.id, JobState.DEAD)):
        stored = stores.queue.get(job_id)
        assert stored is not None
        assert stored.state == state
        assert stored.attempt_token is None
    taken_over = stores.queue.get(lost.id)
    assert taken_over is not None
    assert (taken_over.state, taken_over.attempt_token) == (JobState.RUNNING, fresh.attempt_token)
    assert stores.queue.settle([Settlement(lost.id, fresh.attempt_token or "")]) == [None]
    assert stores.queue.settle([]) == []


def test_settle_answers_a_repeated_attempt_as_stale_after_its_first_end(stores: Stores) -> None:
    """In order, as one by one: the first end of an attempt is recorded, a repeat of it in the same call is refused
    (the SQL queue writes a batch with one statement of each kind, ADR 0396)."""
    first, _ = stores.queue.enqueue(new_job("first", max_attempts=5))
    second, _ = stores.queue.enqueue(new_job("second", max_attempts=5))
    batch = {job.idempotency_key: job for job in stores.queue.claim_many("w", 2)}
    one, two = batch["first"].attempt_token or "", batch["second"].attempt_token or ""

    answers = stores.queue.settle(
        [
            Settlement(first.id, one, "upstream down"),
            Settlement(second.id, two),
            Settlement(first.id, one),  # the same attempt again: already released
            Settlement(second.id, two, "late failure"),  # already completed
        ]
    )

    assert isinstance(answers[0], Job)
    assert (answers[0].state, answers[0].last_error) == (JobState.QUEUED, "upstream down")
    assert answers[1] is None
    assert isinstance(answers[2], StaleAttempt)
    assert isinstance(answers[3], StaleAttempt)
    stored = stores.queue.get(first.id), stores.queue.get(second.id)
    assert [job.state if job else None for job in stored] == [JobState.QUEUED, JobState.SUCCEEDED]


def test_list_pages_with_cursor_and_filters(stores: Stores) -> None:
    for i in range(7):
        stores.queue.enqueue(new_job(f"k{i}", tenant="github:1" if i % 2 else "github:2"))
    seen: list[int] = []
    cursor = None
    while True:
        page = stores.queue.list(limit=3, cursor=cursor)
        seen += [job.id for job in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == 7
    assert {j.tenant_id for j in stores.queue.list(tenant_id="github:1").items} == {"github:1"}
    assert len(stores.queue.list(tenant_id="github:1").items) == 3
    assert stores.queue.list(state="running").items == []


# Q3's jobs on SQLite and PostgreSQL: 400 in the suite (8 threads take ~50 each, every claim racing the others'),
# 2,000 until session 18 (ADR 0630); the catalogue's 10,000 with TFREVIEW_TEST_Q3_JOBS=10000
Q3_JOBS = int(os.environ.get("TFREVIEW_TEST_Q3_JOBS", "400"))


def test_q3_scaled_8_threads_each_job_exactly_once(stores: Stores) -> None:
    """Q3 at CI scale (Q3_JOBS); TFREVIEW_TEST_Q3_JOBS=10000 runs the catalogue's scale."""
    total = {"memory": 500, "dynamodb": 40}.get(stores.backend, Q3_JOBS)  # moto answers in tens of ms: smaller
    for i in range(total):
        stores.queue.enqueue(new_job(f"q3-{i}", tenant=f"github:{i % 3}"))
    executed: Counter[int] = Counter()
    live: set[int] = set()
    overlaps: list[int] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def worker(name: str) -> None:
        try:
            while (job := stores.queue.claim(name)) is not None:
                with guard:
                    if job.id in live:
                        overlaps.append(job.id)
                    live.add(job.id)
                    executed[job.id] += 1
                with guard:
                    live.discard(job.id)
                stores.queue.complete(job.id, job.attempt_token or "")
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    assert overlaps == []
    assert len(executed) == total
    assert set(executed.values()) == {1}
    assert stores.queue.depth() == 0


def test_a_wait_for_a_rate_limit_moves_its_reviews_deadline_in_the_same_write(stores: Stores) -> None:
    """ADR 0515: `defer(..., review_deadline_at=)` moves the carried review's deadline (the reaper and the
    past-deadline alert read it); a plain `defer` leaves it where it was."""
    review = stores.reviews.create("github:1", SourceInfo(kind="api"))
    job, _ = stores.queue.enqueue(ReviewJob.for_review("github:1", review.id).encode(max_attempts=3))
    claimed = stores.queue.claim("w")
    assert claimed is not None
    run_after = stores.clock() + timedelta(hours=1)
    due = run_after + timedelta(minutes=15)
    waiting = stores.queue.defer(
        job.id, claimed.attempt_token or "", "GitHub primary rate limit", run_after, review_deadline_at=due
    )
    assert (waiting.state, waiting.attempts, waiting.run_after) == (JobState.QUEUED, 0, run_after)
    stored = stores.reviews.get(review.id)
    assert stored is not None
    assert stored.status is ReviewStatus.QUEUED
    assert stored.status_reason == "waiting: GitHub primary rate limit"
    assert stored.deadline_at == due
    stores.clock.advance(3600)
    again = stores.queue.claim("w")
    assert again is not None
    stores.queue.defer(job.id, again.attempt_token or "", "another worker is publishing", stores.clock())
    unchanged = stores.reviews.get(review.id)
    assert unchanged is not None
    assert unchanged.deadline_at == due
    assert unchanged.status_reason == "waiting: another worker is publishing"


def test_a_dead_review_job_retried_by_hand_queues_its_review_with_a_fresh_deadline(stores: Stores) -> None:
    """ADR 0536: the retry is a new start for the job and its review — queued at once, its deadline counted from
    the retry (the queue's own `review_deadline_seconds`), in the retry's write."""
    review = stores.reviews.create("github:1", SourceInfo(kind="api"))
    job, _ = stores.queue.enqueue(ReviewJob.for_review("github:1", review.id).encode(max_attempts=3))
    claimed = stores.queue.claim("w")
    assert claimed is not None
    stores.queue.fail(job.id, claimed.attempt_token or "", "no such plan", permanent=True)
    failed = stores.reviews.get(review.id)
    assert failed is not None
    assert failed.status is ReviewStatus.FAILED
    stores.clock.advance(86400)
    assert stores.queue.retry(job.id, tenant_id="github:1") is not None
    queued = stores.reviews.get(review.id)
    assert queued is not None
    assert queued.status is ReviewStatus.QUEUED
    assert queued.status_reason == "retried by hand"
    assert queued.deadline_at == stores.clock() + timedelta(seconds=900)  # WorkerSettings().review_deadline_seconds


def test_a_retry_racing_a_retry_and_its_claim_leaves_the_running_attempt_alone(stores: Stores) -> None:
    """Two operators retry the same dead job at once (the API, the dashboard); the first retry commits and a worker
    claims the job while the second retry's transaction is still in flight. On PostgreSQL the second read the row
    `dead` before the first committed and then wrote `queued`, attempts 0, over the RUNNING job: another worker
    could claim it beside the one running it. The retry now reads the row FOR UPDATE and sees it running."""
    if stores.backend != "postgres" or stores.database is None:
        pytest.skip(
            "a race of two transactions on one row: PostgreSQL (SQLite's writers queue; memory and DynamoDB "
            "retry under a lock / a condition)"
        )
    import psycopg
    from sqlalchemy import text

    job, _ = stores.queue.enqueue(new_job("k1"))
    claimed = stores.queue.claim("w")
    assert claimed is not None
    stores.queue.fail(job.id, claimed.attempt_token or "", "boom", permanent=True)
    url = stores.database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    first = psycopg.connect(url)  # the first retry and the claim after it, one transaction not yet committed
    first.execute(
        "UPDATE jobs SET state = 'running', attempts = 1, attempt_token = 'first-claim' WHERE id = %s", (job.id,)
    )
    answers: list[object] = []
    second = threading.Thread(target=lambda: answers.append(stores.queue.retry(job.id)))
    second.start()
    try:
        for _ in range(600):  # until the second retry waits on the row (bounded: 30 s)
            with stores.database.engine.connect() as conn:
                waiting = conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = :db"),
                    {"db": stores.database.engine.url.database},
                ).scalar()
            if waiting:
                break
            threading.Event().wait(0.05)
        assert waiting, "the second retry never waited on the row"
        first.commit()
    finally:
        first.close()
        second.join(30)
    stored = stores.queue.get(job.id)
    assert stored is not None
    assert (stored.state, stored.attempts, stored.attempt_token) == (JobState.RUNNING, 1, "first-claim"), stored


def test_q10_the_tenant_backlog_counts_each_tenants_queued_jobs_and_its_oldest_due_one(stores: Stores) -> None:
    """What load shedding per tenant reads (ADR 0561): queued jobs by tenant; running ones are not a backlog."""
    from tfreview.ops.signals import TenantBacklog, memory_tenant_backlog
    from tfreview.store.queue_signals import SqlTenantBacklog

    for i in range(4):
        stores.queue.enqueue(new_job(f"a{i}", tenant="github:A"))
    stores.clock.advance(30)
    stores.queue.enqueue(new_job("b0", tenant="github:B"))
    stores.queue.enqueue(new_job("c0", tenant="github:C"))
    claimed = [stores.queue.claim("w") for _ in range(2)]
    assert {job.tenant_id for job in claimed if job is not None} <= {"github:A", "github:B", "github:C"}
    stores.clock.advance(10)
    if stores.database is not None:
        found = SqlTenantBacklog(stores.database, clock=stores.clock)()
    else:
        found = memory_tenant_backlog(stores.queue, stores.clock())
    running = [job.tenant_id for job in claimed if job is not None]
    expected = {"github:A": 4 - running.count("github:A"), "github:B": 1 - running.count("github:B"),
                "github:C": 1 - running.count("github:C")}  # fmt: skip
    assert {tenant: backlog.queued for tenant, backlog in found.items()} == {t: n for t, n in expected.items() if n}
    if "github:A" in found:
        assert found["github:A"] == TenantBacklog(found["github:A"].queued, 40.0)


def test_a_failure_reason_holding_a_nul_is_stored_with_it_written_out(stores: Stores) -> None:
    """review19a: an upstream's words end up in a failure's reason (a Spacelift GraphQL error's `message`, GitHub's);
    one holding a NUL made PostgreSQL's driver refuse the settlement (its text cannot hold one): the job's end not
    recorded, its lease left to expire and the job run again. The NUL is written out (`\\x00`), on every backend."""
    job, _ = stores.queue.enqueue(new_job("nul"))
    claimed = stores.queue.claim("w")
    assert claimed is not None
    dead = stores.queue.fail(job.id, claimed.attempt_token or "", "Spacelift TfreviewRun: bo\x00om", permanent=True)
    assert dead.state == JobState.DEAD
    assert dead.last_error == "Spacelift TfreviewRun: bo\\x00om"
    stored = stores.queue.get(job.id)
    assert stored is not None
    assert stored.last_error == "Spacelift TfreviewRun: bo\\x00om"
