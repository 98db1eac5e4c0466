"""A declarative rule's condition tree compiled once into closures: the `check` the engine runs (ADR 0310).

`core.conditions` says what a condition means, by walking its tree for every resource: per test it
resolves the path for the resource type, joins it to the base, looks for `*`, looks the value up, asks how
the attribute is set, and builds the failure's words. All of that but the look-up and the comparison is
the same for every resource, so it is done here once per rule: a top-level test knows its path keys, its
verdict on an unset attribute and its failures before it sees a resource. Paths with `*` go through the
tree's own code (`Test._failures`), and so does a value unknown until apply (`Test._judge`, `Test._verdict`):
rare, and where the tree knows more than "unknown" (is it written, a `dynamic` block, a known prefix).

What a compiled check yields is what `conditions.check_of` yields, in the same order, and when a condition
raises, the hits found before it are still yielded, then the error is raised, as the tree's generators do
(tests/core/test_condition_compiling.py compares the two on every rule's examples and on the fixture plans).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tfreview.core.conditions import (
    _NO_DEFAULT,
    _OPERATORS,
    AllOf,
    AnyOf,
    Condition,
    Each,
    Failure,
    Test,
    _all,
    _any,
    _join,
)
from tfreview.core.rules import Hit, Resource
from tfreview.core.values import UNKNOWN, contains_unknown, lookup, path_keys

# appends the failures of the resource (or of the block at base) to the list
_Fails = Callable[[Resource, str, list[Failure]], None]
_Holds = Callable[[Resource, str], bool | None]

_SCALARS = frozenset({str, int, float, bool})  # values that cannot hold an unknown part
_EMPTY: tuple[list[Any], dict[Any, Any]] = ([], {})  # an absent block (`Resource.setting_of`)
_CACHED_PATHS = 4096  # per test: concrete paths below a base (`ingress.3.from_port`) whose facts are kept


def compile_check(
    condition: Condition, fallback_message: str | None = None
) -> Callable[[Resource, Any], Iterable[Hit]]:
    """`conditions.check_of(condition, fallback_message)`, compiled."""
    fails = _failures(condition)
    hits: dict[Failure, Hit] = {}

    def hit_of(failure: Failure) -> Hit:
        hit = hits.get(failure)
        if hit is None:
            if len(hits) >= _CACHED_PATHS:
                hits.clear()
            hit = hits[failure] = Hit(failure.path, failure.message or fallback_message, unset=failure.unset)
        return hit

    def check(resource: Resource, snapshot: Any) -> Iterable[Hit]:
        out: list[Failure] = []
        try:
            fails(resource, "", out)
        except Exception as exc:  # what the tree's generator yielded before it raised, then the error
            return _replay([hit_of(failure) for failure in out], exc)
        if not out:
            return ()
        return [hit_of(failure) for failure in out]

    return check


def _replay(hits: list[Hit], exc: Exception) -> Iterator[Hit]:
    yield from hits
    raise exc


def _failures(condition: Condition) -> _Fails:
    if isinstance(condition, Test):
        fails = _test_failures(condition)
    elif isinstance(condition, AllOf):
        fails = _all_failures(condition)
    elif isinstance(condition, AnyOf):
        fails = _any_failures(condition)
    elif isinstance(condition, Each):
        fails = _each_failures(condition)
    else:  # a condition kind this module does not know: the tree's own walk
        return _walked(condition)
    if condition.when is None:
        return fails
    when = _holds(condition.when)

    def guarded(resource: Resource, base: str, out: list[Failure]) -> None:
        if when(resource, base) is True:
            fails(resource, base, out)

    return guarded


def _holds(condition: Condition) -> _Holds:
    if isinstance(condition, Test):
        holds = _test_holds(condition)
    elif isinstance(condition, (AllOf, AnyOf)):
        holds = _combined_holds(condition)
    elif isinstance(condition, Each):
        holds = _each_holds(condition)
    else:
        return condition.holds
    if condition.when is None:
        return holds
    when = _holds(condition.when)

    def guarded(resource: Resource, base: str) -> bool | None:
        applies = when(resource, base)
        if applies is not True:
            return True if applies is False else None
        return holds(resource, base)

    return guarded


def _walked(condition: Condition) -> _Fails:
    def fails(resource: Resource, base: str, out: list[Failure]) -> None:
        out.extend(condition.failures(resource, base))

    return fails


def _renamed(message: str | None, failure: Failure) -> Failure:
    """A child's failure as a parent with `message` reports it (`failure.message or message`)."""
    if failure.message or message is None:
        return failure
    return Failure(failure.path, message, failure.unset)


# --- tests ----------------------------------------------------------------------------------------


