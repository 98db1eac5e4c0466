"""Terraform's `format` and `formatlist` (ADR 0758), as go-cty's `stdlib.FormatFunc` formats.

The specification is read once: `%%`, then verbs `%[flags][width][.precision][[n]]verb` with the flags `0 # - + space`.
`%v` formats a string as it is, a number as Go's shortest `%g`, anything else (a bool, null, a collection) as JSON;
`%#v` is always JSON; `%t` a bool; `%d %b %o %x %X` a whole number; `%e %E %f` a number; `%s` and `%q` a string
(`%q` JSON-quoted). A verb for which the argument does not convert, a null to any verb but `%v`, too few or too many
arguments are errors, as in Terraform.

Width and precision count grapheme clusters in go-cty; a padded or truncated string is formatted here only when
it is ASCII without a CR LF pair (where clusters are characters), and is unknown otherwise. `%e %E %f` format whole
numbers only (a fraction's rounding is the one of a 512-bit number in Terraform), `%g %G` and precision with an
integer verb are unknown. The result is sized before it is built: past MAX_VALUE_SIZE the call is unknown, as
`format("%10000000s", "")` would otherwise build ten million characters; and what one read's calls build is paid
from the budget templates pay from (`evaluation_budget.take_built`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tfreview.core.values import UNKNOWN, PartlyKnownJson, contains_unknown, terraform_bool
from tfreview.parsing import evaluation_budget

MAX_RESULT = 1024 * 1024  # characters: hcl_functions.MAX_VALUE_SIZE, the bound of any one value

_VERB = re.compile(
    r"%(?P<flags>[0#+ -]*)(?P<width>[1-9][0-9]*)?(?P<precision>\.[0-9]*)?(?:\[(?P<index>[1-9][0-9]*)\])?"
)
_MODES = frozenset("vtbdoxXeEfgGsq")
_LONGEST_COUNT = 9  # digits of a width, precision or index: past it, no result fits the bound anyway


class Oversized(Exception):
    """The result would be past MAX_RESULT: the call is unknown, not an error (Terraform would build it)."""


class Unsure(Exception):
    """A case whose result is not reproduced here exactly: the call is unknown."""


@dataclass(frozen=True, slots=True)
class Verb:
    raw: str
    flags: str
    width: int | None
    precision: int | None
    index: int | None
    mode: str


def parse(spec: str) -> list[str | Verb]:
    """The specification as literal texts and verbs; ValueError where go-cty's scanner refuses it."""
    pieces: list[str | Verb] = []
    literal: list[str] = []
    position = 0
    while position < len(spec):
        percent = spec.find("%", position)
        if percent < 0:
            literal.append(spec[position:])
            break
        literal.append(spec[position:percent])
        if spec.startswith("%%", percent):
            literal.append("%")
            position = percent + 2
            continue
        match = _VERB.match(spec, percent)
        assert match is not None  # `%` alone matches, every part being optional
        end = match.end()
        if end >= len(spec) or not ("a" <= spec[end] <= "z" or "A" <= spec[end] <= "Z"):
            raise ValueError("format: invalid format string")
        counts = [match.group(name) for name in ("width", "precision", "index")]
        if any(text is not None and len(text.lstrip(".")) > _LONGEST_COUNT for text in counts):
            raise Oversized
        if literal:
            pieces.append("".join(literal))
            literal = []
        precision = match.group("precision")
        pieces.append(
            Verb(
                raw=spec[percent : end + 1],
                flags=match.group("flags"),
                width=int(match.group("width")) if match.group("width") else None,
                precision=None if precision is None else int(precision[1:] or "0"),
                index=int(match.group("index")) if match.group("index") else None,
                mode=spec[end],
            )
        )
        position = end + 1
    if literal:
        pieces.append("".join(literal))
    return pieces


def render(pieces: list[str | Verb], args: list[Any]) -> str:
    """The pieces with the arguments formatted in; ValueError or TypeError for what Terraform rejects."""
    out: list[str] = []
    size = 0
    next_arg = 1
    highest = 0
    for piece in pieces:
        if isinstance(piece, Verb):
            number = piece.index if piece.index is not None else next_arg
            if number > len(args):
                raise ValueError(f"format: not enough arguments for {piece.raw!r}")
            highest = max(highest, number)
            next_arg = number + 1
            if piece.width is not None and piece.width > MAX_RESULT:
                raise Oversized
            text = _verb(piece, args[number - 1])
        else:
            text = piece
        size += len(text)
        if size > MAX_RESULT:
            raise Oversized
        out.append(text)
    if highest < len(args):
        raise ValueError("format: too many arguments")
    return "".join(out)


def _verb(verb: Verb, arg: Any) -> str:
    if verb.mode not in _MODES:
        raise ValueError(f"format: unsupported verb {verb.mode!r}")
    if verb.mode != "v" and arg is None:
        raise ValueError("format: null value cannot be formatted")
    if verb.mode == "v":
        if "#" not in verb.flags and isinstance(arg, str):
            return _padded(verb, arg)
        if "#" not in verb.flags and _is_number(arg):
            return _padded(verb, shortest_g(arg))
        return _padded(verb, json_text(arg))
    if verb.mode == "t":
        value = terraform_bool(arg)
        if not isinstance(value, bool):
            raise TypeError("format: not a bool")
        return "true" if value else "false"
    if verb.mode in "sq":
        text = _string(arg)
        if verb.precision:  # `.0` truncates nothing in go-cty
            _countable(text)
            text = text[: verb.precision]
        return _padded(verb, json_text(text) if verb.mode == "q" else text)
    return _number_verb(verb, _number(arg))


