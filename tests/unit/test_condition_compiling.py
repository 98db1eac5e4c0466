"""Compiled conditions (ADR 0310) yield what the condition tree yields: on every declarative rule's examples,
on the plan corpus, and when a condition raises part-way."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.rule_examples import change_set_of, examples_of
from tfreview.core import conditions
from tfreview.core.condition_compiling import compile_check
from tfreview.core.condition_parsing import parse_condition
from tfreview.core.conditions import Condition, Each, check_of
from tfreview.core.plan import ChangeKind, ChangeSet
from tfreview.core.rules import Hit, Resource, Rule
from tfreview.parsing.inputs import load_change_set
from tfreview.rules import load_rules

CORPUS = Path(__file__).resolve().parent.parent / "data" / "plans" / "corpus"
DECLARATIVE = [rule for rule in load_rules() if rule.declarative]


def _condition(rule: Rule) -> Condition:
    assert rule.examples_file is not None
    data = tomllib.loads(Path(rule.examples_file).read_text(encoding="utf-8"))
    return parse_condition(data["check"], "check", rule.resource_types)


def _sides(change_set: ChangeSet) -> Iterator[Resource]:
    """Both sides of every managed change, as the engine builds them."""
    for c in change_set.changes:
        if c.mode != "managed":
            continue
        if c.before is not None and c.kind is not ChangeKind.CREATE:
            yield Resource(c.address, c.type, c.name, c.before, None, c.before_sensitive, c.location, c.references)
        if c.after is not None and c.kind is not ChangeKind.DELETE:
            yield Resource(
                c.address, c.type, c.name, c.after, c.after_unknown, c.after_sensitive, c.location, c.references,
                configured=c.configured,
            )  # fmt: skip


def _outcome(check: Any, resource: Resource) -> tuple[list[Hit], str | None]:
    hits: list[Hit] = []
    try:
        for hit in check(resource, None):
            hits.append(hit)
    except Exception as exc:  # the engine keeps the hits found before the error, then reports it
        return hits, f"{type(exc).__name__}: {exc}"
    return hits, None


def _agree(rule: Rule, condition: Condition, resources: list[Resource]) -> int:
    compiled, walked = compile_check(condition), check_of(condition)
    seen = 0
    for resource in resources:
        if resource.type not in rule.resource_types:
            continue
        assert _outcome(compiled, resource) == _outcome(walked, resource), (rule.id, resource.address)
        assert _outcome(rule.check, resource) == _outcome(walked, resource), (rule.id, resource.address)
        seen += 1
    return seen


@pytest.mark.parametrize("rule", DECLARATIVE, ids=lambda rule: rule.id)
def test_compiled_check_agrees_with_the_tree_on_the_rule_examples(rule: Rule) -> None:
    condition = _condition(rule)
    resources = [r for example in examples_of(rule) for r in _sides(change_set_of(example))]
    assert _agree(rule, condition, resources) > 0


def test_compiled_checks_agree_with_the_tree_on_the_plan_corpus() -> None:
    plans = sorted(CORPUS.glob("*.json"))
    assert plans
    resources = [r for plan in plans for r in _sides(load_change_set(str(plan), base=None, source=None))]
    by_type: dict[str, list[Resource]] = {}
    for resource in resources:
        by_type.setdefault(resource.type, []).append(resource)
    seen = 0
    for rule in DECLARATIVE:
        concerned = [r for t in rule.resource_types for r in by_type.get(t, ())]
        if concerned:
            seen += _agree(rule, _condition(rule), concerned)
    assert seen > 100


def test_a_condition_that_raises_part_way_keeps_the_hits_found_before_it() -> None:
    # an operand no parsed rule can carry: `gt` against a string fails only on a numeric value
    condition = Each("ingress", conditions.Test("from_port", "gt", "not a number"), message="open")
    resource = Resource("aws_thing.a", "aws_thing", "a", {"ingress": [{"from_port": "x"}, {"from_port": 22}]})
    walked = _outcome(check_of(condition), resource)
    assert walked == (
        [Hit("ingress.0.from_port", "open")],
        "ValueError: could not convert string to float: 'not a number'",
    )
    assert _outcome(compile_check(condition), resource) == walked


def test_an_unknown_value_is_judged_as_the_tree_judges_it_unset_or_an_expression() -> None:
    # ADR 0441: the compiled test decides an unknown value itself: unset when the configuration does not show it
    # written (the provider computes it), an expression (passes) when it is written or inside a `dynamic` block
    test = conditions.Test("encrypted", "equals", True, default=False, message="not encrypted")
    nested = conditions.Test("logging.0.enabled", "equals", True, default=False)
    unknown = {"encrypted": True, "logging": [{"enabled": True}]}
    values: dict[str, Any] = {"logging": [{}]}
    unwritten = Resource("aws_thing.a", "aws_thing", "a", values, unknown, configured={})
    written = Resource(
        "aws_thing.b", "aws_thing", "b", values, unknown,
        configured={"encrypted": {"references": ["var.on"]}, "logging": [{"enabled": {"references": ["var.on"]}}]},
    )  # fmt: skip
    dynamic = Resource("aws_thing.c", "aws_thing", "c", {"logging": [{"x": 1}]}, unknown, configured={})
    for condition in (test, nested, conditions.AllOf((test, nested)), conditions.Test("x", "equals", 1, when=test)):
        for resource in (unwritten, written, dynamic):
            assert _outcome(compile_check(condition), resource) == _outcome(check_of(condition), resource)
    assert _outcome(compile_check(test), unwritten) == (
        [Hit("encrypted", "not encrypted (`encrypted` not set: the provider default is false)", unset=True)],
        None,
    )
    assert _outcome(compile_check(test), written) == ([], None)
    assert _outcome(compile_check(nested), dynamic) == ([], None)


def test_a_guard_passing_unknown_values_holds_as_the_tree_holds_it() -> None:
    # ADR 0654: `unknown = "pass"` makes an unknown guard hold, compiled (top level, under a base, in `any`)
    # as in the tree; a known value is judged as before
    guard = conditions.Test("engine", "not_matches", re.compile("^aurora"), unknown="pass")
    either = conditions.AnyOf((conditions.Test("engine", "in", ["postgres"]), guard))
    test = conditions.Test("encrypted", "equals", True, default=False, message="not encrypted")
    nested = conditions.Each("db", conditions.Test("encrypted", "equals", True, default=False), where=guard)
    written = {"engine": {"references": ["var.engine"]}, "db": [{"engine": {"references": ["var.engine"]}}]}
    resources = [
        Resource("aws_thing.a", "aws_thing", "a", {"encrypted": False, "db": [{}]}, {"engine": True,
                 "db": [{"engine": True}]}, configured=written),
        Resource("aws_thing.b", "aws_thing", "b", {"encrypted": False, "engine": "aurora",
                 "db": [{"engine": "aurora"}]}),
        Resource("aws_thing.c", "aws_thing", "c", {"engine": "postgres", "db": [{"engine": "postgres"}]}),
    ]  # fmt: skip
    for condition in (
        conditions.Test("encrypted", "equals", True, default=False, when=guard),
        conditions.Test("encrypted", "equals", True, default=False, when=either),
        nested,
        conditions.AllOf((test,), when=guard),
    ):
        outcomes = [_outcome(compile_check(condition), resource) for resource in resources]
        assert outcomes == [_outcome(check_of(condition), resource) for resource in resources]
        assert [bool(hits) for hits, _ in outcomes] == [True, False, True]


def test_star_paths_text_operators_and_renamed_hits_as_the_tree_gives_them() -> None:
    # ADR 0471: a test on a path with `*` is judged path by path by the test's judge, a text operand gets the
    # operator's cheaper text form, and a parent's message renames a shared hit once: all as the tree does
    star = [
        conditions.Test("rule.*.verbs", "not_contains", "*", unset="pass", message="every verb"),
        conditions.Test("log.*.type", "equals", "AUDIT", quantifier="any", unset="fail"),
        conditions.Test("log.*.enabled", "equals", True, default=True),
        conditions.Test("log.*.type", "in", ("AUDIT", "SEARCH"), default="AUDIT"),  # parsed lists are tuples
        conditions.Test("log.*.type", "not_in", ("AUDIT", 1, True)),
    ]
    texts = [
        conditions.Test("kind", "equals", "a"),
        conditions.Test("kind", "not_equals", "a", unset="pass"),
        conditions.Test("kinds", "contains", "a", default=[]),
        conditions.Test("kinds", "not_contains", "a"),
        conditions.Test("kind", "in", ("a", "b"), default="c"),
        conditions.Test("kind", "not_in", ["a", "b"], unset="fail"),
        conditions.Test("kind", "not_in", ("a", "true"), default=True),
    ]
    renamed = conditions.AllOf(tuple(texts), message="renamed")
    each = Each("log", conditions.Test("type", "in", ["AUDIT"]), message="each renamed")
    values: list[tuple[dict[str, Any], Any]] = [
        ({}, None),
        ({"rule": [{"verbs": ["get", "*"]}, {"verbs": ["*"]}], "log": []}, None),
        ({"rule": [], "log": [{"type": "AUDIT", "enabled": False}, {"type": "INDEX", "enabled": True}]}, None),
        ({"log": [{"type": "INDEX"}, {"type": "true"}, {"type": 1}, {"type": None}]}, None),
        ({"log": [{"type": "INDEX"}]}, {"log": True}),  # the list unknown until apply
        ({"log": [{"type": None}, {"type": "INDEX"}]}, {"log": [{"type": True}]}),  # one element unknown
        ({"kind": "a", "kinds": ["a", True]}, None),
        ({"kind": True, "kinds": [1, "b"]}, None),
        ({"kind": ["a"], "kinds": "a"}, None),
        ({"kind": "c", "kinds": [["a"]]}, None),
    ]
    every = [*star, *texts, renamed, each, conditions.AnyOf(tuple(star[:2]), message="any")]
    compiled = [(condition, compile_check(condition), check_of(condition)) for condition in every]
    for twice in (1, 2):  # the second time from the facts and renamed hits the compiled checks kept
        for number, (value, unknown) in enumerate(values):
            for configured in (None, {}):
                resource = Resource(f"aws_thing.t{number}", "aws_thing", "t", value, unknown, configured=configured)
                for condition, check, walked in compiled:
                    assert _outcome(check, resource) == _outcome(walked, resource), (condition, value, twice)
