"""`count` and `for_each` as Terraform expands them: the instances of one resource or module call.

A resource with `count = 2` is two objects, `aws_instance.web[0]` and `aws_instance.web[1]`; one with
`for_each = toset(["a", "b"])` is `aws_s3_bucket.this["a"]` and `aws_s3_bucket.this["b"]`, each with
`count.index` or `each.key`/`each.value` bound while its body is evaluated. The keys are what a plan
names, so a finding in HCL mode and a finding in plan mode name the same instance.

What Terraform would know only at plan time (a count from another resource, a `for` expression, a
variable set from outside) leaves the instances unknown: the caller keeps one object at the config
address and says so under coverage, never drops it.

    count = 3                              → [0], [1], [2]
    for_each = { b = 1, a = 2 }            → ["a"] (each.value 2), ["b"] (each.value 1)
    for_each = toset(["x", "y"])           → ["x"], ["y"] (each.value = each.key)
    count = var.enabled ? 1 : 0 (tfvars or caller: false) → no instance
    count = var.enabled ? 1 : 0 (default false)            → [0], conditional on var.enabled
    for_each = var.enabled ? {…} : {} (default false)      → one object, conditional on var.enabled
    for_each = { for s in var.subnets : … } → unknown

An expansion that is empty only because a variable kept its declared default is the module's optional
feature, off unless the root's -var, TF_VAR_ or tfvars turn it on: it is read as one conditional instance,
with the variables whose defaults leave it out (ADR 0360). Literal zeros, the tree's tfvars and module calls
(their arguments, and the defaults of arguments they omit) are the values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tfreview.core.plan import instance_key
from tfreview.core.values import UNKNOWN, contains_unknown
from tfreview.parsing.hcl_syntax import Attribute, Block, body_items
from tfreview.parsing.hcl_values import Evaluator, Scope

MAX_INSTANCES = 1_000  # more is read as one object: evaluating a body per instance costs time, not signal
# a string Terraform converts where a number is expected (`count = "2"`, `count = "${var.n}"` with a string default)
_NUMERIC_STRING = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class Instance:
    """One instance: the address suffix (`[0]`, `["a"]`, "" without count/for_each) and what it binds."""

    suffix: str = ""
    bindings: Mapping[str, Any] = field(default_factory=dict)  # {"count": {"index": 0}} or {"each": {...}}


@dataclass(frozen=True, slots=True)
class Expansion:
    """The instances of a block; `unknown` (with the reason) when Terraform knows them only at plan time."""

    instances: tuple[Instance, ...]
    unknown: str | None = None
    # the defaulted variables without which the block would have instances: it is conditional (ADR 0360)
    condition: tuple[str, ...] = ()
    # the defaulted variables `count`/`for_each` was built from: so is every `count.index`/`each.*` read from it
    defaults: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.instances


SINGLE = Expansion((Instance(),))


def expand(block: Block, scope: Scope) -> Expansion:
    """The instances of a resource or module block evaluated in `scope`; when none only because variables
    took their defaults, one conditional instance (`[0]` for `count`, the config address for `for_each`)."""
    for item in body_items(block.body):
        if isinstance(item, Attribute) and item.name in ("count", "for_each"):
            read = _count if item.name == "count" else _for_each
            evaluator = Evaluator(scope)
            expansion = read(evaluator.evaluate(item.expression))
            if not expansion.is_empty:
                read_from = tuple(dict.fromkeys(evaluator.defaults))
                return replace(expansion, defaults=read_from) if read_from else expansion
            opened = scope.opened()  # what setting the defaulted root variables could make of it
            if opened is None or read(Evaluator(opened).evaluate(item.expression)).is_empty:
                return expansion  # empty whatever they are set to: a literal, tfvars or a module argument decides
            read_defaults = tuple(dict.fromkeys(evaluator.defaults))
            # the gate: the defaulted variables that alone turn it on (not `var.create`, default true, beside it)
            gates = tuple(
                name
                for name in read_defaults
                if not read(Evaluator(scope.opened({name}) or scope).evaluate(item.expression)).is_empty
            )
            condition = gates or read_defaults or ("an input variable",)
            instance = Instance(instance_key(0), {"count": {"index": 0}}) if item.name == "count" else Instance()
            return Expansion((instance,), None, condition)
    return SINGLE


def _count(value: Any) -> Expansion:
    if isinstance(value, str) and _NUMERIC_STRING.fullmatch(value):
        value = float(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        reason = "count is known only at plan time" if contains_unknown(value) else "count is not a whole number"
        return Expansion((Instance(),), reason)
    if value < 0:
        return Expansion((Instance(),), "count is negative")
    if value > MAX_INSTANCES:
        return Expansion((Instance(),), f"count is {value}, more than the {MAX_INSTANCES} instances expanded")
    return Expansion(tuple(Instance(instance_key(i), {"count": {"index": i}}) for i in range(value)))


def _for_each(value: Any) -> Expansion:
    if value is UNKNOWN or value is None:
        return Expansion((Instance(),), "for_each is known only at plan time")
    if isinstance(value, Mapping):
        pairs = sorted(value.items())
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        pairs = [(v, v) for v in sorted(set(value))]  # a set of strings: each.value is each.key
    elif isinstance(value, list) and any(v is UNKNOWN for v in value):
        return Expansion((Instance(),), "for_each is known only at plan time")
    else:
        return Expansion((Instance(),), "for_each is not a map or a set of strings")
    if len(pairs) > MAX_INSTANCES:
        return Expansion((Instance(),), f"for_each has {len(pairs)} keys, more than the {MAX_INSTANCES} expanded")
    return Expansion(tuple(Instance(instance_key(key), {"each": {"key": key, "value": item}}) for key, item in pairs))
