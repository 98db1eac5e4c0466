"""How long SQLite writes hold the writer while workers commit beside an intake-like stream (ADR 0416).

One process, a fresh SQLite database: one thread enqueues `--jobs` jobs of 28 KB (like the intake's payload pages),
two threads claim them 16 at a time and complete each. Prints the write transactions' COMMIT durations (where a
COMMIT-time checkpoint shows) and, where the tree has `WalCheckpoints` (ADR 0416), how long its tail checkpoints held
the writer turn. An A/B runs the same script with another tree first on PYTHONPATH:

    PYTHONPATH=/tmp/wr-base/src .venv/bin/python benchmarks/checkpoint_holds.py --label base
    .venv/bin/python benchmarks/checkpoint_holds.py --label branch
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tfreview.ports.jobs import NewJob
from tfreview.store.database import Database
from tfreview.store.jobs import SqlJobQueue
from tfreview.store.migrate import upgrade_database


class _Commits:
    """A metrics recorder that keeps the COMMIT durations (ms) `Database.transaction` observes."""

    def __init__(self) -> None:
        self.ms: list[float] = []

    def observe(self, name: str, value: float, **_labels: Any) -> None:
        if name == "tfreview_db_commit_duration_seconds":
            self.ms.append(value * 1000)

    def count(self, *_args: Any, **_labels: Any) -> None:
        return None


def _pct(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(len(values) * share))]


def run(jobs: int, folder: Path) -> tuple[list[float], list[float]]:
    """(COMMIT durations, tail-checkpoint writer holds), both in ms and sorted."""
    commits = _Commits()
    database = Database(f"sqlite:///{folder / 'tfreview.db'}", metrics=commits)  # type: ignore[arg-type]
    upgrade_database(database)
    holds: list[float] = []
    checkpoints = getattr(database, "checkpoints", None)  # absent before ADR 0416
    if checkpoints is not None:
        slot = checkpoints._write_slot

        @contextlib.contextmanager
        def timed(begun: float) -> Iterator[int]:
            with slot(begun) as left:
                started = time.perf_counter()
                yield left
                holds.append((time.perf_counter() - started) * 1000)

        checkpoints._write_slot = timed
    queue = SqlJobQueue(database)

    def feed() -> None:
        for n in range(jobs):
            queue.enqueue(
                NewJob(kind="review", tenant_id="github:1", idempotency_key=f"k{n}", payload={"x": "x" * 28000})
            )

    def work(name: str) -> None:
        idle = 0
        while idle < 50:  # ends half a second after the queue ran dry
            claimed = queue.claim_many(name, 16)
            if not claimed:
                idle += 1
                time.sleep(0.01)
                continue
            idle = 0
            for job in claimed:
                queue.complete(job.id, job.attempt_token or "")

    threads = [threading.Thread(target=feed)] + [threading.Thread(target=work, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    database.close()
    return sorted(commits.ms), sorted(holds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=6000)
    parser.add_argument("--label", default="this tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tfr-checkpoint-holds-") as folder:
        commits, holds = run(args.jobs, Path(folder))
    median, p99, p999 = statistics.median(commits), _pct(commits, 0.99), _pct(commits, 0.999)
    line = f"{args.label}: {len(commits)} commits, median {median:.2f}, p99 {p99:.2f}, p99.9 {p999:.2f}"
    line += f", max {commits[-1]:.2f} ms"
    if holds:
        held = statistics.median(holds)
        line += f"; {len(holds)} tail checkpoints held the writer median {held:.2f}, max {holds[-1]:.2f} ms"
    print(line)


if __name__ == "__main__":
    main()
