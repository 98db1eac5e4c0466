"""Helpers of the dashboard tests: a browser-like client (https, cookies), sign-in, stored reviews."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.asgi_client import TestClient
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.inputs import load_change_set
from tfreview.ports.records import ReviewStatus, Scope, SourceInfo, StoredReview
from tfreview.render.json_report import review_document
from tfreview.rules import load_rules
from tfreview.service.container import Services

DEMO_PLAN = Path(__file__).resolve().parents[2] / "examples" / "demo" / "plan.json"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def browser(client: TestClient) -> TestClient:
    """A client of the same app on https://testserver: the session cookie is Secure, like in a browser."""
    return TestClient(client.app, base_url="https://testserver", raise_server_exceptions=False)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, services: Services, tenant_id: str, scope: Scope) -> str:
    """Sign `client` in with a fresh API token; returns the token's secret."""
    _, secret = services.tokens.create(tenant_id, scope, f"dashboard-{scope}", None)
    page = client.get("/signin")
    answer = client.post(
        "/signin/token", data={"token": secret, "csrf": csrf_of(page.text), "next": "/reviews"}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    return secret


def stored_review(services: Services, tenant_id: str, source: SourceInfo | None = None) -> StoredReview:
    """A finished review of the demo plan, stored the way the worker stores one."""
    result = review(load_change_set(str(DEMO_PLAN)), load_rules(), Policy())
    created = services.reviews.create(
        tenant_id, source or SourceInfo(kind="github", repository="acme/infra", pull_request=7)
    )
    return services.reviews.save_result(
        created.id, ReviewStatus.COMPLETED, review_document(result), result.verdict.value, dict(result.counts)
    )
