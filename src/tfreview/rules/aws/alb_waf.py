"""An internet-facing Application Load Balancer should have a WAF web ACL in front of its listeners."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_ASSOCIATIONS = ("aws_wafv2_web_acl_association", "aws_wafregional_web_acl_association")
_BALANCERS = ("aws_lb", "aws_alb")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    internal = _setting(resource, "internal", False)
    kind = _setting(resource, "load_balancer_type", "application")
    if internal is UNKNOWN or kind is UNKNOWN:
        return
    if internal is True or str(internal).lower() == "true":
        return  # reachable only from inside the VPC
    if str(kind).lower() != "application":
        return  # network and gateway load balancers cannot carry a web ACL
    for association in _ASSOCIATIONS:
        if snapshot.linked(resource, association, "resource_arn", ("arn", "id")):
            return
    # keyed by the balancer's condition: only an association there whenever the balancer is counts (ADR 0361)
    if snapshot.memo(("alb-waf-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # an association whose target is known only after apply may be this balancer's: no guess
    yield Hit("", "internet-facing and no WAF web ACL is associated with it")


def _setting(resource: Resource, path: str, default: object) -> object:
    """The attribute's value, its provider default when the user did not set it, or UNKNOWN."""
    value = resource.get(path)
    setting = resource.setting_of(path, value)
    if setting is Setting.UNSET:
        return default
    return UNKNOWN if setting is Setting.UNKNOWN else value


def _has_unlinked(balancer: Resource, snapshot: Snapshot) -> bool:
    return any(
        association.get("resource_arn") is UNKNOWN
        and not any(_names_a_balancer(ref) for ref in association.refs("resource_arn"))
        for association in snapshot.present_with(balancer, *_ASSOCIATIONS)
    )


def _names_a_balancer(ref: str) -> bool:
    """`aws_lb.web` (or the same inside a module's address)."""
    parts = ref.split(".")
    return len(parts) >= 2 and parts[-2] in _BALANCERS


RULE = Rule(
    id="TFR-AWS-258",
    long_id="aws-alb-waf",
    title="Internet-facing Application Load Balancer has no WAF web ACL",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=_BALANCERS,
    remediation="Associate a regional WAFv2 web ACL (at least the AWS managed core rule set and known-bad-inputs "
    "rules) with `aws_wafv2_web_acl_association { resource_arn = aws_lb.<name>.arn  web_acl_arn = ... }`, or put "
    "the balancer behind a CloudFront distribution that has one and keep the balancer internal.",
    description="An internet-facing Application Load Balancer is the front door of an application; without a web "
    "ACL nothing filters SQL injection, known bad inputs, bad bots or request floods before they reach the "
    "targets. The provider associates no web ACL by default: only an `aws_wafv2_web_acl_association` (or the "
    "classic `aws_wafregional_web_acl_association`) whose `resource_arn` is the balancer counts. `internal` "
    "defaults to false and `load_balancer_type` to `application`; internal balancers and network or gateway "
    "load balancers (which cannot carry a web ACL) are not judged. When some association's `resource_arn` is "
    "known only after apply and comes through a variable, it may be this balancer's and the rule stays silent. "
    "Medium, as for a CloudFront distribution without a web ACL (TFR-AWS-213).",
    defaults=(("internal", "false (internet-facing)"), ("load_balancer_type", "application")),
    references=References(checkov=("CKV2_AWS_28",)),
    check=check,
)
