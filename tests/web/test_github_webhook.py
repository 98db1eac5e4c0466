"""POST /webhooks/github: events, dedupe, drafts, refusals (W5 concurrency on the in-memory store)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.web import deliveries
from tests.web.conftest import Web
from tfreview.ports.jobs import JobState


def post(web: Web, signed: deliveries.Signed) -> httpx.Response:
    return web.client.post("/webhooks/github", content=signed.body, headers=signed.headers)


def test_ping_answers_200_and_stores_nothing(web: Web) -> None:
    answer = post(web, deliveries.github("ping", deliveries.fixture_bytes("github.ping.payload.json")))
    assert answer.status_code == 200
    assert answer.json() == {"status": "pong"}
    assert web.services.intake.list().items == []


def test_opened_pull_request_queues_one_review_job(web: Web) -> None:
    signed = deliveries.github("pull_request", deliveries.fixture_bytes("github.pull_request.opened.payload.json"))
    answer = post(web, signed)
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["status"] == "accepted"
    review = web.services.reviews.get(body["review"], "github:1")
    assert review is not None
    assert review.source.repository == "Codertocat/Hello-World"
    assert review.source.pull_request == 2
    assert review.source.commit_sha == "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
    [delivery] = web.services.intake.list().items
    assert delivery.id == body["delivery"]
    assert delivery.event == "pull_request.opened"
    assert delivery.key == signed.headers["X-GitHub-Delivery"]
    job = web.services.queue.get(delivery.job_id or 0)
    assert job is not None
    assert job.kind == "review"
    assert job.state is JobState.QUEUED
    assert job.idempotency_key == (  # the tenant is part of the key (issue 9 item 1)
        "github:github:1:Codertocat/Hello-World:2:ec26c3e57ca3a959ca5aad62de7213c562f8c821"
    )
    assert job.payload["review_id"] == body["review"]
    assert job.payload["repository"] == "Codertocat/Hello-World"
    assert web.services.tenants.get("github:1") is not None
    assert web.services.intake.payload(delivery.id or 0) == signed.body  # the raw bytes, as received


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened", "ready_for_review"])
def test_every_reviewed_action_creates_a_job(web: Web, action: str) -> None:
    answer = post(web, deliveries.github("pull_request", deliveries.pull_request(action)))
    assert answer.status_code == 202
    assert web.services.queue.depth() == 1


def test_closed_pull_request_is_stored_as_ignored(web: Web) -> None:
    answer = post(
        web, deliveries.github("pull_request", deliveries.fixture_bytes("github.pull_request.closed.payload.json"))
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "ignored"
    [delivery] = web.services.intake.list().items
    assert delivery.status == "ignored"
    assert delivery.job_id is None
    assert web.services.queue.depth() == 0


def test_drafts_are_skipped_unless_configured(web: Web) -> None:
    answer = post(web, deliveries.github("pull_request", deliveries.pull_request("opened", draft=True)))
    assert answer.json()["status"] == "ignored"
    assert "draft" in answer.json()["detail"]
    web.services.settings.github.review_drafts = True  # read per request: no restart needed
    answer = post(web, deliveries.github("pull_request", deliveries.pull_request("synchronize", draft=True)))
    assert answer.status_code == 202


@pytest.mark.parametrize(
    ("event", "name"),
    [
        ("installation", "github.installation.created.payload.json"),
        ("installation_repositories", "github.installation_repositories.added.payload.json"),
    ],
)
def test_installation_events_ensure_the_tenant(web: Web, event: str, name: str) -> None:
    answer = post(web, deliveries.github(event, deliveries.fixture_bytes(name)))
    assert answer.status_code == 202
    tenant = web.services.tenants.get("github:957387")
    assert tenant is not None
    assert tenant.name == "Codertocat"
    [delivery] = web.services.intake.list().items
    assert delivery.tenant_id == "github:957387"
    assert delivery.job_id is None


def test_events_we_never_asked_for_are_answered_and_not_stored(web: Web) -> None:
    answer = post(
        web, deliveries.github("check_run", deliveries.fixture_bytes("github.check_run.created.payload.json"))
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "ignored"
    assert web.services.intake.list().items == []


def test_redelivery_is_a_duplicate_and_writes_nothing(web: Web) -> None:
    signed = deliveries.github("pull_request", deliveries.pull_request("opened"))
    assert post(web, signed).status_code == 202
    again = post(web, signed)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert len(web.services.intake.list().items) == 1
    assert web.services.queue.depth() == 1
    assert len(web.services.reviews.list(None, filters={}).items) == 1


def test_w5_the_same_delivery_50_times_at_once_makes_one_job(web: Web) -> None:
    signed = deliveries.github("pull_request", deliveries.pull_request("opened"))
    statuses = asyncio.run(_post_concurrently(web, signed, 50))
    assert sorted(statuses) == [200] * 49 + [202]
    assert web.services.queue.depth() == 1
    assert len(web.services.intake.list().items) == 1
    assert len(web.services.reviews.list(None, filters={}).items) == 1


async def _post_concurrently(web: Web, signed: deliveries.Signed, times: int) -> list[int]:
    transport = httpx.ASGITransport(app=web.client.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answers = await asyncio.gather(
            *(client.post("/webhooks/github", content=signed.body, headers=signed.headers) for _ in range(times))
        )
    return [a.status_code for a in answers]


@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("X-GitHub-Event", None, 400),
        ("X-GitHub-Delivery", None, 400),
        ("X-GitHub-Delivery", "not a guid!", 400),
        ("Content-Type", "application/x-www-form-urlencoded", 415),
        ("Content-Type", None, 415),
    ],
)
def test_bad_headers_are_client_errors(web: Web, header: str, value: str | None, status: int) -> None:
    signed = deliveries.github("pull_request", deliveries.pull_request("opened"))
    headers = {k: v for k, v in signed.headers.items() if k != header}
    if value is not None:
        headers[header] = value
    answer = web.client.post("/webhooks/github", content=signed.body, headers=headers)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    assert web.services.intake.list().items == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"action": "opened"}', b'{"action": "opened", "pull_request": {"number": "2"}}', b""],
)
def test_malformed_payloads_after_a_valid_signature_are_422(web: Web, body: bytes) -> None:
    answer = post(web, deliveries.github("pull_request", body))
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["status"] == 422
    assert set(problem) >= {"type", "title", "status", "detail", "instance"}
    assert "Traceback" not in answer.text
    assert web.services.intake.list().items == []


def test_declared_length_over_the_limit_is_413_before_reading(web: Web) -> None:
    web.services.settings.github.max_body_bytes = 1000
    signed = deliveries.github("pull_request", deliveries.pull_request("opened"))
    answer = post(web, signed)
    assert answer.status_code == 413
    assert web.services.intake.list().items == []


def test_streamed_body_over_the_limit_is_413(web: Web) -> None:
    web.services.settings.github.max_body_bytes = 1000
    signed = deliveries.github("pull_request", deliveries.pull_request("opened"))

    def chunks() -> object:
        for start in range(0, len(signed.body), 256):
            yield signed.body[start : start + 256]

    answer = web.client.post("/webhooks/github", content=chunks(), headers=signed.headers)  # chunked: no length
    assert answer.status_code == 413
