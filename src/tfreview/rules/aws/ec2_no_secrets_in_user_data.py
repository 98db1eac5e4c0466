"""No hard-coded AWS keys or private keys in EC2 user data."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

from tfreview.core.redact import REDACTED
from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.placeholders import placeholder_reason

# each shape's group `v` is the value judged against the placeholders (documentation keys are not secrets)
_SHAPES = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(?P<v>(AKIA|ASIA)[A-Z0-9]{16})(?![A-Z0-9])")),
    (
        "an AWS secret key",
        # `KEY=…`, `KEY: …`, and the AWS CLI's `aws configure set aws_secret_access_key …` (a blank, no `=`)
        re.compile(r"(?i)aws_secret_access_key(?:\W{0,3}[:=]\W{0,3}|[ \t]+[\"']?)(?P<v>[A-Za-z0-9/+]{40})(?![\w/+=])"),
    ),
    ("a private key", re.compile(r"(?P<v>-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----)")),
)


def _real(shape: re.Pattern[str], text: str) -> bool:
    return any(placeholder_reason(m.group("v")) is None for m in shape.finditer(text))


def _texts(value: str) -> Iterator[str]:
    """The value as written, and decoded when it is base64 (optionally gzip-compressed, as cloud-init allows)."""
    yield value
    try:
        data = base64.b64decode("".join(value.split()), validate=True)
        if data[:2] == b"\x1f\x8b":
            import gzip  # here: a scan of instances without compressed user data does not import it

            data = gzip.decompress(data)
        yield data.decode("utf-8")
    except (ValueError, OSError, EOFError):  # not base64, not gzip, not text
        return


def _found(value: str) -> list[str]:
    """The shapes found in the value as written or decoded (`_texts`), each shape judged on the text first; the
    decoding is done once, when a shape first needs it (as a fresh `_texts` per shape would do it, three times)."""
    found = []
    decoded: list[str] | None = None
    for what, shape in _SHAPES:
        if _real(shape, value):
            found.append(what)
            continue
        if decoded is None:
            decoded = list(_texts(value))[1:]
        if any(_real(shape, text) for text in decoded):
            found.append(what)
    return found


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for attribute in ("user_data", "user_data_base64"):
        value = resource.get(attribute)
        if not isinstance(value, str) or not value:
            continue
        found = _found(value)
        if found:
            yield Hit(attribute, f"`{attribute}` contains {' and '.join(found)}", REDACTED)


RULE = Rule(
    id="TFR-AWS-027",
    long_id="aws-ec2-no-secrets-in-user-data",
    title="EC2 user data contains hard-coded credentials",
    severity=Severity.CRITICAL,
    provider="aws",
    category="secrets",
    resource_types=("aws_instance", "aws_launch_template", "aws_launch_configuration"),
    remediation="Remove the keys from user data and rotate them now; give the instance an IAM instance profile "
    "and fetch other secrets at boot from Secrets Manager or SSM Parameter Store.",
    description="User data is readable by anyone allowed `ec2:DescribeInstanceAttribute`, by every process on "
    "the instance through the metadata service, and is kept in state and plan files; CRITICAL because the "
    "keys are usable at once. Looks for AWS access key ids, literal `aws_secret_access_key` values (`=`, `:` or the "
    "AWS CLI's `aws configure set aws_secret_access_key KEY`) and "
    "private keys, in the text and in its base64 (optionally gzip) decoding, so `user_data_base64` and "
    "launch templates are covered. Plans show an instance's `user_data` only as a hash (HCL review sees it).",
    references=References(checkov=("CKV_AWS_46",), trivy=("AVD-AWS-0029", "AVD-AWS-0129")),
    check=check,
)
