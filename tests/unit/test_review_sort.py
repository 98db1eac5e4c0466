"""The order of a review's findings: `_sort` (keys read in C, ADR 0618) gives the order `_sort_key` gives, ties
(the same status, severity, address and rule: one rule's findings on two paths of a resource) kept as they came."""

from __future__ import annotations

import itertools
import random

from tfreview.core.findings import Evidence, Finding, Status, new_finding
from tfreview.core.plan import ChangeKind
from tfreview.core.review import _sort, _sort_key
from tfreview.core.severity import Severity


def _finding(rule_id: str, address: str, severity: Severity, status: Status, path: str) -> Finding:
    return new_finding(
        rule_id,
        rule_id.lower(),
        "title",
        severity,
        "aws",
        "general",
        address,
        "aws_s3_bucket",
        "message",
        "remediation",
        Evidence(path, None),
        status,
        ChangeKind.UPDATE,
        None,
        (),
    )


def _findings() -> list[Finding]:
    """Every status and severity over a few addresses and rules, each combination on two paths (equal keys)."""
    return [
        _finding(rule_id, address, severity, status, path)
        for rule_id, address, severity, status, path in itertools.product(
            ("TFR-AWS-002", "TFR-AWS-010", "TFR-TF-001"),
            ("aws_s3_bucket.b", "aws_s3_bucket.a", 'module.m["x"].aws_s3_bucket.a'),
            list(Severity),
            list(Status),
            ("acl", "tags"),
        )
    ]


def test_the_order_is_the_sort_keys_with_ties_kept_as_they_came() -> None:
    findings = _findings()
    shuffled = random.Random(18).sample(findings, len(findings))
    expected = sorted(shuffled, key=_sort_key)
    got = list(shuffled)
    _sort(got)
    assert [id(f) for f in got] == [id(f) for f in expected]  # the same objects, ties in the same order
    assert (got[0].status, got[0].severity) == (Status.INTRODUCED, Severity.CRITICAL)
    assert (got[-1].status, got[-1].severity) == (Status.RESOLVED, Severity.INFO)
    # the first two share a key (two paths of one rule on one address): the one that came first stays first
    assert _sort_key(got[0]) == _sort_key(got[1])
    assert shuffled.index(got[0]) < shuffled.index(got[1])


def test_an_empty_list_and_one_finding_stay_as_they_are() -> None:
    empty: list[Finding] = []
    _sort(empty)
    assert empty == []
    one = [_finding("TFR-AWS-002", "aws_s3_bucket.b", Severity.LOW, Status.EXISTING, "acl")]
    kept = one[0]
    _sort(one)
    assert one[0] is kept
    assert len(one) == 1
