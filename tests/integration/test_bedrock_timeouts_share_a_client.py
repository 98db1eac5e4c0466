"""The chain asks Bedrock with `min(call_timeout, time left in the review)`: a different timeout nearly every call.
Each call must still end within its own timeout, through ONE botocore client and one connection pool — not a
client, an httpx pool and a kept-alive socket per distinct timeout, kept for the life of the process (ADR 0510)."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from tests.fakes import hostile
from tests.fakes.hostile import HostileServer
from tests.fakes.llm_bedrock import FakeBedrock
from tfreview.advisor.bedrock import BedrockClient
from tfreview.advisor.model import Prompt, ProviderError

MODEL_ID = "anthropic.claude-3-5-sonnet-20240620-v1:0"
PROMPT = Prompt(system="You review Terraform changes.", user="aws_s3_bucket.logs: create", max_output_tokens=400)
CALLS = 20


@pytest.fixture(autouse=True)
def _static_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTKEY000000001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_calls_with_distinct_timeouts_share_one_client() -> None:
    with FakeBedrock() as server, BedrockClient("eu-west-1", MODEL_ID, endpoint_url=server.url) as model:
        model.complete(PROMPT, timeout=30.0)
        gc.collect()
        tracemalloc.start()
        try:
            for call in range(CALLS):
                assert model.complete(PROMPT, timeout=29.0 - call * 0.37).text  # the review's time left, shrinking
            gc.collect()
            retained = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        # a botocore client, an httpx pool and a CA context per distinct timeout kept ~200 kB each, for ever
        assert retained < CALLS * 50_000
    assert len(server.requests) == CALLS + 1


def test_each_call_still_ends_within_its_own_timeout_on_the_shared_client() -> None:
    with (
        HostileServer(hostile.dribbled_body) as slow,
        BedrockClient("eu-west-1", MODEL_ID, endpoint_url=slow.url) as model,
    ):
        kinds = []
        for timeout in (0.3, 0.6, 0.2):
            with pytest.raises(ProviderError) as failed:
                model.complete(PROMPT, timeout=timeout)
            kinds.append((failed.value.kind, failed.value.retriable))
            assert slow.dribbled < slow.ceiling  # the call's deadline cut it short
    assert kinds == [("timeout", True)] * 3
