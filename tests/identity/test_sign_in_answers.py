"""The dashboard sign-in's upstream answers are bounded (ADR 0376): an issuer whose discovery document or token
endpoint never stops answering fails the sign-in as the issuer's fault, having read little of it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.endless import EndlessServer
from tfreview.core.errors import UpstreamError
from tfreview.identity.settings import AuthSettings
from tfreview.identity.sign_in import OidcSignIn
from tfreview.plumbing.http import outbound_client

LIMIT = 256 * 1024


@pytest.fixture
def endless() -> Iterator[EndlessServer]:
    with EndlessServer() as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with outbound_client(timeout=10) as client:
        yield client


def test_an_endless_token_answer_fails_the_exchange_near_the_limit(endless: EndlessServer, http: httpx.Client) -> None:
    settings = AuthSettings(
        oidc_issuer=endless.url,
        oidc_client_id="dashboard",
        oidc_client_secret="client-secret-canary-7d1e",  # type: ignore[arg-type]  # validated into a SecretSetting
        oidc_authorization_endpoint=f"{endless.url}/authorize",
        oidc_token_endpoint=f"{endless.url}/token",
    )
    sign_in = OidcSignIn(settings, http)
    with pytest.raises(UpstreamError, match="answered more than 262144 bytes") as raised:
        sign_in.exchange(code="the-code", verifier="v" * 64, redirect_uri="https://tfreview.example.com/auth/callback")
    assert "client-secret-canary-7d1e" not in str(raised.value)
    assert endless.sent < 50 * LIMIT  # it stopped reading near the limit (socket buffers aside)


def test_an_endless_discovery_document_fails_the_sign_in_near_the_limit(
    endless: EndlessServer, http: httpx.Client
) -> None:
    sign_in = OidcSignIn(AuthSettings(oidc_issuer=endless.url, oidc_client_id="dashboard"), http)
    with pytest.raises(UpstreamError, match="discovery document is unavailable"):
        sign_in.endpoints()
    assert endless.sent < 50 * LIMIT
