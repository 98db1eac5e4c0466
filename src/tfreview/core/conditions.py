"""Declarative checks: the conditions a compliant resource satisfies, read from a rule file's `[check]`.

A condition is one of

* a **test** on an attribute: `{attribute = "encrypted", equals = true, default = false}`;
* `all = [conditions]` (every one holds) or `any = [conditions]` (at least one holds);
* `each = "ingress"` with `require = condition` (and optionally `where = condition`): every element
  of a list of blocks (that matches `where`) satisfies `require`, paths relative to the element.

Any condition may carry `when = condition` (it only applies when `when` holds) and `message`.
A test's attribute is dotted (`metadata_options.http_tokens`), `*` stands for every element of a
list (`ingress.*.cidr_blocks`); `attribute` may instead be a table of paths by resource type.

The three states of an attribute (`Setting`) decide what a test sees: a value the user set is tested
as it is; an attribute the user did not set is tested with the provider `default` the test declares
(or as null when it declares none, or passes/fails outright with `unset = "pass" | "fail"`); an
expression unknown until apply always satisfies the test — a rule never fires on it. As a guard (`when`,
`where`) such a test neither holds nor fails, so the condition it guards is skipped, unless the test says
`unknown = "pass"`: then an unknown value holds, for a guard that only excludes a case the value would have to
show (an Aurora engine on an `aws_db_instance`, ADR 0654).

`core.condition_parsing.parse_condition` turns the TOML data into conditions and names the exact key of any mistake.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from tfreview.core.rules import Hit, Resource, Setting
from tfreview.core.values import UNKNOWN, contains_unknown, not_a_bool, terraform_bool


class ConditionError(ValueError):
    """A malformed condition; `key` is the dotted TOML key at fault (`check.all[1].gte`)."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"`{key}`: {message}")


