"""SQS queues with server-side encryption explicitly switched off."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, terraform_bool


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    key = resource.get("kms_master_key_id")
    if key is UNKNOWN or key:  # SSE-KMS (a key known only after apply is still a key)
        return
    if terraform_bool(resource.get("sqs_managed_sse_enabled")) is False:
        yield Hit("sqs_managed_sse_enabled", "the SQS queue has neither a KMS key nor SQS-managed encryption", False)


RULE = Rule(
    id="TFR-AWS-048",
    long_id="aws-sqs-queue-encrypted",
    title="SQS queue is not encrypted at rest",
    severity=Severity.MEDIUM,
    provider="aws",
    category="encryption",
    resource_types=("aws_sqs_queue",),
    remediation="Remove `sqs_managed_sse_enabled = false` (SSE-SQS is the default), or set `kms_master_key_id` to "
    "a KMS key for SSE-KMS and key-policy control over who can read the messages.",
    description="MEDIUM: an unencrypted queue stores message bodies, often business or personal data, in clear "
    "at rest; reading them still requires access inside AWS, hence not higher. Since AWS provider 4.x (and AWS "
    "itself since late 2022) new queues get SSE-SQS by default, so this rule fires only when "
    "`sqs_managed_sse_enabled` is explicitly false and no `kms_master_key_id` is set. Unlike Checkov, a queue "
    "that sets neither is not flagged; a plan that leaves the setting to be computed is not flagged either.",
    references=References(checkov=("CKV_AWS_27",), trivy=("AVD-AWS-0096", "aws-sqs-enable-queue-encryption")),
    check=check,
)