class _Judge:
    """A test at concrete paths: its verdict and failure from one look-up, with every fact that does not
    depend on the resource (path keys, the verdict on an unset attribute, the failures' words) made once."""

    __slots__ = ("_facts", "_operand", "_operator", "_test", "_unset_verdict")

    def __init__(self, test: Test) -> None:
        self._test = test
        self._operator = _OPERATORS[test.operator][0]
        self._operand = test.operand
        if test.unset is not None:
            self._unset_verdict = test.unset == "pass"
        else:
            default = test.default if test.default is not _NO_DEFAULT else None
            self._unset_verdict = bool(self._operator(default, test.operand))
        # path → (its keys, the failure when unset, the failure when set)
        self._facts: dict[str, tuple[tuple[str | int, ...], Failure, Failure]] = {}

    def facts(self, path: str) -> tuple[tuple[str | int, ...], Failure, Failure]:
        found = self._facts.get(path)
        if found is None:
            test = self._test
            default = test.default if test.default is not _NO_DEFAULT else None
            unset = Failure(path, test._words(path, True, default), True)
            if len(self._facts) >= _CACHED_PATHS:
                self._facts.clear()
            found = self._facts[path] = (path_keys(path), unset, Failure(path, test.message, False))
        return found

    def failure(self, resource: Resource, path: str) -> Failure | None:
        """`Test._judge`."""
        keys, unset, wrong = self.facts(path)
        value = lookup(resource.values, resource.unknown, keys)
        if value is UNKNOWN:  # rare: the tree's own judgement (unset or an expression, and what else it knows)
            return self._test._judge(resource, path)
        if value is None or value in _EMPTY:
            return None if self._unset_verdict else unset
        if type(value) not in _SCALARS and contains_unknown(value):
            return None
        return None if self._operator(value, self._operand) else wrong

    def verdict(self, resource: Resource, path: str) -> bool | None:
        """`Test._verdict`."""
        value = lookup(resource.values, resource.unknown, self.facts(path)[0])
        if value is UNKNOWN:
            return self._test._verdict(resource, path)
        if value is None or value in _EMPTY:
            return self._unset_verdict
        if type(value) not in _SCALARS and contains_unknown(value):
            return None
        return bool(self._operator(value, self._operand))


def _judge(test: Test) -> _Judge | None:
    """The test's judge; None for a path with `*` (the tree's own quantifier logic is used) or a default the
    operator cannot judge once for all (the error then comes, as from the tree, on each resource)."""
    paths = [test.attribute] if isinstance(test.attribute, str) else list(test.attribute.values())
    if any("*" in path.split(".") for path in paths):
        return None
    try:
        return _Judge(test)
    except Exception:
        return None


def _test_failures(test: Test) -> _Fails:
    by_type = None if isinstance(test.attribute, str) else dict(test.attribute)
    fixed = test.attribute if isinstance(test.attribute, str) else None
    judge = _judge(test)
    if judge is None:
        return _walked_test(test)
    failure = judge.failure

    def fails(resource: Resource, base: str, out: list[Failure]) -> None:
        relative = fixed if by_type is None else by_type.get(resource.type)
        if relative is None:
            return
        found = failure(resource, f"{base}.{relative}" if base and relative else base or relative)
        if found is not None:
            out.append(found)

    return fails


def _walked_test(test: Test) -> _Fails:
    def fails(resource: Resource, base: str, out: list[Failure]) -> None:
        out.extend(test._failures(resource, base))

    return fails


def _test_holds(test: Test) -> _Holds:
    judge = _judge(test)
    if judge is None:
        return test._holds
    verdict = judge.verdict
    path_for = test.path_for

    def holds(resource: Resource, base: str) -> bool | None:
        relative = path_for(resource.type)
        if relative is None:
            return True
        return verdict(resource, _join(base, relative))

    return holds


# --- combinations ---------------------------------------------------------------------------------


def _all_failures(condition: AllOf) -> _Fails:
    children = tuple(_failures(child) for child in condition.conditions)
    message = condition.message
    if message is None:  # a child's failures as they are

        def fails(resource: Resource, base: str, out: list[Failure]) -> None:
            for child in children:
                child(resource, base, out)

        return fails

    def renamed(resource: Resource, base: str, out: list[Failure]) -> None:
        for child in children:
            found: list[Failure] = []
            try:
                child(resource, base, found)
            finally:
                out.extend(_renamed(message, failure) for failure in found)

    return renamed


def _any_failures(condition: AnyOf) -> _Fails:
    children = tuple(_failures(child) for child in condition.conditions)
    message = condition.message

    def fails(resource: Resource, base: str, out: list[Failure]) -> None:
        first: Failure | None = None
        for child in children:
            found: list[Failure] = []
            child(resource, base, found)
            if not found:
                return
            first = first or found[0]
        if first is not None:
            out.append(Failure(first.path, message or first.message, first.unset))

    return fails


def _combined_holds(condition: AllOf | AnyOf) -> _Holds:
    children = tuple(_holds(child) for child in condition.conditions)
    combine = _all if isinstance(condition, AllOf) else _any

    def holds(resource: Resource, base: str) -> bool | None:
        return combine([child(resource, base) for child in children])  # every child, as the tree does

    return holds


def _each_failures(condition: Each) -> _Fails:
    require = _failures(condition.require)
    where = _holds(condition.where) if condition.where is not None else None
    message = condition.message
    each = condition.each

    def fails(resource: Resource, base: str, out: list[Failure]) -> None:
        path = _join(base, each)
        items = resource.get(path)
        if not isinstance(items, list):
            return
        for index in range(len(items)):
            element = f"{path}.{index}"
            if where is not None and where(resource, element) is not True:
                continue
            if message is None:
                require(resource, element, out)
                continue
            found: list[Failure] = []
            try:
                require(resource, element, found)
            finally:
                out.extend(_renamed(message, failure) for failure in found)

    return fails


def _each_holds(condition: Each) -> _Holds:
    require = _holds(condition.require)
    where = _holds(condition.where) if condition.where is not None else None
    each = condition.each

    def holds(resource: Resource, base: str) -> bool | None:
        path = _join(base, each)
        items = resource.get(path)
        if items is UNKNOWN:
            return None
        if not isinstance(items, list):
            return True
        verdicts: list[bool | None] = []
        for index in range(len(items)):
            element = f"{path}.{index}"
            selected = where(resource, element) if where is not None else True
            if selected is False:
                continue
            verdicts.append(None if selected is None else require(resource, element))
        return _all(verdicts)

    return holds
