"""A compiled condition's tests: a `Judge` per test (its facts made once), and a test at the top level of a
condition as one closure (ADR 0310, ADR 0441). `core.condition_compiling` builds rules' checks from them.

A test's verdict and hit come from one look-up of the value. A value unknown until apply is judged as
`Resource.setting_of` and `Test._assess` judge it: unset when the configuration shows it unwritten (and no
`dynamic` block around it), else an expression, which passes; only a regex test on a value with a known prefix
goes to the tree's own `Test._judge` / `Test._verdict` (ADR 0330).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tfreview.core.conditions import _NO_DEFAULT, _OPERATORS, Failure, Test, _bool_operand, terraform_text
from tfreview.core.rules import Hit, Resource
from tfreview.core.values import UNKNOWN, contains_unknown, lookup, not_a_bool, path_keys, written

Check = Callable[[Resource, Any], Iterable[Hit]]

_SCALARS = frozenset({str, int, float, bool})  # values that cannot hold an unknown part
_EMPTY: tuple[list[Any], dict[Any, Any]] = ([], {})  # an absent block (`Resource.setting_of`)
_CACHED_PATHS = 4096  # per test: concrete paths below a base (`ingress.3.from_port`) whose facts are kept


def replay(hits: Iterable[Hit], exc: Exception) -> Iterator[Hit]:
    yield from hits
    raise exc


def hit_of(failure: Failure) -> Hit:
    """The hit `check_of` makes of the tree's failure (without a fallback message)."""
    return Hit(failure.path, failure.message, unset=failure.unset)


class Judge:
    """A test at concrete paths: its verdict and hit from one look-up, with every fact that does not depend on
    the resource (path keys, the verdict on an unset attribute, the hits' words) made once."""

    __slots__ = ("_facts", "bool_argument", "operand", "operator", "prefixed", "test", "unset_verdict")

    def __init__(self, test: Test) -> None:
        self.test = test
        self.operator = _operator_for(test.operator, test.operand)
        self.operand = test.operand
        self.prefixed = test.operator in ("matches", "not_matches")  # a known prefix may decide an expression
        # compared with a bool: a string Terraform refuses for a bool argument is not judged (ADR 0716)
        self.bool_argument = _bool_operand(test.operator, test.operand)
        if test.unset is not None:
            self.unset_verdict = test.unset == "pass"
        else:
            default = test.default if test.default is not _NO_DEFAULT else None
            self.unset_verdict = bool(self.operator(default, test.operand))
        # path → (its keys, the hit when unset, the hit when set)
        self._facts: dict[str, tuple[tuple[str | int, ...], Hit, Hit]] = {}

    def facts(self, path: str) -> tuple[tuple[str | int, ...], Hit, Hit]:
        found = self._facts.get(path)
        if found is None:
            test = self.test
            default = test.default if test.default is not _NO_DEFAULT else None
            unset = Hit(path, test._words(path, True, default), unset=True)
            if len(self._facts) >= _CACHED_PATHS:
                self._facts.clear()
            found = self._facts[path] = (path_keys(path), unset, Hit(path, test.message))
        return found

    def failure(self, resource: Resource, path: str) -> Hit | None:
        """`Test._judge`, as a hit."""
        keys, unset, wrong = self.facts(path)
        value = lookup(resource.values, resource.unknown, keys)
        if value is UNKNOWN:
            if _unset_though_unknown(resource, keys, path):
                return None if self.unset_verdict else unset
            if self.prefixed and resource.known_prefixes:  # rare: the tree's own judgement of a known prefix
                failure = self.test._judge(resource, path)
                return None if failure is None else hit_of(failure)
            return None  # an expression known only after apply satisfies the test
        if value is None or value in _EMPTY:
            return None if self.unset_verdict else unset
        if type(value) not in _SCALARS and contains_unknown(value):
            return None
        if self.bool_argument and not_a_bool(value):
            return None
        return None if self.operator(value, self.operand) else wrong

    def verdict(self, resource: Resource, path: str) -> bool | None:
        """`Test._verdict`."""
        keys = self.facts(path)[0]
        value = lookup(resource.values, resource.unknown, keys)
        if value is UNKNOWN:
            if _unset_though_unknown(resource, keys, path):
                return self.unset_verdict
            return self.test._verdict(resource, path) if self.prefixed and resource.known_prefixes else None
        if value is None or value in _EMPTY:
            return self.unset_verdict
        if type(value) not in _SCALARS and contains_unknown(value):
            return None
        if self.bool_argument and not_a_bool(value):
            return None
        return bool(self.operator(value, self.operand))


def _unset_though_unknown(resource: Resource, keys: tuple[str | int, ...], path: str) -> bool:
    """A value unknown until apply that `Resource.setting_of` calls UNSET: the configuration shows the user did
    not write it (nor a `dynamic` block around it), so the provider computes it and the test judges the unset
    attribute. Otherwise it is an expression, which satisfies every test but a prefix-decided regex."""
    configured = resource.configured
    if configured is None:
        return False
    if len(keys) == 1 and type(configured) is dict and type(keys[0]) is str and configured.get(keys[0]) is None:
        return True  # `written`'s first step, without its call; a top-level attribute has no block around it
    return not written(configured, keys) and not resource._dynamic(path)


