"""Spacelift deliveries waiting for a locked SQLite database hold no worker thread (W9 on the Spacelift route).

The route handed its write to a thread and blocked there until the COMMIT: with the write lock held elsewhere,
forty such deliveries (anyio's default thread limit) took every thread, a forty-first waited for a thread before
it could even queue its write, and every sync route waited too — `GET /healthz`, the liveness probe that checks no
dependency, hung. On `serve`, 120 Spacelift deliveries against a held lock were answered 503 in three waves, at 5,
10 and 15 s, where the GitHub route answered all of them at 5 s (busy_timeout). The route now awaits the write on
the event loop as the GitHub route does: every delivery reaches the store at once, liveness answers while they
wait, and once the lock goes every one of them is stored (202).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web import deliveries
from tests.web.conftest import Web, make_web, web_settings
from tfreview.settings import DatabaseSettings
from tfreview.store.migrate import upgrade
from tfreview.wiring import build_services

THREADS = 40  # anyio's default thread limiter: what a sync route, or a write handed to a thread, borrows
BOUND_SECONDS = 30.0  # a bound on waiting for what must happen, on a loaded machine; never a threshold
BUSY_TIMEOUT_MS = 120_000  # the deliveries wait for the lock far longer than the test holds it


class Entered:
    """The intake, counting the deliveries that reached it by either entry."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.count = 0

    def accept(self, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        return self.inner.accept(*args, **kwargs)

    async def accept_async(self, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        return await self.inner.accept_async(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def sqlite_web(tmp_path: Path) -> Iterator[tuple[Web, Path]]:
    path = tmp_path / "tfreview.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    services = build_services(web_settings(database=DatabaseSettings(url=url, busy_timeout_ms=BUSY_TIMEOUT_MS)))
    try:
        for web in make_web(services):
            yield web, path
    finally:
        services.close()


async def _until(check: Callable[[], bool], what: str) -> None:
    async def poll() -> None:
        while not check():
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), BOUND_SECONDS)
    except TimeoutError:
        raise AssertionError(f"not within {BOUND_SECONDS:.0f} s: {what}") from None


async def _while_locked(web: Web, holder: sqlite3.Connection, entered: Entered) -> tuple[list[int], int]:
    signed = [
        deliveries.spacelift(deliveries.run_state("FINISHED", 1, run_id=f"01LOCKEDRUN{n:015d}"))
        for n in range(THREADS + 1)
    ]
    transport = httpx.ASGITransport(app=web.client.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=None) as client:
        posts = [
            asyncio.create_task(client.post("/webhooks/spacelift", content=s.body, headers=s.headers)) for s in signed
        ]
        try:
            await _until(lambda: entered.count == len(signed), f"{len(signed)} deliveries reaching the store")
            live = await asyncio.wait_for(client.get("/healthz"), BOUND_SECONDS)
            waiting = sum(not post.done() for post in posts)
        finally:
            holder.rollback()  # the lock goes: every delivery is written
        answers = await asyncio.gather(*posts)
    assert waiting == len(signed), "liveness answered only once deliveries gave up on the lock"
    return [answer.status_code for answer in answers], live.status_code


def test_spacelift_deliveries_waiting_for_a_locked_database_hold_no_thread(sqlite_web: tuple[Web, Path]) -> None:
    web, path = sqlite_web
    entered = Entered(web.services.intake)
    web.swap(intake=entered)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        statuses, live = asyncio.run(_while_locked(web, holder, entered))
    finally:
        holder.close()
    assert live == 200
    assert statuses == [202] * (THREADS + 1)
    assert len(web.services.intake.list(limit=100).items) == THREADS + 1
