"""MySQL and PostgreSQL RDS instances without IAM database authentication."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity

ENGINES = ("mysql", "postgres")  # engines where Checkov and Trivy expect IAM auth on the instance


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("engine") not in ENGINES:  # Aurora sets it on the cluster; unknown engines are skipped
        return
    if resource.get("iam_database_authentication_enabled") is not True:
        yield Hit("iam_database_authentication_enabled", "IAM database authentication is not enabled")


RULE = Rule(
    id="TFR-AWS-053",
    long_id="aws-rds-iam-auth",
    title="RDS MySQL/PostgreSQL instance does not use IAM database authentication",
    severity=Severity.LOW,
    provider="aws",
    category="iam",
    resource_types=("aws_db_instance",),
    remediation="Set `iam_database_authentication_enabled = true` and grant `rds-db:connect` to the roles that "
    "connect; database users then log in with short-lived IAM tokens instead of stored passwords.",
    description="LOW: IAM authentication replaces long-lived database passwords with 15-minute tokens tied to IAM "
    "identities and CloudTrail. It is defence in depth; password authentication with managed secrets can be "
    "safe too, hence LOW. Only the `mysql` and `postgres` engines are checked, as in Checkov and Trivy.",
    references=("CKV_AWS_161", "AVD-AWS-0176", "aws-rds-enable-iam-auth"),
    check=check,
)
