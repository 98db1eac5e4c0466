"""The OpenAI-compatible adapter against the fake chat-completions server (L3, L4, L5, K3, S2)."""

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
from tests.fakes.llm_common import (
    Behaviour,
    Hang,
    Reply,
    StallAfterHeaders,
    deeply_nested,
    malformed_json,
    not_json,
)
from tests.fakes.llm_openai import FakeOpenAI
from tfreview.advisor.model import Prompt, ProviderError
from tfreview.advisor.openai import OpenAIClient
from tfreview.plumbing.secret_references import SecretSource

PROMPT = Prompt(system="You review Terraform changes.", user="aws_s3_bucket.logs: create", max_output_tokens=400)
SCHEMA: dict[str, object] = {"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"]}
CANARY_KEY = "sk-proj-CANARYc4n4ryK3yZ9q8w7e6r5t4y3u2i1o0pAbCdEf"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "openai.key"
    path.write_text("sk-test-old-key-0001\n", encoding="utf-8")
    return path


@pytest.fixture
def client(fake: FakeOpenAI, key_file: Path, http: httpx.Client) -> Iterator[OpenAIClient]:
    with OpenAIClient(f"{fake.url}/v1", SecretSource.from_file(key_file), "gpt-4o-mini", http=http) as model:
        yield model


def test_success_returns_the_text_the_model_and_the_usage(fake: FakeOpenAI, client: OpenAIClient) -> None:
    completion = client.complete(PROMPT, timeout=5)

    assert completion.text == fake.reply_text
    assert (completion.input_tokens, completion.output_tokens) == (812, 64)
    assert completion.model == "gpt-4o-mini"
    [request] = fake.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test-old-key-0001"
    body = request.json()
    assert body["messages"] == [
        {"role": "system", "content": PROMPT.system},
        {"role": "user", "content": PROMPT.user},
    ]
    assert body["max_tokens"] == 400
    assert "response_format" not in body


def test_a_schema_asks_for_structured_output(fake: FakeOpenAI, client: OpenAIClient) -> None:
    client.complete(Prompt(system="s", user="u", json_schema=SCHEMA), timeout=5)

    response_format = fake.requests[0].json()["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["schema"] == SCHEMA


def test_json_mode_for_servers_without_json_schema(fake: FakeOpenAI, key_file: Path, http: httpx.Client) -> None:
    key = SecretSource.from_file(key_file)
    with OpenAIClient(f"{fake.url}/v1", key, "llama3.1", structured_output="json_object", http=http) as model:
        model.complete(Prompt(system="s", user="u", json_schema=SCHEMA), timeout=5)

    assert fake.requests[0].json()["response_format"] == {"type": "json_object"}


def test_azure_style_sends_api_key_and_api_version_to_the_deployment(
    fake: FakeOpenAI, key_file: Path, http: httpx.Client
) -> None:
    deployment = f"{fake.url}/openai/deployments/review-gpt4o"
    with OpenAIClient(deployment, SecretSource.from_file(key_file), "gpt-4o", api_style="azure", http=http) as model:
        model.complete(PROMPT, timeout=5)

    [request] = fake.requests
    assert request.path == "/openai/deployments/review-gpt4o/chat/completions"
    assert request.query == {"api-version": ["2024-10-21"]}
    assert request.headers["api-key"] == "sk-test-old-key-0001"
    assert "authorization" not in request.headers


def test_a_local_server_needs_no_key(fake: FakeOpenAI, http: httpx.Client) -> None:
    with OpenAIClient(f"{fake.url}/v1", None, "qwen2.5-coder", http=http) as model:
        assert model.complete(PROMPT, timeout=5).text == fake.reply_text
        assert model.reload_credentials() is False

    assert "authorization" not in fake.requests[0].headers


def test_missing_usage_is_estimated_not_zero(fake: FakeOpenAI, client: OpenAIClient) -> None:
    fake.script(Reply.of_json(200, {"choices": [{"message": {"role": "assistant", "content": "x" * 400}}]}))

    completion = client.complete(PROMPT, timeout=5)

    assert completion.output_tokens == 100
    assert completion.input_tokens > 0


HTTP_DATE_NOW = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)

