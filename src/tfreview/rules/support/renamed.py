"""Attributes azurerm renamed between major versions (not a rule: it exports no RULE).

A configuration or a plan uses one name or the other (v3 `enable_https_traffic_only`, v4
`https_traffic_only_enabled`); rules accept both.
"""

from __future__ import annotations

from typing import Any

from tfreview.core.rules import Resource


def first_set(resource: Resource, *names: str) -> tuple[str, Any]:
    """The first of `names` that has a value (known or UNKNOWN) and that value; else the last name and None."""
    for name in names:
        value = resource.get(name)
        if value is not None:
            return name, value
    return names[-1], None
