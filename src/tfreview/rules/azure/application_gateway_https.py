"""Application Gateway listeners should serve HTTPS, or answer plain HTTP only with a redirect to HTTPS."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN, contains_unknown

_BLOCKS = ("http_listener", "request_routing_rule", "redirect_configuration", "url_path_map")


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if any(resource.get(block) is UNKNOWN for block in _BLOCKS):
        return  # a block list known only after apply: no guess
    listeners = _items(resource, "http_listener", ("name", "protocol"))
    # a listener whose protocol is known only after apply may be HTTPS: a redirect to it is given the benefit
    https = {
        str(item["name"])
        for item in listeners
        if item["protocol"] is UNKNOWN or str(item["protocol"]).lower() == "https"
    }
    redirects = {
        str(item["name"]): item
        for item in _items(resource, "redirect_configuration", ("name", "target_listener_name", "target_url"))
    }
    path_maps: dict[str, dict[str, Any]] = {}
    for index, path_map in enumerate(_items(resource, "url_path_map", ("name", "default_redirect_configuration_name"))):
        path_map["path_rule"] = _items(resource, f"url_path_map.{index}.path_rule", ("redirect_configuration_name",))
        path_maps[str(path_map["name"])] = path_map
    keys = ("http_listener_name", "redirect_configuration_name", "url_path_map_name")
    rules = _items(resource, "request_routing_rule", keys)
    # no redirect_configuration at all: nothing can redirect, whatever the listeners and rules are named
    redirectless = not redirects
    for index, listener in enumerate(listeners):
        if str(listener["protocol"]).lower() != "http":
            continue  # HTTPS, or a protocol known only after apply
        if listener["name"] is UNKNOWN and not redirectless:
            continue  # which rules serve it is known only after apply
        served = [rule for rule in rules if rule["http_listener_name"] in (listener["name"], UNKNOWN)]
        if not redirectless and served and all(_redirects_to_https(r, redirects, path_maps, https) for r in served):
            continue
        yield Hit(
            f"http_listener.{index}.protocol",
            f"listener {_name(listener['name'])} serves plain HTTP and its routing rules do not redirect to HTTPS",
            "Http",
        )


def _name(name: Any) -> str:
    return repr(name) if isinstance(name, str) else "(name known after apply)"


def _items(resource: Resource, block: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Each block's `keys`, read through the plan's unknown mask (UNKNOWN where known only after apply)."""
    return [
        {key: resource.get(f"{block}.{index}.{key}") for key in keys} for index, _ in enumerate(resource.blocks(block))
    ]


def _redirects_to_https(
    rule: Mapping[str, Any], redirects: Mapping[str, Mapping[str, Any]], path_maps: Mapping[str, Any], https: set[str]
) -> bool:
    if contains_unknown(rule) or contains_unknown(redirects) or contains_unknown(path_maps):
        return True  # a name or target known only after apply: no guess
    names: list[Any] = []
    if rule["redirect_configuration_name"]:
        names.append(rule.get("redirect_configuration_name"))
    elif rule.get("url_path_map_name"):
        path_map = path_maps.get(str(rule.get("url_path_map_name")))
        if not isinstance(path_map, Mapping) or not path_map.get("default_redirect_configuration_name"):
            return False
        names.append(path_map.get("default_redirect_configuration_name"))
        paths = path_map.get("path_rule")
        for path_rule in paths if isinstance(paths, list) else []:
            if not isinstance(path_rule, Mapping) or not path_rule.get("redirect_configuration_name"):
                return False
            names.append(path_rule.get("redirect_configuration_name"))
    else:
        return False
    return all(_to_https(redirects.get(str(name)), https) for name in names)


def _to_https(redirect: Mapping[str, Any] | None, https: set[str]) -> bool:
    if redirect is None:
        return False
    if redirect.get("target_listener_name"):
        return str(redirect.get("target_listener_name")) in https
    return str(redirect.get("target_url", "")).lower().startswith("https://")


RULE = Rule(
    id="TFR-AZU-242",
    long_id="azure-application-gateway-https",
    title="Application Gateway listener serves plain HTTP without redirecting to HTTPS",
    severity=Severity.HIGH,
    provider="azure",
    category="encryption",
    resource_types=("azurerm_application_gateway",),
    remediation='Give the listener `protocol = "Https"` and an `ssl_certificate_name` (with an `ssl_policy` of TLS '
    "1.2 or later), or keep the HTTP listener only to redirect: its `request_routing_rule` names a "
    '`redirect_configuration` whose `target_listener_name` is an HTTPS listener (`redirect_type = "Permanent"`).',
    description="HIGH: a plain-HTTP listener carries sessions, cookies and credentials in clear text, open to "
    "interception and tampering, as for AWS load-balancer listeners (TFR-AWS-043). `protocol` is required by "
    "azurerm; each listener with `Http` is flagged unless every routing rule bound to it redirects to HTTPS — "
    "through a `redirect_configuration` targeting an HTTPS listener or an `https://` URL, directly or through every "
    "path of its URL path map. A gateway without any `redirect_configuration` cannot redirect, so its HTTP "
    "listeners are flagged whatever their names; otherwise a listener whose name, or a rule or redirect whose "
    "names or targets, are known only after apply is not judged. Checkov (CKV_AZURE_217) reads only the first "
    "listener and fails an HTTP listener even when it only redirects.",
    references=References(checkov=("CKV_AZURE_217",)),
    check=check,
)
