"""Terraform's `jsondecode`, `regex`, `regexall`, `sort`, `substr`, `trimprefix`, `trimsuffix` (ADR 0758).

Each as its documentation and go-cty give it. `jsondecode` builds the HCL value model: objects as maps, arrays as
lists, numbers as the evaluator's numbers (whole ones exact up to 512 bits); a duplicated key, nesting deeper than
MAX_VALUE_DEPTH and a number past the float range are unknown rather than guessed. `regex` and `regexall` are
evaluated through Python's `re` only where it reads the pattern as RE2 does (`re2_patterns`). `substr` counts
grapheme clusters in go-cty: it is evaluated on ASCII text without a CR LF pair only.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from tfreview.core.values import UNKNOWN, PartlyKnownJson
from tfreview.parsing.re2_patterns import all_matches, compiled_as_re2

MAX_DEPTH = 100  # hcl_functions.MAX_VALUE_DEPTH
MAX_SIZE = 1024 * 1024  # hcl_functions.MAX_VALUE_SIZE
_LONGEST_EXACT = 155  # decimal digits of 2**512
_LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class _Unsure(Exception):
    """Not reproduced exactly here: the call is unknown."""


def _text(value: Any) -> str:
    """A string argument as Terraform converts one (numbers and bools too); else TypeError."""
    if isinstance(value, PartlyKnownJson):
        raise _Unsure  # JSON text holding values known only after apply (ADR 0635)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    raise TypeError("not a string")


def _whole(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]{1,155}", value):
        value = int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise TypeError("not a whole number")
    return value


def _unsure_on(*_: Any) -> Any:
    raise _Unsure


def _json_int(digits: str) -> Any:
    if len(digits.lstrip("-")) > _LONGEST_EXACT:
        raise _Unsure  # past 512 bits: rounded as a big float in Terraform
    return int(digits)


def _json_float(text: str) -> Any:
    number = float(text)
    if not math.isfinite(number):
        raise _Unsure  # finite to Terraform's big floats, not here
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _not_json(name: str) -> Any:
    raise ValueError(f"jsondecode: {name} is not JSON")  # NaN, Infinity: Python's extension


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Unsure  # a key given twice: not decided here
    return out


def _depth(text: str) -> int:
    deepest = depth = 0
    for token in _NESTING.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif mark in "]}":
            depth -= 1
    return deepest


def _jsondecode(value: Any) -> Any:
    """`jsondecode("{\\"hello\\": \\"world\\"}")` is `{hello = "world"}`; `jsondecode("true")` is `true`."""
    text = _text(value)
    if _LONE_SURROGATE.search(text):
        raise _Unsure  # Go decodes a lone surrogate escape as U+FFFD, Python keeps it
    if len(text) > MAX_SIZE or _depth(text) > MAX_DEPTH:
        raise _Unsure  # Terraform would decode it; too large or deep a value for the rules to hold
    try:
        return json.loads(
            text,
            parse_int=_json_int,
            parse_float=_json_float,
            parse_constant=_not_json,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise ValueError(f"jsondecode: {exc.msg}") from exc


def _pattern(pattern: Any, text: Any) -> tuple[re.Pattern[str], str]:
    expression, subject = _text(pattern), _text(text)
    compiled = compiled_as_re2(expression, subject)
    if compiled is None:
        raise _Unsure
    if compiled.groupindex and len(compiled.groupindex) != compiled.groups:
        raise ValueError("regex: a mixture of named and unnamed capture groups")
    return compiled, subject


def _captures(compiled: re.Pattern[str], match: re.Match[str]) -> Any:
    """What one match gives: the text without groups, a list of the groups, or a map of the named ones (an
    unmatched group is null)."""
    if compiled.groups == 0:
        return match.group()
    if compiled.groupindex:
        return {name: match.group(name) for name in compiled.groupindex}
    return list(match.groups())


def _regex(pattern: Any, text: Any) -> Any:
    """`regex("[a-z]+", "53453453.345345aaabbbccc23454")` is "aaabbbccc"; no match is an error."""
    compiled, subject = _pattern(pattern, text)
    match = compiled.search(subject)
    if match is None:
        raise ValueError("regex: pattern did not match any part of the given string")
    return _captures(compiled, match)


def _regexall(pattern: Any, text: Any) -> Any:
    """Every match, as `regex` gives each; the empty list when nothing matches."""
    compiled, subject = _pattern(pattern, text)
    out: list[Any] = []
    size = 0
    for match in all_matches(compiled, subject):
        out.append(_captures(compiled, match))
        size += 1 + len(match.group()) * (1 + compiled.groups)
        if size > MAX_SIZE:
            raise _Unsure
    return out


def _sort(items: Any) -> Any:
    """The strings in lexicographic order (by code point, as Go compares UTF-8); numbers and bools convert, a null
    element is an error."""
    if not isinstance(items, list):
        raise TypeError("sort: not a list")
    if any(item is None for item in items):
        raise ValueError("sort: a null string cannot be sorted")
    return sorted(_text(item) for item in items)


def _substr(text: Any, offset: Any, length: Any) -> Any:
    """`substr("hello world", 1, 4)` is "ello"; a negative offset counts from the end, a length of -1 takes the
    rest."""
    whole, first, count = _text(text), _whole(offset), _whole(length)
    if not whole.isascii() or "\r\n" in whole or count == 0:
        raise _Unsure  # clusters are not characters; a zero length differs between go-cty releases
    if first < 0:
        first = max(first + len(whole), 0)
    rest = whole[first:]
    return rest if count < 0 else rest[:count]


def _trimprefix(text: Any, prefix: Any) -> str:
    return _text(text).removeprefix(_text(prefix))


def _trimsuffix(text: Any, suffix: Any) -> str:
    return _text(text).removesuffix(_text(suffix))


def _guarded(function: Any) -> Any:
    def evaluate(*args: Any) -> Any:
        try:
            return function(*args)
        except _Unsure:
            return UNKNOWN

    evaluate.__doc__ = function.__doc__
    return evaluate


TEXT_FUNCTIONS: Mapping[str, Any] = {
    name: _guarded(function)
    for name, function in {
        "jsondecode": _jsondecode,
        "regex": _regex,
        "regexall": _regexall,
        "sort": _sort,
        "substr": _substr,
        "trimprefix": _trimprefix,
        "trimsuffix": _trimsuffix,
    }.items()
}
