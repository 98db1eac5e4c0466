"""`aws-sm:ARN` secret references: the value of an AWS Secrets Manager secret (issue 11, K1).

`aws-sm:arn:aws:secretsmanager:eu-west-1:123456789012:secret:tfreview/webhook-AbCdEf` reads the secret's
current version (`AWSCURRENT`); `aws-sm:ARN#field` reads one field of a JSON secret string. The region
is the ARN's; the endpoint is boto3's own choice, so `AWS_ENDPOINT_URL` (or
`AWS_ENDPOINT_URL_SECRETS_MANAGER`) points it at a VPC endpoint or a local AWS endpoint. Credentials come
from the default AWS chain (role, environment, profile).

boto3 is imported only when such a reference is read (the `aws` extra). Every failure is a ConfigError
naming the ARN and the AWS error code — never the secret, never AWS's message text (it may echo input).
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.core.errors import ConfigError
from tfreview.plumbing.json_documents import NotJson, read_json

# arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME
_ARN = re.compile(r"arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:[A-Za-z0-9/_+=.@!-]+")
_FIELD = re.compile(r"[A-Za-z0-9_.-]{1,128}")
TIMEOUT_SECONDS = 5.0


def parse_arn(where: str) -> tuple[str, str, str | None]:
    """(arn, region, field) of `ARN` or `ARN#field`; ConfigError when it is not a Secrets Manager secret ARN."""
    arn, _, field = where.partition("#")
    match = _ARN.fullmatch(arn)
    if match is None or (field and _FIELD.fullmatch(field) is None):
        raise ConfigError(
            "an AWS Secrets Manager reference is written aws-sm:arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME"
            "[#field]"
        )
    return arn, match.group(1), field or None


def read_secret(arn: str, region: str, field: str | None) -> str:
    """The secret string of `arn` (its current version), or one field of it when it is a JSON object."""
    origin = f"aws-sm {arn}" + (f"#{field}" if field else "")
    text = _secret_string(arn, region, origin)
    if field is None:
        return text
    try:
        document = read_json(text)
    except NotJson:  # `[[[[…` past the reader's depth too (ADR 0680)
        raise ConfigError(f"credential {origin} is not a JSON object (asked for field {field})") from None
    value = document.get(field) if isinstance(document, dict) else None
    if not isinstance(value, str):
        raise ConfigError(f"credential {origin} has no string field {field}")
    return value


def _secret_string(arn: str, region: str, origin: str) -> str:
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        raise ConfigError(f"credential {origin} needs boto3: pip install 'tfreview[aws]'") from None
    config = Config(
        connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS, retries={"max_attempts": 2, "mode": "standard"}
    )
    try:
        client: Any = boto3.client("secretsmanager", region_name=region, config=config)
        answer = client.get_secret_value(SecretId=arn)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        raise ConfigError(f"credential {origin} cannot be read: {code}") from None
    except BotoCoreError as error:
        raise ConfigError(f"credential {origin} cannot be read: {type(error).__name__}") from None
    text = answer.get("SecretString")
    if not isinstance(text, str):
        raise ConfigError(f"credential {origin} is a binary secret; store the value as a secret string")
    return text
