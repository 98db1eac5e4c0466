"""A module's variables as one module instance reads them: the value each receives (a caller's argument, tfvars, or
its declared default) converted to its `type`, and the values of those declared sensitive.
"""

from __future__ import annotations

from dataclasses import replace

from tfreview.core.redact import sensitive_strings
from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl_syntax import Attribute, Block, body_items
from tfreview.parsing.hcl_types import convert, parse_type
from tfreview.parsing.hcl_values import Evaluator, Input, Scope


def default(block: Block, name: str | None) -> Input:
    """A variable nobody sets: its declared default, marked as one by `name` (`var.x`) in the root module,
    where -var, TF_VAR_ or tfvars outside the tree may set it; inside a module the call fixes it (ADR 0360)."""
    for item in body_items(block.body):
        if isinstance(item, Attribute) and item.name == "default":
            value = Evaluator(Scope()).evaluate(item.expression)
            return Input(value, (), (name,) if name is not None and value is not UNKNOWN else ())
    return Input(UNKNOWN)  # set from outside (-var, tfvars, the environment)


def typed(block: Block, received: Input) -> Input:
    """The value a variable receives, converted to its `type` as Terraform converts it (`hcl_types`)."""
    if received.value is UNKNOWN:
        return received
    for item in body_items(block.body):
        if isinstance(item, Attribute) and item.name == "type":
            spec = parse_type(item.expression, Evaluator(Scope()).evaluate)
            if spec is None:
                return received
            collection = spec.kind in ("list", "set", "map")  # never `==` a `[…]` or `{…}` literal (ADR 0554)
            return replace(received, value=convert(received.value, spec), collection=collection)
    return received


def sensitive_values(blocks: list[Block], scope: Scope) -> set[str]:
    """The values of `sensitive = true` variables and outputs among `blocks`: they are masked wherever they occur."""
    found: set[str] = set()
    for block in blocks:
        if block.kind not in ("variable", "output") or not block.labels or not _is_sensitive(block, scope):
            continue
        if block.kind == "variable":
            value = scope.variables[block.labels[0]].value if block.labels[0] in scope.variables else None
        else:
            value = next(
                (
                    Evaluator(scope).attribute(item)
                    for item in body_items(block.body)
                    if isinstance(item, Attribute) and item.name == "value"
                ),
                None,
            )
        # a number too, as it prints: its copies are masked, a message quoting one hides it (ADR 0495)
        found |= sensitive_strings(value, True, numbers=True)
    return found


def _is_sensitive(block: Block, scope: Scope) -> bool:
    return any(
        isinstance(item, Attribute) and item.name == "sensitive" and Evaluator(scope).attribute(item) is True
        for item in body_items(block.body)
    )
