"""The watchdog's cost per evaluation with 10,000 reviews stored (`make bench`; aim: < 5 ms).

A fresh SQLite database (WAL, synchronous=FULL, as `tfreview serve` runs it) gets N reviews (default
10,000: most completed, some queued past their deadline, their jobs queued), then the services are wired
as `serve` wires them (Prometheus metrics on, the watchdog over the packaged alert table, no notifier).
The watchdog ticks M times (default 200) on a clock moved 15 s per tick, as it would run for 50 minutes.
Printed: per tick p50 / p95 / max, and the parts — the lease renewal (one durable write), the scrape
(/metrics text, including the three queue queries over the stored rows) and the evaluation of every row.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--stuck", type=int, default=100, help="queued reviews past their deadline")
    parser.add_argument("--ticks", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-watchdog-") as directory:
        url = f"sqlite:///{Path(directory) / 'tfreview.db'}"
        upgrade(url)
        started = time.perf_counter()
        seed(url, args.reviews, args.stuck)
        print(f"seeded {args.reviews:,} reviews ({args.stuck} stuck) in {time.perf_counter() - started:.1f} s")
        clock = Clock()
        services = build_services(Settings(database=DatabaseSettings(url=url)), clock=clock)
        try:
            ops = services.ops
            assert ops is not None
            assert ops.watchdog is not None
            watchdog = ops.watchdog
            ticks, cpu, leases, scrapes, evaluations = [], [], [], [], []
            for _ in range(args.ticks):
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
                    from tfreview.ops.evaluation import evaluate

                    evaluate(rule.condition, watchdog.buffer, clock.now.timestamp())
                evaluations.append(time.perf_counter() - begun)
            fired = sorted({alert for alert, state in watchdog.states.items() if state.phase.value == "firing"})
        finally:
            services.close()
    ms = 1000.0
    print(f"{args.ticks} ticks of the watchdog over {len(watchdog.rules)} alerts, {args.reviews:,} reviews stored:")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
