"""W9 on PostgreSQL: a webhook whose write waits for a lock another session holds (a migration's table lock, a
transaction left open by an operator or by a process whose connection was cut, which the server keeps until it
notices) is answered 503 with Retry-After once busy_timeout has passed, as on SQLite — not left hanging.

Before, the intake writer waited for the lock without end: GitHub gave up after 10 s with no answer, and every
later delivery of the process queued behind that one batch (docs/adr/0535)."""

# the fixture of test_sql_backends is imported, and the test's parameters name it again
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from sqlalchemy import make_url

from tests.chaos.fault_proxy import FaultProxy
from tests.web import deliveries
from tests.web.conftest import Web
from tests.web.test_sql_backends import _web_on, postgres_server_url  # noqa: F401 - the module's fixture, shared

BOUND_SECONDS = 60.0  # a bound on a loaded machine for an answer that must come; never a threshold


@pytest.fixture
def postgres_web(postgres_server_url: str) -> Iterator[Web]:
    yield from _web_on(postgres_server_url)


async def _post_bounded(web: Web, signed: deliveries.Signed) -> httpx.Response | None:
    transport = httpx.ASGITransport(app=web.client.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=None) as client:
        try:
            return await asyncio.wait_for(
                client.post("/webhooks/github", content=signed.body, headers=signed.headers), BOUND_SECONDS
            )
        except TimeoutError:
            return None


def test_a_delivery_waiting_for_a_postgres_lock_is_503_after_busy_timeout(
    postgres_web: Web, postgres_server_url: str
) -> None:
    signed = deliveries.github("pull_request", deliveries.pull_request(head_sha=uuid.uuid4().hex + "2" * 8))
    libpq = make_url(postgres_server_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(libpq) as holder:
        holder.execute("LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE")  # held until the rollback below
        try:
            answer = asyncio.run(_post_bounded(postgres_web, signed))
        finally:
            holder.rollback()
    assert answer is not None, f"no answer within {BOUND_SECONDS:.0f} s while the lock was held"
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["content-type"] == "application/problem+json"
    key = signed.headers["X-GitHub-Delivery"]
    assert [d for d in postgres_web.services.intake.list(limit=200).items if d.key == key] == []
    again = postgres_web.client.post("/webhooks/github", content=signed.body, headers=signed.headers)
    assert again.status_code == 202, again.text  # GitHub's redelivery, once the lock is gone


@pytest.fixture
def stalled_web(postgres_server_url: str) -> Iterator[tuple[Web, FaultProxy]]:
    """The web app over PostgreSQL reached through the fault proxy (tests/chaos/fault_proxy.py)."""
    url = make_url(postgres_server_url)
    with FaultProxy(url.port or 5432) as proxy:
        yield from ((web, proxy) for web in _web_on(url.set(port=proxy.port).render_as_string(False)))


def test_a_delivery_meeting_a_black_holed_postgres_is_503_and_lands_once_after(
    stalled_web: tuple[Web, FaultProxy],
) -> None:
    """No byte moves between the service and PostgreSQL (a network partition that drops packets, no RST): the
    writer's statement waits for a reply that does not come. The delivery is answered 503 with Retry-After once
    busy_timeout (and a second of grace) has passed, instead of never; once the link is back, the write that was
    under way commits or not, and GitHub's redelivery is stored exactly once either way."""
    web, proxy = stalled_web
    warm = deliveries.github("pull_request", deliveries.pull_request(head_sha=uuid.uuid4().hex + "3" * 8))
    assert web.client.post("/webhooks/github", content=warm.body, headers=warm.headers).status_code == 202
    signed = deliveries.github("pull_request", deliveries.pull_request(head_sha=uuid.uuid4().hex + "4" * 8))
    proxy.stall()
    try:
        answer = asyncio.run(_post_bounded(web, signed))
    finally:
        proxy.restore()
    assert answer is not None, f"no answer within {BOUND_SECONDS:.0f} s while the link was black-holed"
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    again = web.client.post("/webhooks/github", content=signed.body, headers=signed.headers)
    assert again.status_code in (200, 202), again.text  # 200: the write under way committed once the link came back
    key = signed.headers["X-GitHub-Delivery"]
    assert len([d for d in web.services.intake.list(limit=200).items if d.key == key]) == 1
