"""NO_PROXY entries httpx cannot turn into a URL pattern are a precise configuration error, not an internal one
(review14a, ADR 0526): `tfreview submit` run as a real process with such an entry exits 2 naming the entry and
the variable, with no traceback and no proxy credential; a bracketed IPv6 address (`[::1]`, `[::1]:8080`) is read
as the address it spells, as httpx reads the unbracketed `::1`. A Bedrock model whose proxy environment cannot be used
fails as that model's configuration problem, not as a credential one."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.fakes.proxy import EgressProxy
from tfreview.advisor.bedrock import AwsCredentials, BedrockClient
from tfreview.advisor.model import Prompt, ProviderError
from tfreview.core.errors import ConfigError
from tfreview.plumbing.http import outbound_client
from tfreview.plumbing.proxies import environment_proxies
from tfreview.plumbing.secret_references import SecretSource

PROXY_SECRET = "CANARYn0Pr0xyPassw0rd000000000"
PROXY_URL = f"http://egress:{PROXY_SECRET}@127.0.0.1:9"
VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy")


class _Counting(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, counted: list[str]) -> None:
        self._inner = inner
        self._counted = counted

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._counted.append(str(request.url))
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


@pytest.fixture(autouse=True)
def _no_proxy_but_the_test_s(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("entry", "pattern"),
    [("[::1]", "all://[::1]"), ("[::1]:8080", "all://[::1]:8080"), ("::1", "all://[::1]")],
    ids=["bracketed", "bracketed-with-port", "bare"],
)
def test_an_ipv6_address_in_no_proxy_is_direct_bracketed_or_not(
    entry: str, pattern: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", PROXY_URL)
    monkeypatch.setenv("NO_PROXY", f"localhost,{entry}")
    assert environment_proxies()[pattern] is None
    with outbound_client(timeout=1) as client:  # httpx reads every pattern it is given
        assert any(mount.pattern == pattern for mount in client._mounts)


@pytest.mark.parametrize("entry", ["example.com:abc", "[::1", "*ünïcode.example"], ids=["port", "bracket", "idna"])
def test_a_no_proxy_entry_httpx_cannot_read_is_a_config_error_naming_it(
    entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", PROXY_URL)
    monkeypatch.setenv("NO_PROXY", f"localhost, {entry}")
    with pytest.raises(ConfigError) as raised:
        outbound_client(timeout=1)
    message = str(raised.value)
    assert message.startswith(f"NO_PROXY (or no_proxy) names {entry!r}")
    assert PROXY_SECRET not in message
    assert raised.value.__cause__ is None


def test_tfreview_submit_with_an_unreadable_no_proxy_exits_2_naming_the_entry(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "resource_changes": []}', encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    env.update(HTTPS_PROXY=PROXY_URL, HTTP_PROXY=PROXY_URL, NO_PROXY="localhost,[::1]:80x", TFR_TOKEN="tfr_x")
    command = ["submit", "--url", "http://127.0.0.1:9", "--token-env", "TFR_TOKEN", str(plan)]
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("tfreview: error: NO_PROXY (or no_proxy) names '[::1]:80x'"), done.stderr
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    assert PROXY_SECRET not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("HTTPS_PROXY", f"ftp://egress:{PROXY_SECRET}@proxy.internal:21", "has the scheme 'ftp'"),
        ("NO_PROXY", "example.com:abc", "NO_PROXY (or no_proxy) names 'example.com:abc'"),
    ],
    ids=["proxy-scheme", "no-proxy-entry"],
)
def test_a_proxy_environment_bedrock_cannot_use_fails_the_model_as_a_configuration_problem_not_as_auth(
    variable: str, value: str, named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender is built at the first call; its ConfigError was read as a credential problem ("auth"), and the
    chain then re-read the credentials for nothing. It is this model's permanent "other" failure, the review goes
    on (ADR 0526)."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("HTTPS_PROXY", PROXY_URL)
    monkeypatch.setenv(variable, value)
    parts = []
    for name, secret in (("key_id", "AKIAEXAMPLE000000000"), ("secret", "CANARYawsSecretKey0000000000000000000000")):
        (tmp_path / name).write_text(secret, encoding="utf-8")
        parts.append(SecretSource.from_file(tmp_path / name))
    model = BedrockClient(
        "eu-west-1", "anthropic.claude", endpoint_url="http://127.0.0.1:9", credentials=AwsCredentials(*parts)
    )
    with model, pytest.raises(ProviderError) as caught:
        model.complete(Prompt(system="s", user="u", max_output_tokens=10), timeout=1.0)
    assert (caught.value.kind, caught.value.retriable) == ("other", False)
    assert named in str(caught.value)
    assert PROXY_SECRET not in str(caught.value)


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello"
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("no_proxy", "direct"),
    [
        ("10.0.0.0/8,127.0.0.0/8", True),
        ("fd00::/8, ::1/128,127.0.0.1/32", True),
        ("10.0.0.0/8,192.168.0.0/16", False),
        ("fd00::/8", False),
    ],
    ids=["ipv4-range", "ipv6-ranges-and-one-address", "other-ranges", "ipv6-range-only"],
)
def test_an_address_range_in_no_proxy_sends_a_call_to_an_address_in_it_direct(
    no_proxy: str, direct: bool, origin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx documents `NO_PROXY=192.168.0.0/16` in `get_environment_proxies` but matches it as the one address
    192.168.0.0 (and cannot read `fd00::/8` at all); requests, curl and Go read a range. A call to an address in a
    range goes direct, any other through the proxy (ADR 0526)."""
    with EgressProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url_with("egress", PROXY_SECRET))
        monkeypatch.setenv("NO_PROXY", no_proxy)
        counted: list[str] = []

        def counting(transport: httpx.BaseTransport) -> httpx.BaseTransport:
            return _Counting(transport, counted)

        with outbound_client(timeout=5, wrap=counting) as client:
            answer = client.get(origin)
    assert answer.text == "hello"
    assert (proxy.seen == []) is direct
    assert counted == [origin]  # each call counted once, whichever way it went
