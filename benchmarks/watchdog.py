"""The watchdog's cost per evaluation with 10,000 reviews stored (`make bench`; aim: < 5 ms).

A fresh SQLite database (WAL, synchronous=FULL, as `tfreview serve` runs it) gets N reviews (default
10,000: most completed, some queued past their deadline, their jobs queued), then the services are wired
as `serve` wires them (Prometheus metrics on, the watchdog over the packaged alert table, no notifier).
The watchdog ticks M times (default 200) on a clock moved 15 s per tick, as it would run for 50 minutes.
Printed: per tick p50 / p95 / max, and the parts — the lease renewal (one durable write), the scrape
(/metrics text, including the three queue queries over the stored rows) and the evaluation of every row.

`--dead N` stores N dead jobs too (a queue's history: jobs out of attempts stay dead until retried or purged);
`--postgres SERVER_URL` runs on a scratch PostgreSQL database of that server (created, dropped after) instead of
SQLite. Besides times, the queue-signals statement's work that load does not change is printed: SQLite's
virtual-machine steps, or PostgreSQL's shared buffers touched (EXPLAIN ANALYZE, BUFFERS). ADR 0473:

    .venv/bin/python benchmarks/watchdog.py --reviews 1000 --dead 100000 --ticks 100
    .venv/bin/python benchmarks/watchdog.py --reviews 1000 --dead 100000 --ticks 100 \
        --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tfreview.ops.watchdog import LEASE_NAME
from tfreview.settings import DatabaseSettings, Settings
from tfreview.store.migrate import upgrade
from tfreview.store.tables import JobRow, ReviewRow
from tfreview.wiring import build_services


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def seed(url: str, reviews: int, stuck: int) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        for n in range(reviews):
            queued = n < stuck
            created = now - timedelta(seconds=reviews - n)
            session.add(
                ReviewRow(
                    id=str(uuid.uuid4()),
                    tenant_id=f"github:{n % 50}",
                    source_kind="github",
                    repository="o/r",
                    pull_request=n,
                    commit_sha=f"{n:040x}",
                    status="queued" if queued else "completed",
                    verdict=None if queued else "pass",
                    counts=json.dumps({"findings": n % 7}),
                    deadline_at=created + timedelta(seconds=900),
                    created_at=created,
                    updated_at=created,
                )
            )
            if queued:
                session.add(
                    JobRow(
                        kind="review",
                        tenant_id=f"github:{n % 50}",
                        idempotency_key=f"review:{n}",
                        payload="{}",
                        state="queued",
                        attempts=0,
                        max_attempts=5,
                        run_after=created,
                        created_at=created,
                        updated_at=created,
                    )
                )
        session.commit()
    engine.dispose()


def seed_dead(url: str, dead: int) -> None:
    from sqlalchemy import create_engine, insert, text

    engine = create_engine(url)
    now = datetime.now(UTC) - timedelta(days=30)
    rows = [
        {
            "kind": "review",
            "tenant_id": f"github:{n % 50}",
            "idempotency_key": f"dead:{n}",
            "payload": "{}",
            "state": "dead",
            "attempts": 5,
            "max_attempts": 5,
            "run_after": now,
            "last_error": "out of attempts",
            "created_at": now,
            "updated_at": now,
            "finished_at": now,
        }
        for n in range(dead)
    ]
    with engine.begin() as conn:
        for start in range(0, dead, 5_000):
            conn.execute(insert(JobRow), rows[start : start + 5_000])
    if engine.dialect.name == "postgresql":  # as autovacuum leaves it: statistics, and the visibility map
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def signals_work(url: str) -> str:
    """The queue-signals statement's work, independent of the machine's load."""
    from sqlalchemy import create_engine

    from tfreview.store import queue_signals

    # named `_STATEMENT` before ops12 (A/B runs against an older checkout)
    name = "STATEMENT" if hasattr(queue_signals, "STATEMENT") else "_STATEMENT"
    statement = getattr(queue_signals, name)

    now = datetime.now(UTC)
    parameters = {"now": now, "cutoff": now - timedelta(minutes=15)}
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(statement, parameters).one()
            if engine.dialect.name == "sqlite":
                steps = [0]

                def step() -> int:
                    steps[0] += 1
                    return 0

                raw = conn.connection.driver_connection
                raw.set_progress_handler(step, 1)  # type: ignore[union-attr]
                conn.execute(statement, parameters).one()
                raw.set_progress_handler(None, 1)  # type: ignore[union-attr]
                return f"{steps[0]:,} SQLite virtual-machine steps"
            bound = statement.params(**parameters)
            compiled = bound.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
            with conn.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {compiled}")
                plan = cursor.fetchone()[0]
            top = plan[0]["Plan"]
            return f"{top.get('Shared Hit Blocks', 0) + top.get('Shared Read Blocks', 0):,} PostgreSQL shared buffers"
    finally:
        engine.dispose()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_ticks(services: Any, clock: Clock, count: int) -> Any:
    """`count` ticks of the wired watchdog, its parts timed apart."""
    from tfreview.ops.evaluation import evaluate

    ops = services.ops
    assert ops is not None
    assert ops.watchdog is not None
    watchdog = ops.watchdog
    ticks: list[float] = []
    cpu: list[float] = []
    leases: list[float] = []
    scrapes: list[float] = []
    evaluations: list[float] = []
    for _ in range(count):
        clock.now += timedelta(seconds=15)
        begun, cpu_begun = time.perf_counter(), time.thread_time()
        result = watchdog.tick()
        ticks.append(time.perf_counter() - begun)
        cpu.append(time.thread_time() - cpu_begun)  # this thread's CPU: what the load does not inflate
        assert result.evaluated, result
        assert not result.errors, result
        begun = time.perf_counter()
        ops.leases.acquire(LEASE_NAME, watchdog.owner, 60)
        leases.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        list(watchdog.source())
        scrapes.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        for rule in watchdog.rules:
            evaluate(rule.condition, watchdog.buffer, clock.now.timestamp())
        evaluations.append(time.perf_counter() - begun)
    fired = sorted({alert for alert, state in watchdog.states.items() if state.phase.value == "firing"})
    return ticks, cpu, leases, scrapes, evaluations, fired, len(watchdog.rules)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--stuck", type=int, default=100, help="queued reviews past their deadline")
    parser.add_argument("--ticks", type=int, default=200)
    parser.add_argument("--dead", type=int, default=0, help="dead jobs stored (the queue's history)")
    parser.add_argument("--postgres", metavar="SERVER_URL", help="a PostgreSQL server: run on a scratch database")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="tfreview-bench-watchdog-") as directory,
        _database(args.postgres, Path(directory)) as url,
    ):
        upgrade(url)
        started = time.perf_counter()
        engine_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        seed(engine_url, args.reviews, args.stuck)
        seed_dead(engine_url, args.dead)
        print(
            f"seeded {args.reviews:,} reviews ({args.stuck} stuck) and {args.dead:,} dead jobs"
            f" in {time.perf_counter() - started:.1f} s"
        )
        work = signals_work(engine_url)
        clock = Clock()
        services = build_services(Settings(database=DatabaseSettings(url=url)), clock=clock)
        try:
            ticks, cpu, leases, scrapes, evaluations, fired, alerts = run_ticks(services, clock, args.ticks)
        finally:
            services.close()
    ms = 1000.0
    where = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"{args.ticks} ticks of the watchdog over {alerts} alerts, {args.reviews:,} reviews and"
        f" {args.dead:,} dead jobs stored ({where}):"
    )
    print(
        f"  per tick     p50 {statistics.median(ticks) * ms:6.2f} ms   p95 {percentile(ticks, 0.95) * ms:6.2f} ms"
        f"   max {max(ticks) * ms:6.2f} ms   (aim: < 5 ms)"
    )
    print(
        f"  per tick CPU p50 {statistics.median(cpu) * ms:6.2f} ms   p95 {percentile(cpu, 0.95) * ms:6.2f} ms"
        "   (the evaluating thread's CPU time: the machine's load does not add to it, waiting on fsync neither)"
    )
    print(f"  lease renew  p50 {statistics.median(leases) * ms:6.2f} ms   (one durable SQLite write)")
    print(f"  scrape       p50 {statistics.median(scrapes) * ms:6.2f} ms   (registry samples + the one queue query)")
    print(f"  evaluation   p50 {statistics.median(evaluations) * ms:6.2f} ms   (every row over the buffer)")
    print(f"  firing at the end: {', '.join(fired) or 'none'}")
    print(f"  queue signals statement: {work}")
    return 0


@contextlib.contextmanager
def _database(server: str | None, directory: Path) -> Iterator[str]:
    if server is None:
        yield f"sqlite:///{directory / 'tfreview.db'}"
        return
    from sqlalchemy import create_engine, make_url, text

    name = f"tfreview_bench_watchdog_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
