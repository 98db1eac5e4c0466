"""Chaos on the scaled mode, PostgreSQL: `serve --no-worker` is SIGKILLed once a third of the deliveries are
acknowledged and started again on the same database; meanwhile a worker process in the middle of a job is
SIGKILLed every few seconds and replaced. GitHub redelivers what was not acknowledged (same id). Ledger, read
from PostgreSQL and the fake GitHub: every acked delivery stored, reviewed and published, none twice (one check
run per head, one comment per pull request), nothing stuck.

A kill lands only on a job with at least two attempts left: the scenario tests lease expiry and re-claim, not
the dead-lettering of a job that crashes its worker every time (ADR 0160). `make chaos` only (chaos_long)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.chaos.conftest import REPO, delivery_request, open_pulls, stack_env, start_worker, stop_all
from tests.chaos.flows import SETTLE_SECONDS, settle_with
from tests.chaos.ledger import Ledger
from tests.fakes.github import FakeGitHub
from tests.integration.live import fresh_postgres_database
from tests.integration.served import raw_request, serving, status_of

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
PULLS = 24
WORKERS = 3
KILL_EVERY_SECONDS = 2.0


def _killable_holders(url: str) -> set[int]:
    """The pids of the workers holding a lease on a job with two attempts or more left."""
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as connection:
        owners = connection.execute(
            "SELECT lease_owner FROM jobs WHERE state = 'running' AND attempts < max_attempts - 1"
        ).fetchall()
    return {int(owner.split(":")[1]) for (owner,) in owners if owner and ":" in owner}


def _deliver(port: int, github: FakeGitHub, todo: list[tuple[int, str, str]], ledger: Ledger, stop_after: int) -> bool:
    """Send the deliveries in `todo` (pull number, delivery id, head sha), removing the acknowledged ones; False
    when the server went away or `stop_after` were acknowledged (the caller kills it then)."""
    for item in list(todo):
        if len(ledger.acked) >= stop_after:
            return False
        number, delivery, sha = item
        try:
            answer = status_of(raw_request(port, delivery_request(github, number, delivery), timeout=20))
        except OSError:
            return False
        if answer in (200, 202):
            ledger.acked[delivery] = sha
            todo.remove(item)
        elif answer is None:
            return False
    return True


@pytest.mark.chaos
@pytest.mark.chaos_long
@pytest.mark.slow
def test_postgres_serve_and_workers_killed_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server")
    ledger = Ledger()
    kills: list[int] = []
    with fresh_postgres_database(server, f"tfreview_kills_{uuid.uuid4().hex[:10]}") as url, FakeGitHub() as github:
        direct = url.replace("postgresql+psycopg://", "postgresql://", 1)
        pulls = open_pulls(github, PULLS)
        env = stack_env(github, tmp_path, TFREVIEW_DATABASE__URL=url, TFREVIEW_WORKER__CONCURRENCY="2")
        upgraded = subprocess.run(
            [sys.executable, "-m", "tfreview", "db", "upgrade"], env=env, capture_output=True, text=True, check=False
        )
        assert upgraded.returncode == 0, upgraded.stderr
        workers = [start_worker(env, tmp_path / "workers.log", "tfreview", "worker") for _ in range(WORKERS)]
        done = threading.Event()

        def kill_busy_workers() -> None:
            chooser = random.Random(17)
            while not done.wait(KILL_EVERY_SECONDS):
                holders = _killable_holders(direct)
                busy = [w for w in workers if w.poll() is None and w.pid in holders]
                if busy:
                    victim = chooser.choice(busy)
                    victim.kill()
                    victim.wait(30)
                    kills.append(victim.pid)
                    workers.append(start_worker(env, tmp_path / "workers.log", "tfreview", "worker"))

        killer = threading.Thread(target=kill_busy_workers)
        killer.start()
        todo = [(number, str(uuid.uuid4()), sha) for number, sha in pulls]
        try:
            with serving(tmp_path / "data", "--no-worker", env=env) as served:  # first life: SIGKILLed mid-load
                _deliver(served.port, github, todo, ledger, stop_after=PULLS // 3)
                served.process.kill()
                served.process.wait(30)
            killed_at = len(ledger.acked)
            with serving(tmp_path / "data", "--no-worker", env=env) as served:  # second life: the rest
                deadline = time.monotonic() + SETTLE_SECONDS
                while todo and time.monotonic() < deadline:
                    _deliver(served.port, github, todo, ledger, stop_after=PULLS)
                settle_with(ledger, lambda: ledger.settle_postgres(direct, github, REPO))
        finally:
            done.set()
            killer.join(60)
            stop_all(workers)
        ledger.settle_postgres(direct, github, REPO)
        comments = {number: len(github.comments(REPO, number)) for number, _ in pulls}
    print(f"{ledger.figures('postgres-kills')}; serve killed after {killed_at} acked, {len(kills)} worker kill(s)")
    assert len(ledger.acked) == PULLS
    assert kills, "no worker was killed in the middle of a job"
    ledger.assert_nothing_lost("postgres-kills")
    assert set(comments.values()) == {1}, comments
