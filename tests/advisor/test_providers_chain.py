"""The advisor chain over the real adapters and the HTTP fakes: attempts counted where the provider counts them.

The chain's clock and sleep are injected (sleeps are recorded, never waited); the requests are real.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.fakes.llm_anthropic import FakeAnthropic
from tests.fakes.llm_bedrock import FakeBedrock
from tests.fakes.llm_common import Reply
from tests.fakes.llm_openai import FakeOpenAI
from tfreview.advisor.anthropic import AnthropicClient
from tfreview.advisor.bedrock import AwsCredentials, BedrockClient
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.model import ModelClient
from tfreview.advisor.openai import OpenAIClient
from tfreview.advisor.settings import AdvisorSettings
from tfreview.advisor.token_budget import InMemoryTokenBudget
from tfreview.core.findings import Advice
from tfreview.core.plan import ChangeSet, Coverage, ResourceChange
from tfreview.core.ports import AdviceContext
from tfreview.plumbing.secret_references import SecretSource

CONTEXT = AdviceContext(
    ChangeSet(
        changes=[ResourceChange("aws_s3_bucket.logs", "aws_s3_bucket", "logs", ("create",), None, {"bucket": "l"})]
    ),
    (),
    Coverage(),
)


@dataclass
class RecordedTime:
    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def _no_instance_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def openai_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def anthropic_fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def bedrock_fake() -> Iterator[FakeBedrock]:
    with FakeBedrock() as server:
        yield server


def _key(tmp_path: Path, name: str, value: str) -> SecretSource:
    path = tmp_path / name
    path.write_text(value, encoding="utf-8")
    return SecretSource.from_file(path)


def _advise(clients: list[ModelClient], time: RecordedTime) -> Advice:
    settings = AdvisorSettings(name="chain", max_attempts=3)
    advisor = LlmAdvisor(clients, settings, clock=time.clock, sleep=time.sleep, rng=random.Random(5))
    return advisor.advise(CONTEXT)


def test_l1_retry_after_is_honoured_and_attempts_stay_within_three(
    openai_fake: FakeOpenAI, tmp_path: Path, http: httpx.Client
) -> None:
    openai_fake.script(FakeOpenAI.rate_limited("7"), FakeOpenAI.rate_limited("7"))
    time = RecordedTime()
    client = _openai(openai_fake, tmp_path, http)

    advice = _advise([client], time)

    assert (advice.is_llm, advice.source) == (True, "openai/gpt-4o-mini")
    assert openai_fake.request_count == 3
    assert len(time.sleeps) == 2
    assert all(delay >= 7 for delay in time.sleeps)


def test_l4_anthropic_529_is_retried_on_the_same_model(
    anthropic_fake: FakeAnthropic, tmp_path: Path, http: httpx.Client
) -> None:
    anthropic_fake.script(FakeAnthropic.overloaded())
    client = AnthropicClient(anthropic_fake.url, _key(tmp_path, "a.key", "sk-ant-1"), "claude-sonnet-4-5", http=http)

    advice = _advise([client], RecordedTime())

    assert (advice.is_llm, advice.source) == (True, "anthropic/claude-sonnet-4-5")
    assert anthropic_fake.request_count == 2


@pytest.mark.parametrize("code", ["ThrottlingException", "ServiceUnavailableException", "ModelNotReadyException",
                                  "ModelTimeoutException"])  # fmt: skip
def test_l4_bedrock_transient_errors_complete_on_retry(bedrock_fake: FakeBedrock, tmp_path: Path, code: str) -> None:
    bedrock_fake.script(FakeBedrock.error(code, "try again"))
    credentials = AwsCredentials(_key(tmp_path, "id", "AKIAFAKE000000000001"), _key(tmp_path, "secret", "s3cr3t"))
    with BedrockClient(
        "us-east-1", "amazon.nova-pro-v1:0", endpoint_url=bedrock_fake.url, credentials=credentials
    ) as bedrock:
        advice = _advise([bedrock], RecordedTime())

    assert (advice.is_llm, advice.source) == (True, "bedrock/amazon.nova-pro-v1:0")
    assert bedrock_fake.request_count == 2


def test_l5_a_permanent_error_falls_over_at_once_and_the_answering_model_is_recorded(
    bedrock_fake: FakeBedrock, openai_fake: FakeOpenAI, tmp_path: Path, http: httpx.Client
) -> None:
    bedrock_fake.script(FakeBedrock.error("ValidationException", "The provided model identifier is invalid."))
    credentials = AwsCredentials(_key(tmp_path, "id", "AKIAFAKE000000000001"), _key(tmp_path, "secret", "s3cr3t"))
    with BedrockClient("us-east-1", "bad-model", endpoint_url=bedrock_fake.url, credentials=credentials) as bedrock:
        advice = _advise([bedrock, _openai(openai_fake, tmp_path, http)], RecordedTime())

    assert bedrock_fake.request_count == 1  # 0 retries on the same provider
    assert (advice.is_llm, advice.source) == (True, "openai/gpt-4o-mini")


def test_l5_a_spent_quota_is_not_retried(
    openai_fake: FakeOpenAI, anthropic_fake: FakeAnthropic, tmp_path: Path, http: httpx.Client
) -> None:
    openai_fake.script(FakeOpenAI.quota_exhausted())
    anthropic_fake.script(FakeAnthropic.spend_limit())
    time = RecordedTime()
    anthropic = AnthropicClient(anthropic_fake.url, _key(tmp_path, "a.key", "sk-ant-1"), "claude", http=http)

    advice = _advise([_openai(openai_fake, tmp_path, http), anthropic], time)

    assert not advice.is_llm
    assert (openai_fake.request_count, anthropic_fake.request_count) == (1, 1)
    assert time.sleeps == []


def test_k3_the_chain_reloads_a_rotated_key_once_and_continues(
    openai_fake: FakeOpenAI, tmp_path: Path, http: httpx.Client
) -> None:
    key_file = tmp_path / "openai.key"
    key_file.write_text("sk-old", encoding="utf-8")
    client = _openai(openai_fake, tmp_path, http, key_file=key_file)
    assert client.reload_credentials() is True  # the old key is in use
    openai_fake.valid_keys = {"sk-new"}
    key_file.write_text("sk-new", encoding="utf-8")  # rotated at the source

    advice = _advise([client], RecordedTime())

    assert advice.is_llm
    assert [r.headers["authorization"] for r in openai_fake.requests] == ["Bearer sk-old", "Bearer sk-new"]


def test_k3_an_unchanged_key_is_not_retried(openai_fake: FakeOpenAI, tmp_path: Path, http: httpx.Client) -> None:
    openai_fake.valid_keys = {"sk-new"}

    advice = _advise([_openai(openai_fake, tmp_path, http)], RecordedTime())

    assert not advice.is_llm
    assert openai_fake.request_count == 1


def _openai(fake: FakeOpenAI, tmp_path: Path, http: httpx.Client, *, key_file: Path | None = None) -> OpenAIClient:
    if key_file is None:
        key_file = tmp_path / "openai.key"
        key_file.write_text("sk-old", encoding="utf-8")
    return OpenAIClient(f"{fake.url}/v1", SecretSource.from_file(key_file), "gpt-4o-mini", http=http)


@pytest.mark.parametrize(
    "body",
    [
        b'{"output": {"message": "x"}, "usage": {"inputTokens": 1, "outputTokens": 1}}',
        b'{"output": {"message": {"content": "x"}}, "usage": {"inputTokens": 1, "outputTokens": 1}}',
        b'{"output": {"message": {"content": [{"text": "hi"}]}}, "usage": {"inputTokens": [1], "outputTokens": 1}}',
        b'{"output": {"message": {"content": [{"text": "hi"}]}}, "usage": {"inputTokens": 1e400, "outputTokens": 1}}',
        b'{"output": {"message": {"content": [{"image": {"format": "png", "source": {"bytes": "!!x"}}}]}}}',
        b"[1, 2]",
        b"\xff\xfe",
        b"[" * 100_000,
    ],
    ids=["message-str", "content-str", "usage-list", "usage-inf", "image-bad-base64", "array", "not-utf8", "deep"],
)
def test_l4_a_bedrock_answer_of_the_wrong_shape_is_that_models_failure_and_the_fallback_answers(
    bedrock_fake: FakeBedrock, openai_fake: FakeOpenAI, tmp_path: Path, http: httpx.Client, body: bytes
) -> None:
    """botocore parses a Converse answer by its service model and, given the wrong shape, raises what it meets
    (AttributeError, TypeError, OverflowError, RecursionError…). Before, that escaped the chain: the fallback was
    never asked, the breaker never heard of it, and the review said "AI review unavailable: AttributeError"."""
    bedrock_fake.script(*[Reply(200, body, (("Content-Type", "application/json"),))] * 3)
    credentials = AwsCredentials(_key(tmp_path, "id", "AKIAFAKE000000000001"), _key(tmp_path, "secret", "s3cr3t"))
    with BedrockClient(
        "us-east-1", "amazon.nova-pro-v1:0", endpoint_url=bedrock_fake.url, credentials=credentials
    ) as bedrock:
        settings = AdvisorSettings(name="chain", max_attempts=3, breaker_failures=1)
        advisor = LlmAdvisor([bedrock, _openai(openai_fake, tmp_path, http)], settings, clock=RecordedTime().clock)
        advice = advisor.advise(CONTEXT)
        breaker = advisor.breaker(bedrock)

    assert (advice.is_llm, advice.source) == (True, "openai/gpt-4o-mini")
    assert advice.usage is not None
    assert advice.usage.failures == ("bedrock/amazon.nova-pro-v1:0: malformed (1 attempts)",)
    assert bedrock_fake.request_count == 1  # the same answer again would not parse either
    assert breaker.state == "open"  # the breaker heard of it (one failure opens it here)


@pytest.mark.parametrize(
    "reported",
    [-1_000_000, -5, 10**30, 1e30, float("nan"), float("inf"), "120", True, False],
    ids=["minus-million", "minus-5", "10**30", "1e30", "nan", "infinity", "string", "true", "false"],
)
def test_d4_usage_a_provider_reports_that_no_request_can_have_is_not_what_the_budget_spends(
    tmp_path: Path, http: httpx.Client, reported: object
) -> None:
    """A gateway (or a broken local server) says the request used -1,000,000 tokens, 10**30, or `true` (or -5,
    1e30, NaN, Infinity, "120", `false`: session 20 checked these hold too). Before, the
    tenant's daily budget took -1,000,000 as "nothing spent" (a free call for ever), 10**30 as the whole day's
    budget gone, and the comment showed the number. Such a count is no count: the OpenAI-compatible adapter
    estimates it, as it does for a server that leaves usage out; Anthropic and Bedrock always report usage, and an
    answer without a believable one is malformed there, as an answer without usage already was."""
    budget = InMemoryTokenBudget(50_000)
    with FakeOpenAI(input_tokens=reported, output_tokens=reported) as openai_fake:
        advisor = LlmAdvisor([_openai(openai_fake, tmp_path, http)], AdvisorSettings(name="chain"), budget_store=budget)
        advice = advisor.advise(CONTEXT)
    assert advice.is_llm
    assert advice.usage is not None
    spent = 50_000 - budget.remaining("default")
    assert 0 < advice.usage.input_tokens < 100_000
    assert spent == advice.usage.input_tokens + advice.usage.output_tokens

    with FakeAnthropic(input_tokens=reported, output_tokens=7) as anthropic_fake:
        anthropic = AnthropicClient(anthropic_fake.url, _key(tmp_path, "a.key", "sk-ant-1"), "claude", http=http)
        advice = _advise([anthropic], RecordedTime())
    assert not advice.is_llm
    assert advice.usage is not None
    assert advice.usage.failures == ("anthropic/claude: malformed (HTTP 200) (1 attempts)",)
