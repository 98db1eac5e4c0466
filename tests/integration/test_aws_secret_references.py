"""Issue 11 K1: `aws-sm:ARN` secret references, against moto's server mode on 127.0.0.1 (a local AWS endpoint
that `AWS_ENDPOINT_URL` points boto3 at) and `tfreview serve` as a real process: a webhook secret read from
Secrets Manager signs deliveries (the reference's own text does not), and an ARN that does not resolve stops
the start with one line (exit 2) naming the setting and the ARN — never a value."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.notify import MotoAws
from tests.integration.test_secret_references import _serve, _stop
from tests.integration.test_serve_process import tfreview, tfreview_env
from tests.web import deliveries
from tfreview.core.errors import ConfigError
from tfreview.plumbing.secret_references import SecretSource, check_resolvable

CANARY = "gh-hook-aws-canary-5e0d41b7"
JSON_CANARY = "model-key-aws-canary-0c9b2e"


@pytest.fixture(scope="module")
def aws() -> Iterator[MotoAws]:
    with MotoAws() as server:
        yield server


@pytest.fixture
def aws_env(aws: MotoAws, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "AWS_ENDPOINT_URL": aws.endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # moto's documented dummy credentials
        "AWS_DEFAULT_REGION": MotoAws.REGION,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _secret(aws: MotoAws, name: str, value: str) -> str:
    created = aws.client("secretsmanager").create_secret(Name=name, SecretString=value)
    return str(created["ARN"])


def test_a_secret_is_read_from_secrets_manager_and_reloaded_after_a_new_version(
    aws: MotoAws, aws_env: dict[str, str]
) -> None:
    arn = _secret(aws, "tfreview/unit-reload", CANARY)
    source = SecretSource.parse(f"aws-sm:{arn}")
    assert source.value() == CANARY
    assert source.kind == "aws-sm"
    assert CANARY not in repr(source)
    aws.client("secretsmanager").put_secret_value(SecretId=arn, SecretString=CANARY + "-v2")
    assert source.reload() is True
    assert source.value() == CANARY + "-v2"


def test_a_field_of_a_json_secret(aws: MotoAws, aws_env: dict[str, str]) -> None:
    arn = _secret(aws, "tfreview/models", json.dumps({"openai": JSON_CANARY}))
    assert SecretSource.parse(f"aws-sm:{arn}#openai").value() == JSON_CANARY
    with pytest.raises(ConfigError, match="has no string field anthropic") as error:
        SecretSource.parse(f"aws-sm:{arn}#anthropic").value()
    assert JSON_CANARY not in str(error.value)


def test_a_field_of_a_secret_nested_past_the_readers_depth_is_one_config_error(
    aws: MotoAws, aws_env: dict[str, str]
) -> None:
    """`[[[[…` was a RecursionError out of the reference, past `refusing to start: …` (ADR 0680)."""
    arn = _secret(aws, "tfreview/nested", "[" * 60_000)  # within Secrets Manager's 64 KiB
    with pytest.raises(ConfigError, match=r"is not a JSON object \(asked for field openai\)$"):
        SecretSource.parse(f"aws-sm:{arn}#openai").value()


def test_a_missing_secret_is_one_line_naming_the_arn(aws: MotoAws, aws_env: dict[str, str]) -> None:
    arn = f"arn:aws:secretsmanager:{MotoAws.REGION}:123456789012:secret:tfreview/absent-AbCdEf"
    with pytest.raises(ConfigError) as error:
        check_resolvable([("TFREVIEW_GITHUB_APP__TOKEN", SecretSource.parse(f"aws-sm:{arn}"))])
    message = str(error.value)
    assert message.startswith("refusing to start: TFREVIEW_GITHUB_APP__TOKEN: credential aws-sm ")
    assert "ResourceNotFoundException" in message
    assert "\n" not in message


def test_a_malformed_arn_is_refused() -> None:
    with pytest.raises(ConfigError, match="aws-sm:arn:aws:secretsmanager"):
        SecretSource.parse("aws-sm:not-an-arn")


def test_serve_verifies_webhooks_with_a_secret_from_secrets_manager(
    aws: MotoAws, aws_env: dict[str, str], tmp_path: Path
) -> None:
    arn = _secret(aws, "tfreview/github-webhook", CANARY)
    env = tfreview_env(
        TFREVIEW_LOG_LEVEL="WARNING",
        TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": f"aws-sm:{arn}"}]),
        **aws_env,
    )
    process, url = _serve(tmp_path / "data", env)
    try:
        ping = deliveries.fixture_bytes("github.ping.payload.json")
        with httpx.Client(base_url=url, timeout=30) as client:
            literal = deliveries.github("ping", ping, secret=f"aws-sm:{arn}")
            signed = deliveries.github("ping", ping, secret=CANARY)
            assert client.post("/webhooks/github", content=literal.body, headers=literal.headers).status_code == 401
            answer = client.post("/webhooks/github", content=signed.body, headers=signed.headers)
            assert answer.status_code == 200, answer.text
    finally:
        _stop(process)


def test_serve_refuses_to_start_on_an_arn_that_does_not_resolve(aws_env: dict[str, str], tmp_path: Path) -> None:
    arn = f"arn:aws:secretsmanager:{MotoAws.REGION}:123456789012:secret:tfreview/never-created-Zz9Yx8"
    env = tfreview_env(TFREVIEW_GITHUB__WEBHOOK_SECRETS=json.dumps([{"value": f"aws-sm:{arn}"}]), **aws_env)
    result = tfreview("serve", "--port", "0", "--data-dir", str(tmp_path / "data"), env=env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "TFREVIEW_GITHUB__WEBHOOK_SECRETS" in lines[0]
    assert "ResourceNotFoundException" in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()
