"""An internet-facing Application Gateway should run its Web Application Firewall."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, terraform_bool

_POLICY = "azurerm_web_application_firewall_policy"
_WAF_TIERS = ("waf", "waf_v2")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    frontends = resource.get("frontend_ip_configuration")
    if frontends is UNKNOWN or not _public(resource):
        return  # no public frontend (an internal gateway), or frontends known only after apply
    tier = resource.get("sku.0.tier")
    if tier is UNKNOWN or not isinstance(tier, str):
        return
    if tier.lower() not in _WAF_TIERS:
        yield Hit("sku.0.tier", f"internet-facing on the {tier} tier, which has no Web Application Firewall", tier)
        return
    policy_id = resource.get("firewall_policy_id")
    if resource.setting_of("firewall_policy_id", policy_id) is not Setting.UNSET:
        for policy in snapshot.targets(resource, _POLICY, "firewall_policy_id"):
            if terraform_bool(policy.get("policy_settings.0.enabled")) is False:
                yield Hit("", f"its WAF policy {policy.address} is switched off (`policy_settings.enabled = false`)")
        return  # a WAF policy is attached (or one known only after apply)
    enabled = terraform_bool(resource.get("waf_configuration.0.enabled"))
    if enabled is UNKNOWN or enabled is True:
        return
    if enabled is False:
        yield Hit("waf_configuration.0.enabled", "its Web Application Firewall is switched off", False)
        return
    yield Hit("", f"on the {tier} tier with neither a `waf_configuration` nor a `firewall_policy_id`: no WAF runs")


def _public(resource: Resource) -> bool:
    """Some listener is on a frontend that takes a public IP (written, or an expression known only after apply).
    A v2 gateway must have a public frontend even when it serves only its private one (Azure documentation,
    "Application Gateway frontend IP address configuration"): a public IP no listener uses answers nothing."""
    served = _served_frontends(resource)
    for index, _ in enumerate(resource.blocks("frontend_ip_configuration")):
        path = f"frontend_ip_configuration.{index}.public_ip_address_id"
        value = resource.get(path)
        setting = resource.setting_of(path, value)
        if setting is Setting.UNKNOWN or (setting is Setting.SET and value != ""):
            name = resource.get(f"frontend_ip_configuration.{index}.name")
            if served is None or not isinstance(name, str) or name in served:
                return True
    return False


def _served_frontends(resource: Resource) -> set[str] | None:
    """The frontend names the listeners use; None when some is known only after apply (any may be public), or
    when none is listed (a gateway has at least one: what it serves is not known)."""
    if resource.get("http_listener") is UNKNOWN:
        return None
    names: set[str] = set()
    for index, _ in enumerate(resource.blocks("http_listener")):
        name = resource.get(f"http_listener.{index}.frontend_ip_configuration_name")
        if not isinstance(name, str):
            return None
        names.add(name)
    return names or None


RULE = Rule(
    id="TFR-AZU-245",
    long_id="azure-application-gateway-waf",
    title="Internet-facing Application Gateway has no Web Application Firewall",
    severity=Severity.MEDIUM,
    provider="azure",
    category="networking",
    resource_types=("azurerm_application_gateway",),
    remediation=f'Use the `WAF_v2` SKU (`sku {{ name = "WAF_v2"  tier = "WAF_v2" }}`) and attach an `{_POLICY}` '
    "with the OWASP/DRS managed rule set in Prevention mode through `firewall_policy_id` (or, on older "
    "configurations, a `waf_configuration { enabled = true }` block).",
    description="An internet-facing Application Gateway is the front door of the applications behind it; without its "
    "Web Application Firewall nothing filters SQL injection, cross-site scripting or known bad inputs before they "
    'reach the back ends (Microsoft cloud security benchmark, "Deploy a web application firewall"). The WAF '
    "runs only on the `WAF` and `WAF_v2` tiers and only when a `waf_configuration` is enabled or a WAF policy is "
    "attached (azurerm documentation, `azurerm_application_gateway`): a gateway on a Standard tier, or with the "
    "WAF switched off (`waf_configuration.enabled = false`, or an attached policy with "
    "`policy_settings.enabled = false`), is flagged. Gateways whose frontends take no public IP are internal "
    "and not judged, and so are those whose listeners all use a private frontend (a v2 gateway must have a "
    "public frontend IP even when it serves only the private one). Whether the WAF blocks (Prevention) or only "
    "logs (Detection) is not judged here. Medium, as "
    "for an internet-facing AWS load balancer without a web ACL (TFR-AWS-258).",
    references=References(checkov=("CKV_AZURE_120",)),
    check=check,
)
