"""Plan numbers past a double's range (ADR 0420): `1e999`, a 400-digit integer.

A cty number is a 512-bit big.Float and `terraform show -json` writes it with all its digits; orjson refuses any
number a double cannot hold. `read_exact` reads such a document with orjson all the same: each number past the
range is swapped for a marker string first (a scan that skips JSON strings), and the markers are swapped back
for `PlanNumber`s after. So the document has orjson's reading everywhere else — its depth limit, its errors,
its integers — and only plans holding such a number pay for the scan. `dump_json` writes the digits back.
"""

from __future__ import annotations

import math
import re
import uuid
from functools import cache
from typing import Any

import orjson


# a JSON string (skipped whole, so digits inside it are never read as numbers) or a JSON number. The string is
# written unrolled: `"(?:[^"\\]|\\.)*"` keeps ~120 bytes of matcher state per character (a 1 MB string: 122 MB)
@cache
def _token() -> re.Pattern[str]:
    return re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?')


class PlanNumber(float):
    """A plan number that a double or a 64-bit integer cannot hold: the float it rounds to (±inf past the
    double range; what rules compare, as HCL mode reads `1e999`, ADR 0410) and the digits as the plan wrote
    them (`text`), which `dump_json` writes back unchanged."""

    text: str

    def __new__(cls, text: str) -> PlanNumber:
        number = super().__new__(cls, float(text))  # a float overflows to ±inf; never raises on digits
        number.text = text
        return number


def out_of_range(token: str) -> bool:
    """Whether orjson cannot read the JSON number `token` as it reads others (an int within 64 bits, a finite
    double): those, and integers past 64 bits that orjson rounds, become `PlanNumber`s."""
    if "." in token or "e" in token or "E" in token:
        return not math.isfinite(float(token))
    return len(token) > 20 or not -(2**63) <= int(token) < 2**64


def read_exact(text: str) -> Any:
    """The JSON `text` as orjson reads it, numbers out of its range as `PlanNumber`s. Raises
    orjson.JSONDecodeError, whose position is in the text with the numbers swapped (not in `text`)."""
    marker = f"\x00tfreview-number-{uuid.uuid4().hex}:"  # a NUL cannot be in a JSON string unescaped
    numbers: list[PlanNumber] = []

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token[0] == '"' or not out_of_range(token):
            return token
        numbers.append(PlanNumber(token))
        return f'"\\u0000{marker[1:]}{len(numbers) - 1}"'

    document = orjson.loads(_token().sub(swap, text))
    return _restored(document, marker, numbers) if numbers else document


def _restored(document: Any, marker: str, numbers: list[PlanNumber]) -> Any:
    """`document` with each marker string replaced by its number, walked without recursion."""
    if isinstance(document, str):
        return numbers[int(document[len(marker) :])] if document.startswith(marker) else document
    stack: list[Any] = [document]
    while stack:
        container = stack.pop()
        pairs = container.items() if isinstance(container, dict) else enumerate(container)
        for key, value in list(pairs):
            if isinstance(value, str) and value.startswith(marker):
                container[key] = numbers[int(value[len(marker) :])]
            elif isinstance(value, (dict, list)):
                stack.append(value)
    return document


def dump_json(document: Any) -> bytes:
    """A parsed plan as JSON bytes (orjson), a `PlanNumber` written as the plan wrote it."""
    return orjson.dumps(document, default=_number_text)


def _number_text(value: Any) -> Any:
    if isinstance(value, PlanNumber):
        return orjson.Fragment(value.text)
    raise TypeError(f"{type(value).__name__} is not JSON")
