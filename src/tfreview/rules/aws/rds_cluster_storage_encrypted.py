"""RDS / Aurora clusters encrypt their storage."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("engine_mode") == "serverless":
        return  # Aurora Serverless v1 is always encrypted
    for source in ("replication_source_identifier", "global_cluster_identifier"):
        if resource.get(source) not in (None, ""):
            return  # a replica or secondary cluster follows its source's encryption
    encrypted = resource.get("storage_encrypted")
    if encrypted is not True and encrypted is not UNKNOWN:
        message = "storage is not encrypted" if encrypted is False else "`storage_encrypted` is not set"
        yield Hit("storage_encrypted", message)


RULE = Rule(
    id="TFR-AWS-021",
    long_id="aws-rds-cluster-storage-encrypted",
    title="RDS cluster (Aurora) storage is not encrypted",
    severity=Severity.HIGH,
    provider="aws",
    category="encryption",
    resource_types=("aws_rds_cluster",),
    remediation="Set `storage_encrypted = true` (with `kms_key_id` for a customer-managed key). An existing "
    "cluster cannot be encrypted in place: restore an encrypted copy of a snapshot.",
    description="An unencrypted cluster leaves its volume, backups and snapshots readable to anyone who "
    'obtains them; HIGH like TFR-AWS-020. Skipped: `engine_mode = "serverless"` (Aurora Serverless v1 is '
    "always encrypted), and clusters replicating from another cluster or joining a global cluster, whose "
    "encryption follows the source. An unset `storage_encrypted` is flagged in HCL and in plans of older "
    "providers (null); newer providers mark it known only after apply, and it is not flagged then.",
    references=References(checkov=("CKV_AWS_96",), trivy=("AVD-AWS-0079",)),
    check=check,
)
