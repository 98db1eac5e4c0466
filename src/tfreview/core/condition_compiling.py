"""A declarative rule's condition tree compiled once into closures: the `check` the engine runs (ADR 0310).

`core.conditions` says what a condition means, by walking its tree for every resource: per test it
resolves the path for the resource type, joins it to the base, looks for `*`, looks the value up, asks how
the attribute is set, and builds the failure's words. All of that but the look-up and the comparison is
the same for every resource, so it is done here once per rule: a test knows its path keys, its verdict on an
unset attribute and its hits (unset, wrong value) before it sees a resource. A test at the top level of the
condition (most rules are one test, or one test guarded by another) is one closure: one look-up, one
comparison, and a shared tuple of hits or `()` returned, with no list, no `Failure` and no hit made per
resource (ADR 0441). A value unknown until apply is judged as `Resource.setting_of` and `Test._assess` do:
unset when the configuration shows it unwritten (and no `dynamic` block around it), else an expression, which
passes; only a regex test on a value with a known prefix goes to the tree's own `Test._judge` / `Test._verdict`
(ADR 0330). Paths with `*` go through the tree's own code (`Test._failures`). A test's judge and its top-level
closures are in `core.condition_judging`; this module combines them as the tree is combined.

What a compiled check yields is what `conditions.check_of` yields, in the same order, and when a condition
raises, the hits found before it are still yielded, then the error is raised, as the tree's generators do
(tests/unit/test_condition_compiling.py compares the two on every rule's examples and on the fixture plans).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tfreview.core.condition_judging import Check, Judge, hit_of, judge_of, replay, top_check, top_verdict
from tfreview.core.conditions import AllOf, AnyOf, Condition, Each, Test, _all, _any, _expand, _join
from tfreview.core.rules import Hit, Resource
from tfreview.core.values import UNKNOWN

# appends the hits of the resource (or of the block at base) to the list, messages without the fallback
_Fails = Callable[[Resource, str, list[Hit]], None]
_Holds = Callable[[Resource, str], bool | None]


def compile_check(condition: Condition, fallback_message: str | None = None) -> Check:
    """`conditions.check_of(condition, fallback_message)`, compiled."""
    top = top_check(condition) if fallback_message is None and isinstance(condition, Test) else None
    if top is not None:
        if condition.when is None:
            return top  # a lone test: its closure is the check
        return _guarded_top(_holds(condition.when), top)
    fails = _failures(condition)

    def check(resource: Resource, snapshot: Any) -> Iterable[Hit]:
        out: list[Hit] = []
        try:
            fails(resource, "", out)
        except Exception as exc:  # what the tree's generator yielded before it raised, then the error
            return replay(_with_fallback(out, fallback_message), exc)
        if not out:
            return ()
        return out if fallback_message is None else _with_fallback(out, fallback_message)

    return check


def _guarded_top(when: _Holds, top: Check) -> Check:
    """A lone test with a `when`: the test's closure where the guard holds."""

    def check(resource: Resource, snapshot: Any) -> Iterable[Hit]:
        try:
            applies = when(resource, "")
        except Exception as exc:
            return replay((), exc)
        return top(resource, snapshot) if applies is True else ()

    return check


def _with_fallback(hits: list[Hit], message: str | None) -> list[Hit]:
    """The hits as `check_of` words them: `failure.message or fallback_message`."""
    if message is None:
        return hits
    return [hit if hit.message else Hit(hit.path, message, unset=hit.unset) for hit in hits]


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

    def guarded(resource: Resource, base: str, out: list[Hit]) -> None:
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
    def fails(resource: Resource, base: str, out: list[Hit]) -> None:
        out.extend(hit_of(failure) for failure in condition.failures(resource, base))

    return fails


def _renamer(message: str) -> Callable[[Hit], Hit]:
    """A child's hit as a parent with `message` reports it (`failure.message or message`), each renamed hit kept
    with the child's hit it renames: a compiled test's hits are shared by every resource it fails on (ADR 0441),
    so each is renamed once, not once per resource (ADR 0471). Kept by the child hit's identity, the hit itself
    held so that the id names no other; at most `_CACHED_RENAMES` at a time (a hit made per resource is renamed
    again after a clear, as before)."""
    made: dict[int, tuple[Hit, Hit]] = {}

    def rename(hit: Hit) -> Hit:
        if hit.message:
            return hit
        kept = made.get(id(hit))
        if kept is not None and kept[0] is hit:
            return kept[1]
        renamed = Hit(hit.path, message, unset=hit.unset)
        if len(made) >= _CACHED_RENAMES:
            made.clear()
        made[id(hit)] = (hit, renamed)
        return renamed

    return rename


_CACHED_RENAMES = 1024


# --- tests ----------------------------------------------------------------------------------------


