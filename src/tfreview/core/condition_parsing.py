"""Reading a rule file's `[check]` into conditions (`core.conditions`): `parse_condition` names the exact
key of any mistake (split out of `core.conditions`, unchanged)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tfreview.core.conditions import (
    _NO_DEFAULT,
    _OPERATORS,
    AllOf,
    AnyOf,
    Condition,
    ConditionError,
    Each,
    Test,
    _number,
)

_TEST_KEYS = frozenset({"attribute", "default", "unset", "unknown", "quantifier", "message", "when", *_OPERATORS})
_ALL_KEYS = frozenset({"all", "message", "when"})
_ANY_KEYS = frozenset({"any", "message", "when"})
_EACH_KEYS = frozenset({"each", "where", "require", "message", "when"})


def parse_condition(data: Any, key: str, resource_types: tuple[str, ...] = ()) -> Condition:
    """The condition at TOML key `key`; raise ConditionError naming the faulty key."""
    if not isinstance(data, Mapping):
        raise ConditionError(key, f"expected a table, got {_kind(data)}")
    if "all" in data:
        return _combined(data, key, "all", _ALL_KEYS, resource_types)
    if "any" in data:
        return _combined(data, key, "any", _ANY_KEYS, resource_types)
    if "each" in data:
        return _each(data, key, resource_types)
    if "attribute" in data:
        return _test(data, key, resource_types)
    raise ConditionError(key, "expected one of `attribute`, `all`, `any` or `each`")


def _unknown_keys(data: Mapping[str, Any], allowed: frozenset[str], key: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise ConditionError(f"{key}.{extra[0]}", f"unknown key (allowed here: {', '.join(sorted(allowed))})")


def _message(data: Mapping[str, Any], key: str) -> str | None:
    message = data.get("message")
    if message is not None and (not isinstance(message, str) or not message.strip()):
        raise ConditionError(f"{key}.message", "expected a non-empty string")
    return message


def _when(data: Mapping[str, Any], key: str, resource_types: tuple[str, ...]) -> Condition | None:
    return parse_condition(data["when"], f"{key}.when", resource_types) if "when" in data else None


def _combined(
    data: Mapping[str, Any], key: str, word: str, allowed: frozenset[str], resource_types: tuple[str, ...]
) -> Condition:
    _unknown_keys(data, allowed, key)
    items = data[word]
    if not isinstance(items, list) or not items:
        raise ConditionError(f"{key}.{word}", "expected a non-empty list of conditions")
    parsed = tuple(parse_condition(item, f"{key}.{word}[{i}]", resource_types) for i, item in enumerate(items))
    cls = AllOf if word == "all" else AnyOf
    return cls(parsed, _message(data, key), _when(data, key, resource_types))


def _each(data: Mapping[str, Any], key: str, resource_types: tuple[str, ...]) -> Condition:
    _unknown_keys(data, _EACH_KEYS, key)
    path = data["each"]
    _check_path(path, f"{key}.each", allow_star=False)
    if "require" not in data:
        raise ConditionError(f"{key}.require", "missing: the condition every element must satisfy")
    where = parse_condition(data["where"], f"{key}.where", resource_types) if "where" in data else None
    require = parse_condition(data["require"], f"{key}.require", resource_types)
    return Each(path, require, where, _message(data, key), _when(data, key, resource_types))


def _check_path(path: Any, key: str, *, allow_star: bool = True) -> None:
    if not isinstance(path, str) or not path.strip():
        raise ConditionError(key, f"expected a dotted attribute path, got {_kind(path)}")
    parts = path.split(".")
    if any(not part for part in parts):
        raise ConditionError(key, f"{path!r} has an empty part")
    bad = next((part for part in parts if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*|[0-9]+|\*", part)), None)
    if bad is not None:
        raise ConditionError(key, f"{path!r}: {bad!r} is not an attribute name, an index or `*`")
    if not allow_star and "*" in parts:
        raise ConditionError(key, f"{path!r}: `*` is not allowed here")


def _test(data: Mapping[str, Any], key: str, resource_types: tuple[str, ...]) -> Condition:
    _unknown_keys(data, _TEST_KEYS, key)
    attribute = data["attribute"]
    if isinstance(attribute, Mapping):
        if not attribute:
            raise ConditionError(f"{key}.attribute", "the table of paths by resource type is empty")
        for type_name, path in attribute.items():
            if resource_types and type_name not in resource_types:
                raise ConditionError(
                    f"{key}.attribute.{type_name}",
                    f"not one of the rule's resource_types ({', '.join(resource_types)})",
                )
            _check_path(path, f"{key}.attribute.{type_name}")
        attribute = dict(attribute)
    else:
        _check_path(attribute, f"{key}.attribute")
    operators = [name for name in _OPERATORS if name in data]
    if len(operators) != 1:
        found = ", ".join(operators) or "none"
        raise ConditionError(key, f"expected exactly one operator ({', '.join(_OPERATORS)}); found {found}")
    operator = operators[0]
    operand = _operand(data[operator], operator, f"{key}.{operator}")
    unset = data.get("unset")
    if unset is not None and unset not in ("pass", "fail"):
        raise ConditionError(f"{key}.unset", f'expected "pass" or "fail", got {unset!r}')
    if unset is not None and "default" in data:
        raise ConditionError(f"{key}.unset", "give either `default` or `unset`, not both")
    unknown = data.get("unknown")
    if unknown is not None and unknown != "pass":
        raise ConditionError(f"{key}.unknown", f'expected "pass", got {unknown!r}')
    quantifier = data.get("quantifier", "all")
    if quantifier not in ("all", "any"):
        raise ConditionError(f"{key}.quantifier", f'expected "all" or "any", got {quantifier!r}')
    paths = attribute.values() if isinstance(attribute, dict) else (attribute,)
    if "quantifier" in data and not any("*" in p.split(".") for p in paths):
        raise ConditionError(f"{key}.quantifier", "only meaningful with a `*` in the attribute path")
    return Test(
        attribute,
        operator,
        operand,
        data.get("default", _NO_DEFAULT),
        unset,
        quantifier,
        _message(data, key),
        _when(data, key, resource_types),
        unknown,
    )


def _operand(value: Any, operator: str, key: str) -> Any:
    expected = _OPERATORS[operator][1]
    if expected == "list":
        if not isinstance(value, list) or not value:
            raise ConditionError(key, f"expected a non-empty list of values, got {_kind(value)}")
        return tuple(value)
    if expected == "number":
        if _number(value) is None or isinstance(value, str):
            raise ConditionError(key, f"expected a number, got {_kind(value)}")
        return value
    if expected == "bool":
        if not isinstance(value, bool):
            raise ConditionError(key, f"expected true or false, got {_kind(value)}")
        return value
    if expected == "regex":
        if not isinstance(value, str):
            raise ConditionError(key, f"expected a regular expression string, got {_kind(value)}")
        try:
            return re.compile(value)
        except re.error as exc:
            raise ConditionError(key, f"invalid regular expression: {exc}") from None
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__