ERRORS: list[ErrorCase] = [
    ("429 Retry-After seconds", FakeOpenAI.rate_limited("7"), "throttled", True, 429, 7.0),
    ("429 Retry-After date", FakeOpenAI.rate_limited("Wed, 21 Oct 2015 07:28:07 GMT"), "throttled", True, 429, 7.0),
    ("429 insufficient_quota", FakeOpenAI.quota_exhausted(), "quota", False, 429, None),
    ("500", FakeOpenAI.server_error(500), "unavailable", True, 500, None),
    ("502 html", not_json(502), "unavailable", True, 502, None),
    ("503", FakeOpenAI.server_error(503), "unavailable", True, 503, None),
    ("400", FakeOpenAI.bad_request(400), "invalid_request", False, 400, None),
    ("404", FakeOpenAI.bad_request(404), "invalid_request", False, 404, None),
    ("422", FakeOpenAI.bad_request(422), "invalid_request", False, 422, None),
    ("401", FakeOpenAI.unauthorized(), "auth", False, 401, None),
    ("403", FakeOpenAI.forbidden(), "auth", False, 403, None),
    ("malformed JSON", malformed_json(), "malformed", False, 200, None),
    ("missing fields", FakeOpenAI.missing_fields(), "malformed", False, 200, None),
    # review19a: a body nested past the JSON reader's depth raised RecursionError out of the adapter: the chain's
    # "other", not retriable — a 503 or a 429 was not retried on this model, and a 200 was not "malformed"
    ("503 nested too deep", deeply_nested(503), "unavailable", True, 503, None),
    ("429 nested too deep", deeply_nested(429, (("Retry-After", "7"),)), "throttled", True, 429, 7.0),
    ("200 nested too deep", deeply_nested(200), "malformed", False, 200, None),
]


@error_cases(ERRORS)
def test_errors_are_classified_and_cost_exactly_one_request(
    fake: FakeOpenAI,
    key_file: Path,
    http: httpx.Client,
    behaviour: Behaviour,
    kind: str,
    retriable: bool,
    status: int | None,
    retry_after: float | None,
) -> None:
    with OpenAIClient(
        f"{fake.url}/v1", SecretSource.from_file(key_file), "gpt-4o-mini", http=http, now=lambda: HTTP_DATE_NOW
    ) as model:
        check_classified_error(
            fake, model, PROMPT, behaviour, kind=kind, retriable=retriable, status=status, retry_after=retry_after
        )


def test_an_oversized_answer_is_cut_off_as_malformed(fake: FakeOpenAI, client: OpenAIClient) -> None:
    fake.script(fake.oversized(2_000_000))

    error = fails(client, PROMPT)

    assert (error.kind, error.retriable) == ("malformed", False)
    assert fake.request_count == 1


def test_schema_breaking_output_is_returned_for_the_chain_to_validate(fake: FakeOpenAI, client: OpenAIClient) -> None:
    check_schema_breaking_output_is_returned(fake, client, PROMPT)


@pytest.mark.parametrize("behaviour", [Hang(), StallAfterHeaders()], ids=["hang", "headers-then-stall"])
def test_a_hanging_server_is_a_timeout_within_the_given_time(
    fake: FakeOpenAI, client: OpenAIClient, behaviour: Behaviour
) -> None:
    check_a_hang_is_a_timeout(fake, client, PROMPT, behaviour)


def test_a_refused_connection_is_retriable(key_file: Path, http: httpx.Client) -> None:
    with FakeOpenAI() as gone:
        url = f"{gone.url}/v1"
    with OpenAIClient(url, SecretSource.from_file(key_file), "gpt-4o-mini", http=http) as model:
        error = fails(model, PROMPT, timeout=2)

    assert (error.kind, error.retriable) == ("unavailable", True)


def test_k3_a_rotated_key_is_reloaded_once_from_its_file(
    fake: FakeOpenAI, client: OpenAIClient, key_file: Path
) -> None:
    fake.valid_keys = {"sk-test-new-key-0002"}

    error = fails(client, PROMPT)
    assert (error.kind, error.retriable, error.status) == ("auth", False, 401)

    key_file.write_text("sk-test-new-key-0002\n", encoding="utf-8")
    assert client.reload_credentials() is True
    assert client.complete(PROMPT, timeout=5).text == fake.reply_text
    assert client.reload_credentials() is False  # unchanged: nothing to retry with
    assert [r.headers["authorization"] for r in fake.requests] == [
        "Bearer sk-test-old-key-0001",
        "Bearer sk-test-new-key-0002",
    ]


