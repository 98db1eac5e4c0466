"""A base URL configured https whose server speaks no TLS (a plain-HTTP fake on loopback): the GitHub and Spacelift
clients send no byte of a request, so no credential, and the failure stored for the job names TLS and its reason —
it said only "ConnectError" before, the same words as a refused connection, with nothing to tell a private CA or a
plain-HTTP endpoint from an outage (ADR 0549)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.spacelift import FakeSpacelift
from tfreview.core.errors import UpstreamError
from tfreview.integrations.github import build_github_client, default_http_client
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.plumbing.http import failure_name, outbound_client
from tfreview.worker.errors import classify

TLS_REASON = "TLS failed ("


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(42, "octo", repos=["octo/infra"])
        yield fake


def test_github_at_an_https_url_without_tls_names_tls_and_sends_nothing(github: FakeGitHub, tmp_path: Path) -> None:
    plain = github.app_settings(tmp_path)
    settings = plain.model_copy(update={"api_url": plain.api_url.replace("http://", "https://", 1)})
    with default_http_client(settings) as http:
        client = build_github_client(settings, http, installation_id=42, sleep=lambda _seconds: None)
        with pytest.raises(UpstreamError) as failure:
            client.get_pull_request("octo/infra", 1)
    reason = classify(failure.value).reason
    assert TLS_REASON in reason, reason
    assert not classify(failure.value).permanent
    assert github.requests == []  # the TLS hello was all it got: no request line, no token


def test_spacelift_at_an_https_url_without_tls_names_tls_and_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeSpacelift() as spacelift:
        monkeypatch.setenv("R15_SPACELIFT_SECRET", spacelift.key_secret)
        plain = spacelift.api_settings(secret_env="R15_SPACELIFT_SECRET")
        settings = plain.model_copy(update={"api_url": (plain.api_url or "").replace("http://", "https://", 1)})
        with outbound_client(timeout=5) as http:
            client = SpaceliftClient(http, settings)
            with pytest.raises(UpstreamError) as failure:
                client.run("stack", "run")
        reason = classify(failure.value).reason
        assert TLS_REASON in reason, reason
        assert spacelift.key_secret not in reason
        assert spacelift.requests == []


def test_a_certificate_not_trusted_is_named_by_its_verify_message() -> None:
    """A GitHub Enterprise Server behind a private CA: the reason says so, not only "ConnectError"."""
    refused = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    refused.verify_message = "self-signed certificate in certificate chain"
    try:
        try:
            raise refused
        except ssl.SSLError as exc:
            raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]") from exc
    except httpx.ConnectError as error:
        named = failure_name(error)
    assert named == "ConnectError: TLS failed (self-signed certificate in certificate chain)"
    assert failure_name(httpx.ConnectError("[Errno 111] Connection refused")) == "ConnectError"
