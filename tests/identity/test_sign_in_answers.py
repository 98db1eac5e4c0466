"""The dashboard sign-in's upstream answers are bounded (ADR 0376): an issuer whose discovery document or token
endpoint never stops answering fails the sign-in as the issuer's fault, having read little of it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class _Nested(BaseHTTPRequestHandler):
    """Every request: 200, JSON nested deeper than any JSON reader goes (`[[[[…` 100 000 deep)."""

    def _answer(self) -> None:
        body = b"[" * 100_000
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def nested() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nested)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_answers_nested_past_the_json_readers_depth_fail_as_the_issuers_fault(nested: str, http: httpx.Client) -> None:
    """review19a: `[[[[…` raised RecursionError out of the exchange and the discovery (a 500 on the sign-in callback),
    not the issuer's fault said as an answer that is not usable."""
    settings = AuthSettings(
        oidc_issuer=nested,
        oidc_client_id="dashboard",
        oidc_authorization_endpoint=f"{nested}/authorize",
        oidc_token_endpoint=f"{nested}/token",
    )
    with pytest.raises(UpstreamError, match="the OIDC token endpoint answered no access token"):
        OidcSignIn(settings, http).exchange(code="c", verifier="v" * 64, redirect_uri="https://t.example.com/cb")
    with pytest.raises(UpstreamError, match="discovery document is unavailable"):
        OidcSignIn(AuthSettings(oidc_issuer=nested, oidc_client_id="dashboard"), http).endpoints()
