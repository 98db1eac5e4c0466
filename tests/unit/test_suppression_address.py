"""A `[[suppress]]` address is a glob of `*` and `?` over Terraform addresses, whose instance keys are written in
brackets: `aws_s3_bucket.b[0]` names that instance, not `aws_s3_bucket.b0` (ADR 0385)."""

from __future__ import annotations

import pytest

from tfreview.core.policy import Suppression
from tfreview.core.rules import Rule
from tfreview.core.severity import Severity

RULE = Rule(
    id="T-1",
    long_id="test-rule",
    title="t",
    severity=Severity.LOW,
    provider="aws",
    category="general",
    resource_types=(),
    remediation="r",
)


@pytest.mark.parametrize(
    ("pattern", "address"),
    [
        ("aws_s3_bucket.b[0]", "aws_s3_bucket.b[0]"),  # count, and the conditional instance of ADR 0360
        ('aws_s3_bucket.b["logs"]', 'aws_s3_bucket.b["logs"]'),  # for_each
        ('module.m["a"].aws_s3_bucket.b', 'module.m["a"].aws_s3_bucket.b'),
        ("module.m[0].aws_s3_bucket.b[1]", "module.m[0].aws_s3_bucket.b[1]"),
        ("aws_s3_bucket.b[*]", "aws_s3_bucket.b[3]"),  # every instance
        ("aws_s3_bucket.b[*]", 'aws_s3_bucket.b["x"]'),
        ("module.m[?].*", "module.m[7].aws_s3_bucket.b"),
        ("aws_s3_bucket.site*", "aws_s3_bucket.site_logs"),
        ("*", 'module.a["x.y[0]"].aws_s3_bucket.b'),
    ],
)
def test_an_address_with_instance_keys_matches_itself(pattern: str, address: str) -> None:
    assert Suppression("T-1", "reason", address=pattern).matches(RULE, address)


@pytest.mark.parametrize(
    ("pattern", "address"),
    [
        ("aws_s3_bucket.b[0]", "aws_s3_bucket.b0"),  # brackets are the key's, not a character class
        ("aws_s3_bucket.b[0]", "aws_s3_bucket.b[1]"),
        ("aws_s3_bucket.b[01]", "aws_s3_bucket.b[1]"),
        ("aws_s3_bucket.b[*]", "aws_s3_bucket.b"),
        ("aws_s3_bucket.b", "aws_s3_bucket.b[0]"),  # a glob matches the whole address
        ("aws_s3_bucket.b[!0]", "aws_s3_bucket.b[1]"),
        ("aws_s3_bucket.b.", "aws_s3_bucket.bx"),  # a dot is a dot
    ],
)
def test_an_address_glob_matches_nothing_else(pattern: str, address: str) -> None:
    assert not Suppression("T-1", "reason", address=pattern).matches(RULE, address)
