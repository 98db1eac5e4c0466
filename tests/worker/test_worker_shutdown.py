"""`tfreview worker` has one shutdown deadline, `server.shutdown_seconds`, as `serve` has (ADR 0613, ADR 0632).

Real processes on one SQLite file: SIGTERM mid-review. A review that ends within the deadline ends (exit 0); one
that outlives it is released — back in the queue at once, its attempt uncounted — and the worker exits 3; another
worker then completes it: nothing lost, published once."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tfreview.ports.jobs import JobState
from tfreview.ports.records import ReviewStatus
from tfreview.sources.slow import SLOW_SOURCE_ENV
from tfreview.wiring import WiredServices, build_services

from .conftest import database_settings, sqlite_url, upload

PUBLISHED = re.compile(r"review (\S+) ready: verdict")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def start_worker(
    url: str, log: Path, *, shutdown_seconds: float, slow_seconds: float | None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TFREVIEW_DATABASE__URL": url,
        "TFREVIEW_WORKER__CONCURRENCY": "1",
        "TFREVIEW_WORKER__LEASE_SECONDS": "600",  # a lease that never expires within the test: only a release helps
        "TFREVIEW_WORKER__HEARTBEAT_SECONDS": "0.5",
        "TFREVIEW_WORKER__POLL_INTERVAL_SECONDS": "0.05",
        "TFREVIEW_WORKER__REVIEW_DEADLINE_SECONDS": "600",
        "TFREVIEW_SERVER__SHUTDOWN_SECONDS": str(shutdown_seconds),
    }
    env.pop(SLOW_SOURCE_ENV, None)
    if slow_seconds is not None:
        env[SLOW_SOURCE_ENV] = str(slow_seconds)
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tfreview.worker.process"],
            env=env,
            cwd=log.parent,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    wait_for(lambda: b"reaper started" in log.read_bytes(), 60, f"the worker logging to {log.name} to start")
    return process


def in_progress(services: WiredServices, review_id: str) -> bool:
    review = services.reviews.get(review_id)
    return review is not None and review.status is ReviewStatus.IN_PROGRESS


def completed(services: WiredServices, review_id: str) -> bool:
    review = services.reviews.get(review_id)
    return review is not None and review.status is ReviewStatus.COMPLETED and services.queue.depth() == 0


def published(logs: list[Path]) -> Counter[str]:
    return Counter(match.group(1) for log in logs for match in PUBLISHED.finditer(log.read_text(errors="replace")))


@pytest.mark.slow
def test_sigterm_mid_review_within_the_deadline_finishes_it_and_exits_0(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    services = build_services(database_settings(url))
    log = tmp_path / "worker.log"
    process = start_worker(url, log, shutdown_seconds=60, slow_seconds=1.5)
    try:
        review_id, _plan = upload(services)
        wait_for(lambda: in_progress(services, review_id), 30, "the review to start")
        process.send_signal(signal.SIGTERM)
        assert process.wait(90) == 0
        review = services.reviews.get(review_id)
        assert review is not None
        assert review.status is ReviewStatus.COMPLETED  # finished, not released
        jobs = {job.kind: job for job in services.queue.list(limit=10).items}
        assert jobs["review"].state is JobState.SUCCEEDED
        assert jobs["review"].attempts == 1
        assert jobs["publish"].state is JobState.QUEUED  # enqueued by the review; the next worker publishes it
        assert b"released" not in log.read_bytes()
        assert b"ERROR" not in log.read_bytes()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        services.close()


@pytest.mark.slow
def test_a_review_outliving_the_deadline_is_released_exit_3_and_another_worker_completes_it(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    services = build_services(database_settings(url))
    logs = [tmp_path / "stopped.log", tmp_path / "other.log"]
    processes = [start_worker(url, logs[0], shutdown_seconds=2, slow_seconds=120)]
    try:
        review_id, _plan = upload(services)
        wait_for(lambda: in_progress(services, review_id), 30, "the review to start")
        processes[0].send_signal(signal.SIGTERM)
        # before: the worker waited the review deadline (600 s here), then left the job RUNNING under its lease
        assert processes[0].wait(60) == 3
        stopped_log = logs[0].read_text(errors="replace")
        assert "worker did not stop within 2 s of the stop signal (server.shutdown_seconds): released job(s)" in (
            stopped_log
        )
        (job,) = [job for job in services.queue.list(limit=10).items if job.kind == "review"]
        assert job.state is JobState.QUEUED  # released: runnable now, not held under a lease for 600 s
        assert job.attempt_token is None
        assert job.attempts == 0  # the released attempt is not counted
        review = services.reviews.get(review_id)
        assert review is not None
        assert review.status is ReviewStatus.QUEUED

        processes.append(start_worker(url, logs[1], shutdown_seconds=25, slow_seconds=None))
        wait_for(lambda: completed(services, review_id), 60, "another worker to complete the released review")
        processes[1].send_signal(signal.SIGTERM)
        assert processes[1].wait(60) == 0
        assert published(logs) == Counter({review_id: 1})  # not lost, not done twice
        (done,) = [job for job in services.queue.list(limit=10).items if job.kind == "review"]
        assert done.state is JobState.SUCCEEDED
        assert done.attempts == 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        services.close()


@pytest.mark.slow
def test_a_second_sigterm_releases_the_review_now_and_exits_3(tmp_path: Path) -> None:
    """The operator's (or the platform's) second signal means "now": the worker ignored it and kept waiting out
    `server.shutdown_seconds` (600 s here) for a review that would not end. It now releases the review at once —
    back in the queue, its attempt uncounted — and exits 3, the documented "stopped before its work ended" (ADR
    0660); another worker completes it: nothing acknowledged lost."""
    url = sqlite_url(tmp_path)
    services = build_services(database_settings(url))
    logs = [tmp_path / "stopped.log", tmp_path / "other.log"]
    processes = [start_worker(url, logs[0], shutdown_seconds=600, slow_seconds=300)]
    try:
        review_id, _plan = upload(services)
        wait_for(lambda: in_progress(services, review_id), 30, "the review to start")
        processes[0].send_signal(signal.SIGTERM)
        wait_for(lambda: b"stopping: finishing the jobs in progress" in logs[0].read_bytes(), 30, "the first signal")
        # again, as an operator presses again: a repeat within a second of the first is the same stop (`timeout`
        # signals the process, then its group)
        for _ in range(120):
            processes[0].send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                processes[0].wait(0.5)
                break
        assert processes[0].wait(1) == 3  # a bound, not a threshold: before, it waited its 600 s
        stopped_log = logs[0].read_text(errors="replace")
        assert "worker stopped by a second signal before its jobs ended: released job(s)" in stopped_log
        (job,) = [job for job in services.queue.list(limit=10).items if job.kind == "review"]
        assert (job.state, job.attempts, job.attempt_token) == (JobState.QUEUED, 0, None)

        processes.append(start_worker(url, logs[1], shutdown_seconds=25, slow_seconds=None))
        wait_for(lambda: completed(services, review_id), 60, "another worker to complete the released review")
        processes[1].send_signal(signal.SIGTERM)
        assert processes[1].wait(60) == 0
        assert published(logs) == Counter({review_id: 1})
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        services.close()
