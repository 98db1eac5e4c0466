"""`new_finding`, the engine's constructor of findings, makes what `Finding(...)` makes."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, fields, replace

import pytest

from tfreview.core.blast import BlastRadius
from tfreview.core.findings import (
    ChangeEntry,
    Evidence,
    Finding,
    Status,
    Suppressed,
    fingerprint,
    new_change_entry,
    new_finding,
    normalised_path,
)
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
    assert [getattr(made, f.name) for f in fields(Finding)] == [*values, None]  # the cache is not a field
    assert made.fingerprint == expected.fingerprint
    # still a frozen dataclass: replaced, never changed in place
    suppressed = replace(made, suppressed=Suppressed("config", "accepted", ".tfreview.toml"))
    assert suppressed.suppressed is not None
    assert made.suppressed is None
    assert suppressed == replace(made, suppressed=suppressed.suppressed)  # the cache is no part of the value
    assert suppressed.fingerprint == made.fingerprint


def test_a_fingerprint_is_computed_once_and_is_what_the_function_gives() -> None:
    finding = new_finding(
        "TFR-AWS-002",
        "aws-sg-no-public-ssh",
        "Security group allows SSH from anywhere",
        Severity.CRITICAL,
        "aws",
        "networking",
        "aws_security_group.web",
        "aws_security_group",
        "SSH is open",
        "Restrict the CIDR.",
        Evidence("ingress.3.cidr_blocks", '["0.0.0.0/0"]'),
        Status.EXISTING,
        ChangeKind.UPDATE,
        None,
        (),
    )
    first = finding.fingerprint
    assert first == fingerprint("TFR-AWS-002", "aws_security_group.web", "ingress.*.cidr_blocks")
    assert first == fingerprint("TFR-AWS-002", "aws_security_group.web", "ingress.0.cidr_blocks")  # indexes ignored
    assert finding.fingerprint is first  # read again: the same string, not computed again
    for copied in (pickle.loads(pickle.dumps(finding)), copy.copy(finding), copy.deepcopy(finding)):
        assert type(copied) is Finding
        assert copied == finding
        assert copied.fingerprint == first
    with pytest.raises(FrozenInstanceError):
        finding.message = "changed"  # type: ignore[misc]
    assert normalised_path("ingress.12.cidr_blocks.0") == "ingress.*.cidr_blocks.*"
    assert normalised_path("") == ""


def test_new_change_entry_is_the_entry_the_dataclass_makes() -> None:
    values = (
        "aws_db_instance.main",
        "aws_db_instance",
        ChangeKind.REPLACE,
        "replace_because_cannot_update",
        ("engine_version",),
        Location("db.tf", 1, 20),
        BlastRadius(("aws_route53_record.db",), 1, 1, ("output.endpoint",)),
        "5b6c7d8e",  # a deposed object's key
    )
    made, expected = new_change_entry(*values), ChangeEntry(*values)
    assert type(made) is ChangeEntry
    assert made == expected
    assert hash(made) == hash(expected)
    assert [getattr(made, f.name) for f in fields(ChangeEntry)] == list(values)
    # filled as a draft, then given its class (ADR 0430): frozen like any entry, and copied or pickled alike
    with pytest.raises(FrozenInstanceError):
        made.address = "changed"  # type: ignore[misc]
    assert copy.copy(made) == pickle.loads(pickle.dumps(made)) == expected
