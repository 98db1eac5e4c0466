"""RDS database instances are not reachable from the internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if terraform_bool(resource.get("publicly_accessible")) is True:
        yield Hit("publicly_accessible", "the database gets a public endpoint (`publicly_accessible = true`)")


RULE = Rule(
    id="TFR-AWS-022",
    long_id="aws-rds-no-public-access",
    title="RDS instance is publicly accessible",
    severity=Severity.HIGH,
    provider="aws",
    category="networking",
    resource_types=("aws_db_instance", "aws_rds_cluster_instance"),
    remediation="Set `publicly_accessible = false` (the default), place the database in private subnets and "
    "reach it through the application, a VPN or a bastion.",
    description="A publicly accessible instance gets a DNS name resolving to a public IP, so only its security "
    "group stands between the database and the internet; HIGH because databases hold the data an attacker "
    "wants and their ports are scanned constantly. Aurora cluster members (`aws_rds_cluster_instance`) are "
    "checked as well. Only an explicit `true` is flagged: the provider default is false.",
    references=References(checkov=("CKV_AWS_17",), trivy=("AVD-AWS-0180",)),
    check=check,
)
