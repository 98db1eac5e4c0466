"""EC2 instances, launch configurations and launch templates encrypt their EBS block devices."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN
from tfreview.rules.support.ebs import encrypted_by_default


def _devices(resource: Resource) -> Iterator[str]:
    """Dotted path of each declared EBS device (the object holding `encrypted` and `snapshot_id`)."""
    if resource.type == "aws_launch_template":
        for index, mapping in enumerate(resource.blocks("block_device_mappings")):
            if mapping.get("ebs"):
                yield f"block_device_mappings.{index}.ebs.0"
        return
    for name in ("root_block_device", "ebs_block_device"):
        for index, _ in enumerate(resource.blocks(name)):
            yield f"{name}.{index}"


# hits are frozen: every instance without a root block device shares this one (ADR 0449)
_ROOT_UNSET = Hit(
    "root_block_device",
    "`root_block_device` not declared: the provider default is `encrypted = false` (the root volume is "
    "encrypted only if the AMI's snapshot is)",
    unset=True,
)


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if encrypted_by_default(resource, snapshot):
        return
    if resource.type != "aws_launch_template" and resource.setting("root_block_device") is Setting.UNSET:
        yield _ROOT_UNSET
    for device in _devices(resource):
        encrypted = resource.get(f"{device}.encrypted")
        if encrypted is UNKNOWN or str(encrypted).lower() == "true":
            continue
        unset = encrypted in (None, "")
        if unset and resource.get(f"{device}.snapshot_id") not in (None, ""):
            continue  # created from a snapshot: inherits its encryption
        what = "`encrypted` is not set" if unset else "encryption is turned off"
        yield Hit(f"{device}.encrypted", f"{device.split('.')[0]}: {what}")


RULE = Rule(
    id="TFR-AWS-019",
    long_id="aws-ec2-block-device-encrypted",
    title="EC2 block device is not encrypted",
    severity=Severity.HIGH,
    provider="aws",
    category="encryption",
    resource_types=("aws_instance", "aws_launch_configuration", "aws_launch_template"),
    remediation="Set `encrypted = true` in every `root_block_device` and `ebs_block_device` (launch "
    "templates: `block_device_mappings { ebs { encrypted = true } }`), or enable "
    "`aws_ebs_encryption_by_default` for the account and region.",
    description="Unencrypted instance volumes expose their data through snapshots and AMIs made from them; "
    "HIGH like TFR-AWS-018. Each declared device is checked: `encrypted = false` is always flagged, an "
    'unset `encrypted` only when it is known (HCL, or a launch template, which writes `""`) and the '
    "device does not come from a snapshot. An instance or launch configuration that declares no "
    "`root_block_device` takes the provider default, `encrypted = false` (AWS provider docs): its root volume "
    "is unencrypted unless the AMI's snapshot is, which the configuration does not show, so it is flagged "
    "as not set (as Checkov and Trivy do). A launch template without block device mappings leaves the "
    "volumes to the AMI and is not flagged. Nothing is flagged when the configuration enables "
    "`aws_ebs_encryption_by_default`.",
    references=References(
        checkov=("CKV_AWS_8",),
        trivy=("AVD-AWS-0131", "AVD-AWS-0008", "aws-ec2-enable-launch-config-at-rest-encryption"),
    ),
    check=check,
    defaults=(("root_block_device", "not declared: encrypted = false"),),
)
