"""Small, strict readers of JSON payload fields: every failure is an InputError naming the field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

from tfreview.core.errors import InputError


def parse_object(body: bytes, what: str) -> Mapping[str, Any]:
    """The body as a JSON object, or InputError with one line saying what is wrong."""
    if not body.strip():
        raise InputError(f"the {what} body is empty; expected a JSON object")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"the {what} body is not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(document, dict):
        raise InputError(f"the {what} body is JSON but not an object (got {type(document).__name__})")
    return document


def obj(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise InputError(f"{where}.{key} is missing or not an object")
    return value


def opt_obj(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any] | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InputError(f"{where}.{key} is not an object")
    return value


def text(parent: Mapping[str, Any], key: str, where: str, pattern: re.Pattern[str] | None = None) -> str:
    value = parent.get(key)
    if not isinstance(value, str) or not value:
        raise InputError(f"{where}.{key} is missing or not a non-empty string")
    if pattern is not None and pattern.fullmatch(value) is None:
        raise InputError(f"{where}.{key} has an unexpected format")
    return value


def opt_text(parent: Mapping[str, Any], key: str, where: str, pattern: re.Pattern[str] | None = None) -> str | None:
    if parent.get(key) is None:
        return None
    return text(parent, key, where, pattern)


def integer(parent: Mapping[str, Any], key: str, where: str, *, minimum: int = 0) -> int:
    value = parent.get(key)
    # bool is an int in Python; a JSON true is not a number
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum or value > 2**63 - 1:
        raise InputError(f"{where}.{key} is missing or not an integer ≥ {minimum}")
    return value


def opt_integer(parent: Mapping[str, Any], key: str, where: str, *, minimum: int = 0) -> int | None:
    if parent.get(key) is None:
        return None
    return integer(parent, key, where, minimum=minimum)


def flag(parent: Mapping[str, Any], key: str, where: str) -> bool:
    value = parent.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(f"{where}.{key} is not a boolean")
    return value
