"""EBS encryption facts shared by the EBS and EC2 block-device rules."""

from __future__ import annotations

from tfreview.core.rules import Resource, Snapshot
from tfreview.core.values import terraform_bool


def encrypted_by_default(resource: Resource, snapshot: Snapshot) -> bool:
    """The configuration turns on account-wide EBS encryption by default wherever `resource` exists (then no
    volume can be unencrypted); a setting gated off by a variable's default does not count (ADR 0361)."""
    found = snapshot.present_with(resource, "aws_ebs_encryption_by_default")
    return any(terraform_bool(r.get("enabled")) in (True, None) for r in found)
