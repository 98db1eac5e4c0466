"""CloudTrail trails sign their log files."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("enable_log_file_validation") is not True:
        yield Hit("enable_log_file_validation", "log file integrity validation is off for this trail")


RULE = Rule(
    id="TFR-AWS-037",
    long_id="aws-cloudtrail-log-validation",
    title="CloudTrail log file validation is disabled",
    severity=Severity.LOW,
    provider="aws",
    category="logging",
    resource_types=("aws_cloudtrail",),
    remediation="Set `enable_log_file_validation = true`; CloudTrail then writes signed digest files that "
    "`aws cloudtrail validate-logs` checks.",
    description="Without digest files nobody can prove that delivered log files were not modified or deleted "
    "after the fact, which matters in an investigation (CIS AWS 3.2). LOW: it adds evidence of tampering "
    "rather than preventing it; locking the log bucket (object lock, restrictive policy) matters more.",
    references=("CKV_AWS_36", "AVD-AWS-0016", "aws-cloudtrail-enable-log-validation"),
    check=check,
)
