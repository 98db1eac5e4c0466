"""The change rules over real plans (tests/data/plans/, see PROVENANCE.md): exactly the expected findings.

None of the public plans destroys or replaces a stateful type, so the real replaces are also re-typed in
memory to a database, keeping their real `actions`, `action_reason` and `replace_paths`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tfreview.core.findings import Finding, Status
from tfreview.core.plan import ChangeKind, ChangeSet
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.rules import load_rules

PLANS = Path(__file__).parent.parent / "data" / "plans"
CHANGE_RULES = [r for r in load_rules() if r.id.startswith("TFR-CHG-")]


def _plan(name: str) -> ChangeSet:
    return load_plan((PLANS / name).read_bytes(), name)


def _findings(change_set: ChangeSet) -> list[Finding]:
    result = review(change_set, CHANGE_RULES, Policy())
    assert not result.diagnostics, result.diagnostics
    assert all(f.status is Status.INTRODUCED for f in result.findings)
    return result.findings


def test_the_change_rules_are_in_the_catalog() -> None:
    assert {r.id for r in CHANGE_RULES} >= {f"TFR-CHG-00{n}" for n in range(1, 7)}
    assert all(r.kind == "change" for r in CHANGE_RULES)


def test_replaces_in_the_real_plans_are_seen_with_their_reason() -> None:
    destroys = {}
    for name in sorted(p.name for p in PLANS.glob("*.json")):
        for change in _plan(name).changes:
            if change.kind.destroys or change.kind is ChangeKind.FORGET:
                destroys[change.address] = (name, change.kind, change.actions, change.action_reason)
    assert destroys == {
        "null_resource.example": (
            "tfjson__action_reason__plan.json",
            ChangeKind.REPLACE,
            ("delete", "create"),
            "replace_because_tainted",
        ),
        "null_resource.bar": (
            "tfjson__config_resource_depends_on__plan.json",
            ChangeKind.REPLACE,
            ("delete", "create"),
            None,
        ),
    }


@pytest.mark.parametrize("name", sorted(p.name for p in PLANS.glob("*.json")), ids=str)
def test_no_change_finding_on_the_real_plans(name: str) -> None:
    # null_resource replaces are not stateful; the moved random_id is a no-op; the security-group rule updates
    # of plan_change_keys widen ports (5432 → 5432-5433) and switch tcp → udp for a *security-group* source,
    # which TFR-CHG-004 deliberately does not compare (only CIDR sources).
    assert _findings(_plan(name)) == []


def test_tainted_replace_retyped_as_a_database() -> None:
    plan = _plan("tfjson__action_reason__plan.json")
    plan = replace(plan, changes=[replace(c, type="aws_db_instance") for c in plan.changes])
    findings = _findings(plan)
    assert [(f.rule_id, f.address, f.change) for f in findings] == [
        ("TFR-CHG-002", "null_resource.example", ChangeKind.REPLACE)
    ]
    message = findings[0].message
    assert "destroys the old object first" in message
    assert "tainted" in message
    assert "the database and all its data" in message


def test_replace_without_reason_retyped_as_a_bucket() -> None:
    plan = _plan("tfjson__config_resource_depends_on__plan.json")
    plan = replace(plan, changes=[replace(c, type="aws_s3_bucket") for c in plan.changes])
    findings = _findings(plan)
    assert [(f.rule_id, f.address) for f in findings] == [("TFR-CHG-002", "null_resource.bar")]
    assert "the plan does not say which attribute forces it" in findings[0].message
    assert findings[0].severity.value == "high"  # object stores are high in the table; databases and keys critical


def test_security_group_source_port_widening_is_not_compared() -> None:
    plan = _plan("checkov__terraform__runner__resources__plan_change_keys__tfplan.json")
    plan = replace(plan, changes=[c for c in plan.changes if not c.address.startswith("provider.")])
    assert [(c.address, c.kind) for c in plan.changes] == [
        ("aws_security_group_rule.foo", ChangeKind.UPDATE),
        ("aws_security_group_rule.bar", ChangeKind.UPDATE),
    ]
    assert _findings(plan) == []
    # the same updates with a CIDR source instead of a security group: 5433 is new, udp/8888 is new
    widened = [
        replace(
            c,
            before={**c.before, "cidr_blocks": ["10.0.0.0/16"], "source_security_group_id": None},
            after={**c.after, "cidr_blocks": ["10.0.0.0/16"], "source_security_group_id": None},
        )
        for c in plan.changes
    ]
    plan = replace(plan, changes=widened)
    messages = {f.address: f.message for f in _findings(plan)}
    assert messages == {
        "aws_security_group_rule.foo": "widens ingress: now allows 10.0.0.0/16 on tcp 5432-5433, "
        "which the current rules do not",
        "aws_security_group_rule.bar": "widens ingress: now allows 10.0.0.0/16 on udp 8888, "
        "which the current rules do not",
    }
