"""A path with a trailing slash is not redirected: no Location is ever built from the Host header (ADR 0565)."""

from __future__ import annotations

import pytest

from tests.web.conftest import Web


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/reviews/"),
        ("GET", "/healthz/"),
        ("GET", "//evil.example/healthz/"),
        ("POST", "/webhooks/github/"),
        ("GET", "/reviews/"),
    ],
)
def test_a_trailing_slash_is_a_404_problem_never_a_redirect_to_the_host_header(
    web: Web, method: str, path: str
) -> None:
    answer = web.client.request(
        method,
        path,
        headers={"Host": "attacker.invalid", "X-Forwarded-Host": "forwarded.invalid"},
        follow_redirects=False,
    )
    assert answer.status_code == 404
    assert "location" not in answer.headers
    assert answer.headers["content-type"] == "application/problem+json"
    assert "attacker.invalid" not in answer.text
    assert "forwarded.invalid" not in answer.text
