"""The error table (problem+json, no traceback), health endpoints, and the request log (no secrets)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest

from tests.web import deliveries
from tests.web.conftest import TENANT_A, Web
from tfreview.core.errors import (
    AuthError,
    ConfigError,
    InputError,
    IntegrityError,
    KeysUnavailable,
    NotFound,
    StoreUnavailable,
)
from tfreview.ports.records import Scope
from tfreview.web.problems import PayloadTooLarge, kind_for, problem_for


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InputError("bad"), 422),
        (ConfigError("bad"), 400),
        (AuthError("no"), 401),
        (AuthError("no", status=403), 403),
        (NotFound("gone"), 404),
        (StoreUnavailable("locked"), 503),
        (KeysUnavailable("no jwks"), 503),
        (IntegrityError("row 1"), 500),
        (PayloadTooLarge(10), 413),
        (ZeroDivisionError("x"), 500),
    ],
)
def test_the_one_table(error: Exception, status: int) -> None:
    assert kind_for(error).status == status
    found = problem_for(error, "/x", "rid")
    assert found.status == status
    assert set(found.body) >= {"type", "title", "status", "detail", "instance"}
    if status in (500, 503):
        assert str(error) not in found.body["detail"]
    if status == 503:
        assert found.headers["Retry-After"]


class Exploding:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        def explode(*args: object, **kwargs: object) -> Any:
            raise self.error

        return explode


def test_an_unexpected_error_is_a_generic_500_with_an_error_id(web: Web, caplog: pytest.LogCaptureFixture) -> None:
    web.client.app.state.services = replace(web.services, reviews=Exploding(RuntimeError("secret-internal-detail")))
    with caplog.at_level(logging.INFO):
        answer = web.client.get("/api/v1/reviews", headers=web.token(TENANT_A, Scope.READ))
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert "secret-internal-detail" not in answer.text
    assert "Traceback" not in answer.text
    assert body["error_id"] in caplog.text  # the id joins the answer to the logged traceback
    assert answer.headers["x-request-id"] == body["request_id"]


def test_unknown_routes_and_methods_are_problems(web: Web) -> None:
    missing = web.client.get("/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = web.client.get("/webhooks/github")
    assert wrong.status_code == 405
    assert wrong.json()["status"] == 405


def test_validation_errors_do_not_echo_the_input(web: Web) -> None:
    answer = web.client.get(
        "/api/v1/reviews", params={"status": "canary-input-value"}, headers=web.token(TENANT_A, Scope.READ)
    )
    assert answer.status_code == 422
    assert "canary-input-value" not in answer.text
    assert answer.json()["detail"].startswith("query.status")


def test_healthz_touches_nothing(web: Web) -> None:
    web.client.app.state.services = replace(web.services, queue=Exploding(StoreUnavailable("down")), health_checks=())
    assert web.client.get("/healthz").json() == {"status": "alive"}


class Check:
    def __init__(self, name: str, ok: bool, detail: str = "fine", error: Exception | None = None) -> None:
        self.name, self.ok, self.detail, self.error = name, ok, detail, error

    def check(self) -> tuple[bool, str]:
        if self.error is not None:
            raise self.error
        return self.ok, self.detail


def test_readyz_reports_every_check(web: Web) -> None:
    ready = web.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["queue_depth"] == 0
    broken = (Check("database", ok=False, detail="database unavailable"),)
    web.swap(
        health_checks=(
            *web.services.health_checks,
            *broken,
            Check("jwks", ok=True, error=RuntimeError("postgresql://u:pw@db/x")),
        )
    )
    unready = web.client.get("/readyz")
    assert unready.status_code == 503
    checks = {c["name"]: c for c in unready.json()["checks"]}
    assert checks["database"]["ok"] is False
    assert checks["jwks"]["ok"] is False
    assert "pw" not in unready.text


def test_request_log_has_one_line_per_request_and_no_secrets(web: Web, caplog: pytest.LogCaptureFixture) -> None:
    auth = web.token(TENANT_A, Scope.WRITE)
    token = auth["Authorization"].split()[1]
    signed = deliveries.github("pull_request", deliveries.pull_request())
    forged = dict(signed.headers, **{"X-Hub-Signature-256": "sha256=" + "f" * 64})
    with caplog.at_level(logging.DEBUG):
        web.client.post("/webhooks/github", content=signed.body, headers=signed.headers)
        web.client.post("/webhooks/github", content=signed.body, headers=forged)
        web.client.get("/api/v1/reviews", headers=auth)
        web.client.get("/api/v1/reviews", headers={"Authorization": "Bearer tfr_canary-token-value"})
    lines = [r.getMessage() for r in caplog.records if r.name == "tfreview.web.requests"]
    assert len(lines) == 4
    assert all("request_id=" in line and "status=" in line for line in lines)
    text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    for canary in (
        token,
        "tfr_canary-token-value",
        deliveries.GITHUB_SECRET,
        signed.headers["X-Hub-Signature-256"][7:],
        "f" * 64,
        "Codertocat/Hello-World",  # a body value
    ):
        assert canary not in text, canary
