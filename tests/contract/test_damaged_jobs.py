"""B3 in the queue: one queued job whose stored row no longer reads back (a flipped bit makes its payload or tenant
not UTF-8 on SQLite, or its payload not JSON) used to stop EVERY claim — `tfreview serve` logged "cannot claim:
OperationalError ... Could not decode to UTF-8 column 'payload' with text '<the stored payload>'" twice a second and
no review ran again, for any tenant. The damaged job is now dead-lettered with a reason (never its bytes) and the
queue goes on. Bytes are damaged with raw SQL; PostgreSQL cannot store invalid UTF-8, so it gets the JSON case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.contract.conftest import ManualClock, empty_postgres, fresh_sqlite
from tfreview.ops.metrics import PrometheusRecorder
from tfreview.ports.jobs import JobState, NewJob
from tfreview.store.database import Database
from tfreview.store.jobs import SqlJobQueue

NOT_UTF8 = "CAST(X'F2' || CAST({column} AS BLOB) AS TEXT)"
DAMAGES = {  # PostgreSQL refuses to store invalid UTF-8 or a malformed timestamp: only the JSON damage is its
    "payload-not-utf8": ("payload", NOT_UTF8.format(column="payload"), ("sqlite",)),
    "tenant-not-utf8": ("tenant_id", NOT_UTF8.format(column="tenant_id"), ("sqlite",)),
    "payload-not-json": ("payload", '\'{"review_id": "r-a"\'', ("sqlite", "postgres")),
    "run-after-not-a-time": ("run_after", "'2025-03-01 0x:00:00'", ("sqlite",)),  # sorts before now: runnable
    "kind-not-utf8": ("kind", NOT_UTF8.format(column="kind"), ("sqlite",)),
}
CASES = [(backend, damage) for damage, (_, _, backends) in sorted(DAMAGES.items()) for backend in backends]


@pytest.fixture(params=CASES, ids=[f"{backend}-{damage}" for backend, damage in CASES])
def case(request: pytest.FixtureRequest, sqlite_dir: Path) -> Iterator[tuple[Database, str]]:
    backend, damage = request.param
    if backend == "sqlite":
        database = fresh_sqlite(sqlite_dir)
    else:
        database = empty_postgres(request.getfixturevalue("postgres_url"))
    try:
        yield database, damage
    finally:
        database.close()


def _queue_with_a_damaged_job(database: Database, damage: str) -> tuple[SqlJobQueue, int, list[int]]:
    column, value, _ = DAMAGES[damage]
    clock = ManualClock()
    queue = SqlJobQueue(database, clock=clock)
    damaged, _ = queue.enqueue(NewJob("review", "github:1", "review:a", {"review_id": "r-a"}))
    healthy = [
        queue.enqueue(NewJob("review", f"github:{n}", f"review:{n}", {"review_id": f"r-{n}"}))[0] for n in (1, 2)
    ]
    clock.advance(1)
    with database.engine.begin() as conn:
        conn.execute(text(f"UPDATE jobs SET {column} = {value} WHERE id = :id"), {"id": damaged.id})
    return queue, damaged.id, [job.id for job in healthy]


def _state_of(database: Database, job_id: int) -> tuple[str, str | None, bool]:
    with database.engine.begin() as conn:
        state, error, finished = conn.execute(
            text("SELECT state, CAST(last_error AS BLOB), finished_at FROM jobs WHERE id = :id")
            if database.is_sqlite
            else text("SELECT state, last_error, finished_at FROM jobs WHERE id = :id"),
            {"id": job_id},
        ).one()
    message = error.decode() if isinstance(error, bytes) else error
    return state, message, finished is not None


def test_a_damaged_job_is_dead_lettered_and_the_others_are_claimed(case: tuple[Database, str]) -> None:
    sql_database, damage = case
    queue, damaged, healthy = _queue_with_a_damaged_job(sql_database, damage)
    claimed = [queue.claim("worker-1"), queue.claim("worker-1"), queue.claim("worker-1")]
    assert sorted(job.id for job in claimed if job is not None) == healthy
    state, error, finished = _state_of(sql_database, damaged)
    assert state == JobState.DEAD.value
    assert finished
    assert error is not None
    assert "its stored row is damaged" in error, error
    assert "r-a" not in error  # the reason, never the stored bytes


def test_a_damaged_job_does_not_stop_a_batch_claim(case: tuple[Database, str]) -> None:
    sql_database, damage = case
    queue, damaged, healthy = _queue_with_a_damaged_job(sql_database, damage)
    assert sorted(job.id for job in queue.claim_many("worker-1", 10)) == healthy
    assert _state_of(sql_database, damaged)[0] == JobState.DEAD.value
    assert queue.claim_many("worker-1", 10) == []


def test_a_damaged_job_is_counted_as_a_dead_letter(case: tuple[Database, str]) -> None:
    # the dead-letters alert watches tfreview_jobs_total{outcome="dead_lettered"}: a job the queue buried, out of
    # any worker's sight, was dead and nothing said so but one log line (ADR 0611)
    sql_database, damage = case
    recorder = PrometheusRecorder()
    sql_database.metrics = recorder
    queue, _, healthy = _queue_with_a_damaged_job(sql_database, damage)
    assert sorted(job.id for job in queue.claim_many("worker-1", 10)) == healthy
    kind = "unreadable" if damage == "kind-not-utf8" else "review"
    assert recorder.registry.get_sample_value("tfreview_jobs_total", {"kind": kind, "outcome": "dead_lettered"}) == 1
    queue.claim("worker-1")  # nothing left to bury: counted once
    assert recorder.registry.get_sample_value("tfreview_jobs_total", {"kind": kind, "outcome": "dead_lettered"}) == 1


def test_the_jobs_list_leaves_a_damaged_job_out_and_pages_on(case: tuple[Database, str]) -> None:
    # the reaper's sweep lists a tenant's jobs (its review's first job) and the API lists them: one damaged row
    # failed every such list, the sweep for every review with it (ADR 0611)
    sql_database, damage = case
    queue, _, healthy = _queue_with_a_damaged_job(sql_database, damage)
    queue.claim_many("worker-1", 10)  # the damaged job is dead; the others run
    first = queue.list(limit=2)
    assert [job.id for job in first.items] == [healthy[1], healthy[0]]
    assert first.next_cursor is not None
    rest = queue.list(limit=2, cursor=first.next_cursor)
    assert rest.items == []  # the damaged job (the oldest) left out; the page after it ends the list
    assert rest.next_cursor is None
    assert [job.id for job in queue.list(state="dead").items] == []
