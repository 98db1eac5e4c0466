"""`new_finding`, the engine's constructor of findings, makes what `Finding(...)` makes."""

from __future__ import annotations

from dataclasses import fields, replace

from tfreview.core.findings import Evidence, Finding, Status, Suppressed, new_finding
from tfreview.core.plan import ChangeKind, Location
from tfreview.core.severity import Severity


def test_new_finding_is_the_finding_the_dataclass_makes() -> None:
    values = (
        "TFR-AWS-001",
        "aws-s3-no-public-read-acl",
        "S3 bucket ACL allows public read",
        Severity.HIGH,
        "aws",
        "networking",
        "aws_s3_bucket.b",
        "aws_s3_bucket",
        "the ACL is public-read",
        "Use a private ACL.",
        Evidence("acl", '"public-read"'),
        Status.INTRODUCED,
        ChangeKind.CREATE,
        Location("main.tf", 3),
        ("CKV_AWS_20",),
    )
    made, expected = new_finding(*values), Finding(*values)
    assert type(made) is Finding
    assert made == expected
    assert hash(made) == hash(expected)
    assert [getattr(made, f.name) for f in fields(Finding)] == [*values, None]
    assert made.fingerprint == expected.fingerprint
    # still a frozen dataclass: replaced, never changed in place
    suppressed = replace(made, suppressed=Suppressed("config", "accepted", ".tfreview.toml"))
    assert suppressed.suppressed is not None
    assert made.suppressed is None
