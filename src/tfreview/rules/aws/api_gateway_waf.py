"""A stage of a public (edge-optimized or regional) REST API should have a WAF web ACL in front of it."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_ASSOCIATIONS = ("aws_wafv2_web_acl_association", "aws_wafregional_web_acl_association")


def _endpoint_types(api: Resource) -> list[str] | None:
    """The REST API's endpoint types (`["EDGE"]` when `endpoint_configuration` is not set); None when unknown."""
    value = api.get("endpoint_configuration.0.types")
    setting = api.setting_of("endpoint_configuration.0.types", value)
    if setting is Setting.UNSET:  # an API imported from OpenAPI may name its type as an import parameter
        imported = api.get("parameters.endpointConfigurationTypes")
        if imported is UNKNOWN:
            return None
        return [t.strip().upper() for t in imported.split(",")] if isinstance(imported, str) else ["EDGE"]
    if setting is Setting.UNKNOWN or not isinstance(value, (list, tuple)):
        return None
    if any(item is UNKNOWN or not isinstance(item, str) for item in value):
        return None
    return [item.upper() for item in value]


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    apis = snapshot.targets(resource, "aws_api_gateway_rest_api", "rest_api_id", ("id",))
    if not apis:
        return  # the REST API is defined elsewhere: whether it is private cannot be told here
    types = _endpoint_types(apis[0])
    if types is None or "PRIVATE" in types:
        return  # reachable only through interface VPC endpoints, or not known before apply
    for association in _ASSOCIATIONS:
        if snapshot.linked(resource, association, "resource_arn", ("arn",)):
            return
    # keyed by the stage's condition: only an association there whenever the stage is counts (ADR 0361)
    if snapshot.memo(("apigw-waf-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # an association whose target is known only after apply may be this stage's: no guess
    yield Hit("", f"a stage of a public ({'/'.join(types)}) REST API with no WAF web ACL associated")


def _has_unlinked(stage: Resource, snapshot: Snapshot) -> bool:
    return any(
        association.get("resource_arn") is UNKNOWN
        and not any(ref.split(".")[-2:-1] == ["aws_api_gateway_stage"] for ref in association.refs("resource_arn"))
        for association in snapshot.present_with(stage, *_ASSOCIATIONS)
    )


RULE = Rule(
    id="TFR-AWS-276",
    long_id="aws-api-gateway-waf",
    title="Stage of a public REST API has no WAF web ACL",
    severity=Severity.MEDIUM,
    provider="aws",
    category="networking",
    resource_types=("aws_api_gateway_stage",),
    remediation="Associate a regional WAFv2 web ACL (at least the AWS managed core rule set and known-bad-inputs "
    "rules, and a rate-based rule) with `aws_wafv2_web_acl_association { resource_arn = "
    "aws_api_gateway_stage.<name>.arn  web_acl_arn = ... }`, or make the API private.",
    description="A stage of an edge-optimized or regional REST API answers anyone on the internet; without a web "
    "ACL nothing filters SQL injection, known bad inputs or request floods before they reach the integrations "
    "(AWS WAF Developer Guide, protecting an Amazon API Gateway REST API; AWS Security Hub control "
    "APIGateway.4). API Gateway associates no web ACL by default: only an `aws_wafv2_web_acl_association` (or "
    "the classic `aws_wafregional_web_acl_association`) whose `resource_arn` is the stage's ARN counts. The "
    "REST API's `endpoint_configuration.types` defaults to `EDGE` (or the `endpointConfigurationTypes` import "
    "parameter of an API imported from OpenAPI `body`); stages of a `PRIVATE` API, and stages whose "
    "REST API is not in the configuration (its endpoint type cannot be told), are not judged. When some "
    "association's `resource_arn` is known only after apply and comes through a variable, it may be this stage's "
    "and the rule stays silent. The stage's read-only `web_acl_arn` is not read: in a plan it is the state's, "
    "still set while this very change deletes the association. Medium, as for an internet-facing load balancer "
    "without one (TFR-AWS-258).",
    defaults=(("endpoint_configuration.types", "EDGE (public)"),),
    references=References(checkov=("CKV2_AWS_29",)),
    check=check,
)
