"""Chaos on the workers: `serve --no-worker` takes the deliveries while separate worker processes review
them. (1) a random worker is SIGKILLed every few seconds and replaced; (2) a worker is frozen (SIGSTOP)
past its lease, then thawed. Ledger: every acked delivery published once, nothing stuck."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.chaos.conftest import REPO, open_pulls, stack_env
from tests.chaos.flows import deliver_all, settle
from tests.chaos.ledger import Ledger
from tests.fakes.github import FakeGitHub
from tests.integration.served import serving

PULLS = 16
WORKERS = 3
LEASE_SECONDS = 3.0
KILL_EVERY_SECONDS = 4.0
SETTLED_SECONDS = 20.0  # past a worker's start on a loaded machine (imports take seconds)


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "tfreview.worker.process"], env=env, stdout=subprocess.DEVNULL, stderr=sink
        )


def _stop_all(workers: list[subprocess.Popen[bytes]]) -> None:
    for process in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.send_signal(signal.SIGTERM)
    for process in workers:
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _run(tmp_path: Path, chaos: str) -> Ledger:
    ledger = Ledger()
    data = tmp_path / "data"
    data.mkdir()
    with FakeGitHub() as github:
        pulls = open_pulls(github, PULLS)
        env = stack_env(
            github,
            tmp_path,
            TFREVIEW_DATABASE__URL=f"sqlite:///{data / 'tfreview.db'}",
            TFREVIEW_WORKER__LEASE_SECONDS=str(LEASE_SECONDS),
            TFREVIEW_WORKER__CONCURRENCY="2",
        )
        workers: list[subprocess.Popen[bytes]] = []
        done = threading.Event()
        try:
            with serving(data, "--no-worker", env=env) as served:
                workers.extend(_worker(env, tmp_path / "workers.log") for _ in range(WORKERS))

                started = {id(w): time.monotonic() for w in workers}

                def kill_random_workers() -> None:
                    chooser = random.Random(11)
                    while not done.wait(KILL_EVERY_SECONDS):
                        # a worker still importing (seconds on a loaded machine) is not a victim yet
                        settled = [
                            w
                            for w in workers
                            if w.poll() is None and time.monotonic() - started[id(w)] > SETTLED_SECONDS
                        ]
                        if not settled:
                            continue
                        victim = chooser.choice(settled)
                        victim.kill()
                        victim.wait(30)
                        fresh = _worker(env, tmp_path / "workers.log")
                        started[id(fresh)] = time.monotonic()
                        workers.append(fresh)

                def freeze_one_worker() -> None:
                    frozen = workers[0]
                    time.sleep(1.0)
                    frozen.send_signal(signal.SIGSTOP)
                    done.wait(LEASE_SECONDS * 3)  # well past its lease: its jobs go back to the queue
                    frozen.send_signal(signal.SIGCONT)  # it wakes up holding stale leases

                injector = threading.Thread(target=kill_random_workers if chaos == "kill" else freeze_one_worker)
                injector.start()
                deliver_all(github, served.port, pulls, ledger)
                settle(ledger, data, github)
                done.set()
                injector.join(60)
        finally:
            done.set()
            _stop_all(workers)
        ledger.settle(data / "tfreview.db", github, REPO)
    return ledger


@pytest.mark.chaos
@pytest.mark.slow
def test_a_random_worker_killed_every_few_seconds_loses_nothing(tmp_path: Path) -> None:
    ledger = _run(tmp_path, "kill")
    assert len(ledger.acked) == PULLS
    ledger.assert_nothing_lost("worker-kill")


@pytest.mark.chaos
@pytest.mark.slow
def test_a_worker_frozen_past_its_lease_neither_loses_nor_duplicates(tmp_path: Path) -> None:
    ledger = _run(tmp_path, "freeze")
    assert len(ledger.acked) == PULLS
    ledger.assert_nothing_lost("worker-frozen")
