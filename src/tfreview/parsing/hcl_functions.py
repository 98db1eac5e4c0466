"""The Terraform functions and operators worth evaluating statically; any other call is known only after apply.

`jsonencode` matters most: IAM rules read policies as the JSON string Terraform would write.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from tfreview.core.values import (
    UNKNOWN,
    UNKNOWN_TEXT,
    PartlyKnownJson,
    contains_unknown,
    partly_known_json,
    terraform_bool,
)
from tfreview.parsing.hcl_collection_functions import COLLECTION_FUNCTIONS, STRUCTURAL_COLLECTION
from tfreview.parsing.hcl_format_functions import FORMAT_FUNCTIONS
from tfreview.parsing.hcl_network_functions import NETWORK_FUNCTIONS
from tfreview.parsing.hcl_text_functions import TEXT_FUNCTIONS
from tfreview.parsing.re2_patterns import (
    CASELESS,
    ESCAPE,
    PYTHON_ONLY_SYNTAX,
    RE2_ONLY,
    READ_OTHERWISE,
    backtracking_bounded,
)


class FunctionError(Exception):
    """A call Terraform would reject: a wrong argument, a missing key (what `try` falls back from)."""


def call(name: str, args: list[Any]) -> Any:
    """The value of `name(args...)`, or UNKNOWN when the function is not evaluated or an argument is unknown."""
    try:
        return attempt(name, args)
    except FunctionError:
        return UNKNOWN


def attempt(name: str, args: list[Any]) -> Any:
    """As `call`, but a call Terraform would reject raises FunctionError."""
    function = _FUNCTIONS.get(name)
    if function is None:
        return UNKNOWN
    if name in _SHAPE_ONLY and len(args) == 1 and isinstance(args[0], (list, Mapping)):
        return function(*args)  # known however unknown its elements
    if name in _STRUCTURAL or name in STRUCTURAL_COLLECTION or name == "formatlist":
        # known collections with unknown elements: the result holds the same unknowns where they land
        if any(arg is UNKNOWN for arg in args) or (name == "lookup" and len(args) > 1 and contains_unknown(args[1])):
            return UNKNOWN
    elif name == "jsonencode" and len(args) == 1 and isinstance(args[0], Mapping) and contains_unknown(args[0]):
        return _partly_known(args[0])  # an object written out, some values known after apply (ADR 0635)
    elif any(contains_unknown(arg) for arg in args):
        return UNKNOWN
    try:
        result = function(*args)
        return _bounded(result) if name == "split" else result  # split("", text): one element per character
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise FunctionError(name) from exc


# Terraform's numbers (cty, a big.Float) keep 512 bits of mantissa; a Python int grows without bound. An int
# past that is the float it rounds to (ADR 0410): squaring one through a chain of locals took minutes per
# level, and one of more than 4,300 digits could not even be turned into text (a ValueError that left the
# whole resource unreviewed).
_EXACT_BITS = 512
_LONGEST_EXACT_LITERAL = 155  # decimal digits: 2**512 has 155


def bounded_number(value: Any) -> Any:
    """An int past 512 bits as the float Terraform's number rounds to (±inf past the float range); any other
    value as it is."""
    if isinstance(value, bool) or not isinstance(value, int) or value.bit_length() <= _EXACT_BITS:
        return value
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def number_literal(digits: str) -> Any:
    """An HCL whole-number literal (`42`, or five thousand nines): an int when Terraform keeps it exact."""
    if len(digits) > _LONGEST_EXACT_LITERAL:
        return bounded_number(float(digits))  # never an int of more digits than the exact range has
    return bounded_number(int(digits))


def whole_index(key: Any) -> int | None:
    """`key` as a list index (a whole number, or a string of ASCII digits as Terraform converts it); None where
    Terraform refuses it: a fraction, infinity, NaN, a bool, another string."""
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, float):
        return int(key) if math.isfinite(key) and key.is_integer() else None
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key) if len(key) <= _LONGEST_EXACT_LITERAL else None
    return None


# What one value may hold (ADR 0411): the rules, the reports and the comparison of base and head walk values
# by recursion and read every string, and a configuration built to do so (a chain of locals nesting a list in
# a list, doubling a string or a list) made values deeper than the stack, larger than memory, or shared so
# often that a walk never ends. A value past a bound is unknown.
MAX_VALUE_DEPTH = 100  # levels of lists and objects
MAX_VALUE_SIZE = 1024 * 1024  # elements plus string characters, a shared element counted wherever it is


def oversized(value: Any) -> str | None:
    """Why `value` is past the bounds (deeper than MAX_VALUE_DEPTH, larger than MAX_VALUE_SIZE), else None.
    Walked without recursion, and never further than the bound: a list shared at each of 40 levels holds
    2^40 elements to a reader, and is refused after 1 Mi of them."""
    size = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, str):
            size += len(current)
        elif isinstance(current, (list, Mapping)):
            if depth >= MAX_VALUE_DEPTH:
                return f"a value nested deeper than {MAX_VALUE_DEPTH} levels"
            size += len(current)
            stack.extend(
                (child, depth + 1) for child in (current.values() if isinstance(current, Mapping) else current)
            )
        if size > MAX_VALUE_SIZE:
            return f"a value larger than {MAX_VALUE_SIZE:,} elements and characters"
    return None


def measured(value: Any, limit: int) -> int:
    """`value`'s size as `oversized` counts it (elements plus string characters, a shared element wherever it is),
    walked no further than past `limit`: a `for` expression adds up its elements' as it builds them (review24)."""
    if isinstance(value, str):
        return len(value)
    size = 0
    stack = [value]
    while stack and size <= limit:
        current = stack.pop()
        if isinstance(current, str):
            size += len(current)
        elif isinstance(current, (list, Mapping)):
            size += len(current)
            stack.extend(current.values() if isinstance(current, Mapping) else current)
    return size


