"""A hostile GitHub (or a GitHub Enterprise Server behind a broken proxy) that answers without end: the client
reads at most `max_response_bytes` of one answer and fails it as GitHub's fault (retriable), instead of holding
the whole body in a worker's memory — a raw file of GitHub's 100 MB maximum, or a body that never ends. The same
for the App's token request and for Spacelift's GraphQL endpoint."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.fakes.github import FakeGitHub
from tfreview.core.errors import UpstreamError
from tfreview.integrations.github import AppAuth, GitHubClient, GitHubUnavailable, TokenAuth
from tfreview.integrations.spacelift.transport import MAX_ANSWER_BYTES, GraphQLTransport
from tfreview.plumbing.secret_references import SecretSource

LIMIT = 1_000_000
CHUNK = b"#" * 65_536


class _Endless(BaseHTTPRequestHandler):
    """Any GET: a chunked body that goes on until the client hangs up (counted in `sent`)."""

    sent = 0
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            while _Endless.sent < 200 * LIMIT:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
                _Endless.sent += len(CHUNK)
        except OSError:  # the client stopped reading and closed: what the test wants
            return

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def endless() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endless)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    _Endless.sent = 0
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_answer_past_the_limit_is_cut_off_as_github_unavailable(endless: str, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("ghp_" + "t" * 36, encoding="utf-8")
    with httpx.Client(timeout=10, follow_redirects=False) as http:
        client = GitHubClient(http, endless, TokenAuth(SecretSource.from_file(token)), max_response_bytes=LIMIT)
        with pytest.raises(GitHubUnavailable, match=r"GET /repos/octo/infra/contents/main.tf: answer larger than"):
            client.get_file("octo/infra", "main.tf", "0" * 40)

    assert _Endless.sent < 50 * LIMIT  # it stopped reading near the limit (socket buffers aside), not at the end


def test_the_app_token_request_is_cut_off_too(endless: str, tmp_path: Path) -> None:
    with FakeGitHub() as github, httpx.Client(timeout=10, follow_redirects=False) as http:
        auth = AppAuth(github.app_settings(tmp_path, api_url=endless), http)
        with pytest.raises(GitHubUnavailable, match=r"access_tokens: answer larger than 1,048,576 bytes"):
            auth.installation_authorization(42)

    assert _Endless.sent < 50 * LIMIT


def test_a_spacelift_answer_past_the_limit_is_an_upstream_error(endless: str) -> None:
    with httpx.Client(timeout=10, follow_redirects=False) as http:
        transport = GraphQLTransport(http, f"{endless}/graphql", timeout=10, scrub=lambda text: text)
        with pytest.raises(UpstreamError, match=rf"answer larger than {MAX_ANSWER_BYTES:,} bytes"):
            transport.execute("query Probe { viewer { id } }", {}, token="jwt")

    assert _Endless.sent < MAX_ANSWER_BYTES + 50 * LIMIT
