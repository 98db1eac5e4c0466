"""A change rule declares the kinds of change it reports on (`Rule.change_kinds`); the review calls it on those only.
The declaration must never hide a finding: on every other kind the rule's own check is silent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.rules import Hit, Rule
from tfreview.core.severity import Severity
from tfreview.rules import load_rules

_ACTIONS = {
    ChangeKind.CREATE: ("create",),
    ChangeKind.UPDATE: ("update",),
    ChangeKind.DELETE: ("delete",),
    ChangeKind.REPLACE: ("delete", "create"),
    ChangeKind.FORGET: ("forget",),
}
_WIDE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
_NARROW = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
)
_OPEN = [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 0, "to_port": 65535, "protocol": "-1", "ipv6_cidr_blocks": []}]
_CLOSED = [{"cidr_blocks": ["10.0.0.0/8"], "from_port": 443, "to_port": 443, "protocol": "tcp", "ipv6_cidr_blocks": []}]


def _sides(kind: ChangeKind) -> tuple[Any, Any]:
    """Before and after values that make every change rule speak where its kind allows (a policy and ingress
    widened, a managed policy attached)."""
    before = {"policy": _NARROW, "assume_role_policy": _NARROW, "ingress": _CLOSED, "managed_policy_arns": []}
    after = {"policy": _WIDE, "assume_role_policy": _WIDE, "ingress": _OPEN, "managed_policy_arns": ["arn:x"]}
    after.update(cidr_blocks=["0.0.0.0/0"], from_port=0, to_port=65535, protocol="-1", type="ingress")
    before.update(cidr_blocks=["10.0.0.0/8"], from_port=443, to_port=443, protocol="tcp", type="ingress")
    return (None if kind is ChangeKind.CREATE else before), (None if kind is ChangeKind.DELETE else after)


_CHANGE_RULES = [rule for rule in load_rules() if rule.check_change is not None and rule.change_kinds]


def test_the_library_change_rules_declare_their_kinds() -> None:
    assert {rule.id for rule in _CHANGE_RULES} >= {f"TFR-CHG-00{n}" for n in range(1, 7)}


@pytest.mark.parametrize("rule", _CHANGE_RULES, ids=lambda rule: rule.id)
def test_a_change_rule_is_silent_on_every_kind_it_does_not_declare(rule: Rule) -> None:
    assert rule.check_change is not None
    types = rule.resource_types or ("aws_s3_bucket", "aws_db_instance")
    for kind, actions in _ACTIONS.items():
        for type_name in types:
            before, after = _sides(kind)
            change = ResourceChange(
                address=f"{type_name}.x",
                type=type_name,
                name="x",
                actions=actions,
                before=before,
                after=after,
                after_unknown={},
                prevent_destroy=False,
                action_reason="delete_because_no_resource_config",
            )
            hits = list(rule.check_change(change, ChangeSet(changes=[change])))
            if kind not in rule.change_kinds:
                assert hits == [], (rule.id, kind, type_name)
    # and it does speak on a kind it declares, for some type (else the test above proves nothing)
    spoken = False
    for kind in rule.change_kinds:
        for type_name in types:
            before, after = _sides(kind)
            change = ResourceChange(
                address=f"{type_name}.x",
                type=type_name,
                name="x",
                actions=_ACTIONS[kind],
                before=before,
                after=after,
                after_unknown={},
                prevent_destroy=False,
            )
            spoken = spoken or bool(list(rule.check_change(change, ChangeSet(changes=[change]))))
    assert spoken, rule.id


def _every_change(change: ResourceChange, change_set: ChangeSet) -> Iterator[Hit]:
    yield Hit("", f"{change.kind} seen")


def _rule(kinds: tuple[ChangeKind, ...]) -> Rule:
    return Rule(
        id="T-CHG",
        long_id="test-change",
        title="a change",
        severity=Severity.LOW,
        provider="change",
        category="change",
        resource_types=(),
        remediation="",
        check_change=_every_change,
        change_kinds=kinds,
    )


def test_the_review_calls_a_change_rule_on_its_kinds_only() -> None:
    changes = [
        ResourceChange(address=f"aws_s3_bucket.{kind}", type="aws_s3_bucket", name=str(kind), actions=actions)
        for kind, actions in _ACTIONS.items()
    ]
    change_set = ChangeSet(changes=changes)
    seen = {f.address for f in review(change_set, [_rule((ChangeKind.DELETE, ChangeKind.FORGET))], Policy()).findings}
    assert seen == {"aws_s3_bucket.delete", "aws_s3_bucket.forget"}
    every = {f.address for f in review(change_set, [_rule(())], Policy()).findings}
    assert every == {f"aws_s3_bucket.{kind}" for kind in _ACTIONS}  # none declared: every kind but no-op and read
