"""Routes that do not read their body themselves refuse one past 1 MiB with 413, declared or streamed, without
reading the rest (ADR 0374); the routes with their own limits keep them."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator

import pytest

from tests.web.conftest import TENANT_A, Web
from tfreview.ports.records import Scope
from tfreview.web import dashboard
from tfreview.web.body_limits import OWN_LIMITS, SMALL_BODY_BYTES

OVER = SMALL_BODY_BYTES + 1


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


def _routes(web: Web) -> list[tuple[str, str]]:
    """Every route that takes a body: the API's (its OpenAPI document) and the dashboard's (its routers)."""
    found: set[tuple[str, str]] = set()
    for path, methods in web.client.get("/openapi.json").json()["paths"].items():
        found |= {(method.upper(), path) for method in methods}
    for module in pkgutil.iter_modules(dashboard.__path__):
        router = getattr(importlib.import_module(f"{dashboard.__name__}.{module.name}"), "router", None)
        for route in getattr(router, "routes", ()):
            found |= {(method, route.path) for method in route.methods}
    literal = re.compile(r"\{[^}]+\}")  # a value for each path parameter
    return sorted((m, literal.sub("1", p)) for m, p in found if m in ("POST", "PUT", "PATCH", "DELETE"))


def test_every_other_route_refuses_a_large_body_with_413(web: Web) -> None:
    routes = _routes(web)
    assert ("POST", "/api/v1/blocks") in routes
    admin = web.token(TENANT_A, Scope.ADMIN)
    for method, path in routes:
        if (method, path) in OWN_LIMITS:
            continue
        declared = web.client.request(
            method,
            path,
            content=b"x" * OVER,
            headers={**admin, "Content-Type": "application/json"},
            follow_redirects=False,
        )
        streamed = web.client.request(
            method,
            path,
            content=_chunks(OVER),
            headers={**admin, "Content-Type": "application/json"},
            follow_redirects=False,
        )
        for answer in (declared, streamed):
            # a route that needs its body reads it and is refused; one that refuses first (CSRF, session) never reads it
            assert 300 <= answer.status_code < 500, (method, path, answer.status_code, answer.text[:200])
    for answer in (
        web.client.post("/api/v1/blocks", content=b"x" * OVER, headers={**admin, "Content-Type": "application/json"}),
        web.client.post("/api/v1/blocks", content=_chunks(OVER), headers={**admin, "Content-Type": "application/json"}),
        web.client.post(
            "/signin/token", content=_chunks(OVER), headers={"Content-Type": "application/x-www-form-urlencoded"}
        ),
    ):
        assert answer.status_code == 413, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert f"limit of {SMALL_BODY_BYTES} bytes" in answer.json()["detail"]


@pytest.mark.parametrize("size", [10, SMALL_BODY_BYTES])
def test_a_body_within_the_limit_reaches_the_route(web: Web, size: int) -> None:
    admin = web.token(TENANT_A, Scope.ADMIN)
    body = b'{"source": "ip:203.0.113.9", "reason": "' + b"r" * max(0, size - 60) + b'"}'
    answer = web.client.post("/api/v1/blocks", content=body[:size] if size < len(body) else body, headers=admin)
    assert answer.status_code != 413, answer.text
    assert answer.status_code < 500
