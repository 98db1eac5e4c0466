"""No security-group ingress from the whole internet to RDP (port 3389)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.network import SG_TYPES_WITH_DEFAULT, snapshot_ingress_of


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for ingress in snapshot_ingress_of(resource, snapshot):
        if ingress.from_world and ingress.covers(3389):
            yield Hit(ingress.path, "RDP (port 3389) is open to the whole internet", list(ingress.cidrs))


RULE = Rule(
    id="TFR-AWS-013",
    long_id="aws-sg-no-public-rdp",
    title="Security group allows RDP (port 3389) from 0.0.0.0/0 or ::/0",
    severity=Severity.HIGH,
    provider="aws",
    category="networking",
    resource_types=SG_TYPES_WITH_DEFAULT,
    remediation="Restrict the source CIDR to known networks, or reach Windows hosts through SSM Session "
    "Manager (Fleet Manager RDP), a VPN or a bastion instead of opening port 3389.",
    description="RDP exposed to the internet is scanned and brute-forced continuously and has a history of "
    "pre-authentication exploits; HIGH like SSH (TFR-AWS-012). Inline `ingress` blocks of "
    "`aws_security_group` and `aws_default_security_group`, standalone `aws_security_group_rule` "
    "(type ingress) and `aws_vpc_security_group_ingress_rule` are checked; a port range or an "
    "all-protocols rule that includes 3389 counts, TCP or UDP.",
    references=References(checkov=("CKV_AWS_25",), trivy=("AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr")),
    check=check,
)
