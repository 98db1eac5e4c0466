"""The two outbound paths ADR 0498 left per-socket-timeout only, gone hostile (`tests/fakes/hostile.py`): Amazon
Bedrock (botocore signs and parses, httpx on a `DeadlineTransport` sends) and the JWKS and OIDC sign-in client
(`outbound_client`, as the wiring builds it). A dribbled answer, a silent one and a connection never accepted each
end the call within its timeout as that client's own timeout error (the fakes' byte ceiling proves the deadline
cut it short); the Bedrock chain falls back to the next model; proxies from the environment still carry the calls,
under the same deadline; no canary credential reaches an error message or a log line (ADR 0508)."""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes import hostile
from tests.fakes.hostile import HostileServer, StalledAccept
from tests.fakes.llm_bedrock import FakeBedrock
from tfreview.advisor.bedrock import AwsCredentials, BedrockClient
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.model import ModelClient, Prompt, ProviderError
from tfreview.advisor.settings import AdvisorSettings
from tfreview.core.errors import KeysUnavailable, UpstreamError
from tfreview.core.plan import ChangeSet, Coverage, ResourceChange
from tfreview.core.ports import AdviceContext
from tfreview.identity.jwks import JwksCache
from tfreview.identity.settings import AuthSettings
from tfreview.identity.sign_in import OidcSignIn
from tfreview.plumbing.call_deadline import call_deadline
from tfreview.plumbing.http import outbound_client, send_bounded
from tfreview.plumbing.secret_references import SecretSource

TIMEOUT = 1.0
MODEL_ID = "anthropic.claude-3-5-sonnet-20240620-v1:0"
KEY_ID = "AKIACANARYKEY0000001"
SECRET_KEY = "CANARYsecretKey/q1w2e3r4t5y6u7i8o9p0AsDfGhJk"
SESSION_TOKEN = "CANARYsessionT0ken/IQoJb3JpZ2luX2VjEJr0000000000000000"
PROMPT = Prompt(system="You review Terraform changes.", user="aws_s3_bucket.logs: create", max_output_tokens=400)
SLOW = {
    "headers dribbled a byte at a time": hostile.dribbled_headers,
    "body dribbled a byte at a time": hostile.dribbled_body,
    "no answer at all": hostile.silence,
}
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _no_aws_or_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No instance metadata probe, no developer's AWS settings, no proxy but the ones a test sets."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", *PROXY_VARIABLES):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def credentials(tmp_path: Path) -> AwsCredentials:
    parts = []
    for name, value in (("key_id", KEY_ID), ("secret", SECRET_KEY), ("token", SESSION_TOKEN)):
        (tmp_path / name).write_text(value, encoding="utf-8")
        parts.append(SecretSource.from_file(tmp_path / name))
    return AwsCredentials(*parts)


def _assert_no_canary(*texts: str) -> None:
    for text in texts:
        assert SECRET_KEY not in text
        assert SESSION_TOKEN not in text


# ---- Bedrock ------------------------------------------------------------------------------------------------------


def _bedrock_fails(url: str, credentials: AwsCredentials, caplog: pytest.LogCaptureFixture) -> ProviderError:
    caplog.set_level(logging.DEBUG)
    model = BedrockClient("eu-west-1", MODEL_ID, endpoint_url=url, credentials=credentials)
    with model, pytest.raises(ProviderError) as caught:
        model.complete(PROMPT, timeout=TIMEOUT)
    error = caught.value
    _assert_no_canary(str(error), repr(error), caplog.text)
    return error


