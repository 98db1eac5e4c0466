"""The webhooks' direct chain (ADR 0437): the same answers, log line, request id and metrics as every other route,
and RequestLog still the last line of defence when nothing else answers."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from typing import Any

import pytest

from tests.web import deliveries
from tests.web.conftest import Web
from tfreview.plumbing.ids import uuid4_hex, uuid4_text
from tfreview.web.direct_routes import DirectApp


class _Exploding:
    def __getattr__(self, name: str) -> Any:
        def explode(*args: object, **kwargs: object) -> Any:
            raise RuntimeError("secret-internal-detail")

        return explode


def test_both_webhooks_take_the_direct_chain(web: Web) -> None:
    app = web.client.app
    assert isinstance(app, DirectApp)
    assert app.direct == {("POST", "/webhooks/github"), ("POST", "/webhooks/spacelift")}


def test_an_unexpected_error_on_a_webhook_is_a_logged_500_with_its_request_id(
    web: Web, caplog: pytest.LogCaptureFixture
) -> None:
    web.client.app.state.services = replace(web.services, intake=_Exploding())
    signed = deliveries.github("pull_request", deliveries.fixture_bytes("github.pull_request.opened.payload.json"))
    with caplog.at_level(logging.INFO):
        answer = web.client.post(
            "/webhooks/github", content=signed.body, headers={**signed.headers, "X-Request-Id": "incoming-id-0001"}
        )
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert "secret-internal-detail" not in answer.text
    body = answer.json()
    assert body["error_id"] in caplog.text
    assert answer.headers["x-request-id"] == body["request_id"] == "incoming-id-0001"
    lines = [r.getMessage() for r in caplog.records if r.name == "tfreview.web.requests"]
    assert len(lines) == 1
    assert "request_id=incoming-id-0001 method=POST path=/webhooks/github status=500" in lines[0]


def test_a_webhook_answer_carries_a_fresh_request_id_and_one_line(web: Web, caplog: pytest.LogCaptureFixture) -> None:
    signed = deliveries.github("ping", deliveries.fixture_bytes("github.ping.payload.json"))
    with caplog.at_level(logging.INFO):
        answer = web.client.post("/webhooks/github", content=signed.body, headers=signed.headers)
    assert answer.status_code == 200
    assert answer.json() == {"status": "pong"}
    request_id = answer.headers["x-request-id"]
    assert uuid.UUID(request_id).version == 4
    [line] = [r.getMessage() for r in caplog.records if r.name == "tfreview.web.requests"]
    assert line.startswith(f"request_id={request_id} method=POST path=/webhooks/github status=200 duration_ms=")


def test_ids_are_version_4_uuids_spelled_as_the_uuid_module_spells_them() -> None:
    made = {uuid4_hex() for _ in range(1000)}
    assert len(made) == 1000
    for value in list(made)[:50]:
        parsed = uuid.UUID(value)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert parsed.hex == value
    text = uuid4_text()
    assert str(uuid.UUID(text)) == text
    assert uuid.UUID(text).version == 4
