"""EBS volumes are encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import not_a_bool, terraform_bool
from tfreview.rules.support.ebs import encrypted_by_default


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    setting = resource.setting("encrypted")
    encrypted = terraform_bool(resource.get("encrypted"))
    if setting is Setting.UNKNOWN or encrypted is True or not_a_bool(encrypted):
        return  # an expression, encrypted, or a string Terraform refuses for a bool (ADR 0716)
    if encrypted_by_default(resource, snapshot):
        return
    if setting is Setting.SET:
        yield Hit("encrypted", "the volume is not encrypted")
    elif resource.setting("snapshot_id") is Setting.UNSET:  # restored from a snapshot: it inherits its encryption
        yield Hit("encrypted", "`encrypted` not set: the provider default is false (unencrypted)", unset=True)


RULE = Rule(
    id="TFR-AWS-018",
    long_id="aws-ebs-volume-encrypted",
    title="EBS volume is not encrypted",
    severity=Severity.HIGH,
    provider="aws",
    category="encryption",
    resource_types=("aws_ebs_volume",),
    remediation="Set `encrypted = true` (and `kms_key_id` for a customer-managed key), or turn on "
    "`aws_ebs_encryption_by_default` for the account and region.",
    description="An unencrypted volume leaves its data, and every snapshot taken from it, readable by anyone "
    "who gets hold of a snapshot or the underlying storage; HIGH because a volume cannot be encrypted in "
    "place later. An unset `encrypted` means unencrypted (the EC2 API default without account-wide "
    "encryption) and is flagged in HCL and in a plan whose `configuration` shows it was not written; an "
    "expression known only after apply is not. Not flagged: a volume restored from `snapshot_id` without "
    "`encrypted` (it inherits the "
    "snapshot's encryption) and any volume when the configuration enables `aws_ebs_encryption_by_default`.",
    references=References(checkov=("CKV_AWS_3",), trivy=("AVD-AWS-0026",)),
    check=check,
    defaults=(("encrypted", "false"),),
)
