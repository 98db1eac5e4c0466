"""Module calls as pseudo resources `module.NAME` of type `module` (ADR 0431; `core.module_calls`), from a plan's
`configuration` and from a `module` block read in HCL: what a rule on module sources reads.

The values are what Terraform reads before anything else, literal by its own rules: `source` (the address as the
user wrote it) and `version` (a registry module's version constraint; a plan's `version_constraint`). Anything
else a module block holds is the module's input, for the module's resources, and is not read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from tfreview.core.module_calls import MODULE_CALL_TYPE, module_call_address
from tfreview.core.plan import ChangeKind, ResourceChange, strip_index
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


def module_call_changes(
    configuration: Any, resources: Sequence[ResourceChange] = (), prior_state: Any = None
) -> list[ResourceChange]:
    """Every module call of a plan's `configuration`, at any depth, as a no-op pseudo resource (Terraform applies
    nothing to a call itself). A plan does not say when a module block was written, but it says what exists: a
    call none of whose resources is in the prior state, with at least one resource and every one of them being
    created (`resources`: the plan's resource changes), was added by the change and has no before side, so a
    finding on it is introduced (ADR 0453); so was every call inside such a call. Any other call reads as already
    there, as a provider block does."""
    if not isinstance(configuration, Mapping):
        return []
    calls = list(_calls(configuration.get("root_module"), ""))
    if not calls:
        return []  # a configuration without modules: no need to look at each resource (10,000s) for added calls
    added = set(_added_calls(resources, prior_state))
    out = []
    for prefix, name, call in calls:
        values, unknown = module_call_values(call.get("source"), call.get("version_constraint"))
        address = module_call_address(prefix, name)
        if strip_index(prefix.removesuffix(".")) in added:
            added.add(address)  # a call in a module the change adds is added with it, resources or not
        out.append(
            ResourceChange(
                address=address,
                type=MODULE_CALL_TYPE,
                name=name,
                actions=("no-op",),
                before=None if address in added else values,
                after=values,
                after_unknown=unknown,
                module_address=prefix.removesuffix(".") or None,
            )
        )
    return out


def _added_calls(resources: Sequence[ResourceChange], prior_state: Any) -> frozenset[str]:
    """The calls (`module.a`, `module.a.module.b`, without instance keys) whose managed resources in the plan
    are all created, at least one, and of which the prior state holds no module instance."""
    per_module: dict[str, bool] = {}  # module instance → all its managed resources created (one pass, 10,000s)
    create = ChangeKind.CREATE
    for change in resources:
        module = change.module_address
        if module and change.mode == "managed":
            per_module[module] = per_module.get(module, True) and change.kind is create
    created: dict[str, bool] = {}
    for module, all_created in per_module.items():
        for call in _enclosing(module):
            created[call] = created.get(call, True) and all_created
    if not any(created.values()):
        return frozenset()
    existing: set[str] = set()
    values = prior_state.get("values") if isinstance(prior_state, Mapping) else None
    root = values.get("root_module") if isinstance(values, Mapping) else None
    stack = [(root, 0)]
    while stack:
        module, depth = stack.pop()
        if not isinstance(module, Mapping) or depth > _MAX_DEPTH:
            continue
        address = module.get("address")
        if isinstance(address, str):
            existing.update(_enclosing(address))
        children = module.get("child_modules")
        if isinstance(children, list):
            stack.extend((child, depth + 1) for child in children)
    return frozenset(call for call, all_created in created.items() if all_created and call not in existing)


def _enclosing(module_address: str) -> list[str]:
    """`module.a["x"].module.b` → `module.a`, `module.a.module.b`: the calls a module instance lies in."""
    names = _CALL.findall(strip_index(module_address))
    return [".".join(names[: end + 1]) for end in range(len(names))]


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


_CALL = re.compile(r"module\.[^.]+")
_MAX_DEPTH = 64  # a plan nests as deep as its configuration; this bounds a hostile document's recursion
