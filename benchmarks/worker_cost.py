"""CPU per job of the embedded workers' bookkeeping: claim → handler → fail (issue 13, intake session 5).

What `tfreview serve` does with each accepted GitHub delivery when fetching from GitHub is not configured (the
situation of `benchmarks/intake.py`'s `tfr` server): its worker claims the job, runs the review handler (which
fails at once), records the failure and its review's status, logs it. This runs that path in one process on a
fresh SQLite database — the real wiring (`build_services`), the real `Worker` and handlers, `--threads` worker
threads like the embedded ones — and reports the process's CPU (user + system, every thread) per processed job.

A/B: run it once with this checkout's `src` and once with another tree's first on PYTHONPATH, e.g.

    git archive main src | tar -x -C /tmp/main-src
    PYTHONPATH=/tmp/main-src/src .venv/bin/python benchmarks/worker_cost.py --jobs 1500
    .venv/bin/python benchmarks/worker_cost.py --jobs 1500

`--instructions` counts instead the instructions per job under valgrind's callgrind (as metrics_instructions.py
does: instrumentation on for the draining only), which the machine's load does not move as it moves CPU time.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tfreview.ports.job_types import PullRequestHead, ReviewJob
from tfreview.ports.records import Delivery, SourceInfo
from tfreview.settings import Settings, WorkerSettings
from tfreview.store.migrate import upgrade
from tfreview.wiring import build_services
from tfreview.worker import runner
from tfreview.worker.runner import Worker

TENANT = "github:1"


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def one_round(
    jobs: int, threads: int, directory: Path, batched: bool, meter: Any = None
) -> tuple[float, float, Counter[str]]:
    """(CPU ms per job, wall seconds, outcomes) of one round on a fresh database."""
    url = f"sqlite:///{directory / 'tfreview.db'}"
    upgrade(url)
    worker_settings = WorkerSettings(heartbeat_seconds=600.0, poll_interval_seconds=0.01, max_attempts=3)
    settings = Settings(worker=worker_settings)
    settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": url})})
    services = build_services(settings)
    now = datetime.now(UTC)
    for n in range(jobs):
        pull = PullRequestHead("acme/infra", n + 1, f"{n:040x}", installation_id=1, action="opened")
        review_id = str(uuid.uuid4())  # as the webhook does (service.intake._plan): the job names its review
        job = ReviewJob.for_pull_request(TENANT, pull).with_review(review_id).encode(max_attempts=3)
        delivery = Delivery("github", f"d-{n}", "pull_request.opened", TENANT, "", now)
        source = SourceInfo(kind="github", repository="acme/infra", pull_request=n + 1, commit_sha=f"{n:040x}")
        services.intake.accept(delivery, b"{}", job, review=(review_id, source))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    worker = Worker(services, "bench")

    # what `Worker.loop` does with short jobs: batches of up to CLAIM_BATCH_MAX (a tree without batches: one by one)
    run_batch = getattr(worker, "run_batch", None)
    batch = getattr(runner, "CLAIM_BATCH_MAX", 1) if batched else 1

    def drain() -> None:
        while True:
            # first attempts only: a failed job's retry waits out its backoff
            if run_batch is not None and batched:
                done = run_batch(batch)
            else:
                one = worker.run_once()
                done = [] if one is None else [one]
            if not done:
                return
            with lock:
                outcomes.update(outcome.result for outcome in done)

    pool = [threading.Thread(target=drain) for _ in range(threads)]
    cpu, wall = _cpu(), time.perf_counter()
    if meter is not None:
        meter.enable()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if meter is not None:
        meter.disable()
    cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    services.close() if hasattr(services, "close") else None
    done = sum(outcomes.values())
    return cpu * 1000 / max(done, 1), wall, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=1500)
    parser.add_argument("--threads", type=int, default=2, help="worker threads (serve's default concurrency: 2)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one-by-one", action="store_true", help="claim and settle each job on its own (run_once)")
    parser.add_argument("--instructions", action="store_true", help="count instructions per job under callgrind")
    parser.add_argument("--helper", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, handlers=[logging.FileHandler(os.devnull)])  # logged, not shown
    if args.helper is not None:  # inside valgrind: one round, instrumented while the workers drain
        from metrics_instructions import Instrumentation

        with tempfile.TemporaryDirectory(prefix="tfr-worker-cost-") as tmp:
            one_round(args.jobs, args.threads, Path(tmp), not args.one_by_one, Instrumentation(args.helper))
        return
    if args.instructions:
        _instructions(args)
        return
    figures = []
    for n in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="tfr-worker-cost-") as tmp:
            per_job, wall, outcomes = one_round(args.jobs, args.threads, Path(tmp), not args.one_by_one)
        figures.append(per_job)
        print(f"round {n + 1}: {per_job:.2f} ms CPU per job, {wall:.1f} s wall, outcomes {dict(outcomes)}")
    print(f"median: {statistics.median(figures):.2f} ms CPU per job ({args.jobs} jobs, {args.threads} threads)")


def _instructions(args: argparse.Namespace) -> None:
    from metrics_instructions import _totals, build_helper

    with tempfile.TemporaryDirectory(prefix="tfr-worker-cg-") as tmp:
        library = build_helper(Path(tmp))
        figures = []
        for n in range(args.repeats):
            out = Path(tmp) / f"callgrind.{n}.out"
            command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
            command += [sys.executable, str(Path(__file__).resolve()), "--jobs", str(args.jobs)]
            command += ["--threads", str(args.threads), "--helper", str(library)]
            command += ["--one-by-one"] if args.one_by_one else []
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            figures.append(_totals(out) / args.jobs)
            print(f"round {n + 1}: {figures[-1]:,.0f} instructions per job")
    print(f"median: {statistics.median(figures):,.0f} instructions per job ({args.jobs} jobs, {args.threads} threads)")


if __name__ == "__main__":
    main()