def test_s2_the_api_key_never_appears_in_errors_logs_bodies_or_repr(
    fake: FakeOpenAI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key_file = tmp_path / "canary.key"
    key_file.write_text(CANARY_KEY, encoding="utf-8")
    source = SecretSource.from_file(key_file)
    # the provider echoes the key it was given, whole and in part
    fake.script(
        FakeOpenAI.unauthorized(shown_key=CANARY_KEY),
        FakeOpenAI.unauthorized(shown_key=f"{CANARY_KEY[:12]}***{CANARY_KEY[-8:]}"),
        FakeOpenAI.server_error(500),
    )
    errors: list[ProviderError] = []
    with OpenAIClient(f"{fake.url}/v1", source, "gpt-4o-mini") as model:
        for _ in range(3):
            errors.append(fails(model, PROMPT))
        model.complete(PROMPT, timeout=5)
        shown = [repr(model), str(model), repr(source), str(source)]

    shown += [str(e) for e in errors] + [repr(e) for e in errors] + [caplog.text]
    shown += [r.body.decode() for r in fake.requests]
    for text in shown:
        assert CANARY_KEY not in text
        assert CANARY_KEY[:12] not in text
        assert CANARY_KEY[-8:] not in text
    assert all(e.__cause__ is None for e in errors)


def test_a_missing_key_fails_this_model_as_auth_without_a_request(fake: FakeOpenAI, http: httpx.Client) -> None:
    source = SecretSource.from_env("TFREVIEW_TEST_UNSET_KEY", environ={})
    with OpenAIClient(f"{fake.url}/v1", source, "gpt-4o-mini", http=http) as model:
        error = fails(model, PROMPT)

    assert (error.kind, error.retriable) == ("auth", False)
    assert "env TFREVIEW_TEST_UNSET_KEY is not set" in str(error)
    assert fake.request_count == 0


def test_s2_a_provider_that_echoes_the_key_gets_it_into_neither_the_text_nor_the_model_name(
    fake: FakeOpenAI, tmp_path: Path, http: httpx.Client
) -> None:
    """A hostile endpoint (or a proxy in front of one) answers with the key it was sent: in the model's text and in
    the `model` field, which the comment names. An Azure key is 32 hex digits, no secret *shape*: only the
    adapter knows it is the key."""
    azure_key = "0f3a9c2e51b847d6a1c0e9f8b7d6c5a4"
    path = tmp_path / "azure.key"
    path.write_text(azure_key, encoding="utf-8")
    deployment = f"{fake.url}/openai/deployments/review-gpt4o"
    echoed = f'{{"summary": "your key is {azure_key} (or {azure_key[:16]})", "risk": "low", "concerns": []}}'
    fake.script(fake.ok(echoed, model=f"gpt-4o {azure_key}"), fake.ok(echoed, model="[x](http://evil.example) @org"))
    with OpenAIClient(deployment, SecretSource.from_file(path), "gpt-4o", api_style="azure", http=http) as model:
        first = model.complete(PROMPT, timeout=5)
        second = model.complete(PROMPT, timeout=5)

    assert fake.requests[0].headers["api-key"] == azure_key  # the key did go out, and came back
    assert azure_key[:16] not in first.text + first.model
    assert first.text == '{"summary": "your key is (redacted) (or (redacted))", "risk": "low", "concerns": []}'
    assert first.model == "gpt-4o"  # a model name that is no model name: the configured one
    assert second.model == "gpt-4o"


def test_s2_only_long_runs_of_the_key_are_taken_out_of_an_answer(
    fake: FakeOpenAI, tmp_path: Path, http: httpx.Client
) -> None:
    """A short run shared with another secret ("canary" in both the key and a plan password) stays for the
    redactor, which must find that password whole; a run of 12 characters or more is the key's and goes."""
    key = "sk-canary-0f3a9c2e51b847d6a1c0"
    path = tmp_path / "openai.key"
    path.write_text(key, encoding="utf-8")
    password = "canaryPw7f3a9c2e51zz"
    fake.script(fake.ok(f'{{"summary": "{password} and {key[3:19]}", "risk": "low", "concerns": []}}'))
    with OpenAIClient(f"{fake.url}/v1", SecretSource.from_file(path), "gpt-4o-mini", http=http) as model:
        completion = model.complete(PROMPT, timeout=5)

    assert completion.text == f'{{"summary": "{password} and (redacted)", "risk": "low", "concerns": []}}'


@pytest.mark.parametrize("answered", ["gpt-4o/@org/team", "gpt-4o-@alice", "gpt.@octocat"])
def test_s3_a_model_name_that_would_mention_someone_is_not_shown(
    fake: FakeOpenAI, client: OpenAIClient, answered: str
) -> None:
    """The answered `model` is shown in the comment's AI heading; `…/@org/team` there is a live team mention (an
    `@` after a letter or digit, as in Vertex's `claude-3-5-sonnet@20240620`, is not one and stays)."""
    fake.script(fake.ok('{"summary": "ok", "risk": "low", "concerns": []}', model=answered))
    fake.script(fake.ok('{"summary": "ok", "risk": "low", "concerns": []}', model="claude-3-5-sonnet@20240620"))

    assert client.complete(PROMPT, timeout=5).model == "gpt-4o-mini"
    assert client.complete(PROMPT, timeout=5).model == "claude-3-5-sonnet@20240620"
