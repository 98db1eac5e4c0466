"""CloudWatch log groups not encrypted with a customer-managed KMS key."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if not resource.get("kms_key_id"):
        yield Hit("kms_key_id", "the log group is not encrypted with a customer-managed KMS key")


RULE = Rule(
    id="TFR-AWS-049",
    long_id="aws-cloudwatch-log-group-cmk",
    title="CloudWatch log group is not encrypted with a KMS key",
    severity=Severity.MEDIUM,
    provider="aws",
    category="encryption",
    resource_types=("aws_cloudwatch_log_group",),
    remediation="Set `kms_key_id` to the ARN of a KMS key whose key policy allows the "
    "`logs.<region>.amazonaws.com` service principal to use it.",
    description="MEDIUM: logs routinely capture tokens, request bodies and personal data. CloudWatch encrypts log "
    "data with a service-owned key anyway, so anyone with `logs:GetLogEvents` can read it; a customer-managed "
    "key adds a second, auditable gate (the key policy) and lets you revoke access by disabling the key. "
    "Trivy rates this LOW because the data is never stored in clear.",
    references=References(checkov=("CKV_AWS_158",), trivy=("AVD-AWS-0017", "aws-cloudwatch-log-group-customer-key")),
    check=check,
)
