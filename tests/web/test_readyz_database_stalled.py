"""/readyz while the database takes a connection and answers nothing (PostgreSQL black-holed: no byte, no RST):
the probe hung with its check — a load balancer or `tfreview probe` saw a timeout, not the failing check and its
reason. A check that does not answer within busy_timeout + 1 s (the intake's own patience, ADR 0535) is now a
failed check, "no answer within N s", answered 503; a later probe while it still hangs waits on the same check
instead of starting another (ADR 0569)."""

from __future__ import annotations

import threading

import pytest

from tests.web.conftest import Web


class Hanging:
    name = "database"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def check(self) -> tuple[bool, str]:
        self.calls += 1
        self.release.wait(5)  # bounded, so the probe of old comes back (200, late) instead of hanging the test
        return True, "ok"


@pytest.fixture
def short_patience(monkeypatch: pytest.MonkeyPatch) -> None:
    from tfreview.web import health

    monkeypatch.setattr(health, "patience_seconds", lambda services: 0.2, raising=False)


def test_a_check_that_never_answers_is_a_failed_check_not_a_hung_probe(web: Web, short_patience: None) -> None:
    hanging = Hanging()
    web.swap(health_checks=(*web.services.health_checks, hanging))
    try:
        first = web.client.get("/readyz")
        second = web.client.get("/readyz")
    finally:
        hanging.release.set()
    assert first.status_code == 503
    checks = {c["name"]: c for c in first.json()["checks"]}
    assert checks["database"]["ok"] is False
    assert checks["database"]["detail"].startswith("no answer within")
    assert second.status_code == 503
    assert hanging.calls == 1  # the second probe waited on the check still in flight