def _operator_for(name: str, operand: Any) -> Callable[[Any, Any], bool]:
    """The test's operator (`conditions._OPERATORS`), in a cheaper form with the same answers where its operand is
    text: `_same(value, text)` is `value == text` (a bool is never equal to a text, nor is anything but a text and a
    number, compared as the text Terraform converts it to),
    so `contains` is the list's own `in`, and `in` over texts is a set look-up for a text value."""
    general = _OPERATORS[name][0]
    if type(operand) is str:
        return _TEXT_OPERATORS.get(name, general)
    if name in ("in", "not_in") and type(operand) in (list, tuple) and all(type(item) is str for item in operand):
        texts = frozenset(operand)
        among = _OPERATORS["in"][0]
        if name == "in":

            def within(value: Any, operand: Any) -> bool:
                return value in texts if type(value) is str else among(value, operand)

            return within

        def outside(value: Any, operand: Any) -> bool:
            return value not in texts if type(value) is str else not among(value, operand)

        return outside
    return general


def _text_equals(value: Any, operand: Any) -> bool:
    if value == operand:
        return True
    return type(value) in (int, float) and terraform_text(value) == operand  # a number converted (ADR 0487)


def _text_differs(value: Any, operand: Any) -> bool:
    return not _text_equals(value, operand)


def _text_contained(value: Any, operand: Any) -> bool:
    return isinstance(value, list) and (operand in value or any(_text_equals(item, operand) for item in value))


def _text_not_contained(value: Any, operand: Any) -> bool:
    return not _text_contained(value, operand)


_TEXT_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": _text_equals,
    "not_equals": _text_differs,
    "contains": _text_contained,
    "not_contains": _text_not_contained,
}


def judge_of(test: Test) -> Judge | None:
    """The test's judge; None for a path with `*` (the tree's own quantifier logic is used) or a default the
    operator cannot judge once for all (the error then comes, as from the tree, on each resource)."""
    paths = [test.attribute] if isinstance(test.attribute, str) else list(test.attribute.values())
    if any("*" in path.split(".") for path in paths):
        return None
    try:
        return Judge(test)
    except Exception:
        return None


def top_check(test: Test) -> Check | None:
    """A test on one fixed path at the top level (base ``) as one closure: `check(resource, snapshot)` giving
    `()` or the test's one shared hit in a tuple, from one look-up (inline for a top-level attribute, as
    `values.lookup`'s own first case) and one comparison. None when the test needs the general path (a path
    per resource type, `*`, a default the operator cannot judge once)."""
    judge = judge_of(test)
    if judge is None or not isinstance(test.attribute, str):
        return None
    path = test.attribute
    keys, unset_hit, wrong_hit = judge.facts(path)
    unset_hits: tuple[Hit, ...] = () if judge.unset_verdict else (unset_hit,)
    wrong_hits = (wrong_hit,)
    operator, operand, judged, prefixed = judge.operator, judge.operand, test._judge, judge.prefixed
    bool_argument = judge.bool_argument
    key = keys[0] if len(keys) == 1 and type(keys[0]) is str else None

    def check(resource: Resource, snapshot: Any = None) -> Iterable[Hit]:
        try:
            value = _value_at(resource, key, keys)
            if value is UNKNOWN:  # `Test._judge` of an unknown value: unset, or an expression
                if _unset_though_unknown(resource, keys, path):
                    return unset_hits
                if prefixed and resource.known_prefixes:  # rare: the tree's own judgement of a known prefix
                    failure = judged(resource, path)
                    return () if failure is None else (hit_of(failure),)
                return ()
            if value is None or value in _EMPTY:
                return unset_hits
            if type(value) not in _SCALARS and contains_unknown(value):
                return ()
            if bool_argument and type(value) is str and not_a_bool(value):
                return ()
            return () if operator(value, operand) else wrong_hits
        except Exception as exc:  # raised when iterated, as from the tree's generator
            return replay((), exc)

    return check


def _value_at(resource: Resource, key: str | None, keys: Any) -> Any:
    """The value at `keys` (`key` when it is one top-level name): `Resource.get`'s fast case with the path
    already split, else `values.lookup`; UNKNOWN when known only after apply."""
    values = resource.values
    unknown = resource.unknown
    if key is None or type(values) is not dict or (unknown and type(unknown) is not dict):
        return lookup(values, unknown, keys)
    if unknown and unknown.get(key) is True:
        return UNKNOWN
    return values.get(key)


def top_verdict(test: Test) -> Callable[[Resource], bool | None] | None:
    """`_top`'s counterpart for a guard: the test's verdict at the top level, from one look-up."""
    judge = judge_of(test)
    if judge is None or not isinstance(test.attribute, str):
        return None
    path = test.attribute
    keys = judge.facts(path)[0]
    unset_verdict, operator, operand, judged = judge.unset_verdict, judge.operator, judge.operand, test._verdict
    prefixed, bool_argument = judge.prefixed, judge.bool_argument
    key = keys[0] if len(keys) == 1 and type(keys[0]) is str else None

    def verdict(resource: Resource) -> bool | None:
        value = _value_at(resource, key, keys)
        if value is UNKNOWN:  # `Test._verdict` of an unknown value: unset, or an expression
            if _unset_though_unknown(resource, keys, path):
                return unset_verdict
            return judged(resource, path) if prefixed and resource.known_prefixes else None
        if value is None or value in _EMPTY:
            return unset_verdict
        if type(value) not in _SCALARS and contains_unknown(value):
            return None
        if bool_argument and type(value) is str and not_a_bool(value):
            return None
        return bool(operator(value, operand))

    return verdict
