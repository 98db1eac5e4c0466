"""Providers misbehaving as the real ones do, through the chain and the real adapters (L1, L3, L5; session 17).

- api.openai.com can answer a 429 without `Retry-After`: the wait is in `x-ratelimit-reset-requests` /
  `x-ratelimit-reset-tokens` (Go durations: `6m0s`, `1.5s`, `20ms`), beside what is left of each limit. A retry
  before the exhausted limit resets is one more request that can only fail.
- A 200 whose answer stopped at the output limit (OpenAI `finish_reason: length`, Anthropic and Bedrock
  `stop_reason`/`stopReason: max_tokens`) carries half a JSON answer: asking the same model again, with the same
  limit, pays for the same half answer. The next model is asked, and the reason says the limit was reached.

The chain's clock and sleep are injected (sleeps are recorded, never waited); the requests are real.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.advisor.doubles import FakeTime
from tests.fakes.llm_anthropic import FakeAnthropic
from tests.fakes.llm_bedrock import FakeBedrock
from tests.fakes.llm_common import DEFAULT_ADVICE_TEXT, FakeModelServer
from tests.fakes.llm_openai import FakeOpenAI
from tfreview.advisor.anthropic import AnthropicClient
from tfreview.advisor.bedrock import AwsCredentials, BedrockClient
from tfreview.advisor.chain import LlmAdvisor
from tfreview.advisor.model import ModelClient
from tfreview.advisor.openai import OpenAIClient, rate_limit_wait
from tfreview.advisor.settings import AdvisorSettings
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
HALF_AN_ANSWER = '{"summary": "The bucket is created without a public access block; the risk is in the'


@pytest.fixture(autouse=True)
def _no_instance_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def openai_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fallback_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def _key(tmp_path: Path, name: str, value: str) -> SecretSource:
    path = tmp_path / name
    path.write_text(value, encoding="utf-8")
    return SecretSource.from_file(path)


def _openai(fake: FakeOpenAI, tmp_path: Path, http: httpx.Client, model: str = "gpt-4o-mini") -> OpenAIClient:
    return OpenAIClient(f"{fake.url}/v1", _key(tmp_path, f"{model}.key", "sk-test-1"), model, http=http)


def _advise(clients: list[ModelClient], time: FakeTime, **settings: object) -> Advice:
    chosen = AdvisorSettings.model_validate({"name": "chain", "max_attempts": 3, **settings})
    advisor = LlmAdvisor(clients, chosen, clock=time.clock, sleep=time.sleep, rng=random.Random(5))
    return advisor.advise(CONTEXT)


# --- OpenAI's rate-limit headers ------------------------------------------------------------------


def test_l1_an_openai_429_without_retry_after_waits_for_the_exhausted_limit_to_reset(
    openai_fake: FakeOpenAI, tmp_path: Path, http: httpx.Client
) -> None:
    # the requests limit is spent and resets in 6.5 s; the tokens limit has room (its reset is not the wait)
    openai_fake.script(FakeOpenAI.rate_limited_by_headers(requests=(0, "6.5s"), tokens=(39_000, "45s")))
    time = FakeTime()

    advice = _advise([_openai(openai_fake, tmp_path, http)], time)

    assert (advice.is_llm, advice.source) == (True, "openai/gpt-4o-mini")
    assert openai_fake.request_count == 2  # the retry comes after the reset: it is the one that answers
    assert len(time.sleeps) == 1
    assert 6.5 <= time.sleeps[0] <= 6.5 + 1.0  # the reset, plus the first backoff's jitter (base 1 s)


def test_l1_a_reset_longer_than_the_longest_wait_moves_to_the_next_model_at_once(
    openai_fake: FakeOpenAI, fallback_fake: FakeOpenAI, tmp_path: Path, http: httpx.Client
) -> None:
    # the tokens-per-minute limit is spent for six minutes: waiting past `max_retry_after_seconds` (60) is not done
    openai_fake.script(FakeOpenAI.rate_limited_by_headers(requests=(2, "20ms"), tokens=(0, "6m0s")))
    time = FakeTime()
    primary = _openai(openai_fake, tmp_path, http)
    fallback = _openai(fallback_fake, tmp_path, http, model="gpt-4.1-mini")

    advice = _advise([primary, fallback], time)

    assert (advice.is_llm, advice.source) == (True, "openai/gpt-4.1-mini")
    assert (openai_fake.request_count, fallback_fake.request_count) == (1, 1)  # no retry bound to fail
    assert time.sleeps == []
    assert advice.usage is not None
    assert "Retry-After 360 s is too long" in advice.usage.failures[0]


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1m30.5s"}, 90.5),
        ({"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "20ms"}, 0.02),
        ({"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "1h2m3s"}, 3723.0),
        ({"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "7"}, 7.0),  # Azure: whole seconds
        # both spent: the later reset, when both allow a request again
        (
            {
                "x-ratelimit-remaining-requests": "0",
                "x-ratelimit-reset-requests": "2s",
                "x-ratelimit-remaining-tokens": "0",
                "x-ratelimit-reset-tokens": "9s",
            },
            9.0,
        ),
        # none says it is spent (a tokens limit the request is larger than): the earliest reset frees something
        (
            {
                "x-ratelimit-remaining-requests": "2",
                "x-ratelimit-reset-requests": "2s",
                "x-ratelimit-remaining-tokens": "100",
                "x-ratelimit-reset-tokens": "9s",
            },
            2.0,
        ),
    ],
)
def test_the_wait_of_openai_rate_limit_headers(headers: dict[str, str], wait: float) -> None:
    assert rate_limit_wait(httpx.Headers(headers)) == pytest.approx(wait)


@pytest.mark.parametrize(
    "reset",
    ["", "soon", "-1s", "1e400s", "nan", "inf", "1s2x", "s", "9" * 400 + "h", "1.2.3s", "1ms1s", "ms"],
)
def test_a_reset_that_is_no_duration_gives_no_wait(reset: str) -> None:
    headers = httpx.Headers({"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": reset})
    assert rate_limit_wait(headers) is None


def test_retry_after_wins_over_the_rate_limit_headers(
    openai_fake: FakeOpenAI, tmp_path: Path, http: httpx.Client
) -> None:
    limited = FakeOpenAI.rate_limited_by_headers(requests=(0, "50s"))
    openai_fake.script(type(limited)(limited.status, limited.body, (*limited.headers, ("Retry-After", "3"))))
    time = FakeTime()

    _advise([_openai(openai_fake, tmp_path, http)], time)

    assert len(time.sleeps) == 1
    assert 3 <= time.sleeps[0] <= 4


# --- an answer cut at the output limit --------------------------------------------------------------


def _cut_model(name: str, fake: FakeModelServer, tmp_path: Path, http: httpx.Client) -> ModelClient:
    if isinstance(fake, FakeOpenAI):
        return _openai(fake, tmp_path, http, model="gpt-cut")
    if isinstance(fake, FakeAnthropic):
        return AnthropicClient(fake.url, _key(tmp_path, "a.key", "sk-ant-1"), "claude-cut", http=http)
    credentials = AwsCredentials(_key(tmp_path, "id", "AKIAFAKE000000000001"), _key(tmp_path, "secret", "s3cr3t"))
    return BedrockClient("us-east-1", "amazon.nova-cut", endpoint_url=fake.url, credentials=credentials)


class _AlwaysCut:
    """The vendor's fake whose every answer stops at the output limit with half a JSON answer."""

    @staticmethod
    def make(kind: str) -> FakeModelServer:
        base: type[FakeModelServer] = {"openai": FakeOpenAI, "anthropic": FakeAnthropic, "bedrock": FakeBedrock}[kind]

        class Cut(base):  # type: ignore[misc,valid-type]
            def default(self, request):  # type: ignore[no-untyped-def]
                return self.cut_short(HALF_AN_ANSWER)

        return Cut()  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", ["openai", "anthropic", "bedrock"])
