"""Outbound calls honour the proxy environment exactly as httpx does (ADR 0513), through a real loopback egress
proxy (`tests/fakes/proxy.py`) in front of the loopback fakes: GitHub, Spacelift, an OpenAI-compatible model and a
Slack notifier, each built the way the service builds it (`outbound_client`), go through the proxy when
HTTP_PROXY/HTTPS_PROXY (or the lower-case spelling, or ALL_PROXY) is set, and straight to the fake when NO_PROXY
matches. An https:// endpoint is reached through a CONNECT tunnel (TLS end to end, trusted via SSL_CERT_FILE).
A proxy that refuses (407, 502 to CONNECT, a closed connection) is each client's usual retriable "unavailable"
error; a proxy that dribbles still ends the call at its deadline; the proxy's credentials reach the proxy and
nothing else: no error message, no log line (canary)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.fakes import hostile
from tests.fakes.github import FakeGitHub
from tests.fakes.hostile import HostileServer
from tests.fakes.llm_openai import FakeOpenAI
from tests.fakes.notify import FakeSlack
from tests.fakes.proxy import EgressProxy, Passed, TlsFront, tls_authority
from tests.fakes.spacelift import FakeSpacelift
from tfreview.advisor.model import Prompt, ProviderError
from tfreview.advisor.openai import OpenAIClient
from tfreview.core.errors import ConfigError, UpstreamError
from tfreview.integrations.github import build_github_client, default_http_client
from tfreview.integrations.github.errors import GitHubUnavailable
from tfreview.integrations.spacelift.client import SpaceliftClient
from tfreview.ops.incidents import NewIncident
from tfreview.ops.notify.message import Notification, NotifyEvent, NotifyFailure, notification_for
from tfreview.ops.notify.slack import SlackNotifier
from tfreview.plumbing.call_deadline import DeadlineTransport
from tfreview.plumbing.http import outbound_client
from tfreview.plumbing.proxies import environment_proxies
from tfreview.plumbing.secret_references import SecretSource
from tfreview.store.memory_incidents import MemoryIncidents
from tfreview.submit import submit_plan

TIMEOUT = 1.0  # a failing call's deadline: a dribbling proxy is cut at it, well before the fake's byte ceiling
PATIENT = 20.0  # a call expected to succeed: a loaded machine's pauses (CI with helpers, load 7) must not fail it
_deadline = [TIMEOUT]  # what the upstreams' calls use now (_succeeds raises it for its call)
PROXY_USER = "egress"
PROXY_SECRET = "CANARYpr0xyPassw0rd0000000000"
PROXY_BASIC = base64.b64encode(f"{PROXY_USER}:{PROXY_SECRET}".encode()).decode()
PROXY_VARIABLES = (
    *("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"),
    *("http_proxy", "https_proxy", "all_proxy", "no_proxy"),
    *("SSL_CERT_FILE", "SSL_CERT_DIR"),
)
PROMPT = Prompt(system="You review Terraform changes.", user="aws_s3_bucket.logs: create", max_output_tokens=400)
REPO = "octo/infra"


@pytest.fixture(autouse=True)
def _no_proxy_but_the_test_s(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _secret(tmp_path: Path, name: str, value: str) -> SecretSource:
    path = tmp_path / name
    path.write_text(value, encoding="utf-8")
    return SecretSource.from_file(path)


def _notification() -> Notification:
    incident, _ = MemoryIncidents().open(
        NewIncident("outage", "intake-errors", "outage", "critical", "Intake answers 503", 2, 10, ("page",), "shed"),
        {},
    )
    return notification_for(incident, NotifyEvent.TRIGGER, public_url="https://tfreview.example.com", details={})


# ---- the four upstreams, each built as the service builds it -------------------------------------------------------

Serving = Generator[tuple[str, Callable[[Path, str], object]], None, None]


@dataclass(frozen=True)
class Upstream:
    """`call(tmp_path, base)` makes one call of one client against the fake behind `base` (its URL, or a URL
    standing for it) and returns what the caller would see; `serve()` runs the fake and yields its plain URL."""

    name: str
    serve: Callable[[], Serving]
    failure: type[Exception]


def _github() -> Serving:
    with FakeGitHub() as github:
        github.add_installation(42, "octo", repos=[REPO])
        sha = github.add_commit(REPO, "main", {"main.tf": 'resource "null_resource" "a" {}\n'})

        def call(tmp_path: Path, base: str) -> object:
            settings = github.app_settings(tmp_path)
            settings = settings.model_copy(update={"api_url": settings.api_url.replace(github.base_url, base)})
            settings = settings.model_copy(update={"request_timeout_seconds": _deadline[0]})
            with default_http_client(settings) as http:
                client = build_github_client(settings, http, installation_id=42, sleep=lambda _s: None)
                return client.get_file(REPO, "main.tf", sha)

        yield github.base_url, call


def _spacelift() -> Serving:
    with FakeSpacelift() as spacelift:
        spacelift.add_stack("network-prod", namespace="acme", repository="infra")
        spacelift.add_run("network-prod", "01RUN", state="FINISHED", type="PROPOSED")

        def call(tmp_path: Path, base: str) -> object:
            settings = spacelift.api_settings(secret_env="KEY", api_url=f"{base}/graphql", timeout_seconds=_deadline[0])
            source = SecretSource.from_env("KEY", environ={"KEY": spacelift.key_secret})
            with outbound_client(timeout=settings.timeout_seconds) as http:  # as wiring's `_outbound_http` does
                return SpaceliftClient(http, settings, _now, secret=source).run("network-prod", "01RUN").id

        yield spacelift.url, call


def _now() -> datetime:
    return datetime.now(UTC)


def _openai() -> Serving:
    with FakeOpenAI() as model:

        def call(tmp_path: Path, base: str) -> object:
            key = _secret(tmp_path, "openai-key", "sk-proxy-test-key")
            with OpenAIClient(f"{base}/v1", key, "gpt-4o-mini") as client:  # its own default client
                return client.complete(PROMPT, timeout=_deadline[0]).text

        yield model.url, call


def _slack() -> Serving:
    with FakeSlack() as slack:

        def call(tmp_path: Path, base: str) -> object:
            with outbound_client(timeout=_deadline[0]) as http:  # as wiring's notifier client
                url = slack.webhook_url.replace(slack.url, base)
                SlackNotifier(http, url, channels=frozenset({"chat"}), levels=frozenset({1, 2, 3, 4})).send(
                    _notification()
                )
            return len(slack.messages())

        yield slack.url, call


UPSTREAMS = (
    Upstream("github", _github, GitHubUnavailable),
    Upstream("spacelift", _spacelift, UpstreamError),
    Upstream("openai", _openai, ProviderError),
    Upstream("slack", _slack, NotifyFailure),
)
NAMES = [upstream.name for upstream in UPSTREAMS]


def _succeeds(upstream: Upstream, tmp_path: Path) -> tuple[str, object]:
    serving = upstream.serve()
    url, call = next(serving)
    _deadline[0] = PATIENT
    try:
        return url, call(tmp_path, url)
    finally:
        _deadline[0] = TIMEOUT
        serving.close()


def _expected(upstream: Upstream, answer: object) -> None:
    expected = {"github": 'resource "null_resource" "a" {}\n', "spacelift": "01RUN", "slack": 1}
    if upstream.name in expected:
        assert answer == expected[upstream.name]
    else:
        assert isinstance(answer, str)
        assert answer


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
@pytest.mark.parametrize("upstream", UPSTREAMS, ids=NAMES)
def test_every_call_goes_through_the_environment_s_proxy(
    upstream: Upstream, variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EgressProxy() as proxy:
        monkeypatch.setenv(variable, proxy.url_with(PROXY_USER, PROXY_SECRET))
        url, answer = _succeeds(upstream, tmp_path)
    _expected(upstream, answer)
    assert proxy.seen
    assert all(passed.target.startswith(f"{url}/") for passed in proxy.seen)
    assert all(passed.proxy_authorization == f"Basic {PROXY_BASIC}" for passed in proxy.seen)


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1", "*"])
@pytest.mark.parametrize("upstream", UPSTREAMS, ids=NAMES)
def test_no_proxy_sends_the_call_direct(
    upstream: Upstream, no_proxy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EgressProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("no_proxy", no_proxy)
        _, answer = _succeeds(upstream, tmp_path)
    _expected(upstream, answer)
    assert proxy.seen == []


def test_an_https_endpoint_is_reached_through_a_connect_tunnel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TLS end to end: the proxy sees CONNECT and the tunnel's ciphertext, the model answers through it."""
    cert_file, key_file = tls_authority(str(tmp_path))
    monkeypatch.setenv("SSL_CERT_FILE", cert_file)
    with FakeOpenAI() as model, TlsFront(int(model.url.rsplit(":", 1)[1]), cert_file, key_file) as front:
        with EgressProxy() as proxy:
            monkeypatch.setenv("HTTPS_PROXY", proxy.url_with(PROXY_USER, PROXY_SECRET))
            key = _secret(tmp_path, "openai-key", "sk-proxy-test-key")
            with OpenAIClient(f"{front.url}/v1", key, "gpt-4o-mini") as client:
                completion = client.complete(PROMPT, timeout=PATIENT)
        assert model.request_count == 1
    assert completion.text
    assert proxy.seen == [Passed("CONNECT", f"127.0.0.1:{front.port}", f"Basic {PROXY_BASIC}")]


