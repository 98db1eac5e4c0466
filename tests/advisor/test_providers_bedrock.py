"""The Bedrock adapter, with real botocore signing and parsing, against the fake Converse server (L3–L5, K3, S2)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.advisor.provider_checks import check_a_hang_is_a_timeout, check_schema_breaking_output_is_returned, fails
from tests.fakes.llm_bedrock import ERROR_STATUS, FakeBedrock
from tests.fakes.llm_common import Behaviour, Hang, Reply, StallAfterHeaders, malformed_json
from tfreview.advisor.bedrock import AwsCredentials, BedrockClient
from tfreview.advisor.model import Prompt, ProviderError
from tfreview.plumbing.secret_references import SecretSource

MODEL_ID = "anthropic.claude-3-5-sonnet-20240620-v1:0"
PROMPT = Prompt(system="You review Terraform changes.", user="aws_db_instance.main: replace", max_output_tokens=500)
OLD_KEY_ID = "AKIAFAKEOLD000000001"
NEW_KEY_ID = "AKIAFAKENEW000000002"
CANARY_SECRET = "CANARYsecretKey/q1w2e3r4t5y6u7i8o9p0AsDfGhJk"


@pytest.fixture(autouse=True)
def _no_instance_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 must never probe EC2 instance metadata or pick up a developer's AWS settings."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in (
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_BEARER_TOKEN_BEDROCK",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake() -> Iterator[FakeBedrock]:
    with FakeBedrock() as server:
        yield server


@pytest.fixture
def key_id_file(tmp_path: Path) -> Path:
    path = tmp_path / "aws_access_key_id"
    path.write_text(OLD_KEY_ID, encoding="utf-8")
    return path


@pytest.fixture
def credentials(key_id_file: Path, tmp_path: Path) -> AwsCredentials:
    secret = tmp_path / "aws_secret_access_key"
    secret.write_text("fake-secret-access-key-for-tests", encoding="utf-8")
    return AwsCredentials(SecretSource.from_file(key_id_file), SecretSource.from_file(secret))


@pytest.fixture
def client(fake: FakeBedrock, credentials: AwsCredentials) -> Iterator[BedrockClient]:
    with BedrockClient("eu-west-1", MODEL_ID, endpoint_url=fake.url, credentials=credentials) as model:
        yield model


def test_success_returns_the_text_and_the_usage(fake: FakeBedrock, client: BedrockClient) -> None:
    completion = client.complete(PROMPT, timeout=5)

    assert completion.text == fake.reply_text
    assert (completion.input_tokens, completion.output_tokens) == (777, 58)
    assert completion.model == MODEL_ID
    [request] = fake.requests
    assert fake.model_of(request) == MODEL_ID
    assert request.headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={OLD_KEY_ID}/")
    assert "/eu-west-1/bedrock/aws4_request" in request.headers["authorization"]
    body = request.json()
    assert body["system"] == [{"text": PROMPT.system}]
    assert body["messages"] == [{"role": "user", "content": [{"text": PROMPT.user}]}]
    assert body["inferenceConfig"]["maxTokens"] == 500


ERRORS: list[tuple[str, str, bool]] = [
    ("ThrottlingException", "throttled", True),
    ("ServiceUnavailableException", "unavailable", True),
    ("ModelNotReadyException", "unavailable", True),
    ("ModelTimeoutException", "timeout", True),
    ("InternalServerException", "unavailable", True),
    ("ValidationException", "invalid_request", False),
    ("AccessDeniedException", "auth", False),
    ("ResourceNotFoundException", "invalid_request", False),
    ("UnrecognizedClientException", "auth", False),
    ("ModelErrorException", "other", False),
]


@pytest.mark.parametrize(("code", "kind", "retriable"), ERRORS, ids=[case[0] for case in ERRORS])
def test_errors_are_classified_and_cost_exactly_one_request(
    fake: FakeBedrock, client: BedrockClient, code: str, kind: str, retriable: bool
) -> None:
    fake.script(FakeBedrock.error(code, f"{code} from the fake"))

    error = fails(client, PROMPT)

    assert (error.provider, error.kind, error.retriable) == ("bedrock", kind, retriable)
    assert error.status == ERROR_STATUS[code]
    assert code in str(error)
    assert fake.request_count == 1  # L3: botocore's own retries are off (it would retry throttling and 5xx)


def test_an_unknown_5xx_is_retriable(fake: FakeBedrock, client: BedrockClient) -> None:
    fake.script(FakeBedrock.error("SomethingNewException", "new", status=502))

    error = fails(client, PROMPT)

    assert (error.kind, error.retriable, error.status) == ("unavailable", True, 502)
    assert fake.request_count == 1


def test_retry_after_is_read_when_bedrock_sends_it(fake: FakeBedrock, client: BedrockClient) -> None:
    fake.script(FakeBedrock.error("ThrottlingException", "slow down", headers=(("Retry-After", "7"),)))

    assert fails(client, PROMPT).retry_after == 7.0


@pytest.mark.parametrize(
    "behaviour",
    [malformed_json(), FakeBedrock.missing_fields(), FakeBedrock().oversized(300_000)],
    ids=["malformed JSON", "missing fields", "oversized"],
)
def test_unusable_answers_are_malformed(fake: FakeBedrock, client: BedrockClient, behaviour: Behaviour) -> None:
    fake.script(behaviour)

    error = fails(client, PROMPT)

    assert (error.kind, error.retriable) == ("malformed", False)
    assert fake.request_count == 1


def test_schema_breaking_output_is_returned_for_the_chain_to_validate(fake: FakeBedrock, client: BedrockClient) -> None:
    check_schema_breaking_output_is_returned(fake, client, PROMPT)


@pytest.mark.parametrize("behaviour", [Hang(), StallAfterHeaders()], ids=["hang", "headers-then-stall"])
def test_a_hanging_server_is_a_timeout_within_the_given_time(
    fake: FakeBedrock, client: BedrockClient, behaviour: Behaviour
) -> None:
    client.complete(PROMPT, timeout=0.5)  # builds the boto3 client for this timeout (~0.5 s) outside the measure
    check_a_hang_is_a_timeout(
        fake, client, PROMPT, behaviour, requests=2
    )  # botocore would retry a read timeout; it must not


def test_a_refused_connection_is_retriable(credentials: AwsCredentials) -> None:
    with FakeBedrock() as gone:
        url = gone.url
    with BedrockClient("eu-west-1", MODEL_ID, endpoint_url=url, credentials=credentials) as model:
        error = fails(model, PROMPT, timeout=2)

    assert (error.kind, error.retriable) == ("unavailable", True)


def test_k3_a_rotated_access_key_is_reloaded_once_from_its_file(
    fake: FakeBedrock, client: BedrockClient, key_id_file: Path
) -> None:
    fake.valid_keys = {NEW_KEY_ID}

    error = fails(client, PROMPT)
    assert (error.kind, error.retriable, error.status) == ("auth", False, 403)

    key_id_file.write_text(NEW_KEY_ID, encoding="utf-8")
    assert client.reload_credentials() is True
    assert client.complete(PROMPT, timeout=5).text == fake.reply_text
    assert client.reload_credentials() is False
    assert [fake.key_of(r) for r in fake.requests] == [OLD_KEY_ID, NEW_KEY_ID]


def test_k3_the_default_chain_is_re_read_on_reload(
    fake: FakeBedrock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "credentials"
    shared.write_text(f"[default]\naws_access_key_id = {OLD_KEY_ID}\naws_secret_access_key = s1\n", encoding="utf-8")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(shared))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    fake.valid_keys = {NEW_KEY_ID}
    with BedrockClient("eu-west-1", MODEL_ID, endpoint_url=fake.url) as model:
        assert fails(model, PROMPT).kind == "auth"
        shared.write_text(
            f"[default]\naws_access_key_id = {NEW_KEY_ID}\naws_secret_access_key = s2\n", encoding="utf-8"
        )
        assert model.reload_credentials() is True
        assert model.complete(PROMPT, timeout=5).input_tokens == 777


def test_s2_the_secret_key_never_appears_in_errors_logs_traffic_or_repr(
    fake: FakeBedrock, key_id_file: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_file = tmp_path / "canary_secret"
    secret_file.write_text(CANARY_SECRET, encoding="utf-8")
    credentials = AwsCredentials(SecretSource.from_file(key_id_file), SecretSource.from_file(secret_file))
    fake.script(
        FakeBedrock.error(
            "InvalidSignatureException", f"The request signature we calculated does not match: {CANARY_SECRET}"
        ),
        FakeBedrock.throttled(),
    )
    errors: list[ProviderError] = []
    with BedrockClient("eu-west-1", MODEL_ID, endpoint_url=fake.url, credentials=credentials) as model:
        for _ in range(2):
            errors.append(fails(model, PROMPT))
        model.complete(PROMPT, timeout=5)
        shown = [repr(model), str(model), repr(credentials), repr(credentials.secret_access_key)]

    assert errors[0].kind == "auth"
    shown += [str(e) for e in errors] + [repr(e) for e in errors] + [caplog.text]
    shown += [r.body.decode() + repr(r.headers) for r in fake.requests]
    for text in shown:
        assert CANARY_SECRET not in text
        assert CANARY_SECRET[:10] not in text


def test_a_missing_credential_fails_this_model_as_auth_without_a_request(fake: FakeBedrock, tmp_path: Path) -> None:
    credentials = AwsCredentials(
        SecretSource.from_env("TFREVIEW_TEST_UNSET", environ={}), SecretSource.from_env("X", environ={})
    )
    with BedrockClient("eu-west-1", MODEL_ID, endpoint_url=fake.url, credentials=credentials) as model:
        error = fails(model, PROMPT)

    assert (error.kind, error.retriable) == ("auth", False)
    assert fake.request_count == 0


@pytest.mark.parametrize(("status", "code", "kind"), [(503, "ServiceUnavailableException", "unavailable"),
                                                      (429, "ThrottlingException", "throttled")])  # fmt: skip
def test_an_error_answer_nested_past_the_json_readers_depth_keeps_its_class(
    fake: FakeBedrock, client: BedrockClient, status: int, code: str, kind: str
) -> None:
    """review19a: botocore parses an error answer's body to read its message; `[[[[…` 100 000 deep raised RecursionError
    in its parser, read as a malformed answer: not retriable, so a throttled or unavailable model was not asked again.
    The status and the `x-amzn-ErrorType` header say what it is; the body's message is lost, not the class."""
    fake.script(
        Reply(
            status,
            b"[" * 100_000,
            (
                ("Content-Type", "application/json"),
                ("x-amzn-ErrorType", f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
            ),
        )
    )

    error = fails(client, PROMPT)

    assert (error.kind, error.retriable, error.status) == (kind, True, status)
    assert fake.request_count == 1
