"""Chaos (W9, Q9): PostgreSQL stops answering — the link black-holed at the fault proxy, no byte and no RST — while
`tfreview serve` takes requests. The door (blocks, load shedding) reloaded its caches on the event loop: the
reload waited on the database and held the loop, so /healthz hung and a webhook got no answer at all instead of
its 503 (what GitHub then marks failed and the reconciler redelivers). Now the loop never waits on the database:
/healthz answers while the database is still stalled, the webhook gets 503, and once the link is back the same
delivery is accepted and published once (ADR 0568)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.chaos.conftest import REPO, delivery_request, open_pulls, stack_env
from tests.chaos.fault_proxy import FaultProxy
from tests.chaos.flows import SETTLE_SECONDS
from tests.chaos.test_postgres_cut import _via
from tests.fakes.github import FakeGitHub
from tests.integration.live import fresh_postgres_database
from tests.integration.served import raw_request, serving, status_of

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"


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
        (first, first_sha), (second, second_sha) = open_pulls(github, 2)
        env = stack_env(
            github,
            tmp_path,
            TFREVIEW_DATABASE__URL=_via(direct, proxy.port),
            TFREVIEW_DOOR__BLOCK_CACHE_SECONDS="0",  # every request finds the door's caches stale
            TFREVIEW_GITHUB_APP__RECONCILE_PULL_REQUESTS_SECONDS="100000",  # the webhook alone makes the review
        )
        upgraded = subprocess.run(
            [sys.executable, "-m", "tfreview", "db", "upgrade"],
            env={**env, "TFREVIEW_DATABASE__URL": url},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert upgraded.returncode == 0, upgraded.stderr
        with serving(tmp_path / "data", env=env) as served:
            assert status_of(raw_request(served.port, delivery_request(github, first, str(uuid.uuid4())))) == 202
            answers: list[tuple[str, int | None]] = []
            delivery = str(uuid.uuid4())
            stalled_webhook = delivery_request(github, second, delivery)

            def ask(label: str, request: bytes) -> None:
                answers.append((label, status_of(raw_request(served.port, request, timeout=60))))

            proxy.stall()
            webhook = threading.Thread(target=ask, args=("webhook", stalled_webhook))
            webhook.start()
            health = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            ask("healthz", health)  # while the webhook waits on the stalled database
            webhook.join(60)
            proxy.restore()
            assert answers == [("healthz", 200), ("webhook", 503)], answers
            # GitHub marks the 503 failed; its redelivery (the same id) is accepted once the database answers: 202, or
            # 200 "duplicate" when the stalled batch committed after all once its bytes got through (ADR 0535)
            assert status_of(raw_request(served.port, stalled_webhook)) in (200, 202)
            deadline = time.monotonic() + SETTLE_SECONDS
            while not any(run.get("status") == "completed" for run in github.check_runs(REPO, second_sha)):
                assert time.monotonic() < deadline, "the redelivered review was not published"
                time.sleep(0.1)
            log = served.log()
        assert len(github.check_runs(REPO, first_sha)) == 1
        assert len(github.check_runs(REPO, second_sha)) == 1
        assert "Traceback" not in log, log[-3000:]