# ---- a proxy that refuses, or dribbles -----------------------------------------------------------------------------

STANDINS = {  # https:// endpoints: the proxy is asked to CONNECT; nothing ever resolves these names
    "github": "https://api.github.example.invalid",
    "spacelift": "https://acme.app.spacelift.example.invalid",
    "openai": "https://api.openai.example.invalid",
    "slack": "https://hooks.slack.example.invalid",
}


def _fails(upstream: Upstream, base: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Exception:
    """The call's failure, after checking it is the client's own error and names no proxy credential."""
    caplog.set_level(logging.DEBUG)
    serving = upstream.serve()
    _, call = next(serving)
    try:
        with pytest.raises(upstream.failure) as failure:
            call(tmp_path, base)
    finally:
        serving.close()
    message = str(failure.value)
    for canary in (PROXY_SECRET, PROXY_BASIC):
        assert canary not in message
        assert canary not in caplog.text
    assert "Traceback" not in message
    return failure.value


def _retriable(error: Exception) -> bool:
    if isinstance(error, NotifyFailure | ProviderError):
        return error.retriable
    return isinstance(error, UpstreamError)  # GitHub's and Spacelift's: the worker retries an UpstreamError


@pytest.mark.parametrize("refusal", [407, 502, "close"], ids=["407", "502", "closed"])
@pytest.mark.parametrize("upstream", UPSTREAMS, ids=NAMES)
def test_a_proxy_that_refuses_the_tunnel_is_the_client_s_retriable_unavailable(
    upstream: Upstream,
    refusal: int | str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with EgressProxy(refuse=refusal) as proxy:  # type: ignore[arg-type]  # the three refusals the fake knows
        monkeypatch.setenv("HTTPS_PROXY", proxy.url_with(PROXY_USER, PROXY_SECRET))
        error = _fails(upstream, STANDINS[upstream.name], tmp_path, caplog)
    assert _retriable(error)
    assert str(error).endswith("RemoteProtocolError" if refusal == "close" else "ProxyError")  # the type, no URL
    assert getattr(error, "kind", "unavailable") == "unavailable"  # a model provider's kind
    host = STANDINS[upstream.name].removeprefix("https://")
    assert proxy.seen
    assert all(passed == Passed("CONNECT", f"{host}:443", f"Basic {PROXY_BASIC}") for passed in proxy.seen)


@pytest.mark.parametrize("scheme", ["http", "https"], ids=["forwarded", "tunnelled"])
@pytest.mark.parametrize("upstream", UPSTREAMS, ids=NAMES)
def test_a_proxy_that_dribbles_ends_the_call_at_its_deadline(
    upstream: Upstream,
    scheme: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with HostileServer(hostile.dribbled_headers) as proxy:
        monkeypatch.setenv(
            f"{scheme.upper()}_PROXY", proxy.url.replace("http://", f"http://{PROXY_USER}:{PROXY_SECRET}@")
        )
        base = STANDINS[upstream.name].replace("https://", f"{scheme}://")
        error = _fails(upstream, base, tmp_path, caplog)
        assert proxy.dribbled < proxy.ceiling  # the deadline cut it short, not the fake's byte ceiling
    assert _retriable(error)
    assert "tim" in str(error).lower()  # "timed out", "timeout", "ReadTimeout"
    host = STANDINS[upstream.name].removeprefix("https://")
    first = proxy.requests[0].line
    if scheme == "https":
        assert first == f"CONNECT {host}:443 HTTP/1.1"
    else:
        assert first.split(" ")[1].startswith(f"http://{host}/")


# ---- how the variables are read -------------------------------------------------------------------------------------


def test_proxies_are_read_from_the_environment_as_httpx_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pins httpx's private reading of the variables (`httpx._utils.get_environment_proxies`) that `outbound_client`
    relies on: a plain client's own mounts are the same patterns, each proxied one on a `DeadlineTransport`."""
    monkeypatch.setenv("HTTPS_PROXY", f"http://{PROXY_USER}:{PROXY_SECRET}@proxy.internal:3128")
    monkeypatch.setenv("http_proxy", "proxy.internal:3129")
    monkeypatch.setenv("NO_PROXY", "localhost,.corp.internal,10.0.0.7")
    proxies = environment_proxies()
    https = proxies["https://"]
    assert https is not None
    assert str(https.url) == "http://proxy.internal:3128"
    assert https.auth == (PROXY_USER, PROXY_SECRET)
    assert PROXY_SECRET not in repr(https)
    http = proxies["http://"]
    assert http is not None
    assert str(http.url) == "http://proxy.internal:3129"
    assert {pattern for pattern, url in proxies.items() if url is None} >= {
        "all://localhost",
        "all://*.corp.internal",
        "all://10.0.0.7",
    }
    with httpx.Client() as plain, outbound_client(timeout=5) as ours:
        assert {p.pattern for p in plain._mounts} == {p.pattern for p in ours._mounts}
        assert all(isinstance(t, DeadlineTransport) for t in ours._mounts.values() if t is not None)
        assert isinstance(ours._transport, DeadlineTransport)


def test_every_transport_is_wrapped_the_proxied_ones_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The wiring counts each upstream's requests by wrapping the client's transports: the proxied path counts too."""
    with EgressProxy() as proxy, FakeOpenAI() as model:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        carried: list[str] = []

        class Counting(httpx.BaseTransport):
            def __init__(self, inner: httpx.BaseTransport) -> None:
                self.inner = inner

            def handle_request(self, request: httpx.Request) -> httpx.Response:
                carried.append(str(request.url))
                return self.inner.handle_request(request)

            def close(self) -> None:
                self.inner.close()

        with outbound_client(timeout=5, wrap=Counting) as http:
            answer = http.get(f"{model.url}/v1/models")
    assert answer.status_code in (200, 404, 405)
    assert carried == [f"{model.url}/v1/models"]
    assert [passed.target for passed in proxy.seen] == [f"{model.url}/v1/models"]


def test_a_transport_given_carries_every_request_whatever_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests inject transports: with one given, nothing is mounted around it (httpx's own rule)."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("ALL_PROXY", "http://proxy.internal:3128")
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(204)

    with outbound_client(timeout=5, transport=httpx.MockTransport(answer)) as http:
        assert http.get("https://api.github.com/rate_limit").status_code == 204
        assert http._mounts == {}
    assert seen == ["https://api.github.com/rate_limit"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (f"ftp://{PROXY_USER}:{PROXY_SECRET}@proxy.internal:21", "has the scheme 'ftp'; use one of"),
        (f"socks5://{PROXY_USER}:{PROXY_SECRET}@proxy.internal:1080", "is a SOCKS proxy; tfreview does not install"),
        (f"http://{PROXY_USER}:{PROXY_SECRET}@:3128", "names no host"),
    ],
    ids=["ftp", "socks", "no host"],
)
def test_a_proxy_httpx_cannot_use_is_a_config_error_that_names_no_credential(
    value: str, problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", value)
    with pytest.raises(ConfigError) as raised:
        outbound_client(timeout=5)
    assert str(raised.value).startswith("the proxy for 'https://' (HTTP_PROXY, HTTPS_PROXY or ALL_PROXY) ")
    assert problem in str(raised.value)
    assert PROXY_SECRET not in str(raised.value)
    assert raised.value.__cause__ is None


@pytest.mark.parametrize("refusal", [407, 502], ids=["407", "502"])
def test_tfreview_submit_goes_through_the_proxy_and_names_no_credential_when_refused(
    refusal: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`tfreview submit` (the Spacelift hook) builds its client the same way: a refusing proxy is a retried
    UpstreamError naming the service's origin and the proxy's answer, never the proxy's credentials."""
    caplog.set_level(logging.DEBUG)
    with EgressProxy(refuse=refusal) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url_with(PROXY_USER, PROXY_SECRET))
        with pytest.raises(UpstreamError) as failure:
            submit_plan("https://tfreview.example.invalid", b"{}", "tfr_CANARYsubmitT0ken", {}, sleep=lambda _s: None)
    message = str(failure.value)
    assert message == f"cannot reach https://tfreview.example.invalid: {refusal} Refused (gave up after 3 tries)"
    assert len(proxy.seen) == 3
    assert all(passed.target == "tfreview.example.invalid:443" for passed in proxy.seen)
    for canary in (PROXY_SECRET, PROXY_BASIC, "tfr_CANARYsubmitT0ken"):
        assert canary not in message
        assert canary not in caplog.text