def _number_verb(verb: Verb, number: int | float) -> str:
    if "#" in verb.flags or verb.mode in "gG":
        raise Unsure  # Go's alternate forms and shortest `%g` with flags: not reproduced
    if isinstance(number, float):
        if not number.is_integer():
            if verb.mode in "bdoxX":
                raise ValueError("format: an integer is required")
            raise Unsure  # a fraction rounded as a 512-bit number rounds
        number = int(number)
    if verb.mode in "bdoxX":
        if verb.precision is not None:
            raise Unsure
        digits = format(abs(number), {"d": "d", "b": "b", "o": "o", "x": "x", "X": "X"}[verb.mode])
    else:
        precision = 6 if verb.precision is None else verb.precision
        if precision > MAX_RESULT:
            raise Oversized
        digits = format(abs(number), f".{precision}{verb.mode}") if abs(number) < 2**53 else _unsure()
    sign = "-" if number < 0 else "+" if "+" in verb.flags else " " if " " in verb.flags else ""
    width = verb.width or 0
    if "0" in verb.flags and "-" not in verb.flags:
        return sign + digits.rjust(width - len(sign), "0")
    text = sign + digits
    return text.ljust(width) if "-" in verb.flags else text.rjust(width)


def _unsure() -> str:
    raise Unsure


def _padded(verb: Verb, text: str) -> str:
    """go-cty's `formatPadWidth`: spaces (zeros with `0`, even for a string) to the width, on the right with `-`."""
    if verb.width is None or len(text) >= verb.width:
        return text
    _countable(text)
    pad = ("0" if "0" in verb.flags else " ") * (verb.width - len(text))
    return text + pad if "-" in verb.flags else pad + text


def _countable(text: str) -> None:
    """Characters are grapheme clusters here only in ASCII without a CR LF pair."""
    if not text.isascii() or "\r\n" in text:
        raise Unsure


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value: Any) -> int | float:
    """A number argument as go-cty converts one: a number, or a string of decimal text."""
    if _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise Unsure
        return value  # type: ignore[no-any-return]  # narrowed by _is_number
    if isinstance(value, str):
        try:
            number = (
                Decimal(value)
                if re.fullmatch(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", value)
                else None
            )
        except ArithmeticError:
            number = None
        if number is None:
            raise ValueError("format: not a number")
        if number == number.to_integral_value() and abs(number) < 10**155:
            return int(number)
        raise Unsure
    raise TypeError("format: not a number")


def number_text(value: int | float) -> str:
    """A number as go-cty converts it to a string (`big.Float.Text('f', -1)`): no exponent."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise Unsure
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if _is_number(value):
        return number_text(value)
    raise TypeError("format: not a string")


def shortest_g(value: int | float) -> str:
    """Go's `big.Float.Text('g', -1)`: the shortest digits, in `%e` form when the exponent is below -4 or at
    least 6 (`1e+06`), else in `%f` form."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    if isinstance(value, float) and not math.isfinite(value):
        raise Unsure
    exact = Decimal(abs(value)) if isinstance(value, int) else Decimal(repr(abs(value)))
    _, digit_tuple, exponent = exact.normalize().as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent  # where the decimal point falls in the digits
    power = point - 1
    if power < -4 or power >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def json_text(value: Any) -> str:
    """go-cty's JSON of a value (`jsonencode`, `%#v`, `%q`): compact, keys sorted, numbers without exponent,
    `<`, `>`, `&`, U+2028 and U+2029 escaped as Go's encoder escapes them."""
    text = json.dumps(_json_ready(value), separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    for character, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(character, escape)
    return text


def _json_ready(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and not value.is_integer():
        if "e" in repr(value) or not math.isfinite(value):
            raise Unsure  # go-cty writes 0.00001 where Python writes 1e-05
        return value
    if _is_number(value):
        return int(number_text(value))
    return value


def _known(args: list[Any]) -> bool:
    return not any(contains_unknown(a) or isinstance(a, PartlyKnownJson) for a in args)


def format_function(spec: Any, *args: Any) -> Any:
    """Terraform's `format(spec, args...)`."""
    if type(spec) is not str:
        raise TypeError("format: the specification is a string")
    if not _known(list(args)):
        return UNKNOWN
    try:
        text = render(parse(spec), list(args))
    except (Oversized, Unsure):
        return UNKNOWN
    # a new string each call, as a template builds one: a `for` of calls padding to a megabyte is paid for (ADR 0744)
    return text if evaluation_budget.take_built(len(text)) else UNKNOWN


def formatlist(spec: Any, *args: Any) -> Any:
    """Terraform's `formatlist(spec, args...)`: lists (and sets and tuples) of one length are iterated together, the
    other arguments repeated; an element whose arguments are unknown is unknown, the others are known."""
    if type(spec) is not str:
        raise TypeError("formatlist: the specification is a string")
    if any(a is UNKNOWN or isinstance(a, PartlyKnownJson) for a in args):
        return UNKNOWN
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise ValueError("formatlist: lists of different lengths")
    count = lengths.pop() if lengths else 1
    try:
        pieces = parse(spec)
        out: list[Any] = []
        size = count
        for position in range(count):
            row = [a[position] if isinstance(a, list) else a for a in args]
            if not _known(row):
                out.append(UNKNOWN)
                continue
            text = render(pieces, row)
            size += len(text)
            if size > MAX_RESULT:
                raise Oversized
            out.append(text)
    except (Oversized, Unsure):
        return UNKNOWN
    return out if evaluation_budget.take_built(size) else UNKNOWN


FORMAT_FUNCTIONS: Mapping[str, Callable[..., Any]] = {"format": format_function, "formatlist": formatlist}