def test_l3_an_answer_cut_at_the_output_limit_is_not_asked_for_again(
    kind: str, fallback_fake: FakeOpenAI, tmp_path: Path, http: httpx.Client
) -> None:
    with _AlwaysCut.make(kind) as cut:
        model = _cut_model(kind, cut, tmp_path, http)
        time = FakeTime()

        advice = _advise([model, _openai(fallback_fake, tmp_path, http)], time, max_output_tokens=700)

        assert cut.request_count == 1  # the same prompt and limit would be cut the same way: paid once, not twice
    assert (advice.is_llm, advice.source) == (True, "openai/gpt-4o-mini")
    assert fallback_fake.request_count == 1
    assert advice.usage is not None
    assert "answer cut at the output limit (700 tokens)" in advice.usage.failures[0]


@pytest.mark.parametrize("kind", ["openai", "anthropic", "bedrock"])
def test_an_answer_that_ends_at_the_limit_yet_is_whole_is_used(kind: str, tmp_path: Path, http: httpx.Client) -> None:
    base: type[FakeModelServer] = {"openai": FakeOpenAI, "anthropic": FakeAnthropic, "bedrock": FakeBedrock}[kind]
    with base() as fake:
        fake.script(fake.cut_short(DEFAULT_ADVICE_TEXT))  # type: ignore[attr-defined]
        advice = _advise([_cut_model(kind, fake, tmp_path, http)], FakeTime())

        assert fake.request_count == 1
    assert advice.is_llm
    assert advice.summary == json.loads(DEFAULT_ADVICE_TEXT)["summary"]
