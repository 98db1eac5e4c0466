"""The dashboard's redirects keep an API Gateway named stage's prefix (ADR 0600, amended).

The Lambda adapter takes a named stage's `/<stage>` off the path the app routes on and hands it as the ASGI root
path (ADR 0600). The dashboard's redirects were written from the root: through
`https://abc123.execute-api…/prod/` the home page sent the browser to `/signin`, off the stage — API Gateway's
404 — and a page needing a sign-in to `/signin?next=…` the same. Now they go to `/prod/signin…`; a `$default`
stage (and `tfreview serve`) keep the paths as they were."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.fakes.aws_events import http_event
from tests.web.dashboard_helpers import csrf_of, stored_review
from tfreview.lambda_handlers.asgi import HttpAdapter
from tfreview.ports.records import Scope
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


LOCAL_LINK = re.compile(r'\s(?:href|action|src)="(/[^"]*)"')


def _cookies(answer: dict[str, Any], jar: dict[str, str]) -> None:
    for cookie in answer.get("cookies") or []:
        name, _, rest = str(cookie).partition("=")
        jar[name] = rest.split(";", 1)[0]


def _with(event: dict[str, Any], jar: dict[str, str]) -> dict[str, Any]:
    event["cookies"] = [f"{name}={value}" for name, value in jar.items()]
    return event


def _links(html: str) -> list[str]:
    return [link for link in LOCAL_LINK.findall(html) if not link.startswith("//")]


def test_a_named_stage_keeps_its_prefix_in_the_pages_links_forms_and_assets(adapter: HttpAdapter) -> None:
    """Through a named stage the pages' own links, forms, stylesheet and script pointed at the root (`/reviews`,
    `/static/dashboard.css`): off the stage, API Gateway's 404, an unstyled page and forms that post nowhere. Each
    local link now carries the stage's prefix (ADR 0660)."""
    services = adapter.app.state.services  # type: ignore[attr-defined]
    jar: dict[str, str] = {}
    page = adapter(_staged("/signin", "prod"))
    assert page["statusCode"] == 200
    _cookies(page, jar)
    links = _links(page["body"])
    assert "/prod/static/dashboard.css" in links
    assert "/prod/signin/token" in links
    assert all(link.startswith("/prod/") for link in links), links
    _, secret = services.tokens.create("github:1", Scope.ADMIN, "stage", None)
    form = urlencode({"token": secret, "csrf": csrf_of(page["body"]), "next": "/reviews"}).encode()
    event = http_event("POST", "/prod/signin/token", form, {"content-type": "application/x-www-form-urlencoded"})
    event["requestContext"] = {**event["requestContext"], "stage": "prod"}
    signed = adapter(_with(event, jar))
    assert (signed["statusCode"], _location(signed)) == (303, "/prod/reviews")
    _cookies(signed, jar)
    stored = stored_review(services, "github:1")
    for path in ("/reviews", f"/reviews/{stored.id}", "/ops", "/ops/jobs", "/ops/deliveries"):
        answer = adapter(_with(_staged(path, "prod"), jar))
        assert answer["statusCode"] == 200, (path, answer["body"][:300])
        links = _links(answer["body"])
        assert links, path
        assert all(link.startswith("/prod/") for link in links), (path, links)


def test_the_default_stage_keeps_the_pages_links_from_the_root(adapter: HttpAdapter) -> None:
    page = adapter(_staged("/signin", "$default"))
    assert "/static/dashboard.css" in _links(page["body"])
    assert not any(link.startswith("/$default") for link in _links(page["body"]))
