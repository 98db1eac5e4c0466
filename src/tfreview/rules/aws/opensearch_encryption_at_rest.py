"""Elasticsearch and OpenSearch domains without encryption at rest."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("encrypt_at_rest.0.enabled") is not True:
        yield Hit("encrypt_at_rest.0.enabled", "the search domain does not encrypt its data at rest")


RULE = Rule(
    id="TFR-AWS-050",
    long_id="aws-opensearch-encryption-at-rest",
    title="Elasticsearch/OpenSearch domain is not encrypted at rest",
    severity=Severity.MEDIUM,
    provider="aws",
    category="encryption",
    resource_types=("aws_elasticsearch_domain", "aws_opensearch_domain"),
    remediation="Add `encrypt_at_rest { enabled = true }` (optionally with `kms_key_id`). On an existing domain "
    "this may force a blue/green redeployment, so plan the change.",
    description="MEDIUM: without encryption at rest, indices, logs, swap files and automated snapshots sit on "
    "disk in clear; search clusters often index customer data wholesale. Reading the disks still requires "
    "access inside AWS, hence not higher. A missing `encrypt_at_rest` block means disabled; a plan where the "
    "provider computes the block is not flagged.",
    references=("CKV_AWS_5", "AVD-AWS-0048", "aws-elastic-search-enable-domain-encryption"),
    check=check,
)
