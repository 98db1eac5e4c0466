"""Plan mode builds a side's resources of a type no state rule checks only when a rule reads that type through the
snapshot (ADR 0502): a rule looking across types finds them as before, in the change set's order, on each side."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import tfreview.core.review as review_module
from tfreview.core.errors import InputError
from tfreview.core.plan import ChangeSet, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.rules import Hit, Resource, Rule, Snapshot, resource_of
from tfreview.core.severity import Severity
from tfreview.parsing.plan_json import load_plan
from tfreview.render.json_report import render_json_bytes
from tfreview.rules import load_rules


def _unlogged(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    """Fires on a bucket no `aws_s3_bucket_logging` names; reads that type, which no rule checks, by value."""
    logged = [other.get("bucket") for other in snapshot.of_type("aws_s3_bucket_logging")]
    if resource.get("bucket") not in logged:
        yield Hit("bucket", f"not logged; loggings seen: {logged}")


UNLOGGED = Rule(
    id="TFR-TST-901",
    long_id="test-unlogged",
    title="bucket without logging",
    severity=Severity.HIGH,
    provider="aws",
    category="logging",
    resource_types=("aws_s3_bucket",),
    remediation="log it",
    check=_unlogged,
)


def _change(address: str, type_: str, actions: tuple[str, ...], before: object, after: object) -> ResourceChange:
    return ResourceChange(address=address, type=type_, name=address.rsplit(".", 1)[-1], actions=actions,
                          before=before, after=after)  # fmt: skip


def _changes() -> list[ResourceChange]:
    return [
        _change("aws_s3_bucket.a", "aws_s3_bucket", ("update",), {"bucket": "a"}, {"bucket": "a"}),
        _change("aws_s3_bucket.b", "aws_s3_bucket", ("no-op",), {"bucket": "b"}, {"bucket": "b"}),
        # logging for `a` removed, for `b` added: `a` is introduced, `b` resolved
        _change("aws_s3_bucket_logging.a", "aws_s3_bucket_logging", ("delete",), {"bucket": "a"}, None),
        _change("aws_s3_bucket_logging.b", "aws_s3_bucket_logging", ("create",), None, {"bucket": "b"}),
        _change("aws_s3_bucket_logging.c", "aws_s3_bucket_logging", ("no-op",), {"bucket": "c"}, {"bucket": "c"}),
    ]


def _found(source: str) -> list[tuple[str, str, str | None]]:
    result = review(ChangeSet(changes=_changes(), source=source), [UNLOGGED], Policy())
    return [(f.address, f.status.value, f.message) for f in result.findings]


def test_a_rule_reads_an_unchecked_type_through_the_snapshot_on_each_side() -> None:
    expected = [
        ("aws_s3_bucket.a", "introduced", "not logged; loggings seen: ['b', 'c']"),
        ("aws_s3_bucket.b", "resolved", "not logged; loggings seen: ['a', 'c']"),
    ]
    assert _found("plan") == expected
    assert _found("hcl") == expected  # HCL mode builds every resource: the same findings


def test_the_unchecked_types_are_built_on_demand_and_once() -> None:
    built: list[str] = []
    bucket = Resource("aws_s3_bucket.a", "aws_s3_bucket", "a", {"bucket": "a"})
    logging = Resource("aws_s3_bucket_logging.a", "aws_s3_bucket_logging", "a", {"bucket": "a"})

    def unbuilt(type_name: str) -> list[Resource]:
        built.append(type_name)
        return [logging] if type_name == "aws_s3_bucket_logging" else []

    snapshot = Snapshot([bucket], unbuilt)
    assert built == []
    assert list(snapshot.of_type("aws_s3_bucket")) == [bucket]  # built already: never asked for
    assert list(snapshot.of_type("aws_s3_bucket_logging", "aws_kms_key")) == [logging]
    assert list(snapshot.of_type("aws_s3_bucket_logging", "aws_kms_key")) == [logging]
    assert built == ["aws_s3_bucket_logging", "aws_kms_key"]  # each type once, an empty one too
    assert snapshot.linked(bucket, "aws_s3_bucket_logging", "bucket", ("bucket",)) == [logging]


def test_a_change_becomes_on_each_side_the_resource_the_dataclass_makes() -> None:
    change = ResourceChange(
        address='module.m.aws_s3_bucket.b["x"]', type="aws_s3_bucket", name="b", actions=("update",),
        before={"bucket": "old"}, after={"bucket": "new", "arn": None}, after_unknown={"arn": True},
        before_sensitive={"tags": True}, after_sensitive={}, module_address="module.m", provider="aws",
        references={"bucket": ("aws_kms_key.k",)}, configured={"bucket": {"constant_value": "new"}},
        known_prefixes={"arn": "arn:"}, condition=("var.on",), before_unknown={"tags": True},
        before_known_prefixes={"id": "b-"},
    )  # fmt: skip
    common = (change.address, change.type, change.name)
    after = Resource(*common, {"bucket": "new", "arn": None}, {"arn": True}, {}, None, change.references,
                     "module.m", "aws", change.configured, {"arn": "arn:"}, ("var.on",))  # fmt: skip
    before = Resource(*common, {"bucket": "old"}, {"tags": True}, {"tags": True}, None, change.references,
                      "module.m", "aws", None, {"id": "b-"}, ("var.on",))  # fmt: skip
    assert resource_of(change, "after") == after
    assert resource_of(change, "before") == before
    gone = ResourceChange(address="aws_s3_bucket.g", type="aws_s3_bucket", name="g", actions=("create",))
    assert resource_of(gone, "before").values == {} == resource_of(gone, "after").values


def test_each_library_rule_alone_reports_as_with_every_type_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile read of ADR 0502: each state rule of the library selected alone (its types the only ones built,
    every other type read through the snapshot) reports on every plan under tests/data the bytes it reports with
    every type built, as before ADR 0502."""
    rules = load_rules()
    compared = 0
    for path in sorted(DATA.rglob("*.json")):
        try:
            change_set = load_plan(path.read_bytes(), path.name)
        except InputError:
            continue  # not a plan (a webhook, a SARIF report, a broken plan)
        types = {c.type for c in change_set.changes}
        alone = [r.id for r in rules if r.check is not None and set(r.resource_types) & types]
        for policy in [Policy(), *(Policy(only_rules=frozenset({rule_id})) for rule_id in alone)]:
            monkeypatch.setattr(review_module, "_checked_types", _CHECKED_TYPES)
            unbuilt = render_json_bytes(review(change_set, rules, policy))
            monkeypatch.setattr(review_module, "_checked_types", lambda rules: None)  # every type built
            assert render_json_bytes(review(change_set, rules, policy)) == unbuilt, (path.name, policy.only_rules)
            compared += 1
    assert compared > 50


DATA = Path(__file__).parent.parent / "data"
_CHECKED_TYPES = review_module._checked_types
