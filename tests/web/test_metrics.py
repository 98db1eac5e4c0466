"""GET /metrics end to end: protected by its token, and what intake, auth, the worker and the queue count."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from tests.web import deliveries
from tests.web.conftest import TENANT_A, Web, make_web, web_settings
from tfreview.ports.records import Scope
from tfreview.settings import GitHubSettings, MetricsSettings, SecretVersion
from tfreview.worker.runner import Worker

METRICS_TOKEN = "metrics-canary-token-5d1e77"
PLAN = (Path(__file__).parents[1] / "data" / "plans" / "tfjson__actions__plan.json").read_bytes()
RETIRED_SECRET = "gh-retired-canary-secret-0b9e"


@pytest.fixture
def web() -> Iterator[Web]:
    settings = web_settings(metrics=MetricsSettings(token=SecretStr(METRICS_TOKEN)))
    retired = SecretVersion(value=SecretStr(RETIRED_SECRET), not_after=datetime(2020, 1, 1, tzinfo=UTC))
    github = GitHubSettings(webhook_secrets=[*settings.github.webhook_secrets, retired])
    yield from make_web(settings=settings.model_copy(update={"github": github}))


def scrape(web: Web) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = web.client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_need_the_token_and_answer_404_when_none_is_set() -> None:
    for web in make_web():
        assert web.client.get("/metrics").status_code == 404
        assert "TFREVIEW_METRICS__TOKEN" in web.client.get("/metrics").json()["detail"]


def test_a_wrong_or_missing_token_is_401_and_the_token_never_leaks(web: Web) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": METRICS_TOKEN}):
        answer = web.client.get("/metrics", headers=headers)
        assert answer.status_code == 401
        assert METRICS_TOKEN not in answer.text
    assert "/metrics" not in web.client.get("/openapi.json").json()["paths"]


def test_intake_and_signatures_are_counted(web: Web, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    signed = deliveries.github("pull_request", deliveries.pull_request("opened"))
    assert web.client.post("/webhooks/github", content=signed.body, headers=signed.headers).status_code == 202
    assert web.client.post("/webhooks/github", content=signed.body, headers=signed.headers).status_code == 200
    forged = deliveries.github("pull_request", deliveries.pull_request("opened"), secret="wrong")
    assert web.client.post("/webhooks/github", content=forged.body, headers=forged.headers).status_code == 401
    stale = deliveries.github("pull_request", deliveries.pull_request("opened"), secret=RETIRED_SECRET)
    assert web.client.post("/webhooks/github", content=stale.body, headers=stale.headers).status_code == 401
    samples = scrape(web)
    assert value(samples, "tfreview_intake_deliveries_total", source="github", outcome="accepted") == 1
    assert value(samples, "tfreview_intake_deliveries_total", source="github", outcome="duplicate") == 1
    assert value(samples, "tfreview_webhook_signature_failures_total", source="github") == 2
    assert value(samples, "tfreview_webhook_expired_secret_used_total", source="github") == 1
    assert value(samples, "tfreview_webhook_last_delivery_timestamp_seconds", source="github") == deliveries.NOW
    assert value(samples, "tfreview_http_responses_total", route="webhook", status="202") == 1
    assert value(samples, "tfreview_http_responses_total", route="webhook", status="401") == 2
    assert value(samples, "tfreview_http_request_duration_seconds_count", route="webhook") == 4
    assert value(samples, "tfreview_queue_jobs", state="queued") == 1
    assert METRICS_TOKEN not in caplog.text
    assert RETIRED_SECRET not in caplog.text


def test_auth_outcomes_are_counted_by_method_and_reason(web: Web) -> None:
    assert web.client.get("/api/v1/reviews").status_code == 401
    assert web.client.get("/api/v1/reviews", headers={"Authorization": "Bearer tfr_0123_bogus"}).status_code == 401
    token, secret = web.services.tokens.create(TENANT_A, Scope.READ, "soon-revoked", None)
    headers = {"Authorization": f"Bearer {secret}"}
    assert web.client.get("/api/v1/reviews", headers=headers).status_code == 200
    assert web.client.get("/api/v1/jobs", headers=headers).status_code == 403
    web.services.tokens.revoke(token.id)
    assert web.client.get("/api/v1/reviews", headers=headers).status_code == 401
    samples = scrape(web)
    assert value(samples, "tfreview_auth_attempts_total", method="none", outcome="missing") == 1
    assert value(samples, "tfreview_auth_attempts_total", method="token", outcome="invalid") == 1
    assert value(samples, "tfreview_auth_attempts_total", method="token", outcome="ok") == 1
    assert value(samples, "tfreview_auth_attempts_total", method="token", outcome="forbidden") == 1
    assert value(samples, "tfreview_auth_attempts_total", method="token", outcome="revoked") == 1
    assert value(samples, "tfreview_http_responses_total", route="admin", status="403") == 1


def test_worker_jobs_reviews_and_queue_age_are_counted(web: Web) -> None:
    headers = web.token(TENANT_A, Scope.WRITE)
    answer = web.client.post("/api/v1/plans", content=PLAN, headers={**headers, "Content-Type": "application/json"})
    assert answer.status_code == 202, answer.text
    web.clock.at += timedelta(seconds=90)  # the job waited 90 s (the queue's clock is the app's)
    assert value(scrape(web), "tfreview_queue_oldest_age_seconds") == 90
    outcome = Worker(web.services, "metrics-test").run_once()
    assert outcome is not None
    assert outcome.result == "succeeded", outcome
    samples = scrape(web)
    assert value(samples, "tfreview_jobs_total", kind="review", outcome="succeeded") == 1
    assert value(samples, "tfreview_job_duration_seconds_count", kind="review") == 1
    assert value(samples, "tfreview_reviews_finished_total", status="completed") == 1
    assert value(samples, "tfreview_review_latency_seconds_count", status="completed") == 1
    assert value(samples, "tfreview_intake_deliveries_total", source="api", outcome="accepted") == 1
    assert value(samples, "tfreview_http_responses_total", route="upload", status="202") == 1
    assert value(samples, "tfreview_queue_oldest_age_seconds") == 0
