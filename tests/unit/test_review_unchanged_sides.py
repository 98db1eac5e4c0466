"""A plan's resource left as it was (a no-op: the same values, nothing unknown, the same sensitive mask) is one
object to the rules on both sides: its before side gets the hits its after side got from each check that read
that resource alone, and only the checks that looked across the side (the snapshot), read the configuration (which
only the after side carries) or failed are run again there (ADR 0648). The findings, their statuses and the
diagnostics are those of a review that runs every check on both sides."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

import tfreview.core.review as review_module
from tfreview.core.errors import InputError
from tfreview.core.plan import ChangeSet, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.parsing.plan_json import load_plan
from tfreview.render.json_report import render_json_bytes
from tfreview.rules import load_rules

CALLS: list[tuple[str, str]] = []  # (address, the bucket name the check saw)


def _named(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    """Fires on a bucket whose name starts with `bad`; reads that resource alone."""
    CALLS.append((resource.address, str(resource.get("bucket"))))
    if str(resource.get("bucket")).startswith("bad"):
        yield Hit("bucket", f"bad name {resource.get('bucket')}")


def _unlogged(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    """Fires on a bucket no `aws_s3_bucket_logging` names: looks across the side."""
    CALLS.append((resource.address, "across"))
    if resource.get("bucket") not in [other.get("bucket") for other in snapshot.of_type("aws_s3_bucket_logging")]:
        yield Hit("logging", "not logged")


def _failing(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    CALLS.append((resource.address, "failing"))
    yield Hit("bucket", "found before the failure")
    raise ValueError(f"cannot judge {resource.get('bucket')}")


def _rule(rule_id: str, check: object) -> Rule:
    return Rule(id=rule_id, long_id=rule_id.lower(), title=rule_id, severity=Severity.HIGH, provider="aws",
                category="general", resource_types=("aws_s3_bucket",), remediation="fix it", check=check)  # type: ignore[arg-type]  # fmt: skip


NAMED, UNLOGGED, FAILING = _rule("TFR-TST-911", _named), _rule("TFR-TST-912", _unlogged), _rule("TFR-TST-913", _failing)


def _change(address: str, actions: tuple[str, ...], before: object, after: object, **more: object) -> ResourceChange:
    type_, name = address.split(".", maxsplit=1)
    return ResourceChange(address=address, type=type_, name=name, actions=actions, before=before,
                          after=after, **more)  # type: ignore[arg-type]  # fmt: skip


def _review(changes: list[ResourceChange], rules: list[Rule], source: str = "plan") -> list[tuple[str, str, str]]:
    CALLS.clear()
    result = review(ChangeSet(changes=changes, source=source), rules, Policy())
    return [(f.address, f.rule_id, f.status.value) for f in result.findings] + [
        ("diagnostic", text, "") for text in result.diagnostics
    ]


def test_a_no_op_resource_is_checked_once_and_its_finding_exists() -> None:
    changes = [
        _change("aws_s3_bucket.same", ("no-op",), {"bucket": "bad-same"}, {"bucket": "bad-same"}),
        _change("aws_s3_bucket.fixed", ("update",), {"bucket": "bad-old"}, {"bucket": "good"}),
        _change("aws_s3_bucket.broken", ("update",), {"bucket": "good-old"}, {"bucket": "bad-new"}),
        # the same values, but a sensitive mask that changed: each side is checked for itself
        _change(
            "aws_s3_bucket.masked",
            ("update",),
            {"bucket": "bad-m"},
            {"bucket": "bad-m"},
            before_sensitive={},
            after_sensitive={"bucket": True},
        ),
    ]
    assert _review(changes, [NAMED]) == [
        ("aws_s3_bucket.broken", "TFR-TST-911", "introduced"),
        ("aws_s3_bucket.masked", "TFR-TST-911", "existing"),
        ("aws_s3_bucket.same", "TFR-TST-911", "existing"),
        ("aws_s3_bucket.fixed", "TFR-TST-911", "resolved"),
    ]
    assert sorted(CALLS) == sorted(
        [
            ("aws_s3_bucket.same", "bad-same"),  # once: the before side took the after side's hit
            ("aws_s3_bucket.fixed", "good"),
            ("aws_s3_bucket.broken", "bad-new"),
            ("aws_s3_bucket.masked", "bad-m"),
            ("aws_s3_bucket.fixed", "bad-old"),
            ("aws_s3_bucket.broken", "good-old"),
            ("aws_s3_bucket.masked", "bad-m"),
        ]
    )


def test_a_check_looking_across_the_side_is_run_on_both_sides_of_a_no_op() -> None:
    changes = [
        _change("aws_s3_bucket.b", ("no-op",), {"bucket": "b"}, {"bucket": "b"}),
        _change("aws_s3_bucket_logging.b", ("create",), None, {"bucket": "b"}),  # logged from now on
    ]
    assert _review(changes, [UNLOGGED, NAMED]) == [("aws_s3_bucket.b", "TFR-TST-912", "resolved")]
    assert CALLS.count(("aws_s3_bucket.b", "across")) == 2
    assert CALLS.count(("aws_s3_bucket.b", "b")) == 1  # the other check on it read the bucket alone


def test_a_failing_check_is_run_and_said_on_both_sides_of_a_no_op() -> None:
    changes = [_change("aws_s3_bucket.same", ("no-op",), {"bucket": "bad-x"}, {"bucket": "bad-x"})]
    found = _review(changes, [NAMED, FAILING])
    said = "rule TFR-TST-913 failed on aws_s3_bucket.same: ValueError: cannot judge bad-x"
    assert ("aws_s3_bucket.same", "TFR-TST-913", "existing") in found
    assert [item for item in found if item[0] == "diagnostic"] == [("diagnostic", said, "")] * 2
    assert CALLS.count(("aws_s3_bucket.same", "failing")) == 2


def test_hcl_mode_checks_both_sides() -> None:
    changes = [_change("aws_s3_bucket.same", ("no-op",), {"bucket": "bad-same"}, {"bucket": "bad-same"})]
    assert _review(changes, [NAMED], source="hcl") == [("aws_s3_bucket.same", "TFR-TST-911", "existing")]
    assert CALLS == [("aws_s3_bucket.same", "bad-same")] * 2


def test_a_rule_reading_the_configuration_is_run_on_the_before_side_of_a_no_op() -> None:
    """TFR-TF-002 reads a plan's `constant_value`, which only the after side carries: the literal written to a
    no-op parameter's `value_wo` is introduced, as a review running every check on both sides says."""
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_ssm_parameter.p",
                "mode": "managed",
                "type": "aws_ssm_parameter",
                "name": "p",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["no-op"],
                    "before": {"name": "p", "type": "SecureString", "value_wo": None},
                    "after": {"name": "p", "type": "SecureString", "value_wo": None},
                    "after_unknown": {},
                    "before_sensitive": {"value_wo": True},
                    "after_sensitive": {"value_wo": True},
                },
            }
        ],
        "configuration": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_ssm_parameter.p",
                        "mode": "managed",
                        "type": "aws_ssm_parameter",
                        "name": "p",
                        "expressions": {"value_wo": {"constant_value": "Hunter2-long-literal-secret"}},
                    }
                ]
            }
        },
    }
    change_set = load_plan(orjson.dumps(plan), "plan.json")
    rules = [rule for rule in load_rules() if rule.id == "TFR-TF-002"]
    assert [rule.reads_configuration for rule in rules] == [True]
    result = review(change_set, rules, Policy())
    assert [(f.address, f.status.value) for f in result.findings] == [("aws_ssm_parameter.p", "introduced")]


