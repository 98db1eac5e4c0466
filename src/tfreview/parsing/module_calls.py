"""Module calls as pseudo resources `module.NAME` of type `module` (ADR 0431; `core.module_calls`), from a plan's
`configuration` and from a `module` block read in HCL: what a rule on module sources reads.

The values are what Terraform reads before anything else, literal by its own rules: `source` (the address as the
user wrote it) and `version` (a registry module's version constraint; a plan's `version_constraint`). Anything
else a module block holds is the module's input, for the module's resources, and is not read here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tfreview.core.module_calls import MODULE_CALL_TYPE, module_call_address
from tfreview.core.plan import ResourceChange
from tfreview.core.values import UNKNOWN


def module_call_values(source: Any, version: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pseudo resource's values and unknown mask from the evaluated `source` and `version` (None: absent).
    Terraform requires both to be literal strings; anything else reads as unknown, so no rule judges it."""
    values: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for name, value in (("source", source), ("version", version)):
        if isinstance(value, str):
            values[name] = value
        elif value is UNKNOWN or (value is not None and name == "source"):
            unknown[name] = True
    return values, unknown


def module_call_changes(configuration: Any) -> list[ResourceChange]:
    """Every module call of a plan's `configuration`, at any depth, as a no-op pseudo resource: a plan does not
    say when a module block was written (as for a provider block), so a finding on it reads as already there."""
    if not isinstance(configuration, Mapping):
        return []
    out = []
    for prefix, name, call in _calls(configuration.get("root_module"), ""):
        values, unknown = module_call_values(call.get("source"), call.get("version_constraint"))
        out.append(
            ResourceChange(
                address=module_call_address(prefix, name),
                type=MODULE_CALL_TYPE,
                name=name,
                actions=("no-op",),
                before=values,
                after=values,
                after_unknown=unknown,
                module_address=prefix.removesuffix(".") or None,
            )
        )
    return out


def _calls(module: Any, prefix: str, depth: int = 0) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(parent prefix, name, call) of each module call below `module`, parents first."""
    if not isinstance(module, Mapping) or depth > _MAX_DEPTH:
        return
    calls = module.get("module_calls")
    if not isinstance(calls, Mapping):
        return
    for name, call in calls.items():
        if isinstance(name, str) and isinstance(call, Mapping):
            yield prefix, name, call
            yield from _calls(call.get("module"), f"{prefix}module.{name}.", depth + 1)


_MAX_DEPTH = 64  # a plan nests as deep as its configuration; this bounds a hostile document's recursion
