"""Chaos: `tfreview serve` is SIGKILLed while N signed deliveries pour in from several clients; GitHub
redelivers what was not acknowledged (same delivery id) to the restarted service. Ledger: every acked
delivery is stored, reviewed and published exactly once; nothing stuck. CI: 100 deliveries; `make chaos`:
TFREVIEW_CHAOS_DELIVERIES=1000. GitHub's write pacing (80/min) holds some publications in queued publish
jobs at the end: they count as on their way, not lost (ADR 0160); the figures show how many."""

from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.chaos.conftest import REPO, delivery_request, open_pulls, stack_env
from tests.chaos.ledger import Ledger
from tests.fakes.github import FakeGitHub
from tests.integration.served import raw_request, serving, status_of

DELIVERIES = int(os.environ.get("TFREVIEW_CHAOS_DELIVERIES", "100"))  # ADR 0630: 200 until session 18
CLIENTS = 6
SETTLE_SECONDS = 240.0  # a bound on a loaded machine, not a threshold


def open_pulls_with_budget(github: FakeGitHub, count: int) -> list[tuple[int, str]]:
    """1,000 reviews make ~11,000 API calls (7 reads, 4 to publish) on one installation: past the fake's default
    5,000/h, the last ~170 reviews were held for the reset an hour away (queued, not lost; `make chaos`, session
    15). The installation gets GitHub's largest hourly budget (an Enterprise Cloud organisation's, 15,000)."""
    github.primary_limit(15_000, reset_in_seconds=3600, limit=15_000)
    return open_pulls(github, count)


@pytest.mark.chaos
@pytest.mark.slow
def test_sigkill_the_api_during_deliveries_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    ledger = Ledger()
    data = tmp_path / "data"
    with FakeGitHub() as github:
        pulls = open_pulls_with_budget(github, DELIVERIES)
        ids = {number: str(uuid.uuid4()) for number, _ in pulls}
        sha = dict(pulls)
        pending = list(ids)
        lock = threading.Lock()
        env = stack_env(github, tmp_path)

        def send(port: int, stop: threading.Event) -> None:
            while not stop.is_set():
                with lock:
                    if not pending:
                        return
                    number = pending.pop()
                try:
                    answer = status_of(raw_request(port, delivery_request(github, number, ids[number]), timeout=20))
                except OSError:  # refused or reset: the server is gone, this delivery was not acknowledged
                    answer = None
                with lock:
                    if answer in (200, 202):
                        ledger.acked[ids[number]] = sha[number]
                    else:
                        pending.append(number)  # GitHub redelivers a delivery that was not acknowledged
                        if answer is None:
                            return  # the server is gone

        with serving(data, env=env) as served:  # first life: killed once a third is acknowledged
            stop = threading.Event()
            threads = [threading.Thread(target=send, args=(served.port, stop)) for _ in range(CLIENTS)]
            for thread in threads:
                thread.start()
            while len(ledger.acked) < DELIVERIES // 3 and any(t.is_alive() for t in threads):
                time.sleep(0.01)
            served.process.kill()
            served.process.wait(30)
            stop.set()
            for thread in threads:
                thread.join(60)
        killed_at = len(ledger.acked)
        with serving(data, env=env) as served:  # second life: the rest, then everything settles
            stop = threading.Event()
            threads = [threading.Thread(target=send, args=(served.port, stop)) for _ in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(SETTLE_SECONDS)
            deadline = time.monotonic() + SETTLE_SECONDS
            while time.monotonic() < deadline:
                ledger.settle(next(data.glob("*.db")), github, REPO)
                if not ledger.lost and not ledger.stuck:
                    break
                time.sleep(0.25)
        ledger.settle(next(data.glob("*.db")), github, REPO)
    print(f"killed after {killed_at} acked")
    assert len(ledger.acked) == DELIVERIES
    ledger.assert_nothing_lost("api-sigkill", paced_allowed=True)  # ~400 writes (4 a review) exceed GitHub's pacing