def test_every_rule_module_reading_the_configuration_says_so() -> None:
    """`reads_configuration` is what keeps a rule's after-side hits off an unchanged before side: a rule module (or
    a support module) that reads `Resource.configured` without it would report its findings as existing."""
    rules = {rule.id: rule for rule in load_rules()}
    root = Path(review_module.__file__).parent.parent / "rules"
    readers = sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if ".configured" in path.read_text(encoding="utf-8")
    )
    assert readers == ["terraform/write_only_argument_literal.py"]
    assert [rule_id for rule_id, rule in sorted(rules.items()) if rule.reads_configuration] == ["TFR-TF-002"]


@pytest.mark.parametrize("folder", ["data", "fixtures"])
def test_the_library_reports_as_when_every_check_runs_on_both_sides(
    folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every plan of tests/data and of the shared fixtures, reviewed by the whole library: the same report bytes
    with no-op resources checked once as with every check run on both sides."""
    rules = load_rules()
    where = Path(__file__).parent.parent / "data" if folder == "data" else FIXTURES
    compared = shared = 0
    for path in sorted(where.rglob("*.json")):
        try:
            change_set = load_plan(path.read_bytes(), path.name)
        except InputError:
            continue  # not a plan (a webhook, a SARIF report, a broken plan)
        shared += sum(1 for c in change_set.changes if c.before is not None and _SAME_SIDES(c))
        monkeypatch.setattr(review_module, "_same_sides", _SAME_SIDES)
        once = render_json_bytes(review(change_set, rules, Policy()))
        monkeypatch.setattr(review_module, "_same_sides", lambda change: False)  # every check on both sides
        assert render_json_bytes(review(change_set, rules, Policy())) == once, path.name
        compared += 1
    assert compared > 50
    assert shared > 20  # no-op resources there were checked once


FIXTURES = Path(__file__).parent.parent.parent / ".." / "shared" / "fixtures" / "plans"
_SAME_SIDES = review_module._same_sides


@pytest.mark.parametrize("order", ["update first", "no-op first"])
def test_an_address_two_changes_share_is_checked_on_both_sides(order: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan (not one Terraform writes, but one the parser takes) holding two current objects at one address: the
    hits kept by address for a no-op's before side would stand for the other change's before side too, and a
    problem that change resolves would not be reported (review19b). Such an address is checked on both sides."""
    changes = [
        {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
         "change": {"actions": ["update"], "before": {"bucket": "bad-old"}, "after": {"bucket": "good"}}},
        {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
         "change": {"actions": ["no-op"], "before": {"bucket": "good"}, "after": {"bucket": "good"}}},
    ]  # fmt: skip
    if order == "no-op first":
        changes.reverse()
    plan = {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": changes}
    change_set = load_plan(orjson.dumps(plan), "plan.json")
    resolved = [("aws_s3_bucket.b", "TFR-TST-911", "resolved")]
    assert _review(list(change_set.changes), [NAMED]) == resolved
    monkeypatch.setattr(review_module, "_same_sides", lambda change: False)  # every check on both sides
    assert _review(list(change_set.changes), [NAMED]) == resolved
