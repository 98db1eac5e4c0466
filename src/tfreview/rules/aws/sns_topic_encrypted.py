"""SNS topics without server-side encryption."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if not resource.get("kms_master_key_id"):
        yield Hit("kms_master_key_id", "the SNS topic has no KMS key, so messages are stored unencrypted")


RULE = Rule(
    id="TFR-AWS-047",
    long_id="aws-sns-topic-encrypted",
    title="SNS topic is not encrypted with KMS",
    severity=Severity.MEDIUM,
    provider="aws",
    category="encryption",
    resource_types=("aws_sns_topic",),
    remediation='Set `kms_master_key_id` to a customer-managed KMS key (or at least `"alias/aws/sns"`); the '
    "publishers and the subscribed services then need `kms:GenerateDataKey*`/`kms:Decrypt` on that key.",
    description="MEDIUM: SNS server-side encryption is opt-in; without it, messages waiting for delivery are kept "
    "without KMS encryption, and notifications often carry alerts, order data or personal data. It is not rated "
    "higher because reading the stored messages still requires access inside AWS.",
    references=References(checkov=("CKV_AWS_26",), trivy=("AVD-AWS-0095", "aws-sns-enable-topic-encryption")),
    check=check,
)