_NO_DEFAULT: Final = object()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(test: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    def apply(value: Any, operand: Any) -> bool:
        number = _number(value)
        return number is not None and test(number, float(operand))

    return apply


def terraform_text(value: int | float) -> str:
    """A number as Terraform converts it to a string (`1.2` → "1.2", `2.0` → "2", `1e-05` → "0.00001")."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return repr(value)
    from decimal import Decimal  # rare: only a number compared with a text; kept out of a scan's imports

    return format(Decimal(repr(value)).normalize(), "f")


def _same(value: Any, operand: Any) -> bool:
    if isinstance(operand, str) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return terraform_text(value) == operand  # HCL: `minimum_tls_version = 1.2` is the string "1.2" (ADR 0487)
    if isinstance(operand, bool):
        # a bool argument given a string: Terraform converts "true"/"1" and "false"/"0" (ADR 0716)
        return terraform_bool(value) is operand
    if isinstance(value, bool):
        return False
    if isinstance(operand, (int, float)) and isinstance(value, str):
        return _number(value) == float(operand)  # plans write some numbers as strings
    return bool(value == operand)


def _bool_operand(operator: str, operand: Any) -> bool:
    """The test compares the value with a bool (`equals = false`, `in = [true]`; not `present = true`): the
    attribute is a bool argument."""
    if operator == "present":
        return False
    if isinstance(operand, bool):
        return True
    return isinstance(operand, list) and any(isinstance(item, bool) for item in operand)


def _within(value: Any, operand: Any) -> bool:
    return any(_same(value, item) for item in operand)


def _contains(value: Any, operand: Any) -> bool:
    return isinstance(value, list) and any(_same(item, operand) for item in value)


_REGEX_SPECIAL = frozenset(".^$*+?{}[]\\|()")


def _prefix_decides(pattern: re.Pattern[str], prefix: str) -> bool | None:
    """Whether every string starting with `prefix` matches `pattern` (True), none does (False), or it
    depends on the unknown rest (None). Only patterns anchored at the start and led by literal text
    (`^POSTGRES`) are decided (ADR 0330)."""
    source = pattern.pattern
    if not source.startswith("^") or pattern.flags & re.IGNORECASE or "|" in source:
        return None  # `^POSTGRES|^MYSQL`: another branch may match what the first refuses
    literal = ""
    for character in source[1:]:
        if character in _REGEX_SPECIAL:
            break
        literal += character
    if literal and source[1 + len(literal) : 2 + len(literal)] in ("?", "*", "{"):
        literal = literal[:-1]  # `^POSTGRESQ?`: the quantified last character may be absent
    rest = source[1 + len(literal) :]
    if literal[: len(prefix)] != prefix[: len(literal)]:
        return False  # the known beginning already differs from the text the pattern requires
    if prefix.startswith(literal) and rest in ("", ".*", ".+") and (rest != ".+" or len(prefix) > len(literal)):
        return True
    return None


def _matches(value: Any, operand: re.Pattern[str]) -> bool:
    return isinstance(value, str) and operand.search(value) is not None


def _present(value: Any, operand: Any) -> bool:
    there = value is not None and value not in ("", [], {})
    return there is bool(operand)


# operator → (test on the value, what the operand must be, the words of a failure)
_OPERATORS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "equals": (_same, "any"),
    "not_equals": (lambda v, o: not _same(v, o), "any"),
    "in": (_within, "list"),
    "not_in": (lambda v, o: not _within(v, o), "list"),
    "matches": (_matches, "regex"),
    "not_matches": (lambda v, o: not _matches(v, o), "regex"),
    "gt": (_compare(lambda a, b: a > b), "number"),
    "gte": (_compare(lambda a, b: a >= b), "number"),
    "lt": (_compare(lambda a, b: a < b), "number"),
    "lte": (_compare(lambda a, b: a <= b), "number"),
    "contains": (_contains, "any"),
    "not_contains": (lambda v, o: not _contains(v, o), "any"),
    "present": (_present, "bool"),
}
OPERATORS: Final = tuple(_OPERATORS)


def literal(value: Any) -> str:
    """A value as the user would write it in HCL: `false`, `"optional"`, `0`, `["a"]`."""
    if isinstance(value, str):
        return f'"{value}"'
    if value is None or isinstance(value, (bool, int, float)):
        return _scalar_literal(value)  # once per default, not once per finding
    return json.dumps(value, separators=(", ", ": "))


@lru_cache(maxsize=256, typed=True)
def _scalar_literal(value: bool | float | None) -> str:
    return json.dumps(value)


@dataclass(frozen=True, slots=True)
class Failure:
    path: str
    message: str | None
    unset: bool  # about an attribute the user did not write


class Condition:
    """Base of the condition tree."""

    message: str | None
    when: Condition | None

    def failures(self, resource: Resource, base: str) -> Iterator[Failure]:
        """Why the resource (or the block at `base`) does not satisfy the condition; nothing when it does."""
        if self.when is not None and self.when.holds(resource, base) is not True:
            return  # does not apply (or cannot be told before apply)
        yield from self._failures(resource, base)

    def holds(self, resource: Resource, base: str) -> bool | None:
        """As a guard (`when`, `where`): True, False, or None when it depends on a value unknown until apply."""
        if self.when is not None:
            applies = self.when.holds(resource, base)
            if applies is not True:
                return True if applies is False else None
        return self._holds(resource, base)

    def _failures(self, resource: Resource, base: str) -> Iterator[Failure]:
        raise NotImplementedError

    def _holds(self, resource: Resource, base: str) -> bool | None:
        raise NotImplementedError

    def attributes(self) -> Iterator[Test]:
        """Every test below this condition (for the docs: the defaults a rule relies on)."""
        raise NotImplementedError


def _join(base: str, path: str) -> str:
    return f"{base}.{path}" if base and path else base or path


def _expand(resource: Resource, path: str) -> list[str] | None:
    """Concrete paths for a path with `*`; None when a list on the way is unknown until apply."""
    if "*" not in path or "*" not in path.split("."):
        return [path]
    head, _, tail = path.partition(".*")
    tail = tail.lstrip(".")
    items = resource.get(head)
    if items is UNKNOWN:
        return None
    if not isinstance(items, list):
        return []  # absent (or a single object): nothing to quantify over
    out: list[str] = []
    for index in range(len(items)):
        found = _expand(resource, _join(f"{head}.{index}", tail))
        if found is None:
            return None
        out.extend(found)
    return out


@dataclass(frozen=True, slots=True)
class Test(Condition):
    attribute: str | Mapping[str, str]  # a path, or a path per resource type
    operator: str
    operand: Any
    default: Any = _NO_DEFAULT
    unset: str | None = None  # "pass" | "fail": skip the default, decide outright
    quantifier: str = "all"  # over the elements a `*` stands for
    message: str | None = None
    when: Condition | None = None
    unknown: str | None = None  # "pass": as a guard, a value unknown until apply holds (ADR 0654)

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT

    def path_for(self, resource_type: str) -> str | None:
        if isinstance(self.attribute, str):
            return self.attribute
        return self.attribute.get(resource_type)

    def default_text(self) -> str:
        """How an unset attribute is judged, in words: `false`, `not set (null)`, `passes`."""
        if self.unset is not None:
            return "unset passes" if self.unset == "pass" else "unset fails"
        return literal(self.default) if self.has_default else "none (absent)"

    def _failures(self, resource: Resource, base: str) -> Iterator[Failure]:
        relative = self.path_for(resource.type)
        if relative is None:
            return  # the test does not concern this resource type
        pattern = _join(base, relative)
        paths = _expand(resource, pattern)
        if paths is None:
            return  # the list itself is unknown until apply
        results = [(path, self._judge(resource, path)) for path in paths]
        if self.quantifier == "any":
            if not paths:
                list_path = pattern.split(".*", 1)[0]
                yield Failure(list_path, self._words(list_path, True, None), True)
            elif all(failure is not None for _, failure in results):
                yield next(failure for _, failure in results if failure is not None)
            return
        for _, failure in results:
            if failure is not None:
                yield failure

    def _holds(self, resource: Resource, base: str) -> bool | None:
        relative = self.path_for(resource.type)
        if relative is None:
            return True
        paths = _expand(resource, _join(base, relative))
        if paths is None:
            return True if self.unknown == "pass" else None
        verdicts = [self._verdict(resource, path) for path in paths]
        held = _any(verdicts) if self.quantifier == "any" else _all(verdicts)
        return True if held is None and self.unknown == "pass" else held

    def _verdict(self, resource: Resource, path: str) -> bool | None:
        return self._assess(resource, path)[0]

    def _assess(self, resource: Resource, path: str) -> tuple[bool | None, Setting]:
        """The verdict at `path` and how the attribute is set, from one look-up of its value."""
        value = resource.get(path)
        setting = resource.setting_of(path, value)
        if setting is Setting.UNKNOWN:
            prefix = resource.known_prefixes.get(path) if self.operator in ("matches", "not_matches") else None
            decided = _prefix_decides(self.operand, prefix) if prefix else None
            if decided is None:
                return None, setting
            return decided if self.operator == "matches" else not decided, setting
        if setting is Setting.UNSET:
            if self.unset is not None:
                return self.unset == "pass", setting
            default = self.default if self.has_default else None
            return bool(_OPERATORS[self.operator][0](default, self.operand)), setting
        if contains_unknown(value) or (not_a_bool(value) and _bool_operand(self.operator, self.operand)):
            return None, setting  # unknown, or a string Terraform refuses for a bool argument (ADR 0716)
        return bool(_OPERATORS[self.operator][0](value, self.operand)), setting

    def _judge(self, resource: Resource, path: str) -> Failure | None:
        verdict, setting = self._assess(resource, path)
        if verdict is not False:
            return None
        if setting is Setting.UNSET:
            return Failure(path, self._words(path, True, self.default if self.has_default else None), True)
        return Failure(path, self.message, False)

    def _words(self, path: str, unset: bool, value: Any) -> str | None:
        if not unset:
            return self.message
        if self.message and (f"`{path}` not set" in self.message or f"{path} not set" in self.message):
            return self.message  # the rule's own message already says so: say it once
        if self.has_default and self.unset is None:
            note = f"`{path}` not set: the provider default is {literal(value)}"
        else:
            note = f"`{path}` not set"
        return f"{self.message} ({note})" if self.message else note

    def attributes(self) -> Iterator[Test]:
        yield self


@dataclass(frozen=True, slots=True)
class AllOf(Condition):
    conditions: tuple[Condition, ...]
    message: str | None = None
    when: Condition | None = None

    def _failures(self, resource: Resource, base: str) -> Iterator[Failure]:
        for condition in self.conditions:
            for failure in condition.failures(resource, base):
                yield Failure(failure.path, failure.message or self.message, failure.unset)

    def _holds(self, resource: Resource, base: str) -> bool | None:
        return _all([condition.holds(resource, base) for condition in self.conditions])

    def attributes(self) -> Iterator[Test]:
        for condition in self.conditions:
            yield from condition.attributes()


@dataclass(frozen=True, slots=True)
class AnyOf(Condition):
    conditions: tuple[Condition, ...]
    message: str | None = None
    when: Condition | None = None

    def _failures(self, resource: Resource, base: str) -> Iterator[Failure]:
        first: Failure | None = None
        for condition in self.conditions:
            found = list(condition.failures(resource, base))
            if not found:
                return
            first = first or found[0]
        if first is not None:
            yield Failure(first.path, self.message or first.message, first.unset)

    def _holds(self, resource: Resource, base: str) -> bool | None:
        return _any([condition.holds(resource, base) for condition in self.conditions])

    def attributes(self) -> Iterator[Test]:
        for condition in self.conditions:
            yield from condition.attributes()


@dataclass(frozen=True, slots=True)
class Each(Condition):
    each: str  # a list of blocks
    require: Condition
    where: Condition | None = None
    message: str | None = None
    when: Condition | None = None

    def _failures(self, resource: Resource, base: str) -> Iterator[Failure]:
        path = _join(base, self.each)
        items = resource.get(path)
        if not isinstance(items, list):
            return  # absent, a single object, or unknown until apply
        for index in range(len(items)):
            element = f"{path}.{index}"
            if self.where is not None and self.where.holds(resource, element) is not True:
                continue  # not an element the rule is about (or cannot be told before apply)
            for failure in self.require.failures(resource, element):
                yield Failure(failure.path, failure.message or self.message, failure.unset)

    def _holds(self, resource: Resource, base: str) -> bool | None:
        path = _join(base, self.each)
        items = resource.get(path)
        if items is UNKNOWN:
            return None
        if not isinstance(items, list):
            return True
        verdicts: list[bool | None] = []
        for index in range(len(items)):
            element = f"{path}.{index}"
            selected = self.where.holds(resource, element) if self.where is not None else True
            if selected is False:
                continue
            verdicts.append(None if selected is None else self.require.holds(resource, element))
        return _all(verdicts)

    def attributes(self) -> Iterator[Test]:
        if self.where is not None:
            yield from self.where.attributes()
        yield from self.require.attributes()


def _all(verdicts: list[bool | None]) -> bool | None:
    if any(v is False for v in verdicts):
        return False
    return None if any(v is None for v in verdicts) else True


def _any(verdicts: list[bool | None]) -> bool | None:
    if any(v is True for v in verdicts):
        return True
    return None if any(v is None for v in verdicts) else False


def check_of(condition: Condition, fallback_message: str | None = None) -> Callable[[Resource, Any], Iterator[Hit]]:
    """A rule's `check` function from its declared condition."""

    def check(resource: Resource, snapshot: Any) -> Iterator[Hit]:
        for failure in condition.failures(resource, ""):
            yield Hit(failure.path, failure.message or fallback_message, unset=failure.unset)

    return check


# --- parsing --------------------------------------------------------------------------------------
