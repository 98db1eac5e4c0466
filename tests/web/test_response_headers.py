"""Every answer of the API carries the headers the dashboard's pages already had (ADR 0597): not stored by any
cache (a tenant's reviews, jobs, tokens' outcomes), never sniffed into another type, never framed.

Found from the outside: `tfreview serve` answered `GET /api/v1/reviews` with a bearer token, its 401 and 404
problems and the interactive docs at /docs with none of them (no Cache-Control, no nosniff, framable), while the
dashboard's HTML pages had all of them."""

from __future__ import annotations

import pytest

from tests.web.conftest import TENANT_A, Web
from tfreview.ports.records import Scope
from tfreview.web.dashboard.pages import SECURITY_HEADERS


@pytest.mark.parametrize(
    ("path", "auth"),
    [
        ("/api/v1/reviews", True),
        ("/api/v1/reviews/00000000-0000-0000-0000-000000000000", True),  # a problem (404)
        ("/api/v1/reviews", False),  # 401
        ("/api/v1/jobs", True),  # 403 for a reader
        ("/readyz", False),
        ("/openapi.json", False),
        ("/no/such/path", False),
    ],
)
def test_an_api_answer_is_never_stored_sniffed_or_framed(web: Web, path: str, auth: bool) -> None:
    headers = web.token(TENANT_A, Scope.READ) if auth else {}
    answer = web.client.get(path, headers=headers)
    assert answer.headers["cache-control"] == "no-store", (path, answer.status_code)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert answer.headers["referrer-policy"] == "no-referrer"


def test_a_head_request_has_the_same_headers(web: Web) -> None:
    answer = web.client.head("/api/v1/reviews", headers=web.token(TENANT_A, Scope.READ))
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-frame-options"] == "DENY"


def test_the_api_docs_page_cannot_be_framed_or_stored(web: Web) -> None:
    answer = web.client.get("/docs")
    assert answer.status_code == 200
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"  # its scripts load as before
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_dashboard_page_keeps_its_own_policy(web: Web) -> None:
    answer = web.client.get("/signin")
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers[name] == value
    assert len(answer.headers.get_list("content-security-policy")) == 1


def test_the_dashboard_stylesheet_may_be_cached_but_not_sniffed(web: Web) -> None:
    answer = web.client.get("/static/dashboard.css")
    assert answer.status_code == 200
    assert "cache-control" not in answer.headers
    assert answer.headers["etag"]
    assert answer.headers["x-content-type-options"] == "nosniff"
