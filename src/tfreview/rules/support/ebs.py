"""EBS encryption facts shared by the EBS and EC2 block-device rules."""

from __future__ import annotations

from tfreview.core.rules import Snapshot


def encrypted_by_default(snapshot: Snapshot) -> bool:
    """The configuration turns on account-wide EBS encryption by default (then no volume can be unencrypted)."""
    return any(r.get("enabled") in (True, None) for r in snapshot.of_type("aws_ebs_encryption_by_default"))