def _test_failures(test: Test) -> _Fails:
    by_type = None if isinstance(test.attribute, str) else dict(test.attribute)
    fixed = test.attribute if isinstance(test.attribute, str) else None
    judge = judge_of(test)
    if judge is None:
        return _star_failures(test) or _walked_test(test)
    failure = judge.failure
    top = top_check(test)

    def fails(resource: Resource, base: str, out: list[Hit]) -> None:
        if top is not None and not base:
            out.extend(top(resource, None))  # an error comes out of the extend, as from the tree
            return
        relative = fixed if by_type is None else by_type.get(resource.type)
        if relative is None:
            return
        found = failure(resource, f"{base}.{relative}" if base and relative else base or relative)
        if found is not None:
            out.append(found)

    return fails


def _star_judge(test: Test) -> Judge | None:
    """The judge of a test whose path has `*` (`judge_of` leaves those to the tree); None when its default cannot
    be judged once (the tree then raises on each resource, as before)."""
    try:
        return Judge(test)
    except Exception:
        return None


def _star_failures(test: Test) -> _Fails | None:
    """`Test._failures` for a path with `*`: the tree's own expansion (`_expand`) and quantifier, each concrete
    path judged by the test's judge (`Test._judge`, as a hit) instead of the tree's `_assess` (ADR 0471)."""
    judge = _star_judge(test)
    if judge is None:
        return None
    failure = judge.failure
    path_for = test.path_for
    any_of = test.quantifier == "any"

    def fails(resource: Resource, base: str, out: list[Hit]) -> None:
        relative = path_for(resource.type)
        if relative is None:
            return  # the test does not concern this resource type
        pattern = _join(base, relative)
        paths = _expand(resource, pattern)
        if paths is None:
            return  # the list itself is unknown until apply
        results = [failure(resource, path) for path in paths]  # every path judged first, as the tree does
        if not any_of:
            out.extend(found for found in results if found is not None)
        elif not paths:
            list_path = pattern.split(".*", 1)[0]
            out.append(Hit(list_path, test._words(list_path, True, None), unset=True))
        elif all(found is not None for found in results):
            out.append(results[0])  # type: ignore[arg-type]  # every result is a hit here

    return fails


def _star_holds(test: Test) -> _Holds | None:
    """`Test._holds` for a path with `*`, each concrete path's verdict by the test's judge (`Test._verdict`)."""
    judge = _star_judge(test)
    if judge is None:
        return None
    verdict = judge.verdict
    path_for = test.path_for
    combine = _any if test.quantifier == "any" else _all

    def holds(resource: Resource, base: str) -> bool | None:
        relative = path_for(resource.type)
        if relative is None:
            return True
        paths = _expand(resource, _join(base, relative))
        if paths is None:
            return None
        return combine([verdict(resource, path) for path in paths])

    return holds


def _walked_test(test: Test) -> _Fails:
    def fails(resource: Resource, base: str, out: list[Hit]) -> None:
        out.extend(hit_of(failure) for failure in test._failures(resource, base))

    return fails


def _test_holds(test: Test) -> _Holds:
    held = _test_verdict(test)
    if test.unknown != "pass":
        return held

    def holds_unless_known(resource: Resource, base: str) -> bool | None:
        verdict = held(resource, base)
        return True if verdict is None else verdict  # `unknown = "pass"` (ADR 0654)

    return holds_unless_known


def _test_verdict(test: Test) -> _Holds:
    judge = judge_of(test)
    if judge is None:
        return _star_holds(test) or test._holds
    verdict = judge.verdict
    path_for = test.path_for
    top = top_verdict(test)

    def holds(resource: Resource, base: str) -> bool | None:
        if top is not None and not base:
            return top(resource)
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

        def fails(resource: Resource, base: str, out: list[Hit]) -> None:
            for child in children:
                child(resource, base, out)

        return fails

    rename = _renamer(message)

    def renamed(resource: Resource, base: str, out: list[Hit]) -> None:
        for child in children:
            found: list[Hit] = []
            try:
                child(resource, base, found)
            finally:
                out.extend(map(rename, found))

    return renamed


def _any_failures(condition: AnyOf) -> _Fails:
    children = tuple(_failures(child) for child in condition.conditions)
    message = condition.message

    def fails(resource: Resource, base: str, out: list[Hit]) -> None:
        first: Hit | None = None
        for child in children:
            found: list[Hit] = []
            child(resource, base, found)
            if not found:
                return
            first = first or found[0]
        if first is not None:
            out.append(Hit(first.path, message or first.message, unset=first.unset))

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
    rename = _renamer(message) if message is not None else None
    each = condition.each

    def fails(resource: Resource, base: str, out: list[Hit]) -> None:
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
            found: list[Hit] = []
            try:
                require(resource, element, found)
            finally:
                out.extend(map(rename, found))  # type: ignore[arg-type]  # rename: set with a message

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
