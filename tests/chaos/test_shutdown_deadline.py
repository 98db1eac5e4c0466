"""Chaos (w3-halfwritten): SIGTERM while PostgreSQL is black-holed. Each step of `serve`'s shutdown was bounded on its
own (10 s for requests in flight, 30 s for each of the workers, the watchdog and the data-safety thread, then the
closers): ~100 s in all, past the grace period of Kubernetes (30 s) or ECS, after which the process is SIGKILLed with
no word in its log. Now the shutdown has one deadline (`server.shutdown_seconds`): past it the process logs one line
naming it and exits 3 (ADR 0613). What was acknowledged before the stall is committed: it is there afterwards."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.chaos.fault_proxy import FaultProxy
from tests.chaos.test_postgres_cut import _via
from tests.cli_in_process import tfreview_in_process
from tests.integration.door_requests import request
from tests.integration.live import fresh_postgres_database
from tests.integration.served import child_env, serving

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"
PLAN = (Path(__file__).parents[1] / "data" / "plans" / "tfjson__actions__plan.json").read_bytes()
WAIT = 60.0  # a bound on a loaded machine (the old shutdown took ~100 s here), not a threshold


def _command(env: dict[str, str], *argv: str) -> str:
    """A step before the serve under test (`db upgrade`, `tokens create`): the same CLI in this process (ADR 0669)."""
    done = tfreview_in_process(*argv, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.chaos
@pytest.mark.parametrize("deadline", [5, 14])  # before and after uvicorn's graceful shutdown (10 s) cancels requests
def test_serve_stops_within_its_deadline_while_postgres_is_black_holed(tmp_path: Path, deadline: int) -> None:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to black-hole")
    with (
        fresh_postgres_database(server, f"tfreview_deadline_{uuid.uuid4().hex[:10]}") as url,
        FaultProxy(urlsplit(url).port or 5432) as proxy,
    ):
        direct = url.replace("postgresql+psycopg://", "postgresql://", 1)
        _command(child_env(TFREVIEW_DATABASE__URL=url), "db", "upgrade")
        token = _command(
            child_env(TFREVIEW_DATABASE__URL=url),
            "tokens",
            "create",
            "--tenant",
            "github:7",
            "--scope",
            "write",
            "--name",
            "t",
        )
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        env = child_env(
            TFREVIEW_DATABASE__URL=_via(direct, proxy.port), TFREVIEW_SERVER__SHUTDOWN_SECONDS=str(deadline)
        )
        with serving(tmp_path / "data", env=env) as served:
            accepted = request(served.port, "POST", "/api/v1/plans", body=PLAN, headers=headers)
            assert accepted.status == 202, accepted
            proxy.stall()
            # a request waiting on the database when the signal comes: the graceful shutdown waits for it
            hung = threading.Thread(
                target=request,
                args=(served.port, "POST", "/api/v1/plans?run_id=02RUN"),
                kwargs={"body": PLAN, "headers": headers},
                daemon=True,
            )
            hung.start()
            time.sleep(1.0)  # the request reaches the database (no threshold: a later one only shortens the wait)
            signalled = time.monotonic()
            served.process.send_signal(signal.SIGTERM)
            try:
                code = served.process.wait(WAIT)
            finally:
                took = time.monotonic() - signalled
                proxy.restore()
            log = served.log()
        with psycopg.connect(direct, autocommit=True) as connection:
            stored = connection.execute("SELECT count(*) FROM deliveries").fetchone()
    assert code == 3, (code, log[-3000:])
    assert f"serve did not stop within {deadline} s of the stop signal" in log, log[-3000:]
    assert took < WAIT
    assert stored is not None
    assert stored[0] >= 1  # the acknowledged upload is committed
    assert "Traceback" not in log, log[-3000:]  # a request the graceful shutdown cancelled: one line, no traceback
