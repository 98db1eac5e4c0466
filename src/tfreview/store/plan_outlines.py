"""What the stored copy of an uploaded plan keeps of `prior_state` and `planned_values`: what a review reads of
them, never a value (ADR 0544).

The plan store drops both sections (they hold every attribute of every resource, secrets included), but the
review reads three things in them, and the worker reviews the stored copy: without them an upload was reviewed
other than the same plan given to `tfreview scan`.

- the module instances the prior state holds: a module call none of whose instances exists was added by the
  change, so its findings are introduced (ADR 0453); the stored copy called every call added;
- what each resource in the prior state depended on: the blast radius of a delete whose dependents the new
  configuration no longer names; the stored copy showed none;
- how many resources `planned_values` lists when the plan has no `resource_changes`: the review says they were
  not reviewed (ADR 0461); the stored copy read as an empty plan, "0 of 0" and a pass.

Addresses are kept without their instance keys (`module.a["k"]` is `module.a`), as the review reads them.

>>> state_outline({"values": {"root_module": {"child_modules": [{"address": 'module.m["k"]', "resources": [
...     {"address": 'module.m["k"].aws_s3_bucket.b', "values": {"bucket": "secret"}, "depends_on": ["x.y[0]"]},
...     {"address": "module.m.aws_s3_bucket.c", "values": {"bucket": "secret"}}]}]}}})
{'values': {'root_module': {'child_modules': [{'address': 'module.m', 'resources': [{'address': \
'module.m.aws_s3_bucket.b', 'depends_on': ['x.y']}]}]}}}
>>> state_outline({"values": {"root_module": {"resources": [{"address": "a.b", "values": {"password": "p"}}]}}})
>>> planned_outline({"root_module": {"resources": [{"values": {"password": "p"}}, {}]}})
{'root_module': {'resources': [{}, {}]}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfreview.core.plan import strip_index
from tfreview.parsing.plan_json import planned_resource_count

_MAX_DEPTH = 64  # module nesting followed, as `parsing.module_calls` reads it


def state_outline(prior_state: Any) -> dict[str, Any] | None:
    """`prior_state` with only its module addresses and the resources that depended on something (address and
    `depends_on`); None when that leaves nothing."""
    values = prior_state.get("values") if isinstance(prior_state, Mapping) else None
    root = _module(values.get("root_module") if isinstance(values, Mapping) else None, 0)
    return {"values": {"root_module": root}} if root else None


def _module(module: Any, depth: int) -> dict[str, Any]:
    """The outline of one module of the state, empty when it holds neither a module nor a dependency."""
    if not isinstance(module, Mapping):
        return {}
    out: dict[str, Any] = {}
    address = module.get("address")
    if isinstance(address, str):
        out["address"] = strip_index(address)
    resources: dict[tuple[str, tuple[str, ...]], None] = {}  # instances of one resource read alike: kept once
    for resource in _list(module.get("resources")):
        if isinstance(resource, Mapping) and isinstance(resource.get("address"), str):
            depends = (strip_index(d) for d in _list(resource.get("depends_on")) if isinstance(d, str))
            resources.setdefault((strip_index(resource["address"]), tuple(dict.fromkeys(depends))), None)
    kept = [{"address": a, "depends_on": list(d)} for a, d in resources if d]
    if kept:
        out["resources"] = kept
    children = [_module(child, depth + 1) for child in _list(module.get("child_modules"))] if depth < _MAX_DEPTH else []
    if any(children):
        out["child_modules"] = [child for child in children if child]
    return out


def planned_outline(planned_values: Any) -> dict[str, Any]:
    """`planned_values` as as many empty resources as it lists: all a review reads of it."""
    return {"root_module": {"resources": [{} for _ in range(planned_resource_count(planned_values))]}}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
