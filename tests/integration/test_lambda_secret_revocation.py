"""K1 on AWS Lambda: a webhook secret removed from its versions document stops working in a WARM container,
without a cold start, within `secrets.reload_seconds` (ADR 0541). `serve` and `worker` re-read on an interval
and on SIGHUP (test_secret_reload_process); a Lambda container gets neither a thread between invocations nor a
signal, so it re-reads on the first invocation past the interval. Before, it kept the secrets of its cold
start for its whole life: hours of a revoked secret still accepted."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.aws_events import http_event
from tests.web import deliveries
from tfreview import lambda_handlers
from tfreview.settings import Settings
from tfreview.wiring import build_memory_services

OLD = "gh-lambda-old-canary-5f1a"
NEW = "gh-lambda-new-canary-9c2e"
INTERVAL = 0.05  # the test sleeps past it: a wait, never a performance threshold


@pytest.fixture
def versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    document = tmp_path / "github-webhook.json"
    document.write_text(json.dumps([{"value": OLD}]), encoding="utf-8")
    monkeypatch.setenv("TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM", f"file:{document}")
    monkeypatch.setenv("TFREVIEW_SECRETS__RELOAD_SECONDS", str(INTERVAL))
    services = build_memory_services(Settings())  # a warm container: built once, from the environment
    lambda_handlers.reset(services)
    try:
        yield document
    finally:
        lambda_handlers.reset()
        services.close()


def ping(secret: str) -> int:
    signed = deliveries.github("ping", deliveries.fixture_bytes("github.ping.payload.json"), secret=secret)
    answer = lambda_handlers.http(http_event("POST", "/webhooks/github", signed.body, signed.headers))
    status: int = answer["statusCode"]
    return status


def test_a_warm_container_refuses_a_revoked_webhook_secret_after_the_interval(versions: Path) -> None:
    assert ping(OLD) == 200
    versions.write_text(json.dumps([{"value": NEW}]), encoding="utf-8")  # the old secret leaked: revoked at once
    time.sleep(INTERVAL * 2)
    assert ping(OLD) == 401
    assert ping(NEW) == 200


def test_a_versions_document_that_cannot_be_read_keeps_the_current_secrets(versions: Path) -> None:
    assert ping(OLD) == 200
    versions.write_text("{not json", encoding="utf-8")
    time.sleep(INTERVAL * 2)
    assert ping(OLD) == 200  # one warning line, the secrets in force stay (as in `serve`)