def _bounded(value: Any) -> Any:
    """`value` when it is within the bounds; ValueError (the call fails: unknown) when it is not."""
    reason = oversized(value)
    if reason is not None:
        raise ValueError(reason)
    return value


def normalise_number(value: Any) -> Any:
    """Terraform has one number type: 2.0 is 2."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def to_template_string(value: Any) -> Any:
    """A value as `"${...}"` renders it, or UNKNOWN when Terraform would refuse (null, lists, objects)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(normalise_number(value))
    return UNKNOWN


def jsonencode(value: Any) -> str:
    """Like Terraform: compact, object keys sorted, `<`, `>`, `&` escaped as Go's encoder does."""
    text = json.dumps(
        _numbers(_bounded(value)), separators=(",", ":"), sort_keys=True, ensure_ascii=False, allow_nan=False
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _partly_known(document: Mapping[str, Any]) -> PartlyKnownJson:
    """`jsonencode` of an object holding values known only after apply: the text with UNKNOWN_TEXT in their place,
    the object kept beside it (a policy's known statements and elements are judged, ADR 0635)."""
    return partly_known_json(document, jsonencode(_placeholders(document)))


def _placeholders(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, Mapping):
        return {k: _placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders(v) for v in value]
    return value


def _numbers(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return normalise_number(value)


def _tostring(value: Any) -> Any:
    return None if value is None else to_template_string(value)


def _tonumber(value: Any) -> Any:
    """Terraform's `tonumber`: a string read as go-cty reads one (`operand_number`); Python's `float()` also read
    "nan", " 5", "1_0" and other scripts' digits, which Terraform refuses (review24)."""
    if isinstance(value, bool):
        raise TypeError("bool")
    if isinstance(value, str):
        number = operand_number(value)
        if number is not None:
            return number
        if value.lstrip("+-") in ("Inf", "inf") or _NUMBER_TEXT.fullmatch(value):
            return UNKNOWN  # infinite, or past the float range: a number to Terraform, not one here
        raise ValueError("tonumber: not a number")
    return value


def _tobool(value: Any) -> Any:
    value = terraform_bool(value)  # "true"/"1", "false"/"0", as go-cty converts a string
    if not isinstance(value, (bool, type(None))):
        raise TypeError("not a bool")
    return value


def _toset(value: Any) -> list[Any]:
    items = list(dict.fromkeys(json.dumps(v, sort_keys=True) for v in _bounded(value)))
    decoded = [json.loads(v) for v in items]
    return sorted(decoded) if all(isinstance(v, str) for v in decoded) else decoded


def _merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in maps:
        if item is not None and not isinstance(item, Mapping):
            raise TypeError("merge takes maps or objects")
        if item is not None:
            out.update(item)
    return out


def _concat(*lists: Any) -> list[Any]:
    if sum(len(item) for item in lists) > MAX_VALUE_SIZE:  # doubled through locals: too long to hold
        raise ValueError("concat: too many elements")
    return [v for item in lists for v in item]


def _join(separator: str, *lists: Any) -> str:
    parts = [str(to_template_string(v)) for item in lists for v in item]
    if sum(len(part) for part in parts) + len(separator) * len(parts) > MAX_VALUE_SIZE:
        raise ValueError("join: too long a string")
    return separator.join(parts)


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise ValueError("no non-null argument")


def _length(value: Any) -> int:
    if isinstance(value, (str, list, Mapping)):
        return len(value)
    raise TypeError("length of a value that is not a string, a collection or an object")


def _keys(value: Any) -> list[str]:
    if not isinstance(value, Mapping):
        raise TypeError("keys of a value that is not a map or an object")
    return sorted(str(k) for k in value)


def _values(value: Any) -> list[Any]:
    if not isinstance(value, Mapping):
        raise TypeError("values of a value that is not a map or an object")
    return [value[k] for k in sorted(value, key=str)]  # in the order of the keys, as Terraform gives them


def _lookup(value: Any, key: Any, *default: Any) -> Any:
    if not isinstance(value, Mapping) or len(default) > 1:
        raise TypeError("lookup takes a map, a key and an optional default")
    if key in value:
        return value[key]
    if default:
        return default[0]
    raise KeyError(key)


def _contains(collection: Any, value: Any) -> bool:
    if not isinstance(collection, list):
        raise TypeError("contains of a value that is not a list or a set")
    return any(same_value(item, value) for item in collection)


def _max(*numbers: Any) -> Any:
    return max(_numbers_only(numbers))


def _min(*numbers: Any) -> Any:
    return min(_numbers_only(numbers))


def _numbers_only(values: tuple[Any, ...]) -> tuple[Any, ...]:
    if not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise TypeError("max and min take numbers")
    return values


_SHAPE_ONLY = frozenset({"length", "keys"})  # depend on a collection's shape, not on its elements
# Pick or gather elements without looking into them: `lookup(each.value, "image_type", "COS")` is known when
# the key is, however unknown the map's other values; `merge`/`concat` keep their arguments' unknowns.
_STRUCTURAL = frozenset({"lookup", "merge", "concat", "coalesce", "values", "tolist", "tomap", "list"})


def _legacy_list(*elements: Any) -> list[Any]:
    """`list(a, b)`: Terraform 0.12–0.14's constructor of a list (removed in 0.15, where `[a, b]` replaces it);
    configurations that still call it only run on those versions, so it is read as they read it."""
    return list(elements)


def _range(*bounds: Any) -> list[Any]:
    if not 1 <= len(bounds) <= 3 or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds):
        raise TypeError("range takes one to three numbers")
    start, end = (0, bounds[0]) if len(bounds) == 1 else bounds[:2]
    step = bounds[2] if len(bounds) == 3 else (1 if start <= end else -1)
    if step == 0 or abs((end - start) / step) > 1024:
        raise ValueError("range: zero step or more than 1024 elements")
    out: list[Any] = []
    value = start
    while (value < end) if step > 0 else (value > end):
        out.append(normalise_number(value))
        value += step
    return out


def _replace(text: str, search: str, replacement: str) -> Any:
    """Terraform's `replace`: every occurrence of `search`, a regular expression (RE2) when wrapped in slashes.
    A regex replacement holding `$` (group references) or `\\`, or a pattern RE2 refuses but Python accepts,
    is not evaluated (ADR 0735)."""
    if not all(type(v) is str for v in (text, search, replacement)):
        raise TypeError("replace takes three strings")
    if len(search) > 1 and search[0] == "/" and search[-1] == "/":
        pattern = search[1:-1]
        if PYTHON_ONLY_SYNTAX.search(pattern) or "$" in replacement or "\\" in replacement:
            return UNKNOWN
        if "$" in pattern and text.endswith("\n"):
            return UNKNOWN  # Python's `$` also matches before a final newline, RE2's only at the end
        if READ_OTHERWISE.search(ESCAPE.sub("x", pattern)):
            return UNKNOWN
        if CASELESS.search(ESCAPE.sub("x", pattern)) and not (text.isascii() and pattern.isascii()):
            return UNKNOWN  # RE2's `(?i)` folds case in every script (`é` is `É`, `k` the Kelvin sign); re.ASCII's not
        if not backtracking_bounded(pattern, text):
            return UNKNOWN  # RE2 would be quick; Python's `re` could run for minutes (review23b)
        try:
            compiled = re.compile(pattern, re.ASCII)  # RE2's \d, \w, \s, \b are ASCII
        except re.error as exc:
            if str(exc.msg).startswith(RE2_ONLY):
                return UNKNOWN  # RE2 may accept it: Terraform's value is not known here, nor is it an error
            raise ValueError("replace: not a regular expression") from exc
        return _replace_all(compiled, text, replacement)
    # sized before it is built: 20,000 characters each replaced by 40,000 made 3.2 GB first (review24)
    occurrences = text.count(search)  # an empty `search`: before every character and at the end, as Go's
    if len(text) + occurrences * (len(replacement) - len(search)) > MAX_VALUE_SIZE:
        raise ValueError("replace: too long a string")
    return text.replace(search, replacement)


def _replace_all(compiled: re.Pattern[str], text: str, replacement: str) -> str:
    """Go's `regexp.ReplaceAllString` (Terraform's `replace` with a pattern), step by step as Go takes them: an
    empty match right after a match is not replaced, and the search goes on one character past an empty match.
    Python's `re.sub` replaces both and may match a non-empty text where it matched an empty one (`/x*/` on "abxd":
    Go's `-a-b-d-`, Python's `-a-b--d-`). The result is sized as it is gathered: past MAX_VALUE_SIZE, refused
    before it is built (review24)."""
    pieces: list[str] = []
    size = 0
    last_end = 0
    position = 0
    while position <= len(text):
        match = compiled.search(text, position)  # `^` still reads the text's start, as Go's does
        if match is None:
            break
        start, end = match.span()
        pieces.append(text[last_end:start])
        size += start - last_end
        if end > last_end or start == 0:  # Go: "not for a match of the empty string immediately after another"
            pieces.append(replacement)
            size += len(replacement)
        if size > MAX_VALUE_SIZE:
            raise ValueError("replace: too long a string")
        last_end = end
        position = position + 1 if position + 1 > end else end  # always on by one character at least
    pieces.append(text[last_end:])
    if size + len(text) - last_end > MAX_VALUE_SIZE:
        raise ValueError("replace: too long a string")
    return "".join(pieces)


# Go's `strings.Title` word separator: ASCII other than letters, digits and `_`; beyond ASCII, blanks (a letter or a
# digit never is one). A word's first character is one after a separator, or the text's first.
_WORD_START = re.compile(r"(?:^|(?<=[\x00-/:-@\[-^`{-\x7f\s]))[^\x00-/:-@\[-^`{-\x7f\s]")


def _titled(match: re.Match[str]) -> str:
    character = match.group()
    titled = character.title()
    return titled if len(titled) == 1 else character  # Go maps one rune to one rune: "ß" stays


def _title(text: str) -> str:
    """Terraform's `title`: the first letter of each word in title case, every other character as written. Only the
    words' first characters are visited (a character at a time in Python was 0.2 µs each; review24)."""
    if type(text) is not str:
        raise TypeError("title takes a string")
    return _WORD_START.sub(_titled, text)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "length": _length,
    "max": _max,
    "min": _min,
    "keys": _keys,
    "values": _values,
    "lookup": _lookup,
    "contains": _contains,
    "jsonencode": jsonencode,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "tolist": list,
    "list": _legacy_list,
    "toset": _toset,
    "tomap": dict,
    "merge": _merge,
    "concat": _concat,
    "join": _join,
    "coalesce": _coalesce,
    "range": _range,
    "lower": str.lower,
    "upper": str.upper,
    "trimspace": str.strip,
    "replace": _replace,
    "title": _title,
    **COLLECTION_FUNCTIONS,  # lists and strings (ADR 0748)
    **FORMAT_FUNCTIONS,  # format, formatlist (ADR 0758)
    **NETWORK_FUNCTIONS,  # cidrsubnet, cidrhost, cidrnetmask, cidrsubnets (ADR 0758)
    **TEXT_FUNCTIONS,  # jsondecode, regex, regexall, sort, substr, trimprefix, trimsuffix (ADR 0758)
}


