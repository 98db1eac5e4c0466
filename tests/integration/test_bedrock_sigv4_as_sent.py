"""The SigV4 signature botocore computed still verifies against the request as httpx put it on the wire
(ADR 0508's sender): path bytes (a model ARN's `%3A`/`%2F` not re-normalised), host with its port, every signed
header and the body byte for byte — recomputed here from the received request with the secret key, as AWS would."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.fakes.llm_bedrock import FakeBedrock
from tests.fakes.llm_common import RecordedRequest
from tfreview.advisor.bedrock import AwsCredentials, BedrockClient
from tfreview.advisor.model import Prompt
from tfreview.plumbing.secret_references import SecretSource

KEY_ID, SECRET, TOKEN = "AKIATESTKEY000000001", "test/Secret+Key0000", "test-session-token"
PROMPT = Prompt(system="You review Terraform changes.", user="ünïcode ✓ aws_s3_bucket.logs", max_output_tokens=50)


@pytest.fixture(autouse=True)
def _no_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)


def _signature_as_aws_computes_it(request: RecordedRequest, region: str) -> tuple[str, str]:
    authorization = request.headers["authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    stamp = request.headers["x-amz-date"]
    scope = f"{stamp[:8]}/{region}/bedrock/aws4_request"
    canonical_headers = "".join(f"{name}:{' '.join(request.headers[name].split())}\n" for name in signed)
    canonical = "\n".join(
        [
            request.method,
            quote(request.path, safe="/~"),  # every service but S3: the path's bytes encoded once more
            "",
            canonical_headers,
            ";".join(signed),
            hashlib.sha256(request.body).hexdigest(),
        ]
    )
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{SECRET}".encode()
    for part in (stamp[:8], region, "bedrock", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), authorization.split("Signature=")[1]


@pytest.mark.parametrize(
    "model_id",
    ["anthropic.claude-3-5-sonnet-20240620-v1:0", "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.x"],
)
def test_the_signature_verifies_against_the_bytes_sent(model_id: str, tmp_path: Path) -> None:
    sources = []
    for name, value in (("key_id", KEY_ID), ("secret", SECRET), ("token", TOKEN)):
        (tmp_path / name).write_text(value, encoding="utf-8")
        sources.append(SecretSource.from_file(tmp_path / name))
    with (
        FakeBedrock() as server,
        BedrockClient("eu-west-1", model_id, endpoint_url=server.url, credentials=AwsCredentials(*sources)) as model,
    ):
        model.complete(PROMPT, timeout=5.0)
        [request] = server.requests
    assert {"host", "x-amz-date", "x-amz-security-token"} <= set(request.headers)
    assert request.headers["host"] == server.url.split("://")[1].rstrip("/")
    assert int(request.headers["content-length"]) == len(request.body)
    expected, sent = _signature_as_aws_computes_it(request, "eu-west-1")
    assert sent == expected
