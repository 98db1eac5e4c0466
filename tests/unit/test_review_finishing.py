"""From the folded hits to the review's lists (ADR 0466): each step that lost its call per finding or change gives
what the one-by-one version gave — the counts, the coverage, the common case of the
suppressions, the evidence of an empty block, the blast total, a mask's secrets — and what a process that leaves
without freeing is handed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from tfreview.core.blast import BlastRadius
from tfreview.core.evidence import evidence_of
from tfreview.core.findings import Evidence, Finding, Review, Status, Verdict, new_change_entry, new_finding
from tfreview.core.module_calls import MODULE_CALL_TYPE
from tfreview.core.plan import ChangeKind, ChangeSet, Coverage, InlineSuppression, Location
from tfreview.core.policy import Policy
from tfreview.core.redact import SENSITIVE, sensitive_strings
from tfreview.core.review import _counts, _sort_key, review
from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import lookup
from tfreview.parsing.plan_json import plan_from_document
from tfreview.render.digest import blast_total
from tfreview.render.json_report import render_json_bytes


def _finding(rule_id: str, address: str, status: Status, severity: Severity, message: str = "m") -> Finding:
    return new_finding(
        rule_id, "long", "title", severity, "aws", "general", address, "aws_s3_bucket", message, "fix",
        Evidence("acl", None), status, ChangeKind.CREATE, None, (),
    )  # fmt: skip


def _findings(count: int, seed: int) -> list[Finding]:
    rng = random.Random(seed)
    addresses = ["a.b", "a.b[0]", "a.b[10]", "a.bc", "a", "module.x.a.b", 'a.b["k"]', 'a.b["é"]', 'a.b["日本"]', "A.b"]
    rules = ["TFR-AWS-001", "TFR-AWS-01", "TFR-AWS-010", "TFR-AZU-001", "T"]
    return [
        _finding(rng.choice(rules), rng.choice(addresses), rng.choice(list(Status)), rng.choice(list(Severity)), str(i))
        for i in range(count)
    ]


def _one_by_one_counts(counted: list[Finding], suppressed: list[Finding], change_set: ChangeSet) -> dict[str, Any]:
    by_status = {s.value: 0 for s in Status}
    by_severity = {s.value: 0 for s in Severity}
    for finding in counted:
        by_status[finding.status.value] += 1
        if finding.status is not Status.RESOLVED:
            by_severity[finding.severity.value] += 1
    by_kind: dict[str, int] = {}
    for change in change_set.changes:
        by_kind[change.kind.value] = by_kind.get(change.kind.value, 0) + 1
    return {
        "findings": by_status,
        "severity": by_severity,
        "suppressed": len(suppressed),
        "changes": by_kind,
        "drift": len(change_set.drift),
        "imports": len(change_set.imports),
    }


def _plan(*changes: tuple[str, list[str]] | tuple[str, list[str], str]) -> ChangeSet:
    """A plan of buckets (or the type given third) with these addresses and actions."""
    items = []
    for address, actions, *typed in changes:
        items.append(
            {
                "address": address,
                "type": typed[0] if typed else address.split(".")[0],
                "name": address.rsplit(".", 1)[-1],
                "mode": "managed",
                "change": {
                    "actions": actions,
                    "before": None if actions == ["create"] else {"acl": "private"},
                    "after": None if actions == ["delete"] else {"acl": "public-read"},
                },
            }
        )
    return plan_from_document({"format_version": "1.2", "resource_changes": items}, "plan.json")


def test_counts_are_the_one_by_one_counts_kinds_in_the_order_first_met() -> None:
    change_set = _plan(
        ("aws_s3_bucket.d", ["delete"]),
        ("aws_s3_bucket.a", ["create"]),
        ("aws_s3_bucket.n", ["no-op"]),
        ("aws_s3_bucket.b", ["create"]),
        ("aws_s3_bucket.u", ["update"]),
    )
    findings = sorted(_findings(500, 3), key=_sort_key)  # as `review` hands them: its runs are counted
    counts = _counts(findings, findings[:7], change_set)
    assert counts == _one_by_one_counts(findings, findings[:7], change_set)
    assert list(counts["changes"]) == ["delete", "create", "no-op", "update"]


def test_counts_of_sorted_findings_are_the_one_by_one_counts_whatever_runs_they_make() -> None:
    """ADR 0705: `_counts` finds each (status, severity) run of the sorted findings by binary search: none, one
    finding, one pair only, every pair, runs of one, and the lists `review` sorts."""
    change_set = _plan(("aws_s3_bucket.a", ["create"]))
    every_pair = [_finding("T", "a.b", s, v) for s in Status for v in Severity]
    for findings in (
        [],
        _findings(1, 1),
        [_finding("T", "a.b", Status.EXISTING, Severity.LOW)] * 9,
        every_pair,
        every_pair * 3,
        *(_findings(count, seed) for seed in range(40) for count in (2, 17, 300)),
    ):
        ordered = sorted(findings, key=_sort_key)
        assert _counts(ordered, [], change_set) == _one_by_one_counts(ordered, [], change_set)
    result = review(change_set, [RULE], Policy())
    assert result.counts == _one_by_one_counts(result.findings, result.suppressed, change_set)


def _public(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.get("acl") == "public-read":
        yield Hit("acl", "public")


RULE = Rule(
    id="T-1",
    long_id="test-public",
    title="public bucket",
    severity=Severity.HIGH,
    provider="aws",
    category="networking",
    resource_types=("aws_s3_bucket", "aws_provider"),
    remediation="make it private",
    check=_public,
)


def test_coverage_leaves_out_provider_configurations_and_module_calls_only() -> None:
    change_set = _plan(
        ("aws_s3_bucket.a", ["create"]),
        ("aws_s3_bucket.b", ["update"]),
        ("aws_instance.c", ["create"]),
        ("provider.aws", ["create"], "aws_provider"),  # a provider configuration
        ("module.m.provider.aws.west", ["create"], "aws_provider"),
        ("aws_provider.x", ["create"]),  # a resource whose type ends like one: still a resource
        ("module.n", ["create"], MODULE_CALL_TYPE),  # a module call
        ("module.x.module_thing.y", ["create"], MODULE_CALL_TYPE),  # the type of one, not its address
    )
    coverage = review(change_set, [RULE], Policy()).coverage
    assert coverage.resources_total == 5
    assert coverage.resources_reviewed == 5
    assert coverage.resources_covered == 3
    assert coverage.uncovered_types == ("aws_instance", MODULE_CALL_TYPE)


def test_suppressions_common_case_and_an_inline_one() -> None:
    change_set = _plan(("aws_s3_bucket.a", ["create"]), ("aws_s3_bucket.b", ["create"]))
    result = review(change_set, [RULE], Policy())
    assert [f.address for f in result.findings] == ["aws_s3_bucket.a", "aws_s3_bucket.b"]
    assert result.suppressed == []
    inline = InlineSuppression(rule="T-1", reason="accepted", location=Location("main.tf", 1))
    changes = [c if c.address != "aws_s3_bucket.b" else _with_suppressions(c, (inline,)) for c in change_set.changes]
    result = review(ChangeSet(changes=changes, source="plan"), [RULE], Policy())
    assert [f.address for f in result.findings] == ["aws_s3_bucket.a"]
    assert [(f.address, f.suppressed and f.suppressed.by) for f in result.suppressed] == [("aws_s3_bucket.b", "inline")]


def _with_suppressions(change: Any, suppressions: tuple[InlineSuppression, ...]) -> Any:
    from dataclasses import replace

    return replace(change, suppressions=suppressions)


def test_the_evidence_of_an_empty_block() -> None:
    def resource(values: dict[str, Any], sensitive: Any = None) -> Resource:
        return Resource("aws_instance.a", "aws_instance", "a", values, None, sensitive)

    assert evidence_of(Hit("launch_template"), resource({"launch_template": []})) == Evidence("launch_template", "[]")
    assert evidence_of(Hit("tags"), resource({"tags": {}})) == Evidence("tags", "{}")
    masked = resource({"launch_template": [], "password": {}}, {"launch_template": True, "password": {}})
    assert evidence_of(Hit("launch_template"), masked) == Evidence("launch_template", SENSITIVE)
    # a secret-like name with an empty object: nothing to redact, shown as it is (as the full walk shows it)
    assert evidence_of(Hit("password"), masked) == Evidence("password", "{}")
    assert evidence_of(Hit("x", value=()), resource({})) == Evidence("x", "[]")  # a tuple: the general path


def test_the_evidence_of_a_top_level_attribute_read_inline_is_lookups() -> None:
    values = {"acl": "private", "tags": {"a": "b"}, "0": "zero", "list": [{"acl": "x"}]}
    for unknown in (None, {}, {"acl": True}, {"tags": {"a": True}}, True, [{"acl": True}]):
        resource = Resource("a.b", "a", "b", values, unknown)
        for path in ("acl", "tags", "absent", "0", "list.0.acl", "list.acl"):
            value = lookup(values, unknown, path)
            expected = Evidence(path, None) if value is None else _evidence_of_value(path, value)
            assert evidence_of(Hit(path), resource) == expected, (unknown, path)


def _evidence_of_value(path: str, value: Any) -> Evidence:
    return evidence_of(Hit(path, value=value), Resource("a.b", "a", "b", {}))


def test_secrets_of_a_mask_with_empty_blocks() -> None:
    values = {"ingress": [], "tags": {"a": "x"}, "password": "hunter22", "blocks": [{"k": "secret1"}, {"k": "no"}]}
    mask = {"ingress": [], "tags": {}, "password": True, "blocks": [{"k": True}, {}], "absent": True}
    assert sensitive_strings(values, mask) == {"hunter22", "secret1"}
    assert sensitive_strings(values, {"ingress": [], "cpu_options": [], "tags": {}}) == set()


def test_blast_total_reads_destroys_only() -> None:
    radius = BlastRadius(("x",), 3, 1)
    entries = [
        new_change_entry("a.a", "a", ChangeKind.DELETE, None, (), None, radius),
        new_change_entry("a.b", "a", ChangeKind.REPLACE, None, (), None, BlastRadius((), 2, 0)),
        new_change_entry("a.c", "a", ChangeKind.UPDATE, None, (), None, radius),  # not a destroy: not counted
        new_change_entry("a.d", "a", ChangeKind.DELETE, None, (), None, None),
    ]
    result = Review([], [], entries, [], Coverage(), Verdict.PASS, Severity.HIGH)
    assert blast_total(result) == 5 == sum(c.blast.total for c in result.destroys if c.blast is not None)


def test_keep_receives_the_working_data_and_the_document() -> None:
    change_set = _plan(("aws_s3_bucket.a", ["create"]), ("aws_s3_bucket.b", ["update"]))
    kept: list[object] = []
    result = review(change_set, [RULE], Policy(), keep=kept)
    assert result == review(change_set, [RULE], Policy())
    assert any(isinstance(item, dict) and item for item in kept)  # the folded hits, among others
    held: list[object] = []
    assert render_json_bytes(result, keep=held) == render_json_bytes(result)
    # the document's dicts: its head and tail (the findings and changes are written as bytes, ADR 0500)
    head = ["schema_version", "tool", "verdict", "fail_on", "fail_on_existing", "source", "label", "terraform_version"]
    assert [sorted(part) for part in held if isinstance(part, dict)] == [
        sorted([*head, "summary"]),
        ["advice", "coverage", "diagnostics", "notices"],
    ]
