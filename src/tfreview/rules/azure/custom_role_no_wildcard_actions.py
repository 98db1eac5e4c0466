"""Custom Azure roles must not grant every action: high at a subscription or wider, medium within resource groups."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

# a scope inside one resource group: `/subscriptions/<id>/resourceGroups/<name>[/providers/...]`
_WITHIN_GROUP = re.compile(r"^/subscriptions/[^/]+/resourcegroups/[^/]+(/.*)?$", re.IGNORECASE)
_GROUP_REFS = (["azurerm_resource_group"],)  # `azurerm_resource_group.x`, `data.azurerm_resource_group.x`


def _scopes(resource: Resource) -> tuple[str, list[object]]:
    """The attribute whose scopes decide where the role can be assigned, and its values.

    `assignable_scopes` unset: azurerm assigns the role at its `scope` only (azurerm documentation)."""
    value = resource.get("assignable_scopes")
    if resource.setting_of("assignable_scopes", value) is Setting.UNSET:
        return "scope", [resource.get("scope")]
    if isinstance(value, list):  # element by element: an unknown element is UNKNOWN only when looked up itself
        return "assignable_scopes", [resource.get(f"assignable_scopes.{index}") for index in range(len(value))]
    return "assignable_scopes", [value]


def _within_resource_groups(resource: Resource) -> bool:
    """Every scope the role can be assigned at is a resource group or a resource inside one."""
    attribute, scopes = _scopes(resource)
    if not scopes:
        return False
    unknown = False
    for scope in scopes:
        if scope is UNKNOWN:
            unknown = True
        elif not (isinstance(scope, str) and _WITHIN_GROUP.match(scope.strip())):
            return False
    if not unknown:
        return True
    refs = resource.refs(attribute)  # an expression counts as narrow only when all it names are resource groups
    return bool(refs) and all(ref.split(".")[-2:-1] in _GROUP_REFS for ref in refs)


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    narrow = None
    for index, _ in enumerate(resource.blocks("permissions")):
        path = f"permissions.{index}.actions"
        actions = resource.get(path)
        if not isinstance(actions, list) or "*" not in actions:
            continue
        if narrow is None:
            narrow = _within_resource_groups(resource)
        if narrow:
            yield Hit(
                path,
                "the role grants every action (`*`) within the resource groups it can be assigned at: an Owner of "
                "each, role assignments included",
                severity=Severity.MEDIUM,
            )
        else:
            yield Hit(
                path, "the role grants every action (`*`); its assignable scopes are not limited to resource groups"
            )


RULE = Rule(
    id="TFR-AZU-246",
    long_id="azure-custom-role-no-wildcard-actions",
    title='Custom Azure role grants every action ("*")',
    severity=Severity.HIGH,
    provider="azure",
    category="iam",
    resource_types=("azurerm_role_definition",),
    remediation='List the actions the role needs (`Microsoft.Compute/virtualMachines/read`, …) instead of `"*"`, '
    "or assign a built-in role whose scope and audit trail reviewers already know.",
    description="HIGH: an action of `*` grants every control-plane operation on every resource type within the "
    "role's assignable scopes, role assignments included unless excluded, so whoever holds the role administers "
    "the subscription like an Owner while the assignment reads as an unfamiliar custom name (CIS Microsoft Azure "
    'Foundations, "Ensure that no custom subscription administrator roles exist"; Azure documentation, "Azure '
    'custom roles"). Every `permissions` block whose `actions` list `*` is reported; a `not_actions` exclusion '
    "still leaves everything else granted and does not exempt the role. MEDIUM instead when every scope the role "
    "can be assigned at (`assignable_scopes`, or `scope` when those are not set, as azurerm does) is a resource "
    "group or a resource inside one, written out or referring only to resource groups: the holder is an Owner of "
    "those groups, a bounded delegation Azure's built-in Owner role also grants, not of the subscription. A scope "
    "that is a subscription, a management group, `/`, or an expression naming anything else stays high. There is "
    "no provider default: `actions` holds what is written.",
    references=References(checkov=("CKV_AZURE_39",), trivy=("AVD-AZU-0030", "azure-authorization-limit-role-actions")),
    check=check,
)
