"""Provider version constraints, for defaults that changed between major versions of a provider.

The constraint is read from the provider's pseudo resource (`provider.google`, both modes): the legacy
`version` argument of a provider block in HCL, the plan's `version_constraint` (which Terraform builds
from `required_providers` and that argument). Only a constraint that caps the major version decides
anything: `2.5.0`, `~> 4.0`, `< 5.0`; `>= 4.0` or no constraint at all means the current provider.
"""

from __future__ import annotations

import re

from tfreview.core.rules import Snapshot

_PART = re.compile(r"(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?")


def major_ceiling(constraint: str) -> int | None:
    """The highest major version `constraint` allows; None when it allows any (or cannot be read)."""
    ceilings: list[int] = []
    for part in constraint.split(","):
        match = _PART.fullmatch(part.strip())
        if match is None:
            return None
        operator, major_text, minor, patch = match.groups()
        major = int(major_text)
        if operator in (None, "=", "<="):
            ceilings.append(major)
        elif operator == "<":
            ceilings.append(major if int(minor or 0) or int(patch or 0) else major - 1)
        elif operator == "~>" and minor is not None:
            ceilings.append(major)  # `~> 4.0` and `~> 4.2.1` stay within 4.x; `~> 4` does not
    return min(ceilings) if ceilings else None


# Schema a provider removed in a major version: a configuration that still writes it only runs on an older
# major, whatever its version constraint says (ADR 0333). provider → major → (resource type, argument or block).
_REMOVED_IN: dict[str, dict[int, tuple[tuple[str, str], ...]]] = {
    # deprecated in 2.99.0 in favour of `oms_agent`, `azure_policy_enabled`, … and
    # `role_based_access_control_enabled` (hashicorp/terraform-provider-azurerm#15584); removed in 3.0
    "azurerm": {
        3: (
            ("azurerm_kubernetes_cluster", "addon_profile"),
            ("azurerm_kubernetes_cluster", "role_based_access_control"),
        )
    },
}


def older_than(snapshot: Snapshot, provider: str, major: int) -> str | None:
    """Why `provider` can only be a version before `major` here, in words ("azurerm >= 2.0.0, < 3.0"…), or None:
    a constraint that caps the major version (ADR 0272), or schema the configuration writes that `major` or an
    earlier major removed (ADR 0333)."""
    constraint = capped_below(snapshot, provider, major)
    if constraint is not None:
        return f"{provider} provider {constraint}"
    for removed_in, uses in sorted(_REMOVED_IN.get(provider, {}).items()):
        if removed_in > major:
            continue
        for type_name, argument in uses:
            for resource in snapshot.of_type(type_name):
                if resource.get(argument) not in (None, [], {}):
                    return (
                        f"{provider} provider before {removed_in}.0 (`{argument}` of {resource.address}, "
                        f"removed in {removed_in}.0)"
                    )
    return None


def capped_below(snapshot: Snapshot, provider: str, major: int) -> str | None:
    """The version constraint of `provider` (and its `-beta` twin) that allows only majors below `major`."""
    for resource in snapshot.of_type(f"{provider}_provider", f"{provider}-beta_provider"):
        constraint = resource.get("version")
        if isinstance(constraint, str) and (ceiling := major_ceiling(constraint)) is not None and ceiling < major:
            return constraint
    return None
