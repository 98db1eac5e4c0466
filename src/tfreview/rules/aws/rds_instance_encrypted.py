"""RDS database instances encrypt their storage."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("replicate_source_db") not in (None, ""):
        return  # a read replica takes its encryption from the source database
    engine = resource.get("engine")
    if isinstance(engine, str) and engine.startswith("aurora"):
        return  # Aurora storage belongs to the cluster: TFR-AWS-021
    encrypted = resource.get("storage_encrypted")
    if encrypted is not True and encrypted is not UNKNOWN:
        message = "storage is not encrypted" if encrypted is False else "`storage_encrypted` is not set"
        yield Hit("storage_encrypted", message)


RULE = Rule(
    id="TFR-AWS-020",
    long_id="aws-rds-instance-storage-encrypted",
    title="RDS instance storage is not encrypted",
    severity=Severity.HIGH,
    provider="aws",
    category="encryption",
    resource_types=("aws_db_instance",),
    remediation="Set `storage_encrypted = true` (with `kms_key_id` for a customer-managed key). An existing "
    "instance cannot be encrypted in place: restore an encrypted copy of a snapshot.",
    description="Unencrypted RDS storage also leaves its automated backups, snapshots and read replicas "
    "unencrypted; HIGH because fixing it later means a snapshot-copy-restore migration. The provider's "
    "default is unencrypted, so an unset `storage_encrypted` is flagged. Read replicas "
    "(`replicate_source_db`) and Aurora engines (storage owned by the cluster) are skipped.",
    references=("CKV_AWS_16", "AVD-AWS-0080"),
    check=check,
)
