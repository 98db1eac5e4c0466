"""RDS instances and clusters keep automated backups."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == "aws_db_instance" and resource.get("replicate_source_db") not in (None, ""):
        return  # read replicas rely on the source's backups; 0 is their normal setting
    period = resource.get("backup_retention_period")
    if isinstance(period, bool) or not isinstance(period, int | float | str):
        return  # unset (AWS default: 1 day) or unknown
    try:
        days = int(period)
    except ValueError:
        return
    if days < 1:
        yield Hit("backup_retention_period", "automated backups are turned off (`backup_retention_period = 0`)")


RULE = Rule(
    id="TFR-AWS-024",
    long_id="aws-rds-backup-retention",
    title="RDS automated backups are turned off",
    severity=Severity.MEDIUM,
    provider="aws",
    category="backup",
    resource_types=("aws_db_instance", "aws_rds_cluster"),
    remediation="Set `backup_retention_period` to at least 1 (7 or more for production) so the database can "
    "be restored to a point in time.",
    description="With a retention period of 0 RDS takes no automated backups and point-in-time recovery is "
    "impossible; MEDIUM because it only matters once something else has gone wrong. Only an explicit 0 is "
    "flagged: when the argument is unset the RDS API applies its default of 1 day (the provider leaves it "
    "to AWS, so a plan shows it as known after apply), which Checkov's CKV_AWS_133 also accepts. Read "
    "replicas (`replicate_source_db`) are skipped. Trivy's AVD-AWS-0077 wants more than 1 day; it is not "
    "listed as a peer because its threshold differs.",
    references=("CKV_AWS_133",),
    check=check,
)
