"""Issue 11, crash consistency: a review never stays `in_progress` after its job died — it is repaired
within one lease (re-queued), on start and periodically, not only at the review deadline (an hour here)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.worker.conftest import Backend, database_settings, sqlite_url, upload
from tests.worker.test_crash import wait_for
from tfreview.ports.jobs import JobState
from tfreview.ports.records import ReviewStatus
from tfreview.sources.slow import SLOW_SOURCE_ENV
from tfreview.wiring import build_services
from tfreview.worker.reaper import Reaper

LEASE_SECONDS = 2.0


def _worker(tmp_path: Path, url: str, name: str, slow: float) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TFREVIEW_DATABASE__URL": url,
        "TFREVIEW_WORKER__CONCURRENCY": "1",
        "TFREVIEW_WORKER__LEASE_SECONDS": str(LEASE_SECONDS),
        "TFREVIEW_WORKER__HEARTBEAT_SECONDS": "0.5",
        "TFREVIEW_WORKER__POLL_INTERVAL_SECONDS": "0.05",
        "TFREVIEW_WORKER__REAPER_INTERVAL_SECONDS": "0.5",
        "TFREVIEW_WORKER__REVIEW_DEADLINE_SECONDS": "3600",
        SLOW_SOURCE_ENV: str(slow),
    }
    with open(tmp_path / f"{name}.log", "wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "tfreview.worker.process"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )


@pytest.mark.slow
def test_a_sigkilled_workers_review_leaves_in_progress_within_one_lease_and_finishes(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    services = build_services(database_settings(url, lease_seconds=LEASE_SECONDS, review_deadline_seconds=3600.0))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(_worker(tmp_path, url, "victim", slow=30.0))  # never finishes on its own in time
        review_id, _ = upload(services)

        def status() -> ReviewStatus | None:
            review = services.reviews.get(review_id)
            return None if review is None else review.status

        wait_for(lambda: status() is ReviewStatus.IN_PROGRESS, 60, "the victim to start the review")
        processes[0].send_signal(signal.SIGKILL)
        assert processes[0].wait(10) == -signal.SIGKILL
        assert status() is ReviewStatus.IN_PROGRESS  # what the kill leaves behind

        reaper = Reaper(services)  # the sweep every process runs on start and then periodically

        def repaired() -> bool:
            reaper.run_once()
            return status() is ReviewStatus.QUEUED

        wait_for(repaired, 30, "the review to leave in_progress once the lease expired")
        review = services.reviews.get(review_id)
        assert review is not None
        assert review.status_reason is not None
        assert "lease expired" in review.status_reason

        processes.append(_worker(tmp_path, url, "survivor", slow=0.0))
        wait_for(lambda: status() is ReviewStatus.COMPLETED, 60, "a fresh worker to finish the review")
        processes[1].send_signal(signal.SIGTERM)
        assert processes[1].wait(15) == 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        services.close()


def test_an_orphaned_in_progress_review_is_repaired_after_one_lease(backend: Backend) -> None:
    services = backend.services
    review_id, _ = upload(services)
    job = services.queue.claim("w-lost")
    assert job is not None
    services.reviews.set_status(review_id, ReviewStatus.IN_PROGRESS)
    # the job finished elsewhere (or was removed) while the review stayed in progress: nothing will settle it
    if backend.name == "memory":
        services.queue.complete(job.id, job.attempt_token or "")
    else:
        database = getattr(services, "database", None)
        assert database is not None
        with database.engine.begin() as conn:
            conn.execute(text("UPDATE jobs SET state = 'succeeded', lease_expires_at = NULL"))
    reaper = Reaper(services, clock=backend.clock)
    assert reaper.run_once().repaired == 0  # not before one lease has passed
    backend.clock.advance(services.settings.worker.lease_seconds + 1)
    assert reaper.run_once().repaired == 1
    review = services.reviews.get(review_id)
    assert review is not None
    assert review.status is ReviewStatus.QUEUED
    again = [j for j in services.queue.list(limit=50).items if j.state is JobState.QUEUED]
    assert len(again) == 1  # a fresh job carries it: it will be reviewed, not left until the deadline
    assert reaper.run_once().repaired == 0
