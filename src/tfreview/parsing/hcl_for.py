"""`for` expressions evaluated when their collection is known, as Terraform evaluates them.

    [for s in ["a", "b"] : upper(s)]                 → ["A", "B"]
    { for k, v in var.policies : k => v if var.on }  → the map, or {} when var.on is false
    { for s in var.users : s.team => s.name... }     → names grouped by team

An unknown collection, an unknown condition or an unknown object key makes the whole result unknown; the `if`
is converted to bool as a conditional's condition ("true"/"1", "false"/"0"), anything else an error `try` skips.
(Terraform cannot know which elements there are); unknown element values stay unknown inside it.
Object keys come out sorted, maps are walked in key order, lists and sets in order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from tfreview.core.values import UNKNOWN
from tfreview.parsing import evaluation_budget
from tfreview.parsing.hcl_functions import MAX_VALUE_SIZE, NOT_A_BOOL, as_bool, measured, normalise_number
from tfreview.parsing.hcl_syntax import token_text

MAX_ELEMENTS = 10_000  # a larger collection is left unknown: evaluation is per element


class ForEvaluator(Protocol):
    references: list[str]
    defaults: list[str]
    failures: int

    def evaluate(self, node: Any) -> Any: ...

    def collect(self, node: Any) -> None: ...

    def binding(self, names: Mapping[str, Any]) -> ForEvaluator: ...


def evaluate_for(evaluator: ForEvaluator, node: Any) -> Any:
    """The value of a `for_tuple_expr` or `for_object_expr` node, or UNKNOWN."""
    intro = node.for_intro
    if evaluation_budget.exhausted():  # nested `for`s multiply: the read's budget is spent (ADR 0678)
        evaluator.collect(node)
        return UNKNOWN
    collection = evaluator.evaluate(intro.iterable)
    if isinstance(collection, Mapping):
        pairs: list[tuple[Any, Any]] = sorted(collection.items())
    elif isinstance(collection, list):
        pairs = list(enumerate(collection))
    else:
        evaluator.collect(node)
        return UNKNOWN
    if len(pairs) > MAX_ELEMENTS or not evaluation_budget.take(len(pairs)):
        evaluator.collect(node)
        return UNKNOWN
    first = token_text(intro.first_iterator)
    second = token_text(intro.second_iterator) if intro.second_iterator is not None else None
    is_object = node.lark_name() == "for_object_expr"
    grouped = is_object and node.ellipsis is not None
    items: list[Any] = []
    entries: dict[str, Any] = {}
    size = 0  # of what is built so far: past MAX_VALUE_SIZE it is unknown before it fills the memory (review24)
    for key, value in pairs:
        inner = evaluator.binding({first: key, second: value} if second is not None else {first: value})
        try:
            if node.condition is not None:
                condition = as_bool(inner.evaluate(node.condition.condition_expr))  # converted as Terraform does
                if condition is False:
                    continue
                if condition is not True:
                    if condition is NOT_A_BOOL or condition is None:
                        evaluator.failures += 1  # "Invalid 'for' condition": an error `try` skips
                    return UNKNOWN
            if not is_object:
                element = inner.evaluate(node.value_expr)
                size += 1 + measured(element, MAX_VALUE_SIZE - size)
                if size > MAX_VALUE_SIZE:
                    return UNKNOWN  # 1,000 copies of a 1 MB text in each of 8 `for`s: 8 GB (review24)
                items.append(element)
                continue
            name = inner.evaluate(node.key_expr)
            if isinstance(name, (int, float)) and not isinstance(name, bool):
                name = str(normalise_number(name))
            if not isinstance(name, str):
                return UNKNOWN
            element = inner.evaluate(node.value_expr)
            size += 1 + len(name) + measured(element, MAX_VALUE_SIZE - size)
            if size > MAX_VALUE_SIZE:
                return UNKNOWN
            if grouped:
                entries.setdefault(name, []).append(element)
            else:
                entries[name] = element
        finally:
            evaluator.references.extend(inner.references)
            evaluator.defaults.extend(inner.defaults)
    return dict(sorted(entries.items())) if is_object else items
