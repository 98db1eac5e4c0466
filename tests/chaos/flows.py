"""Delivering N pull requests to a served tfreview and settling the ledger: the loop every scenario shares."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.chaos.conftest import REPO, delivery_request
from tests.chaos.ledger import Ledger
from tests.fakes.github import FakeGitHub
from tests.integration.served import raw_request, status_of

SETTLE_SECONDS = 240.0  # a bound on a loaded machine, not a threshold


def from_address(raw: bytes, address: str | None) -> bytes:
    """The request as a trusted proxy forwards it for `address` (None: unchanged)."""
    if address is None:
        return raw
    return raw.replace(b"\r\nHost: 127.0.0.1\r\n", f"\r\nHost: 127.0.0.1\r\nX-Forwarded-For: {address}\r\n".encode(), 1)


def deliver_all(
    github: FakeGitHub,
    port: int,
    pulls: list[tuple[int, str]],
    ledger: Ledger,
    *,
    clients: int = 4,
    forwarded_for: str | None = None,
    attempts: int = 20,
) -> None:
    """Every pull request's delivery, retried (same id, as GitHub redelivers) until acknowledged."""
    pending = list(pulls)
    lock = threading.Lock()

    def send() -> None:
        while True:
            with lock:
                if not pending:
                    return
                number, sha = pending.pop()
                delivery = str(uuid.uuid4())
            request = delivery_request(github, number, delivery)
            for _ in range(attempts):
                try:
                    answer = status_of(raw_request(port, from_address(request, forwarded_for), timeout=20))
                except OSError:  # refused, reset or timed out on connect: not acknowledged, GitHub retries
                    answer = None
                if answer in (200, 202):
                    with lock:
                        ledger.acked[delivery] = sha
                    break
                time.sleep(0.2)

    threads = [threading.Thread(target=send) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SETTLE_SECONDS)


def settle(ledger: Ledger, data: Path, github: FakeGitHub) -> None:
    """Wait until everything acked is published and nothing is stuck, or the bound passes; then settle."""
    settle_with(ledger, lambda: ledger.settle(next(data.glob("*.db")), github, REPO))


def settle_with(ledger: Ledger, refresh: Callable[[], None]) -> None:
    """`settle`, the ledger being read by `refresh` (SQLite file, PostgreSQL database, …)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        refresh()
        if not ledger.lost and not ledger.stuck and not ledger.pending:
            return
        time.sleep(0.25)  # one cheap read a look: the first look that holds ends the wait
