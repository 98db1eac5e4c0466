"""A public AppSync GraphQL API should have a WAF web ACL in front of it."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_ASSOCIATION = "aws_wafv2_web_acl_association"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    visibility = resource.get("visibility")
    setting = resource.setting_of("visibility", visibility)
    if setting is Setting.UNKNOWN or (setting is Setting.SET and not isinstance(visibility, str)):
        return  # known only after apply
    if setting is Setting.SET and str(visibility).upper() == "PRIVATE":
        return  # reachable only through interface VPC endpoints
    if snapshot.linked(resource, _ASSOCIATION, "resource_arn", ("arn",)):
        return
    # keyed by the API's condition: only an association there whenever the API is counts (ADR 0361)
    if snapshot.memo(("appsync-waf-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # an association whose target is known only after apply may be this API's: no guess
    yield Hit("", "a public GraphQL API with no WAF web ACL associated")


def _has_unlinked(api: Resource, snapshot: Snapshot) -> bool:
    return any(
        association.get("resource_arn") is UNKNOWN
        and not any(ref.split(".")[-2:-1] == ["aws_appsync_graphql_api"] for ref in association.refs("resource_arn"))
        for association in snapshot.present_with(api, _ASSOCIATION)
    )


RULE = Rule(
    id="TFR-AWS-286",
    long_id="aws-appsync-waf",
    title="Public AppSync GraphQL API has no WAF web ACL",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=("aws_appsync_graphql_api",),
    remediation="Associate a regional WAFv2 web ACL (at least the AWS managed core rule set and known-bad-inputs "
    "rules, and a rate-based rule) with `aws_wafv2_web_acl_association { resource_arn = "
    "aws_appsync_graphql_api.<name>.arn  web_acl_arn = ... }`, or make the API private.",
    description='A GraphQL API with `visibility = "GLOBAL"` answers anyone on the internet; without a web ACL '
    "nothing filters injection in query arguments, known bad inputs or request floods (and costly deeply nested "
    "queries) before they reach the resolvers and their data sources (AWS WAF Developer Guide, resources you can "
    "protect: AWS AppSync GraphQL APIs; AppSync Developer Guide, using AWS WAF to protect AppSync APIs). AppSync "
    "associates no web ACL by default: only an `aws_wafv2_web_acl_association` whose `resource_arn` is the API's "
    "ARN counts (WAF Classic cannot protect AppSync). `visibility` defaults to `GLOBAL`; `PRIVATE` APIs (reachable "
    "only through interface VPC endpoints) and a visibility known only after apply are not judged. When some "
    "association's `resource_arn` is known only after apply and comes through a variable, it may be this API's "
    "and the rule stays silent. Medium, as for a public REST API stage without one (TFR-AWS-276).",
    defaults=(("visibility", "GLOBAL (public)"),),
    references=References(checkov=("CKV2_AWS_33",)),
    check=check,
)
