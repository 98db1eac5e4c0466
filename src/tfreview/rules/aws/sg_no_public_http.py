"""No security-group ingress from the whole internet to plain HTTP (port 80)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.network import SG_TYPES_WITH_DEFAULT, snapshot_ingress_of


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for ingress in snapshot_ingress_of(resource, snapshot):
        if ingress.from_world and ingress.covers(80):
            yield Hit(ingress.path, "HTTP (port 80) is open to the whole internet", list(ingress.cidrs))


RULE = Rule(
    id="TFR-AWS-015",
    long_id="aws-sg-no-public-http",
    title="Security group allows HTTP (port 80) from 0.0.0.0/0 or ::/0",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=SG_TYPES_WITH_DEFAULT,
    remediation="Serve HTTPS (443) to the internet and keep port 80 closed, or open it only on a load "
    "balancer whose listener redirects to HTTPS; suppress this rule for such a load balancer.",
    description="Port 80 carries unencrypted traffic that can be read and altered in transit. MEDIUM, not "
    "HIGH: a public web endpoint is often intended, and the usual fix is a redirect rather than closing "
    "access. Inline `ingress` blocks of `aws_security_group` and `aws_default_security_group`, "
    "standalone `aws_security_group_rule` (type ingress) and `aws_vpc_security_group_ingress_rule` "
    "are checked; a range or an all-protocols rule that includes 80 counts.",
    references=References(checkov=("CKV_AWS_260",)),
    check=check,
)
