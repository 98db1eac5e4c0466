"""A pull request reviewed by the whole stack (`live_stack`: `build_services`, the embedded workers, nothing
swapped) behind an egress proxy: with HTTP_PROXY set, every call the service makes to GitHub (App token, pull
request, files, check run, comment) and to the model goes through the proxy, carrying its credentials to the proxy
and nowhere else — not GitHub, not the model, not the database, not a log line (ADR 0513)."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.llm_openai import FakeOpenAI
from tests.fakes.proxy import EgressProxy
from tests.integrations.live_stack import INSTALLATION, OPEN_SG_TF, OWNER, REPO, review_pull_request_with_model

PROXY_SECRET = "CANARYst4ckPr0xySecret00000"
PROXY_BASIC = base64.b64encode(f"egress:{PROXY_SECRET}".encode()).decode()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(INSTALLATION, OWNER, repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = "octo-logs"\n}\n'})
        yield fake


def test_the_service_reaches_github_and_the_model_through_the_proxy(
    github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with EgressProxy() as proxy, FakeOpenAI() as model:
        monkeypatch.setenv("HTTP_PROXY", proxy.url_with("egress", PROXY_SECRET))
        reviewed = review_pull_request_with_model(github, tmp_path, model.url, "open-ssh", {"main.tf": OPEN_SG_TF})
        prompts = [request.body.decode("utf-8", "replace") for request in model.requests]
    assert prompts, "the model was asked"
    assert not reviewed.stack.failed_reviews()
    through = [passed.target for passed in proxy.seen if passed.proxy_authorization == f"Basic {PROXY_BASIC}"]
    api = github.base_url
    assert f"{api}/app/installations/{INSTALLATION}/access_tokens" in through
    assert any(target.startswith(f"{api}/repos/{REPO}/pulls/{reviewed.number}") for target in through)
    assert any(target.startswith(f"{api}/repos/{REPO}/check-runs") for target in through)
    assert any(target.startswith(f"{api}/repos/{REPO}/issues/{reviewed.number}/comments") for target in through)
    assert f"{model.url}/v1/chat/completions" in through
    for canary in (PROXY_SECRET, PROXY_BASIC):
        assert canary not in json.dumps([r.body for r in github.requests], default=str)  # comment, check run
        assert canary not in "".join(prompts)
        assert canary not in reviewed.stored
        assert canary not in caplog.text
