"""Crash consistency (issue 11): a review never stays `in_progress` after its job died — repaired within one
lease, not at the review deadline. A worker is SIGKILLed while its review is `in_progress` (GitHub answers its
fetch slowly, so the kill lands mid-review); another process runs the reaper every worker process runs — alone,
without worker threads, so that no re-claim hides the repair — and must take the review out of `in_progress`
once the lease runs out. The deadline is set far away (10 minutes) so that only the lease
path can be what repaired it. Then a fresh worker finishes the review and the ledger is settled."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.chaos.conftest import REPO, delivery_request, open_pulls, stack_env, start_worker, stop_all
from tests.chaos.flows import SETTLE_SECONDS, settle
from tests.chaos.ledger import Ledger
from tests.fakes.github import FakeGitHub
from tests.integration.served import raw_request, serving, status_of

LEASE_SECONDS = 5.0
DEADLINE_SECONDS = 600.0


REAPER_ONLY = (
    "from tfreview.settings import Settings\n"
    "from tfreview.wiring import build_services\n"
    "from tfreview.worker.reaper import Reaper\n"
    "Reaper(build_services(Settings())).run()\n"
)


def _reaper(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen([sys.executable, "-c", REAPER_ONLY], env=env, stdout=subprocess.DEVNULL, stderr=sink)


def _review_row(database: Path) -> tuple[str, str | None, str] | None:
    """(status, status_reason, updated_at) of the one review, or None before it exists."""
    connection = sqlite3.connect(database, timeout=10)
    try:
        row = connection.execute("SELECT status, status_reason, updated_at FROM reviews").fetchone()
        return None if row is None else (str(row[0]), row[1], str(row[2]))
    finally:
        connection.close()


def _running_job(database: Path) -> tuple[str, str] | None:
    """(lease_owner, lease_expires_at) of the running review job, if any."""
    connection = sqlite3.connect(database, timeout=10)
    try:
        row = connection.execute(
            "SELECT lease_owner, lease_expires_at FROM jobs WHERE state = 'running' AND kind = 'review'"
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))
    finally:
        connection.close()


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _wait(what: str, check: Callable[[], bool], bound: float = SETTLE_SECONDS) -> None:
    deadline = time.monotonic() + bound
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {bound:.0f} s"
        time.sleep(0.02)


@pytest.mark.chaos
@pytest.mark.slow
def test_a_killed_workers_review_leaves_in_progress_within_one_lease(tmp_path: Path) -> None:
    ledger = Ledger()
    data = tmp_path / "data"
    data.mkdir()
    database = data / "tfreview.db"
    with FakeGitHub() as github:
        [(number, sha)] = open_pulls(github, 1)
        env = stack_env(
            github,
            tmp_path,
            TFREVIEW_DATABASE__URL=f"sqlite:///{database}",
            TFREVIEW_WORKER__LEASE_SECONDS=str(LEASE_SECONDS),
            TFREVIEW_WORKER__REVIEW_DEADLINE_SECONDS=str(DEADLINE_SECONDS),
        )
        workers: list[subprocess.Popen[bytes]] = []
        try:
            with serving(data, "--no-worker", env=env) as served:
                github.slow(SETTLE_SECONDS, path_contains=f"/repos/{REPO}/")  # the review's fetch hangs
                delivery = str(uuid.uuid4())
                answer = status_of(raw_request(served.port, delivery_request(github, number, delivery)))
                assert answer in (200, 202), answer
                ledger.acked[delivery] = sha
                victim = start_worker(env, tmp_path / "workers.log", "tfreview.worker.process")
                workers.append(victim)
                workers.append(_reaper(env, tmp_path / "reaper.log"))

                def in_progress_held_by_victim() -> bool:
                    row, job = _review_row(database), _running_job(database)
                    return bool(row and row[0] == "in_progress" and job and f":{victim.pid}" in job[0])

                _wait("the worker's review in progress", in_progress_held_by_victim)
                job = _running_job(database)
                assert job is not None
                killed_at = datetime.now(UTC)
                victim.kill()
                victim.wait(30)

                _wait("the review repaired", lambda: (_review_row(database) or ("",))[0] != "in_progress")
                noticed = datetime.now(UTC)
                row = _review_row(database)
                assert row is not None
                status, reason, updated_at = row
                lease_ran_out, repaired_at = _instant(job[1]), _instant(updated_at)
                print(
                    f"chaos worker-repair: killed mid-review; review left in_progress"
                    f" {(repaired_at - killed_at).total_seconds():.2f} s after the kill"
                    f" ({(repaired_at - lease_ran_out).total_seconds():.2f} s after its lease ran out; lease"
                    f" {LEASE_SECONDS:.0f} s, deadline {DEADLINE_SECONDS:.0f} s; seen after"
                    f" {(noticed - killed_at).total_seconds():.2f} s)"
                )
                assert status == "queued", row
                assert reason is not None
                assert "lease expired" in reason, reason  # the lease path, not the deadline's
                assert (repaired_at - lease_ran_out).total_seconds() < LEASE_SECONDS, row  # within one lease
                assert (repaired_at - killed_at).total_seconds() < 2 * LEASE_SECONDS, row

                github.heal()
                workers.append(start_worker(env, tmp_path / "workers.log", "tfreview.worker.process"))
                settle(ledger, data, github)
        finally:
            stop_all(workers)
        ledger.settle(database, github, REPO)
    ledger.assert_nothing_lost("worker-repair")
