"""RDS instances and clusters are protected against deletion."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == "aws_db_instance":
        engine = resource.get("engine")
        if isinstance(engine, str) and engine.startswith("aurora"):
            return  # an Aurora member's data belongs to its cluster, protected there
    protected = terraform_bool(resource.get("deletion_protection"))
    if protected is False or protected is None:
        message = "is off" if protected is False else "is not set (the default is false)"
        yield Hit("deletion_protection", f"deletion protection {message}")


RULE = Rule(
    id="TFR-AWS-023",
    long_id="aws-rds-deletion-protection",
    title="RDS database has no deletion protection",
    severity=Severity.MEDIUM,
    provider="aws",
    category="backup",
    resource_types=("aws_db_instance", "aws_rds_cluster"),
    remediation="Set `deletion_protection = true`; turning it off then takes a deliberate, separate change "
    "before the database can be destroyed.",
    description="Without deletion protection a mistaken `terraform destroy`, a replacement forced by a changed "
    "argument or a console click deletes the database (and, with `skip_final_snapshot`, every backup). "
    "MEDIUM: it guards against accidents, not attackers. The provider default is false, so an unset "
    "argument is flagged. `aws_db_instance` members of an Aurora cluster are skipped: the cluster holds "
    "the data and its own `deletion_protection` is checked.",
    references=References(checkov=("CKV_AWS_293", "CKV_AWS_139"), trivy=("AVD-AWS-0177", "AVD-AWS-0343")),
    check=check,
)
