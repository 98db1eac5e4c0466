"""A CloudFront distribution's WAFv2 web ACL should block known bad inputs (Log4Shell and other exploit payloads)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_GROUP = "AWSManagedRulesKnownBadInputsRuleSet"
_LOG4J = "log4jrce"  # Log4JRCE, Log4JRCE_HEADER, _QUERYSTRING, _BODY, _URIPATH (AWS managed rule groups list)


def _unblocked_log4j(acl: Resource, base: str) -> list[str] | None:
    """Names of the group's Log4j rules this web ACL rule sets to anything but block (overridden or excluded);
    None when one of the names is known only after apply."""
    names = []
    for kind in ("rule_action_override", "excluded_rule"):  # provider < 5: an excluded rule only counts
        for position, _ in enumerate(acl.blocks(f"{base}.{kind}")):
            name = acl.get(f"{base}.{kind}.{position}.name")
            if name is UNKNOWN:
                return None
            if not (isinstance(name, str) and name.lower().startswith(_LOG4J)):
                continue
            if kind == "excluded_rule" or not acl.blocks(f"{base}.{kind}.{position}.action_to_use.0.block"):
                names.append(name)
    return names


def _verdict(acl: Resource) -> str | None:
    """Why the web ACL does not block known bad inputs; None when it does, or when it cannot be told."""
    if acl.get("rule") is UNKNOWN:
        return None
    counted: list[str] = []
    for index, _ in enumerate(acl.blocks("rule")):
        base = f"rule.{index}.statement.0.managed_rule_group_statement.0"
        name = acl.get(f"{base}.name")
        if name is UNKNOWN:
            return None  # a rule whose group is known only after apply may be this one: not judged
        if name != _GROUP:
            continue
        if acl.blocks(f"rule.{index}.override_action.0.count"):
            counted.append(f"the {_GROUP} rule group only counts (`override_action {{ count {{}} }}`)")
            continue
        unblocked = _unblocked_log4j(acl, base)
        if unblocked is None or not unblocked:
            return None
        shown = ", ".join(f"`{name}`" for name in unblocked)
        counted.append(f"the {_GROUP} rule group's Log4j rules are overridden not to block ({shown})")
    if counted:
        return counted[0]
    return f"the web ACL does not use the AWS managed {_GROUP} rule group"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for acl in snapshot.targets(resource, "aws_wafv2_web_acl", "web_acl_id", ("arn",)):
        why = _verdict(acl)
        if why is not None:
            path = "web_acl_id" if resource.known("web_acl_id") else ""  # a hit never points at an unknown value
            yield Hit(path, f"{why}: Log4Shell and other known exploit payloads reach the origin")
        return


RULE = Rule(
    id="TFR-AWS-273",
    long_id="aws-cloudfront-waf-known-bad-inputs",
    title="CloudFront distribution's web ACL does not block known bad inputs (Log4j)",
    severity=Severity.LOW,
    provider="aws",
    category="networking",
    resource_types=("aws_cloudfront_distribution",),
    remediation='Add a rule to the web ACL with `statement { managed_rule_group_statement { name = "'
    + _GROUP
    + '"  vendor_name = "AWS" } }` and `override_action { none {} }`, and no `rule_action_override` that sets its '
    "`Log4JRCE*` rules to count.",
    description="LOW: AWS's Known bad inputs managed rule group blocks request patterns known to exploit "
    "vulnerabilities, among them the Log4j remote code execution (CVE-2021-44228, the `Log4JRCE_*` rules in the "
    'header, query string, body and URI path: AWS WAF Developer Guide, "Known bad inputs managed rule group"; '
    "AWS security bulletin AWS-2021-006 recommends it). A distribution whose web ACL (an `aws_wafv2_web_acl` in "
    "the same configuration, named by `web_acl_id`) does not use the group, counts it only, or overrides its "
    "Log4j rules not to block, lets those payloads through to the origin. Low: the web ACL is there (a "
    "distribution without one is TFR-AWS-213's medium finding) and the origin may not be vulnerable. A web ACL "
    "outside the configuration, or whose rules come from `dynamic` blocks or variables, is not judged. "
    "Checkov's CKV2_AWS_47 also asks for the AnonymousIpList group, which has nothing to do with Log4j; that half "
    "is not judged.",
    references=References(checkov=("CKV2_AWS_47",)),
    check=check,
)
