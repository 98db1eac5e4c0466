"""Shutdown while a /readyz check is still running (ADR 0569, amended): the check's thread was never joined, so a check
holding a database connection when the pool was disposed left that connection open (PostgreSQL: a session the
server kept until the thread let go of it; in CI, an unclosed connection collected in whatever test ran next).
Now `services.close()` waits for the checks in flight, a bounded time, before it closes the database, and starts
no further one."""

from __future__ import annotations

import os
import threading
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.worker.conftest import database_settings
from tfreview.plumbing.calls_in_flight import CallsInFlight, ShuttingDown
from tfreview.web.app import create_app
from tfreview.wiring import build_services

POSTGRES_ENV = "TFREVIEW_TEST_POSTGRES_URL"


class SlowDatabaseCheck:
    """A check that holds a database connection for `seconds` (as a ping to a slow server does)."""

    name = "database"

    def __init__(self, database: object, seconds: float) -> None:
        self.database = database
        self.seconds = seconds
        self.finished_at: float | None = None

    def check(self) -> tuple[bool, str]:
        with self.database.transaction(write=False) as session:  # type: ignore[attr-defined]
            session.execute(text(f"SELECT pg_sleep({self.seconds})"))
        self.finished_at = time.monotonic()
        return True, "ok"


@pytest.fixture
def short_patience(monkeypatch: pytest.MonkeyPatch) -> None:
    from tfreview.web import health

    monkeypatch.setattr(health, "patience_seconds", lambda services: 0.2, raising=False)


def test_shutdown_waits_for_a_readiness_check_on_its_database_connection(short_patience: None) -> None:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    from tfreview.store.migrate import upgrade

    upgrade(server)
    services = build_services(database_settings(server))
    assert services.database is not None
    check = SlowDatabaseCheck(services.database, 1.5)
    services = type(services)(**{**services.__dict__, "health_checks": (*services.health_checks, check)})
    with TestClient(create_app(services)) as client:
        assert client.get("/readyz").status_code == 503  # the check has not answered within its patience
    services.close()
    closed_at = time.monotonic()
    assert check.finished_at is not None
    assert check.finished_at <= closed_at  # joined before the pool went
    assert services.readiness_calls.running() == 0
    assert not [t for t in threading.enumerate() if t.name.startswith("tfreview-readyz") and t.is_alive()]


def test_after_close_no_check_is_started_and_a_stuck_one_bounds_the_wait() -> None:
    calls = CallsInFlight("tfreview-test")
    stuck = threading.Event()
    calls.start("stuck", lambda: stuck.wait(30))
    began = time.monotonic()
    calls.close(timeout=0.3)
    assert time.monotonic() - began < 2  # a call that never ends does not hold shutdown past its bound
    later = calls.start("later", lambda: 1)
    with pytest.raises(ShuttingDown):
        later.result(1)
    stuck.set()
