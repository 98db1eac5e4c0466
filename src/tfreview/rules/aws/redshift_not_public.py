"""Redshift clusters should not be reachable from the internet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.provider_versions import older_than

# hashicorp/terraform-provider-aws#41978 (6.0): the provider default of `publicly_accessible` went from true to false
DEFAULT_CHANGED_IN = 6
MESSAGE = "the cluster is publicly accessible"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    value = resource.get("publicly_accessible")
    if value is True or (isinstance(value, str) and value.lower() == "true"):
        yield Hit("publicly_accessible", MESSAGE, value)
    elif resource.setting_of("publicly_accessible", value) is Setting.UNSET and (
        era := older_than(snapshot, "aws", DEFAULT_CHANGED_IN)
    ):
        yield Hit(
            "publicly_accessible",
            f"{MESSAGE} (`publicly_accessible` not set: the {era} defaults it to true; false only since 6.0)",
            True,
            unset=True,
        )


RULE = Rule(
    id="TFR-AWS-229",
    long_id="aws-redshift-not-public",
    title="Redshift cluster is publicly accessible",
    severity=Severity.HIGH,
    provider="aws",
    category="networking",
    resource_types=("aws_redshift_cluster",),
    remediation="Set `publicly_accessible = false` and reach the cluster through the VPC (VPN, bastion, "
    "Redshift-managed VPC endpoints).",
    description="HIGH: a publicly accessible cluster gets a public IP address, so its endpoint can be reached from "
    "the internet wherever its security groups allow it, and the database login is then the only barrier. An "
    "explicit `true` is flagged. The AWS provider defaults `publicly_accessible` to `false` since version 6 "
    "(hashicorp/terraform-provider-aws#41978); before, it defaulted to `true` and sent it, so a cluster created by "
    "a 5.x provider is public although AWS itself made private the default in January 2025. An unset attribute is "
    "therefore flagged when the configuration caps the aws provider below 6.0 (`~> 5.0`, `< 6.0`…); a plan shows "
    "the value the provider filled in.",
    defaults=(("publicly_accessible", "false (aws provider 6.0 and later); true before 6.0"),),
    references=References(checkov=("CKV_AWS_87",), trivy=()),
    check=check,
)