@pytest.mark.parametrize("behaviour", list(SLOW.values()), ids=list(SLOW))
def test_a_bedrock_answer_that_never_ends_is_a_retriable_timeout(
    behaviour: hostile.Behaviour, credentials: AwsCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileServer(behaviour) as server:
        error = _bedrock_fails(server.url, credentials, caplog)
        assert server.dribbled < server.ceiling  # the deadline cut it short; botocore's read timeout never fires
    assert (error.kind, error.retriable) == ("timeout", True)
    [request] = server.requests  # signed by botocore, sent once: retries stay off
    assert request.line.startswith("POST /model/")
    assert request.headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={KEY_ID}/")
    assert request.headers["x-amz-security-token"] == SESSION_TOKEN  # sent where it belongs, and only there


def test_a_bedrock_connection_never_accepted_is_a_retriable_timeout(
    credentials: AwsCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    with StalledAccept() as server:
        error = _bedrock_fails(server.url, credentials, caplog)
    assert (error.kind, error.retriable) == ("timeout", True)


def test_a_bedrock_error_page_echoing_our_headers_names_no_credential(
    credentials: AwsCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileServer(hostile.echoing(400)) as server:
        error = _bedrock_fails(server.url, credentials, caplog)
    assert (error.kind, error.status) == ("other", 400)


def test_a_bedrock_answer_past_its_limit_is_malformed(
    credentials: AwsCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileServer(hostile.gzip_bomb(100 * 1_048_576)) as server:
        error = _bedrock_fails(server.url, credentials, caplog)
    assert (error.kind, error.retriable) == ("malformed", False)


CHAIN_CONTEXT = AdviceContext(
    ChangeSet(
        changes=[ResourceChange("aws_s3_bucket.logs", "aws_s3_bucket", "logs", ("create",), None, {"bucket": "l"})]
    ),
    (),
    Coverage(),
)


def test_a_dribbling_bedrock_model_falls_back_to_the_next_model(
    credentials: AwsCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with contextlib.ExitStack() as stack:
        slow = stack.enter_context(HostileServer(hostile.dribbled_headers))
        honest = stack.enter_context(FakeBedrock())
        clients: list[ModelClient] = [
            stack.enter_context(
                BedrockClient("eu-west-1", "slow-model", endpoint_url=slow.url, credentials=credentials)
            ),
            stack.enter_context(BedrockClient("eu-west-1", MODEL_ID, endpoint_url=honest.url, credentials=credentials)),
        ]
        settings = AdvisorSettings(name="chain", max_attempts=1, call_timeout_seconds=TIMEOUT)
        advice = LlmAdvisor(clients, settings, rng=random.Random(5)).advise(CHAIN_CONTEXT)
        assert slow.dribbled < slow.ceiling
        assert len(slow.requests) == 1
        assert len(honest.requests) == 1

    assert (advice.is_llm, advice.source) == (True, f"bedrock/{MODEL_ID}")
    _assert_no_canary(caplog.text)


# ---- JWKS and OIDC sign-in --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _identity_client() -> Iterator[httpx.Client]:
    with outbound_client(timeout=TIMEOUT) as http:  # as wiring builds it for JWKS and sign-in
        yield http


def _jwks_fails(url: str, caplog: pytest.LogCaptureFixture) -> str:
    """Why the cold cache found no keys, as it logged it."""
    caplog.set_level(logging.WARNING, logger="tfreview.identity")
    with _identity_client() as http:
        cache = JwksCache(f"{url}/.well-known/jwks.json", http, timeout=TIMEOUT)
        with pytest.raises(KeysUnavailable):
            cache.key_for("signing-key-1")
    [message] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("JWKS fetch failed")]
    return message


def _sign_in_fails(url: str) -> str:
    settings = AuthSettings(oidc_issuer=url, oidc_client_id="tfreview", jwks_timeout_seconds=TIMEOUT)
    with _identity_client() as http, pytest.raises(UpstreamError) as caught:
        OidcSignIn(settings, http).endpoints()
    return str(caught.value)


@pytest.mark.parametrize("behaviour", list(SLOW.values()), ids=list(SLOW))
def test_a_jwks_answer_that_never_ends_is_a_timeout(
    behaviour: hostile.Behaviour, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileServer(behaviour) as server:
        message = _jwks_fails(server.url, caplog)
        assert server.dribbled < server.ceiling
    assert message == f"JWKS fetch failed (timed out after {TIMEOUT:g} s); 1 failures in a row"


def test_a_jwks_connection_never_accepted_is_a_timeout(caplog: pytest.LogCaptureFixture) -> None:
    with StalledAccept() as server:
        message = _jwks_fails(server.url, caplog)
    assert message == f"JWKS fetch failed (timed out after {TIMEOUT:g} s); 1 failures in a row"


@pytest.mark.parametrize("behaviour", list(SLOW.values()), ids=list(SLOW))
def test_an_oidc_discovery_answer_that_never_ends_is_a_timeout(behaviour: hostile.Behaviour) -> None:
    with HostileServer(behaviour) as server:
        message = _sign_in_fails(server.url)
        assert server.dribbled < server.ceiling
    assert message == "the OIDC discovery document is unavailable (ReadTimeout)"


def test_an_oidc_discovery_connection_never_accepted_is_a_timeout() -> None:
    with StalledAccept() as server:
        assert _sign_in_fails(server.url) in {
            "the OIDC discovery document is unavailable (ReadTimeout)",  # the kernel's backlog accepted the connect
            "the OIDC discovery document is unavailable (ConnectTimeout)",
        }


# ---- proxies from the environment ---------------------------------------------------------------------------------


def test_an_http_proxy_from_the_environment_carries_the_call_under_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The proxy itself dribbles: the call through it still ends at the deadline (a forwarding connection)."""
    with HostileServer(hostile.dribbled_headers) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        with outbound_client(timeout=60) as http, pytest.raises(httpx.ReadTimeout), call_deadline(TIMEOUT):
            http.get("http://jwks.example.invalid/keys")
        assert proxy.dribbled < proxy.ceiling
    [request] = proxy.requests
    assert request.line == "GET http://jwks.example.invalid/keys HTTP/1.1"


def test_an_https_proxy_tunnel_that_never_opens_ends_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """An https:// target is tunnelled (CONNECT): a proxy dribbling its answer to CONNECT cannot hold the call."""
    with HostileServer(hostile.dribbled_headers) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        with outbound_client(timeout=60) as http, pytest.raises(httpx.TimeoutException), call_deadline(TIMEOUT):
            http.get("https://issuer.example.invalid/.well-known/openid-configuration")
        assert proxy.dribbled < proxy.ceiling
    [request] = proxy.requests
    assert request.line == "CONNECT issuer.example.invalid:443 HTTP/1.1"


def test_no_proxy_sends_the_call_direct_through_the_deadline_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    with HostileServer(hostile.json_answer(200, {"keys": []})) as proxy, HostileServer(hostile.silence) as target:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        with outbound_client(timeout=60) as http, pytest.raises(httpx.ReadTimeout), call_deadline(TIMEOUT):
            http.get(target.url)
    assert proxy.requests == []
    assert len(target.requests) == 1


def test_a_bedrock_call_goes_through_the_environment_s_proxy(
    monkeypatch: pytest.MonkeyPatch, credentials: AwsCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    """As botocore honoured HTTPS_PROXY, the httpx sender does: a real Bedrock endpoint is reached by CONNECT."""
    with HostileServer(hostile.dribbled_headers) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        error = _bedrock_fails("https://bedrock-runtime.eu-west-1.amazonaws.com", credentials, caplog)
        assert proxy.dribbled < proxy.ceiling
    assert (error.kind, error.retriable) == ("timeout", True)
    [request] = proxy.requests
    assert request.line == "CONNECT bedrock-runtime.eu-west-1.amazonaws.com:443 HTTP/1.1"


def test_without_a_deadline_the_identity_client_is_httpx_s() -> None:
    with HostileServer(hostile.json_answer(200, {"keys": []})) as server, _identity_client() as http:
        answer = send_bounded(http, http.build_request("GET", server.url), 1000)
    assert answer.json() == {"keys": []}


def test_a_ca_bundle_that_cannot_be_loaded_fails_the_model_precisely_without_a_request(
    monkeypatch: pytest.MonkeyPatch, credentials: AwsCredentials, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """AWS_CA_BUNDLE is botocore's setting, honoured by the httpx sender; one it cannot load is this model's
    failure with a precise message, not a traceback past the chain."""
    missing = tmp_path / "no-such-bundle.pem"
    monkeypatch.setenv("AWS_CA_BUNDLE", str(missing))
    with HostileServer(hostile.json_answer(200, {})) as server:
        error = _bedrock_fails(server.url, credentials, caplog)
    assert server.requests == []
    assert (error.kind, error.retriable) == ("other", False)
    assert str(error).endswith(f"the AWS CA bundle {str(missing)!r} cannot be loaded (FileNotFoundError)")
