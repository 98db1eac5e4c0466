"""Chaos (W9, Q9): PostgreSQL stops answering — the link black-holed at the fault proxy, no byte and no RST — while
`tfreview serve` takes requests. The door (blocks, load shedding) reloaded its caches on the event loop: the
reload waited on the database and held the loop, so /healthz hung and a webhook got no answer at all instead of
its 503 (what GitHub then marks failed and the reconciler redelivers). Now the loop never waits on the database:
/healthz answers while the database is still stalled, the webhook gets 503, and once the link is back the same
delivery is accepted and published once (ADR 0568).

The shedder's first look used to be made on the request's thread, at the first API request — which may come long
after the start (a service that only takes webhooks): an API request during the stall, the first since the
start, held the loop as the reloads did. `serve` now makes both first looks before it listens (ADR 0580).

Made deterministic (review16c): the second pull request is opened only after the start-up reconciler pass, so the
redelivered webhook alone makes its review, and the first review is published before the stall, so no job is in
flight (its lease running out) while the database does not answer."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.chaos.conftest import OPEN_SG_TF, REPO, delivery_request, open_pulls, stack_env
from tests.chaos.fault_proxy import FaultProxy
from tests.chaos.flows import SETTLE_SECONDS
from tests.chaos.test_postgres_cut import _via
from tests.cli_in_process import tfreview_in_process
from tests.fakes.github import FakeGitHub
from tests.integration.live import fresh_postgres_database
from tests.integration.served import raw_request, serving, status_of

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
HEALTH = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
FIRST_API_REQUEST = b"GET /api/v1/reviews HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
METRICS_TOKEN = f"metrics-{uuid.uuid4().hex}"
PULL_PASS = 'tfreview_reconciler_runs_total{outcome="ok",reconciler="github-pull-requests"}'
HUNG = 45.0  # a bound for an answer that never comes while the database is stalled, not a threshold


def _completed(github: FakeGitHub, sha: str) -> bool:
    return any(run.get("status") == "completed" for run in github.check_runs(REPO, sha))


def _pull_pass_done(port: int) -> bool:
    """The scheduler's start-up pass over the open pull requests has ended (its run is counted)."""
    scrape = (
        f"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {METRICS_TOKEN}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return PULL_PASS.encode() in raw_request(port, scrape)


def _wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + SETTLE_SECONDS
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.mark.chaos
def test_a_stalled_postgres_never_holds_the_event_loop(tmp_path: Path) -> None:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to stall")
    name = f"tfreview_stall_{uuid.uuid4().hex[:10]}"
    with (
        fresh_postgres_database(server, name) as url,
        FaultProxy(urlsplit(url).port or 5432) as proxy,
        FakeGitHub() as github,
    ):
        direct = url.replace("postgresql+psycopg://", "postgresql://", 1)
        [(first, first_sha)] = open_pulls(github, 1)
        env = stack_env(
            github,
            tmp_path,
            TFREVIEW_DATABASE__URL=_via(direct, proxy.port),
            TFREVIEW_DOOR__BLOCK_CACHE_SECONDS="0",  # every request finds the door's caches stale
            TFREVIEW_GITHUB_APP__RECONCILE_PULL_REQUESTS_SECONDS="100000",  # one pass, at the start
            TFREVIEW_METRICS__TOKEN=METRICS_TOKEN,
        )
        # the same CLI in this process (ADR 0669): the serve is the process under test
        upgraded = tfreview_in_process("db", "upgrade", env={**env, "TFREVIEW_DATABASE__URL": url})
        assert upgraded.returncode == 0, upgraded.stderr
        with serving(tmp_path / "data", env=env) as served:
            assert status_of(raw_request(served.port, delivery_request(github, first, str(uuid.uuid4())))) == 202
            _wait_until(lambda: _pull_pass_done(served.port), "the start-up pass over the pull requests did not end")
            _wait_until(lambda: _completed(github, first_sha), "the first review was not published")
            # opened after the start-up pass: only its webhook (redelivered below) makes its review
            github.add_commit(REPO, "change-late", {"main.tf": OPEN_SG_TF + "# late\n"}, base="main")
            second = github.open_pull_request(REPO, head="change-late")
            second_sha = github.pull_request(REPO, second).head_sha
            answers: dict[str, int | None] = {}
            delivery = str(uuid.uuid4())
            stalled_webhook = delivery_request(github, second, delivery)

            def ask(label: str, request: bytes) -> None:
                answers[label] = status_of(raw_request(served.port, request, timeout=HUNG))

            proxy.stall()
            webhook = threading.Thread(target=ask, args=("webhook", stalled_webhook))
            webhook.start()
            ask("first API request", FIRST_API_REQUEST)  # the shedder's first look: made at the start, not now
            ask("healthz", HEALTH)  # while the webhook waits on the stalled database
            webhook.join(HUNG)
            answered = dict(answers)  # all of them before the link is restored
            proxy.restore()
            assert answered == {"first API request": 401, "healthz": 200, "webhook": 503}, answered
            # GitHub marks the 503 failed; its redelivery (the same id) is accepted once the database answers: 202, or
            # 200 "duplicate" when the stalled batch committed after all once its bytes got through (ADR 0535)
            assert status_of(raw_request(served.port, stalled_webhook)) in (200, 202)
            _wait_until(lambda: _completed(github, second_sha), "the redelivered review was not published")
            log = served.log()
        assert len(github.check_runs(REPO, first_sha)) == 1
        assert len(github.check_runs(REPO, second_sha)) == 1
        assert "Traceback" not in log, log[-3000:]


def _forged(source: str) -> bytes:
    """A GitHub delivery with a wrong signature, from `source` (its X-Forwarded-For, through a trusted proxy)."""
    body = b'{"zen": "forged"}'
    head = (
        "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: ping\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\nX-Hub-Signature-256: sha256={'0' * 64}\r\n"
        f"X-Forwarded-For: {source}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


@pytest.mark.chaos
def test_a_block_earned_while_postgres_is_stalled_never_holds_the_event_loop(tmp_path: Path) -> None:
    """The failure that earns a block wrote it (and read it back) on the request's thread: a forged webhook is
    answered on the event loop, so the block's write held the loop for as long as the database did not answer, and
    each further forged delivery of the source earned it again meanwhile. Now the block is written on a thread of
    its own (one per source at a time) and lands once the database answers (ADR 0581)."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to stall")
    name = f"tfreview_stall_{uuid.uuid4().hex[:10]}"
    attacker = "203.0.113.9"
    with (
        fresh_postgres_database(server, name) as url,
        FaultProxy(urlsplit(url).port or 5432) as proxy,
        FakeGitHub() as github,
    ):
        direct = url.replace("postgresql+psycopg://", "postgresql://", 1)
        env = stack_env(
            github,
            tmp_path,
            TFREVIEW_DATABASE__URL=_via(direct, proxy.port),
            TFREVIEW_DOOR__BLOCK_FAILURES="2",  # the third forged delivery in a minute earns a block
            TFREVIEW_DOOR__TRUSTED_PROXIES='["127.0.0.1/32"]',  # the attacker's address is its X-Forwarded-For
        )
        # the same CLI in this process (ADR 0669): the serve is the process under test
        upgraded = tfreview_in_process("db", "upgrade", env={**env, "TFREVIEW_DATABASE__URL": url})
        assert upgraded.returncode == 0, upgraded.stderr
        with serving(tmp_path / "data", env=env) as served:
            assert status_of(raw_request(served.port, HEALTH)) == 200
            proxy.stall()
            forged = [status_of(raw_request(served.port, _forged(attacker), timeout=HUNG)) for _ in range(5)]
            health = status_of(raw_request(served.port, HEALTH, timeout=HUNG))
            proxy.restore()
            # the third earns the block: refused at the door from then on, before it is written
            assert (forged, health) == ([401, 401, 401, 429, 429], 200)
            served.wait_for_log(f"blocked ip:{attacker}", timeout=SETTLE_SECONDS)  # written once the database answers
            assert status_of(raw_request(served.port, _forged(attacker))) == 429
            log = served.log()
        assert log.count(f"blocked ip:{attacker}") == 1, log[-3000:]
        assert "Traceback" not in log, log[-3000:]
