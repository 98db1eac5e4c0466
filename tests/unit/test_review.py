"""The review engine: introduced / existing / resolved, unknown values, drift, suppressions, verdicts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from tfreview.core.findings import Status, Verdict
from tfreview.core.plan import ChangeSet, InlineSuppression, Location, ResourceChange
from tfreview.core.policy import Policy, Suppression
from tfreview.core.review import exit_code, review
from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.parsing.plan_json import plan_from_document


def _public(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("acl") == "public-read":
        yield Hit("acl", f"{resource.address} is public")


def _boom(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    raise RuntimeError("rule bug")
    yield Hit()  # pragma: no cover


PUBLIC = Rule(
    id="T-1",
    long_id="test-public",
    title="public bucket",
    severity=Severity.HIGH,
    provider="aws",
    category="networking",
    resource_types=("aws_s3_bucket",),
    remediation="make it private",
    references=References(checkov=("CKV_AWS_20",)),
    check=_public,
)
BOOM = Rule(
    id="T-2",
    long_id="test-boom",
    title="boom",
    severity=Severity.LOW,
    provider="aws",
    category="general",
    resource_types=("aws_s3_bucket",),
    remediation="",
    check=_boom,
)


def _plan(*changes: dict[str, Any], drift: list[dict[str, Any]] | None = None) -> ChangeSet:
    items = []
    for change in changes:
        address = change.pop("address")
        items.append(
            {
                "address": address,
                "type": address.split(".")[0],
                "name": address.split(".")[1],
                "mode": "managed",
                "change": change,
            }
        )
    document = {"format_version": "1.2", "resource_changes": items}
    if drift:
        document["resource_drift"] = drift
    return plan_from_document(document, "plan.json")


def test_introduced_existing_resolved() -> None:
    change_set = _plan(
        {"address": "aws_s3_bucket.new", "actions": ["create"], "before": None, "after": {"acl": "public-read"}},
        {
            "address": "aws_s3_bucket.old",
            "actions": ["update"],
            "before": {"acl": "public-read", "x": 1},
            "after": {"acl": "public-read", "x": 2},
        },
        {
            "address": "aws_s3_bucket.fixed",
            "actions": ["update"],
            "before": {"acl": "public-read"},
            "after": {"acl": "private"},
        },
        {"address": "aws_s3_bucket.gone", "actions": ["delete"], "before": {"acl": "public-read"}, "after": None},
    )
    result = review(change_set, [PUBLIC], Policy())
    status = {f.address: f.status for f in result.findings}
    assert status == {
        "aws_s3_bucket.new": Status.INTRODUCED,
        "aws_s3_bucket.old": Status.EXISTING,
        "aws_s3_bucket.fixed": Status.RESOLVED,
        "aws_s3_bucket.gone": Status.RESOLVED,
    }
    assert next(f.status for f in result.findings) is Status.INTRODUCED  # introduced lead
    assert result.verdict is Verdict.FAIL
    assert exit_code(result) == 1
    assert exit_code(result, soft_fail=True) == 0


def test_existing_only_warns_unless_policy_says_fail() -> None:
    change_set = _plan(
        {
            "address": "aws_s3_bucket.old",
            "actions": ["no-op"],
            "before": {"acl": "public-read"},
            "after": {"acl": "public-read"},
        }
    )
    assert review(change_set, [PUBLIC], Policy()).verdict is Verdict.WARN
    assert review(change_set, [PUBLIC], Policy(fail_on_existing=True)).verdict is Verdict.FAIL


def test_unknown_value_never_fires() -> None:
    change_set = _plan(
        {
            "address": "aws_s3_bucket.later",
            "actions": ["create"],
            "before": None,
            "after": {"acl": "public-read"},
            "after_unknown": {"acl": True},
        }
    )
    assert review(change_set, [PUBLIC], Policy()).findings == []


def test_drift_is_reported_apart_and_never_reviewed() -> None:
    drift = [
        {
            "address": "aws_s3_bucket.drifted",
            "type": "aws_s3_bucket",
            "name": "drifted",
            "mode": "managed",
            "change": {"actions": ["update"], "before": {"acl": "private"}, "after": {"acl": "public-read"}},
        }
    ]
    result = review(_plan(drift=drift), [PUBLIC], Policy())
    assert [d.address for d in result.drift] == ["aws_s3_bucket.drifted"]
    assert result.findings == []
    assert result.changes == []


def test_failing_rule_becomes_a_diagnostic() -> None:
    change_set = _plan(
        {"address": "aws_s3_bucket.b", "actions": ["create"], "before": None, "after": {"acl": "public-read"}}
    )
    result = review(change_set, [BOOM, PUBLIC], Policy())
    assert len(result.findings) == 1
    assert result.diagnostics == ["rule T-2 failed on aws_s3_bucket.b: RuntimeError: rule bug"]


def _public_bucket(**extra: Any) -> ChangeSet:
    change = ResourceChange(
        address="aws_s3_bucket.site",
        type="aws_s3_bucket",
        name="site",
        actions=("create",),
        after={"acl": "public-read"},
        location=Location("main.tf", 3),
        **extra,
    )
    return ChangeSet(changes=[change])


@pytest.mark.parametrize("name", ["T-1", "test-public", "CKV_AWS_20"])
def test_inline_suppression_by_any_rule_name(name: str) -> None:
    inline = InlineSuppression(name, "static site", Location("main.tf", 2))
    result = review(_public_bucket(suppressions=(inline,)), [PUBLIC], Policy())
    assert result.findings == []
    assert result.suppressed[0].suppressed is not None
    assert result.suppressed[0].suppressed.reason == "static site"
    assert result.verdict is Verdict.PASS


def test_expired_inline_suppression_stops_and_says_so() -> None:
    inline = InlineSuppression("T-1", "until launch", Location("main.tf", 2), expires="2020-01-01")
    result = review(_public_bucket(suppressions=(inline,)), [PUBLIC], Policy())
    assert len(result.findings) == 1
    assert "expired on 2020-01-01" in result.notices[0]


def test_config_suppression_glob_and_expiry() -> None:
    active = Suppression("CKV_AWS_20", "public site", address="aws_s3_bucket.s*")
    expired = Suppression("T-1", "old", expires=date(2021, 1, 1))
    assert review(_public_bucket(), [PUBLIC], Policy(suppressions=(active,))).findings == []
    result = review(_public_bucket(), [PUBLIC], Policy(suppressions=(expired,)))
    assert len(result.findings) == 1
    assert "expired on 2021-01-01" in result.notices[0]


def test_baseline_hides_recorded_findings() -> None:
    first = review(_public_bucket(), [PUBLIC], Policy())
    baseline = frozenset(f.fingerprint for f in first.findings)
    again = review(_public_bucket(), [PUBLIC], Policy(baseline=baseline, baseline_source="b.json"))
    assert again.findings == []
    assert again.suppressed[0].suppressed is not None
    assert again.suppressed[0].suppressed.by == "baseline"


def test_policy_selection_and_severity_override() -> None:
    assert review(_public_bucket(), [PUBLIC], Policy(disabled_rules=frozenset({"CKV_AWS_20"}))).findings == []
    assert review(_public_bucket(), [PUBLIC], Policy(disabled_providers=frozenset({"aws"}))).findings == []
    lowered = review(_public_bucket(), [PUBLIC], Policy(severity_overrides={"T-1": Severity.LOW}))
    assert lowered.findings[0].severity is Severity.LOW
    assert lowered.verdict is Verdict.WARN


def test_evidence_is_redacted() -> None:
    def _leaky(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
        yield Hit("password", "password set")
        yield Hit("user_data", "user data")

    leaky = Rule(
        id="T-3",
        long_id="test-leak",
        title="leak",
        severity=Severity.LOW,
        provider="aws",
        category="secrets",
        resource_types=("aws_db_instance",),
        remediation="",
        check=_leaky,
    )
    change_set = _plan(
        {
            "address": "aws_db_instance.db",
            "actions": ["create"],
            "before": None,
            "after": {"password": "canary-Pa55word-1", "user_data": "export K=AKIAABCDEFGHIJKLMNOP"},
            "after_sensitive": {"password": True},
        }
    )
    result = review(change_set, [leaky], Policy())
    text = repr(result)
    assert "canary-Pa55word-1" not in text
    assert "AKIAABCDEFGHIJKLMNOP" not in text
