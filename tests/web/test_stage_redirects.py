"""The dashboard's redirects keep an API Gateway named stage's prefix (ADR 0600, amended).

The Lambda adapter takes a named stage's `/<stage>` off the path the app routes on and hands it as the ASGI root
path (ADR 0600). The dashboard's redirects were written from the root: through
`https://abc123.execute-api…/prod/` the home page sent the browser to `/signin`, off the stage — API Gateway's
404 — and a page needing a sign-in to `/signin?next=…` the same. Now they go to `/prod/signin…`; a `$default`
stage (and `tfreview serve`) keep the paths as they were."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.aws_events import http_event
from tfreview.lambda_handlers.asgi import HttpAdapter
from tfreview.settings import Settings
from tfreview.web.app import create_app
from tfreview.wiring import build_memory_services


@pytest.fixture
def adapter() -> Iterator[HttpAdapter]:
    services = build_memory_services(Settings())
    running = HttpAdapter(create_app(services))
    try:
        yield running
    finally:
        running.close()
        services.close()


def _staged(path: str, stage: str) -> dict[str, Any]:
    event = http_event("GET", f"/{stage}{path}" if stage != "$default" else path)
    event["requestContext"] = {**event["requestContext"], "stage": stage}
    return event


def _location(answer: dict[str, Any]) -> str:
    headers = {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
    return str(headers.get("location", ""))


def test_a_named_stage_keeps_its_prefix_in_the_dashboard_s_redirects(adapter: HttpAdapter) -> None:
    home = adapter(_staged("/", "prod"))
    assert home["statusCode"] == 303
    assert _location(home) == "/prod/signin"
    reviews = adapter(_staged("/reviews", "prod"))  # needs a sign-in: back here afterwards, under the stage
    assert reviews["statusCode"] == 303
    assert _location(reviews) == "/prod/signin?next=%2Freviews"


def test_the_default_stage_redirects_from_the_root(adapter: HttpAdapter) -> None:
    home = adapter(_staged("/", "$default"))
    assert (home["statusCode"], _location(home)) == (303, "/signin")
