"""Q1 with real processes: two `python -m tfreview.worker.process` workers on one SQLite file; one is
SIGKILLed mid-review. After its lease expires another worker finishes the review: 0 lost, one publish each."""

from __future__ import annotations

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
from tfreview.wiring import build_services

from .conftest import database_settings, sqlite_url, upload

REVIEWS = 4
LEASE_SECONDS = 2.0
SLOW_SOURCE_SECONDS = 1.5
PUBLISHED = re.compile(r"review (\S+) ready: verdict")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.mark.slow
def test_q1_sigkill_a_worker_mid_review_loses_nothing_and_publishes_once(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    services = build_services(database_settings(url))
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []
    try:
        env = {
            **os.environ,
            "TFREVIEW_DATABASE__URL": url,
            "TFREVIEW_WORKER__CONCURRENCY": "1",
            "TFREVIEW_WORKER__LEASE_SECONDS": str(LEASE_SECONDS),
            "TFREVIEW_WORKER__HEARTBEAT_SECONDS": "0.5",
            "TFREVIEW_WORKER__POLL_INTERVAL_SECONDS": "0.05",
            "TFREVIEW_WORKER__REAPER_INTERVAL_SECONDS": "0.5",
            "TFREVIEW_WORKER__REVIEW_DEADLINE_SECONDS": "60",
            SLOW_SOURCE_ENV: str(SLOW_SOURCE_SECONDS),
        }
        for n in range(2):
            log = tmp_path / f"worker-{n}.log"
            logs.append(log)
            with open(log, "wb") as sink:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "tfreview.worker.process"],
                        env=env,
                        cwd=tmp_path,
                        stdout=subprocess.DEVNULL,
                        stderr=sink,
                    )
                )

        def started() -> bool:
            return all(log.exists() and b"reaper started" in log.read_bytes() for log in logs)

        wait_for(started, 60, "both worker processes to start")
        review_ids = [upload(services)[0] for _ in range(REVIEWS)]

        def in_progress() -> int:
            return len(services.reviews.list(None, filters={"status": "in_progress"}).items)

        wait_for(lambda: in_progress() >= 2, 30, "both workers to be mid-review")  # one review each
        victim, survivor = processes
        victim.send_signal(signal.SIGKILL)
        assert victim.wait(10) == -signal.SIGKILL

        def finished() -> bool:
            done = [services.reviews.get(review_id) for review_id in review_ids]
            return all(r is not None and r.status is ReviewStatus.COMPLETED for r in done) and (
                services.queue.depth() == 0
            )

        wait_for(finished, 60, "every review to be completed and published after the lease expired")
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(15) == 0

        published = Counter(
            match.group(1) for log in logs for match in PUBLISHED.finditer(log.read_text(errors="replace"))
        )
        assert published == Counter(dict.fromkeys(review_ids, 1))  # 0 lost, 0 duplicates
        jobs = services.queue.list(limit=100).items
        assert {job.state for job in jobs} == {JobState.SUCCEEDED}
        assert max(job.attempts for job in jobs if job.kind == "review") == 2  # the killed attempt, then one more
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        services.close()
