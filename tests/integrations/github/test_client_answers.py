"""A hostile GitHub (or a GitHub Enterprise Server behind a broken proxy) that answers without end: the client
reads at most `max_response_bytes` of one answer and fails it as GitHub's fault (retriable), instead of holding
the whole body in a worker's memory — a raw file of GitHub's 100 MB maximum, or a body that never ends. The same
for the App's token request and for Spacelift's GraphQL endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.endless import EndlessServer
from tests.fakes.github import FakeGitHub
from tfreview.core.errors import UpstreamError
from tfreview.integrations.github import AppAuth, GitHubClient, GitHubUnavailable, TokenAuth
from tfreview.integrations.spacelift.transport import MAX_ANSWER_BYTES, GraphQLTransport
from tfreview.plumbing.secret_references import SecretSource

LIMIT = 1_000_000


@pytest.fixture
def endless() -> Iterator[EndlessServer]:
    with EndlessServer() as server:
        yield server


def test_an_answer_past_the_limit_is_cut_off_as_github_unavailable(endless: EndlessServer, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("ghp_" + "t" * 36, encoding="utf-8")
    with httpx.Client(timeout=10, follow_redirects=False) as http:
        client = GitHubClient(http, endless.url, TokenAuth(SecretSource.from_file(token)), max_response_bytes=LIMIT)
        with pytest.raises(GitHubUnavailable, match=r"GET /repos/octo/infra/contents/main.tf: answer larger than"):
            client.get_file("octo/infra", "main.tf", "0" * 40)

    assert endless.sent < 50 * LIMIT  # it stopped reading near the limit (socket buffers aside), not at the end


def test_the_app_token_request_is_cut_off_too(endless: EndlessServer, tmp_path: Path) -> None:
    with FakeGitHub() as github, httpx.Client(timeout=10, follow_redirects=False) as http:
        auth = AppAuth(github.app_settings(tmp_path, api_url=endless.url), http)
        with pytest.raises(GitHubUnavailable, match=r"access_tokens: answer larger than 1,048,576 bytes"):
            auth.installation_authorization(42)

    assert endless.sent < 50 * LIMIT


def test_a_spacelift_answer_past_the_limit_is_an_upstream_error(endless: str) -> None:
    with httpx.Client(timeout=10, follow_redirects=False) as http:
        transport = GraphQLTransport(http, f"{endless.url}/graphql", timeout=10, scrub=lambda text: text)
        with pytest.raises(UpstreamError, match=rf"answer larger than {MAX_ANSWER_BYTES:,} bytes"):
            transport.execute("query Probe { viewer { id } }", {}, token="jwt")

    assert endless.sent < MAX_ANSWER_BYTES + 50 * LIMIT


def _corrupt_gzip(request: httpx.Request) -> httpx.Response:
    """A broken proxy: says gzip, sends something else."""
    return httpx.Response(200, headers={"content-encoding": "gzip"}, content=b"not gzip at all")


def test_an_answer_that_does_not_decode_is_github_unavailable(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("ghp_" + "t" * 36, encoding="utf-8")
    with httpx.Client(transport=httpx.MockTransport(_corrupt_gzip)) as http:
        auth = TokenAuth(SecretSource.from_file(token))
        client = GitHubClient(http, "https://ghe.example", auth, sleep=lambda seconds: None)
        with pytest.raises(GitHubUnavailable, match=r"GET /repos/octo/infra/contents/main.tf: DecodingError"):
            client.get_file("octo/infra", "main.tf", "0" * 40)


def test_an_app_token_answer_that_does_not_decode_is_github_unavailable(tmp_path: Path) -> None:
    with FakeGitHub() as github, httpx.Client(transport=httpx.MockTransport(_corrupt_gzip)) as http:
        auth = AppAuth(github.app_settings(tmp_path, api_url="https://ghe.example"), http)
        with pytest.raises(GitHubUnavailable, match=r"access_tokens: DecodingError"):
            auth.installation_authorization(42)


def test_a_spacelift_answer_that_does_not_decode_is_an_upstream_error() -> None:
    with httpx.Client(transport=httpx.MockTransport(_corrupt_gzip)) as http:
        transport = GraphQLTransport(http, "https://acme.app.spacelift.io/graphql", timeout=10, scrub=lambda t: t)
        with pytest.raises(UpstreamError, match=r"Spacelift Probe: DecodingError"):
            transport.execute("query Probe { viewer { id } }", {}, token="jwt")
