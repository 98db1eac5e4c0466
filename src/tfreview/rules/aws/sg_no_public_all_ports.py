"""No security-group ingress from the whole internet on every port or every protocol."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.network import SG_TYPES_WITH_DEFAULT, snapshot_ingress_of


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for ingress in snapshot_ingress_of(resource, snapshot):
        if ingress.from_world and ingress.all_traffic:
            yield Hit(ingress.path, "every port is open to the whole internet", list(ingress.cidrs))


RULE = Rule(
    id="TFR-AWS-014",
    long_id="aws-sg-no-public-all-ports",
    title="Security group allows all ports or all protocols from 0.0.0.0/0 or ::/0",
    severity=Severity.CRITICAL,
    provider="aws",
    category="networking",
    resource_types=SG_TYPES_WITH_DEFAULT,
    remediation="Open only the ports the service needs (usually 443), and only to the networks that need "
    'them; never use `protocol = "-1"` or `0-65535` with a world CIDR.',
    description="Protocol `-1` (all traffic) or the whole 0–65535 range from the internet exposes every "
    "listening service, including databases, admin ports and debug endpoints nobody meant to publish; "
    "CRITICAL because it subsumes every other exposure. Inline `ingress` blocks of `aws_security_group` "
    "and `aws_default_security_group`, standalone `aws_security_group_rule` (type ingress) and "
    "`aws_vpc_security_group_ingress_rule` are checked. Egress to the world is not flagged. One cause, one "
    "finding: on a rule it reports, SSH (TFR-AWS-012), RDP (TFR-AWS-013), HTTP (TFR-AWS-015) and a missing "
    "description (TFR-AWS-017) are not reported separately but named in its message.",
    references=References(checkov=("CKV_AWS_277",)),
    check=check,
    # one cause, one finding: SSH, RDP, HTTP open and the missing description of the same rule are facets
    subsumes=("TFR-AWS-012", "TFR-AWS-013", "TFR-AWS-015", "TFR-AWS-017"),
)
