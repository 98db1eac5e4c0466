"""No security-group ingress from the whole internet to SSH (port 22)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.network import SG_TYPES_WITH_DEFAULT, snapshot_ingress_of


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for ingress in snapshot_ingress_of(resource, snapshot):
        if ingress.from_world and ingress.covers(22):
            yield Hit(ingress.path, "SSH (port 22) is open to the whole internet", list(ingress.cidrs))


RULE = Rule(
    id="TFR-AWS-012",
    long_id="aws-sg-no-public-ssh",
    title="Security group allows SSH (port 22) from 0.0.0.0/0 or ::/0",
    severity=Severity.HIGH,
    provider="aws",
    category="networking",
    resource_types=SG_TYPES_WITH_DEFAULT,
    remediation="Restrict the source CIDR to known networks, or reach instances through SSM Session "
    "Manager or a bastion instead of opening port 22.",
    description="Port 22 open to the internet invites brute-force and exploit attempts within minutes. "
    "Inline `ingress` blocks of `aws_security_group` and `aws_default_security_group`, standalone "
    "`aws_security_group_rule` (type ingress) and `aws_vpc_security_group_ingress_rule` are checked; a port "
    "range or an all-protocols rule (`-1`, `all`) that includes 22 counts, from any spelling of a /0 CIDR.",
    references=References(checkov=("CKV_AWS_24",), trivy=("AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr")),
    check=check,
)
