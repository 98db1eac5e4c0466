"""A variable's `type` constraint, read from source and applied to the value the variable receives.

Terraform converts every value a variable receives — its `default`, a module argument, tfvars — to the
variable's type before anything reads it. What matters for review is what that conversion adds:

* an `object({...})` attribute declared `optional(T)` that the value leaves out (or sets to null) is
  null, and with `optional(T, default)` it is that default, itself converted to `T`;
* attributes an object type does not declare are dropped;
* primitives convert as Terraform converts them (`"true"` and `"1"` to a bool, `"5"` to a number, 5 to `"5"`).

So `var.node_config.shielded_instance_config` is null, not a missing key, when the default omits it,
and `lookup(each.value, "mode", …)` over an `optional(string, "GKE_METADATA")` attribute reads the
declared default. A type this module does not understand (or `any`) leaves the value as given, and
values unknown until plan stay unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tfreview.core.values import UNKNOWN, terraform_bool
from tfreview.parsing.hcl_functions import normalise_number
from tfreview.parsing.hcl_syntax import token_text

_PRIMITIVES = frozenset({"string", "number", "bool", "any"})
_COLLECTIONS = frozenset({"list", "set", "map"})


@dataclass(frozen=True, slots=True)
class Field:
    """One attribute of an object type."""

    type: TypeSpec
    optional: bool = False
    default: Any = None


@dataclass(frozen=True, slots=True)
class TypeSpec:
    kind: str  # string | number | bool | any | list | set | map | object | tuple
    element: TypeSpec | None = None  # of list, set, map
    fields: tuple[tuple[str, Field], ...] = ()  # of object
    elements: tuple[TypeSpec, ...] = ()  # of tuple


def parse_type(node: Any, evaluate: Any) -> TypeSpec | None:
    """The type a `type = …` expression node declares; None when it is not a type expression read here.

    `evaluate` turns an `optional(T, default)` default's expression node into a value."""
    kind = node.lark_name()
    if kind == "expr_term":
        return parse_type(node.expression, evaluate)
    if kind == "identifier":
        name = token_text(node)
        return TypeSpec(name) if name in _PRIMITIVES else None
    if kind != "function_call":
        return None
    name = "::".join(token_text(identifier) for identifier in node.identifiers)
    arguments = list(node.arguments.arguments) if node.arguments is not None else []
    if name in _COLLECTIONS and len(arguments) == 1:
        element = parse_type(arguments[0], evaluate)
        return TypeSpec(name, element=element) if element is not None else None
    if name == "object" and len(arguments) == 1:
        return _object_type(arguments[0], evaluate)
    if name == "tuple" and len(arguments) == 1:
        inner = _unwrap(arguments[0])
        if inner.lark_name() != "tuple":
            return None
        elements = [parse_type(element, evaluate) for element in inner.elements]
        if any(element is None for element in elements):
            return None
        return TypeSpec("tuple", elements=tuple(e for e in elements if e is not None))
    return None


def _unwrap(node: Any) -> Any:
    return node.expression if node.lark_name() == "expr_term" else node


def _object_type(argument: Any, evaluate: Any) -> TypeSpec | None:
    inner = _unwrap(argument)
    if inner.lark_name() != "object":
        return None
    fields: list[tuple[str, Field]] = []
    for element in inner.elements:
        key_node = element.key
        if key_node.lark_name() != "object_elem_key":
            return None
        key = key_node.value
        name = evaluate(key) if key.lark_name() == "string" else token_text(key)
        if not isinstance(name, str):
            return None
        found = _field(element.expression, evaluate)
        if found is None:
            return None
        fields.append((name, found))
    return TypeSpec("object", fields=tuple(fields))


def _field(node: Any, evaluate: Any) -> Field | None:
    inner = _unwrap(node)
    if inner.lark_name() == "function_call" and [token_text(i) for i in inner.identifiers] == ["optional"]:
        arguments = list(inner.arguments.arguments) if inner.arguments is not None else []
        if not 1 <= len(arguments) <= 2:
            return None
        spec = parse_type(arguments[0], evaluate)
        if spec is None:
            return None
        default = convert(evaluate(arguments[1]), spec) if len(arguments) == 2 else None
        return Field(spec, optional=True, default=default)
    spec = parse_type(node, evaluate)
    return Field(spec) if spec is not None else None


def convert(value: Any, spec: TypeSpec) -> Any:
    """`value` as Terraform converts it to `spec`; what cannot convert is left as it is."""
    if value is UNKNOWN or value is None or spec.kind == "any":
        return value
    if spec.kind in ("string", "number", "bool"):
        return _primitive(value, spec.kind)
    if spec.kind in ("list", "set") and isinstance(value, list) and spec.element is not None:
        return [convert(item, spec.element) for item in value]
    if spec.kind == "map" and isinstance(value, Mapping) and spec.element is not None:
        return {key: convert(item, spec.element) for key, item in value.items()}
    if spec.kind == "tuple" and isinstance(value, list) and len(value) == len(spec.elements):
        return [convert(item, element) for item, element in zip(value, spec.elements, strict=True)]
    if spec.kind == "object" and isinstance(value, Mapping):
        return _object(value, spec)
    return value


def _object(value: Mapping[str, Any], spec: TypeSpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in spec.fields:
        given = value.get(name)
        if given is not None:
            out[name] = convert(given, field.type)
        elif field.optional:
            out[name] = field.default
        elif name in value:
            out[name] = None  # a required attribute set to null stays null
        # a required attribute left out is an error in Terraform: left out here too
    return out


def _primitive(value: Any, kind: str) -> Any:
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(normalise_number(value))
        return value
    if kind == "bool":
        return terraform_bool(value)  # "true"/"1", "false"/"0" (go-cty); any other string is left for no rule to judge
    if kind == "number" and isinstance(value, str):
        try:
            return normalise_number(float(value)) if any(c in value for c in ".eE") else int(value)
        except ValueError:
            return value
    return value
