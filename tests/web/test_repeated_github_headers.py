"""A GitHub delivery's X-GitHub-Delivery or X-GitHub-Event sent twice (a proxy that repeats headers) is refused 400
the same way by `tfreview serve` and by the Lambda HTTP function behind API Gateway, which joins a repeated
header's values with commas; nothing is stored (ADR 0534). Before, `serve` took the first value and stored the
delivery (202) while Lambda answered 400 for the delivery id and 422 for the event name."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.aws_events import http_event
from tests.web import deliveries
from tests.web.conftest import Web, web_settings
from tfreview import lambda_handlers
from tfreview.service.container import Services
from tfreview.wiring import build_memory_services

DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
OTHER = "0e8c7d3a-0000-4000-8000-000000000001"
ONCE = "GitHub sends it once (does a proxy repeat it?)"
# (header, its two values): a different second value, and the same value repeated
REPEATS = [
    ("X-GitHub-Delivery", DELIVERY, OTHER),
    ("X-GitHub-Delivery", DELIVERY, DELIVERY),
    ("X-GitHub-Event", "pull_request", "ping"),
    ("X-GitHub-Event", "pull_request", "pull_request"),
]


def _stored_nothing(services: Services) -> bool:
    return services.intake.list().items == [] and services.queue.depth() == 0


def _signed_pull_request() -> deliveries.Signed:
    return deliveries.github("pull_request", deliveries.pull_request("opened"), delivery=DELIVERY)


@pytest.mark.parametrize(("header", "first", "second"), REPEATS)
def test_serve_refuses_a_repeated_delivery_header_400_and_stores_nothing(
    web: Web, header: str, first: str, second: str
) -> None:
    signed = _signed_pull_request()
    headers = [(k, v) for k, v in signed.headers.items() if k != header] + [(header, first), (header, second)]
    answer = web.client.post("/webhooks/github", content=signed.body, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == f"the {header} header was sent 2 times: {ONCE}"
    assert _stored_nothing(web.services)


@pytest.fixture
def lambda_services() -> Iterator[Services]:
    built = build_memory_services(web_settings())
    lambda_handlers.reset(built)
    try:
        yield built
    finally:
        lambda_handlers.reset()


def _event(signed: deliveries.Signed, headers: dict[str, str]) -> dict[str, Any]:
    return http_event("POST", "/webhooks/github", signed.body, {k.lower(): v for k, v in headers.items()})


@pytest.mark.parametrize(("header", "first", "second"), REPEATS)
@pytest.mark.parametrize("joiner", [",", ", "])
def test_lambda_refuses_a_header_api_gateway_joined_400_as_serve_does(
    lambda_services: Services, header: str, first: str, second: str, joiner: str
) -> None:
    signed = _signed_pull_request()
    answer = lambda_handlers.http(_event(signed, {**signed.headers, header: f"{first}{joiner}{second}"}))
    assert answer["statusCode"] == 400, answer
    assert answer["headers"]["content-type"] == "application/problem+json"
    detail = json.loads(answer["body"])["detail"]
    assert detail == f"the {header} header holds 2 values joined by commas: {ONCE}"
    assert _stored_nothing(lambda_services)


def test_a_delivery_sent_once_is_still_accepted_on_both(web: Web, lambda_services: Services) -> None:
    signed = _signed_pull_request()
    assert web.client.post("/webhooks/github", content=signed.body, headers=signed.headers).status_code == 202
    other = deliveries.github("pull_request", deliveries.pull_request("opened"), delivery=str(uuid.uuid4()))
    assert lambda_handlers.http(_event(other, other.headers))["statusCode"] == 202
    assert len(lambda_services.intake.list().items) == 1