def index_value(value: Any, key: Any) -> Any:
    """`value[key]` on known values; UNKNOWN when Terraform would fail or the key is absent."""
    if isinstance(value, Mapping):
        return value.get(str(key), UNKNOWN) if not isinstance(key, bool) else UNKNOWN
    if isinstance(value, list):
        position = whole_index(key)
        return value[position] if position is not None and 0 <= position < len(value) else UNKNOWN
    return UNKNOWN


NOT_A_BOOL = object()  # what `as_bool` gives for a value Terraform cannot convert to a bool


def as_bool(value: Any) -> Any:
    """`value` converted to bool as HCL converts a condition, a `for` expression's `if` and an operand of `!`, `&&`,
    `||` (go-cty `convert`: exactly "true"/"1" and "false"/"0" among strings; ADR 0735): True or False, UNKNOWN
    while unknown, None for null, and NOT_A_BOOL for what Terraform refuses ("TRUE", "yes", a number, a collection)."""
    if value is UNKNOWN or value is None:
        return value
    value = terraform_bool(value)
    return value if isinstance(value, bool) else NOT_A_BOOL


def logical(operator: str, left: Any, right: Any) -> tuple[Any, bool]:
    """`left && right` or `left || right` as HCL evaluates it, and whether Terraform fails on it. Both operands are
    converted first (one that does not convert is an error whatever the other is); then a known false decides `&&`
    and a known true `||`, whatever the other side is (unknown too, as Terraform has it). Null is read as unknown."""
    left, right = as_bool(left), as_bool(right)
    if left is NOT_A_BOOL or right is NOT_A_BOOL:
        return UNKNOWN, True
    decisive = operator == "||"
    if left is decisive or right is decisive:
        return decisive, False
    if isinstance(left, bool) and isinstance(right, bool):
        return not decisive, False
    return UNKNOWN, False


