"""The Anthropic adapter against the fake Messages API server (L3, L4, L5, K3, S2)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.advisor.provider_checks import (
    ErrorCase,
    check_a_hang_is_a_timeout,
    check_classified_error,
    check_schema_breaking_output_is_returned,
    error_cases,
    fails,
)
from tests.fakes.llm_anthropic import FakeAnthropic
from tests.fakes.llm_common import (
    Behaviour,
    Hang,
    Reply,
    StallAfterHeaders,
    deeply_nested,
    malformed_json,
    not_json,
)
from tfreview.advisor.anthropic import AnthropicClient
from tfreview.advisor.model import Prompt, ProviderError
from tfreview.plumbing.secret_references import SecretSource

PROMPT = Prompt(system="You review Terraform changes.", user="aws_iam_role.ci: update", max_output_tokens=300)
CANARY_KEY = "sk-ant-api03-CANARYq1w2e3r4t5y6u7i8o9p0AsDfGhJkLzXcVbNm"


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "anthropic.key"
    path.write_text("sk-ant-test-old-0001\n", encoding="utf-8")
    return path


@pytest.fixture
def client(fake: FakeAnthropic, key_file: Path, http: httpx.Client) -> Iterator[AnthropicClient]:
    with AnthropicClient(fake.url, SecretSource.from_file(key_file), "claude-sonnet-4-5", http=http) as model:
        yield model


def test_success_returns_the_text_the_model_and_the_usage(fake: FakeAnthropic, client: AnthropicClient) -> None:
    completion = client.complete(PROMPT, timeout=5)

    assert completion.text == fake.reply_text
    assert (completion.input_tokens, completion.output_tokens) == (905, 71)
    assert completion.model == "claude-sonnet-4-5"
    [request] = fake.requests
    assert request.path == "/v1/messages"
    assert request.headers["x-api-key"] == "sk-ant-test-old-0001"
    assert request.headers["anthropic-version"] == "2023-06-01"
    body = request.json()
    assert body["system"] == PROMPT.system
    assert body["messages"] == [{"role": "user", "content": PROMPT.user}]
    assert body["max_tokens"] == 300


def test_text_blocks_are_joined(fake: FakeAnthropic, client: AnthropicClient) -> None:
    blocks = [{"type": "text", "text": '{"a": '}, {"type": "text", "text": "1}"}]
    usage = {"input_tokens": 10, "output_tokens": 4}
    fake.script(Reply.of_json(200, {"type": "message", "content": blocks, "usage": usage}))

    assert client.complete(PROMPT, timeout=5).text == '{"a": 1}'


HTTP_DATE_NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)

ERRORS: list[ErrorCase] = [
    ("429 retry-after seconds", FakeAnthropic.rate_limited("7"), "throttled", True, 429, 7.0),
    ("429 retry-after date", FakeAnthropic.rate_limited("Sat, 01 Mar 2025 12:00:07 GMT"), "throttled", True, 429, 7.0),
    ("429 spend cap", FakeAnthropic.spend_limit(), "quota", False, 429, None),
    ("400 credit balance", FakeAnthropic.credit_balance_too_low(), "quota", False, 400, None),
    ("529 overloaded", FakeAnthropic.overloaded(), "unavailable", True, 529, None),
    ("500", FakeAnthropic.server_error(500), "unavailable", True, 500, None),
    ("503 html", not_json(503), "unavailable", True, 503, None),
    ("400", FakeAnthropic.bad_request(400), "invalid_request", False, 400, None),
    ("404", FakeAnthropic.bad_request(404), "invalid_request", False, 404, None),
    ("413", FakeAnthropic.bad_request(413), "invalid_request", False, 413, None),
    ("401", FakeAnthropic.unauthorized(), "auth", False, 401, None),
    ("403", FakeAnthropic.forbidden(), "auth", False, 403, None),
    ("malformed JSON", malformed_json(), "malformed", False, 200, None),
    ("missing fields", FakeAnthropic.missing_fields(), "malformed", False, 200, None),
    # review19a: a body nested past the JSON reader's depth raised RecursionError out of the adapter: the chain's
    # "other", not retriable — a 503 or a 429 was not retried on this model, and a 200 was not "malformed"
    ("503 nested too deep", deeply_nested(503), "unavailable", True, 503, None),
    ("429 nested too deep", deeply_nested(429, (("Retry-After", "7"),)), "throttled", True, 429, 7.0),
    ("200 nested too deep", deeply_nested(200), "malformed", False, 200, None),
]


@error_cases(ERRORS)
def test_errors_are_classified_and_cost_exactly_one_request(
    fake: FakeAnthropic,
    key_file: Path,
    http: httpx.Client,
    behaviour: Behaviour,
    kind: str,
    retriable: bool,
    status: int | None,
    retry_after: float | None,
) -> None:
    with AnthropicClient(
        fake.url, SecretSource.from_file(key_file), "claude-sonnet-4-5", http=http, now=lambda: HTTP_DATE_NOW
    ) as model:
        check_classified_error(
            fake, model, PROMPT, behaviour, kind=kind, retriable=retriable, status=status, retry_after=retry_after
        )


def test_an_oversized_answer_is_cut_off_as_malformed(fake: FakeAnthropic, client: AnthropicClient) -> None:
    fake.script(fake.oversized(2_000_000))

    error = fails(client, PROMPT)

    assert (error.kind, error.retriable) == ("malformed", False)
    assert fake.request_count == 1


def test_schema_breaking_output_is_returned_for_the_chain_to_validate(
    fake: FakeAnthropic, client: AnthropicClient
) -> None:
    check_schema_breaking_output_is_returned(fake, client, PROMPT)


@pytest.mark.parametrize("behaviour", [Hang(), StallAfterHeaders()], ids=["hang", "headers-then-stall"])
def test_a_hanging_server_is_a_timeout_within_the_given_time(
    fake: FakeAnthropic, client: AnthropicClient, behaviour: Behaviour
) -> None:
    check_a_hang_is_a_timeout(fake, client, PROMPT, behaviour)


def test_k3_a_rotated_key_is_reloaded_once_from_its_environment_variable(
    fake: FakeAnthropic, http: httpx.Client
) -> None:
    environ = {"ANTHROPIC_API_KEY": "sk-ant-test-old-0001"}
    fake.valid_keys = {"sk-ant-test-new-0002"}
    with AnthropicClient(
        fake.url, SecretSource.from_env("ANTHROPIC_API_KEY", environ=environ), "claude", http=http
    ) as model:
        error = fails(model, PROMPT)
        assert (error.kind, error.retriable, error.status) == ("auth", False, 401)

        environ["ANTHROPIC_API_KEY"] = "sk-ant-test-new-0002"
        assert model.reload_credentials() is True
        assert model.complete(PROMPT, timeout=5).text == fake.reply_text

    assert [r.headers["x-api-key"] for r in fake.requests] == ["sk-ant-test-old-0001", "sk-ant-test-new-0002"]


def test_s2_the_api_key_never_appears_in_errors_logs_bodies_or_repr(
    fake: FakeAnthropic, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key_file = tmp_path / "canary.key"
    key_file.write_text(CANARY_KEY, encoding="utf-8")
    source = SecretSource.from_file(key_file)
    fake.script(
        FakeAnthropic.error(401, "authentication_error", f"invalid x-api-key: {CANARY_KEY}"),
        FakeAnthropic.error(401, "authentication_error", f"invalid x-api-key {CANARY_KEY[:14]}...{CANARY_KEY[-6:]}"),
        FakeAnthropic.overloaded(),
    )
    errors: list[ProviderError] = []
    with AnthropicClient(fake.url, source, "claude-sonnet-4-5") as model:
        for _ in range(3):
            errors.append(fails(model, PROMPT))
        model.complete(PROMPT, timeout=5)
        shown = [repr(model), str(model), repr(source), str(source)]

    shown += [str(e) for e in errors] + [repr(e) for e in errors] + [caplog.text]
    shown += [r.body.decode() for r in fake.requests]
    for text in shown:
        assert CANARY_KEY not in text
        assert CANARY_KEY[:14] not in text
        assert CANARY_KEY[-6:] not in text


def test_a_missing_key_fails_this_model_as_auth_without_a_request(
    fake: FakeAnthropic, tmp_path: Path, http: httpx.Client
) -> None:
    with AnthropicClient(fake.url, SecretSource.from_file(tmp_path / "absent.key"), "claude", http=http) as model:
        error = fails(model, PROMPT)

    assert (error.kind, error.retriable) == ("auth", False)
    assert "cannot be read" in str(error)
    assert fake.request_count == 0


def test_s2_a_provider_that_echoes_the_key_gets_it_into_neither_the_text_nor_the_model_name(
    fake: FakeAnthropic, client: AnthropicClient
) -> None:
    key = "sk-ant-test-old-0001"  # the key_file's
    fake.script(fake.ok(f'{{"summary": "key {key}", "risk": "low", "concerns": []}}', model=f"claude {key}"))
    completion = client.complete(PROMPT, timeout=5)

    assert fake.requests[0].headers["x-api-key"] == key
    assert completion.text == '{"summary": "key (redacted)", "risk": "low", "concerns": []}'
    assert completion.model == "claude-sonnet-4-5"
