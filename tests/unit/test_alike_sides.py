"""A rule that reads a resource's values alone runs once for both sides of a resource whose sides are alike
(ADR 0470): the before side's hits are the after side's, replayed; every other rule still runs on both sides."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from typing import Any

import pytest

from tests.rule_examples import change_set_of, examples_of, plan_of_hcl
from tfreview.core.check_reach import reads_values_alone, sides_alike
from tfreview.core.findings import Status
from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.review import _resource, _run_state_rules, _state_hits, review
from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN
from tfreview.rules import load_rules

RULES = load_rules()
_CALLS: list[str] = []  # the sides a counting rule was run on


def _counted(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    _CALLS.append(resource.address)
    if resource.get("acl") == "public-read":
        yield Hit("acl", "public", resource.get("acl"))


def _failing(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    yield Hit("acl", "before the error")
    raise ValueError("no good")


def _with_snapshot(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if not list(snapshot.of_type("aws_s3_bucket_logging")):
        yield Hit("", "no logging")


def _rule(check: Any, rule_id: str = "TFR-TEST-001") -> Rule:
    return Rule(
        id=rule_id,
        long_id=rule_id.lower(),
        title="test rule",
        severity=Severity.HIGH,
        provider="aws",
        category="general",
        resource_types=("aws_s3_bucket",),
        remediation="fix it",
        check=check,
    )


def _change(address: str, actions: tuple[str, ...], before: Any, after: Any, **more: Any) -> ResourceChange:
    kind, name = address.split(".")[-2:]
    return ResourceChange(address, kind, name, actions, before=before, after=after, **more)


def _sides(changes: list[ResourceChange]) -> tuple[list[Resource], list[Resource], dict[str, ResourceChange]]:
    after = [_resource(c, "after") for c in changes if c.after is not None and c.kind is not ChangeKind.DELETE]
    before = [_resource(c, "before") for c in changes if c.before is not None and c.kind is not ChangeKind.CREATE]
    return after, before, {c.address: c for c in changes}


def test_sides_alike_only_for_the_same_known_values_and_sensitivity() -> None:
    values = {"bucket": "b", "versioning": [{"enabled": True}], "tags": {"a": "1"}}
    alike = _change("aws_s3_bucket.b", ("no-op",), values, copy.deepcopy(values), after_unknown={"tags": {}})
    assert sides_alike(alike)
    assert sides_alike(replace(alike, actions=("update",)))  # an update that changes nothing a rule reads
    assert not sides_alike(replace(alike, actions=("create",)))
    assert not sides_alike(replace(alike, actions=("delete",)))
    assert not sides_alike(replace(alike, after={**values, "bucket": "c"}))
    assert not sides_alike(replace(alike, after_unknown={"tags": {"a": True}}))
    assert not sides_alike(replace(alike, after_sensitive={"tags": True}))
    # equal in Python, not to a rule: 1 == 1.0 == True
    assert not sides_alike(replace(alike, before={"n": 1}, after={"n": True}))
    assert not sides_alike(replace(alike, before={"n": [1.0]}, after={"n": [1]}))
    assert not sides_alike(replace(alike, before={"n": UNKNOWN}, after={"n": UNKNOWN}))
    deep: dict[str, Any] = {"x": [{"y": False} for _ in range(20_000)] + [{"y": True}]}  # past holds_unknown's bound
    assert not sides_alike(replace(alike, after_unknown=deep))


def test_what_a_check_reads_is_found_from_its_code() -> None:
    by_id = {rule.id: rule for rule in RULES}
    assert reads_values_alone(_rule(_counted))
    assert not reads_values_alone(_rule(_with_snapshot))  # reads other resources
    assert not reads_values_alone(_rule(partial(_counted)))  # the code cannot be read: counted as reading
    assert not reads_values_alone(_rule(lambda resource, snapshot: _counted(resource, snapshot)))
    assert not reads_values_alone(by_id["TFR-AWS-039"])  # VPC flow logs: linked resources
    assert not reads_values_alone(by_id["TFR-AZU-002"])  # reads `configured` and `unknown` itself
    assert reads_values_alone(by_id["TFR-AWS-005"])  # declarative: its compiled closure
    assert all(reads_values_alone(rule) for rule in RULES if rule.declarative)


def test_a_values_alone_rule_runs_once_on_a_no_op_and_its_finding_stays_existing() -> None:
    values = {"bucket": "b", "acl": "public-read"}
    changes = [
        _change("aws_s3_bucket.same", ("no-op",), values, dict(values)),
        _change("aws_s3_bucket.fixed", ("update",), values, {**values, "acl": "private"}),
    ]
    _CALLS.clear()
    result = review(ChangeSet(changes=changes, source="plan"), [_rule(_counted)], Policy())
    assert _CALLS == ["aws_s3_bucket.same", "aws_s3_bucket.fixed", "aws_s3_bucket.fixed"]  # the no-op once
    assert {(f.address, f.status) for f in result.findings} == {
        ("aws_s3_bucket.same", Status.EXISTING),
        ("aws_s3_bucket.fixed", Status.RESOLVED),
    }


def test_a_no_op_whose_linked_rule_differs_between_sides_is_judged_on_both() -> None:
    """The bucket does not change, but its logging is destroyed: a rule reading the snapshot finds the bucket
    unlogged on the after side only, so the finding is introduced, not existing."""
    bucket = {"bucket": "b"}
    changes = [
        _change("aws_s3_bucket.b", ("no-op",), bucket, dict(bucket)),
        _change("aws_s3_bucket_logging.b", ("delete",), {"bucket": "b", "target_bucket": "logs"}, None),
    ]
    result = review(ChangeSet(changes=changes, source="plan"), [_rule(_with_snapshot)], Policy())
    assert [(f.address, f.status) for f in result.findings] == [("aws_s3_bucket.b", Status.INTRODUCED)]
    flow = {rule.id: rule for rule in RULES}["TFR-AWS-039"]
    vpc = {"cidr_block": "10.0.0.0/16", "id": "vpc-1"}
    changes = [
        _change("aws_vpc.main", ("no-op",), vpc, dict(vpc)),
        _change("aws_flow_log.main", ("delete",), {"vpc_id": "vpc-1", "traffic_type": "ALL"}, None),
    ]
    result = review(ChangeSet(changes=changes, source="plan"), [flow], Policy())
    assert [(f.rule_id, f.address, f.status) for f in result.findings] == [
        ("TFR-AWS-039", "aws_vpc.main", Status.INTRODUCED)
    ]


def test_a_rule_failing_on_the_after_side_still_runs_on_the_before_side() -> None:
    values = {"bucket": "b"}
    changes = [_change("aws_s3_bucket.b", ("no-op",), values, dict(values))]
    result = review(ChangeSet(changes=changes, source="plan"), [_rule(_failing)], Policy())
    assert len(result.diagnostics) == 2  # once per side, as without the replay
    assert [f.status for f in result.findings] == [Status.EXISTING]


def _no_op(change: ResourceChange) -> ResourceChange:
    """The change made a no-op that keeps its after side: both sides the after values, nothing unknown."""
    return replace(
        change,
        actions=("no-op",),
        before=copy.deepcopy(change.after),
        before_sensitive=copy.deepcopy(change.after_sensitive),
        after_unknown={},
    )


def _change_sets() -> Iterator[tuple[str, ChangeSet]]:
    for rule in RULES:
        if rule.check is None:
            continue
        for example in examples_of(rule):
            yield example.test_id, change_set_of(example)
            if example.plan is None and example.base_hcl is None:
                yield f"{example.test_id}-as-plan", plan_of_hcl(example)


@pytest.mark.parametrize("case", list(_change_sets()), ids=lambda case: case[0])
def test_replayed_hits_are_the_hits_every_rule_finds(case: tuple[str, ChangeSet]) -> None:
    """Every example of the library with its resources made no-ops: the before side's hits, with the replay, are
    exactly those of every rule run on the before side (same keys, order, hits, resources, paths)."""
    _, change_set = case
    changes = [_no_op(c) if c.after is not None and c.mode == "managed" else c for c in change_set.changes]
    after, before, by_address = _sides([c for c in changes if c.mode == "managed"])
    rules = [rule for rule in RULES if rule.check is not None]
    found: list[str] = []
    _, replayed, _ = _state_hits(rules, after, before, by_address, found)
    expected: list[str] = []
    _run_state_rules(rules, after, expected, check_unknown=True)
    ran = _run_state_rules(rules, before, expected, check_unknown=False)
    assert found == expected

    def shown(hits: Any) -> list[Any]:
        return [(key, f.hit, f.resource, f.paths) for key, f in hits.items()]

    assert shown(replayed) == shown(ran)
