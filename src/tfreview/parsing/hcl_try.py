"""`try(…)` and `can(…)` in HCL mode: the first argument Terraform evaluates without an error.

An evaluator counts the steps Terraform would reject — a key or attribute that is not there, an index out
of range, a function given a wrong argument — in `failures`. `try(a, b, …)` evaluates each argument apart
and takes the first without a failure (unknown if that one's value is unknown, as Terraform's `try` waits
for it); `can(a)` is whether `a` evaluates. Every argument's references are collected. A step this
evaluator does not model stays unknown without counting as a failure, so `try` then stays unknown too:
it never falls back on a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl_functions import whole_index


class TryEvaluator(Protocol):
    references: list[str]
    defaults: list[str]
    failures: int

    def evaluate(self, node: Any) -> Any: ...

    def fresh(self) -> TryEvaluator: ...


def evaluate_try(evaluator: TryEvaluator, nodes: list[Any], *, can: bool) -> Any:
    """The value of `try(nodes…)`, or of `can(nodes[0])` when `can`."""
    chosen: Any = UNKNOWN
    decided = False
    for node in nodes:
        attempt = evaluator.fresh()
        value = attempt.evaluate(node)
        evaluator.references.extend(attempt.references)
        evaluator.defaults.extend(attempt.defaults)
        if not decided and attempt.failures == 0:
            chosen, decided = value, True
    if can:
        if not decided:
            return False
        return UNKNOWN if chosen is UNKNOWN else True
    if not decided:
        evaluator.failures += 1  # every argument failed: an error in Terraform, so in an enclosing `try` too
    return chosen


def holds(value: Any, key: Any) -> bool:
    """Whether `value[key]` exists (its value may be unknown), as opposed to an error in Terraform."""
    if isinstance(value, Mapping):
        return not isinstance(key, bool) and str(key) in value
    if isinstance(value, list):
        position = whole_index(key)
        return position is not None and 0 <= position < len(value)
    return False