def same_value(left: Any, right: Any) -> bool:
    """Terraform's `==`: the same type and the same value, so `false == 0` is false (Python says true).

    Numbers are one type (`1 == 1.0`); a bool never equals a number, at any depth of a list or map.
    """
    pending = [(left, right)]
    while pending:
        a, b = pending.pop()
        if isinstance(a, bool) or isinstance(b, bool):
            if not (isinstance(a, bool) and isinstance(b, bool) and a is b):
                return False
        elif isinstance(a, Mapping) and isinstance(b, Mapping):
            if set(a) != set(b):
                return False
            pending.extend((a[key], b[key]) for key in a)
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b, strict=True))
        elif bool(a != b):
            return False
    return True


_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE_TEXT = re.compile(r"[+-]?[0-9]+")


def operand_number(value: Any) -> Any:
    """`value` as an arithmetic or `<`/`>` operand: a number as it is, a string as go-cty converts it to a number
    (decimal text: `"5"`, `"-1.5"`, `"2e3"`; ADR 0735); None where Terraform refuses it (a bool, any other
    string — blanks, hex, `inf` — null, a collection)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if not isinstance(value, str) or _NUMBER_TEXT.fullmatch(value) is None:
        return None
    if _WHOLE_TEXT.fullmatch(value):
        magnitude = number_literal(value.lstrip("+-"))
        return -magnitude if value.startswith("-") else magnitude
    number = float(value)
    return None if math.isinf(number) else normalise_number(number)


def operate(operator: str, left: Any, right: Any) -> Any:
    """A binary operator on two known values, its operands converted to the type it takes as Terraform converts
    them (ADR 0735); UNKNOWN for anything Terraform would reject."""
    return operated(operator, left, right)[0]


def operated(operator: str, left: Any, right: Any) -> tuple[Any, bool]:
    """As `operate`, and whether Terraform fails on it (what `try` falls back from and `can` is false for; ADR 0758):
    an operand that does not convert to a number (null, a bool, text that is no number, a collection), `0 / 0`, and
    a result that is no number (`inf - inf`, `0 * inf`). `1 / 0` is an infinity to Terraform (unknown here, not an
    error); `x % 0` is `x` (go-cty's `Modulo`), and a remainder takes the dividend's sign, as Go's does."""
    if operator == "==":
        return same_value(left, right), False
    if operator == "!=":
        return not same_value(left, right), False
    if operator in ("&&", "||"):
        return logical(operator, left, right)
    left, right = operand_number(left), operand_number(right)
    if left is None or right is None:
        return UNKNOWN, True
    if operator == "/" and right == 0:
        return UNKNOWN, left == 0 or (isinstance(left, float) and math.isnan(left))  # 0/0: no number; x/0: ±inf
    if operator == "%":
        if right == 0:
            return normalise_number(left), False
        if isinstance(left, float) or isinstance(right, float):
            if math.isinf(left) or math.isinf(right):
                return UNKNOWN, False  # go-cty multiplies: an infinity, or an error for 0 and inf
            return normalise_number(math.fmod(left, right)), False
        remainder = abs(left) % abs(right)
        return (-remainder if left < 0 else remainder), False
    try:
        result: Any = {
            "+": lambda: left + right,
            "-": lambda: left - right,
            "*": lambda: left * right,
            "/": lambda: left / right,
            "<": lambda: left < right,
            ">": lambda: left > right,
            "<=": lambda: left <= right,
            ">=": lambda: left >= right,
        }[operator]()
    except KeyError:
        return UNKNOWN, False
    if isinstance(result, float) and math.isnan(result):
        return UNKNOWN, True  # `inf - inf`, `0 * inf`: an error in Terraform, whose numbers have no NaN (review24)
    return normalise_number(bounded_number(result)), False


# what HCL mode evaluates (benchmarks/function_calls.py counts the calls to the rest)
EVALUATED = frozenset(_FUNCTIONS) | {"try", "can"}
