"""How risky one resource change is, in the order the budget keeps them (ADR 0020).

Rank 0 destroys and replaces, 1 IAM, 2 network, 3 resources with rule findings, 4 the rest.
The type patterns are deliberately broad: keeping a harmless resource too early costs a few
tokens, dropping a risky one costs the review.
"""

from __future__ import annotations

import re
from enum import IntEnum

from tfreview.core.plan import ChangeKind

_IAM = re.compile(
    r"(_iam_|_iam$|^aws_iam|_policy$|_policy_attachment$|role_assignment|role_definition|_role$|_role_binding"
    r"|_permission|_grant$|service_account|_access_key$|_identity$|_authorization)"
)
_NETWORK = re.compile(
    r"(security_group|network_acl|firewall|_route|vpc|subnet|_lb|_elb|load_balancer|listener|nat_gateway"
    r"|internet_gateway|public_ip|_eip|peering|network_security|_network_|_address$|cloudfront|api_gateway"
    r"|_endpoint|transit_gateway|dns|_ingress|_egress|_forwarding_rule|_proxy)"
)


class Rank(IntEnum):
    DESTROY = 0
    IAM = 1
    NETWORK = 2
    FINDINGS = 3
    REST = 4
    UNCHANGED_FACTS = 5  # findings on resources this change does not touch
    DRIFT = 6


def is_iam(resource_type: str) -> bool:
    return bool(_IAM.search(resource_type))


def is_network(resource_type: str) -> bool:
    return bool(_NETWORK.search(resource_type))


def rank_of(resource_type: str, kind: ChangeKind, *, has_findings: bool) -> Rank:
    if kind.destroys:
        return Rank.DESTROY
    if is_iam(resource_type):
        return Rank.IAM
    if is_network(resource_type):
        return Rank.NETWORK
    if has_findings:
        return Rank.FINDINGS
    return Rank.REST
