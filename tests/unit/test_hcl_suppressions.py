"""Inline suppression comments in HCL: tfreview, Checkov, tfsec and Trivy syntaxes."""

from __future__ import annotations

from pathlib import Path

from tfreview.core.findings import Status
from tfreview.core.plan import InlineSuppression, Location
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources, load_directory
from tfreview.rules import load_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "hcl"


def suppressions_of(address: str) -> tuple[InlineSuppression, ...]:
    changes = {c.address: c for c in load_directory(DATA / "suppressions").changes}
    return changes[address].suppressions


def test_tfreview_comment_above_the_block_covers_the_resource_one_entry_per_id() -> None:
    found = [s for s in suppressions_of("aws_s3_bucket.website") if s.location.line == 2]
    assert found == [
        InlineSuppression("TFR-AWS-001", "public website, reviewed by security", Location("main.tf", 2)),
        InlineSuppression("TFR-AWS-002", "public website, reviewed by security", Location("main.tf", 2)),
    ]


def test_tfsec_comment_on_an_attribute_line_with_expiry() -> None:
    [tfsec] = [s for s in suppressions_of("aws_s3_bucket.website") if s.rule == "aws-s3-no-public-access-with-acl"]
    assert tfsec.expires == "2025-12-31"
    assert tfsec.attribute == "acl"
    assert tfsec.location == Location("main.tf", 5)


def test_trivy_and_slash_comments_above_a_nested_block_name_it() -> None:
    found = {s.rule: s for s in suppressions_of("aws_s3_bucket.website")}
    assert found["AVD-AWS-0086"].attribute == "versioning"
    assert found["AVD-AWS-0086"].location == Location("main.tf", 7)
    assert found["TFR-AWS-003"].attribute == "versioning"
    assert found["TFR-AWS-003"].reason == "versioning is not needed for a static site"


def test_checkov_skip_inside_the_block_covers_the_whole_resource() -> None:
    assert suppressions_of("aws_s3_bucket.data") == (
        InlineSuppression("CKV_AWS_18", "access logs are collected by CloudTrail data events", Location("main.tf", 15)),
    )
    assert suppressions_of("aws_s3_bucket.plain") == ()


def test_variants_comma_ids_and_expiry() -> None:
    text = """
#tfreview:ignore=TFR-AWS-001
resource "aws_s3_bucket" "a" {
  acl = "public-read" // trivy:ignore:AVD-AWS-0092,AVD-AWS-0086:exp:2030-01-31 accepted risk
  # checkov:skip=CKV_AWS_20,CKV_AWS_57:website
}
"""
    [change] = changeset_from_sources({"main.tf": text}).changes
    got = [(s.rule, s.reason, s.expires, s.attribute, s.location.line) for s in change.suppressions]
    assert got == [
        ("TFR-AWS-001", "", None, None, 2),
        ("AVD-AWS-0092", "accepted risk", "2030-01-31", "acl", 4),
        ("AVD-AWS-0086", "accepted risk", "2030-01-31", "acl", 4),
        ("CKV_AWS_20", "website", None, None, 5),
        ("CKV_AWS_57", "website", None, None, 5),
    ]


def test_a_comment_separated_by_code_does_not_reach_the_next_block() -> None:
    text = """
# tfreview:ignore=TFR-AWS-001 for a
resource "aws_s3_bucket" "a" {}

resource "aws_s3_bucket" "b" {}
"""
    changes = {c.address: c for c in changeset_from_sources({"main.tf": text}).changes}
    assert [s.rule for s in changes["aws_s3_bucket.a"].suppressions] == ["TFR-AWS-001"]
    assert changes["aws_s3_bucket.b"].suppressions == ()


def test_review_honours_inline_suppressions_from_hcl() -> None:
    rules = [rule for rule in load_rules() if rule.id == "TFR-AWS-001"]
    result = review(load_directory(DATA / "suppressions"), rules, Policy())
    assert [f.address for f in result.findings if f.status is not Status.RESOLVED] == []
    assert [f.address for f in result.suppressed] == ["aws_s3_bucket.website"]


def test_bridgecrew_and_cortex_skip_comments_count_as_checkovs() -> None:
    # Checkov honours `bridgecrew:skip=` and `cortex:skip=` as it does `checkov:skip=` (Cloud Posse's modules carry
    # the first); each covers the whole resource, as Checkov's does.
    text = """
resource "aws_s3_bucket" "cache" {
  #bridgecrew:skip=CKV_AWS_52:MFA delete cannot be managed by Terraform
  bucket = "cache"
  acl    = "public-read" # cortex:skip=CKV_AWS_20,CKV_AWS_57:a public download cache
}
"""
    [change] = changeset_from_sources({"main.tf": text}).changes
    got = [(s.rule, s.reason, s.attribute, s.location.line) for s in change.suppressions]
    assert got == [
        ("CKV_AWS_52", "MFA delete cannot be managed by Terraform", None, 3),
        ("CKV_AWS_20", "a public download cache", None, 5),
        ("CKV_AWS_57", "a public download cache", None, 5),
    ]


def test_review_honours_a_bridgecrew_skip_for_the_rule_that_lists_the_check() -> None:
    text = """
resource "aws_s3_bucket" "site" {
  # bridgecrew:skip=CKV_AWS_20:public static website
  bucket = "site"
  acl    = "public-read"
}
"""
    rules = [rule for rule in load_rules() if rule.id == "TFR-AWS-001"]
    result = review(changeset_from_sources({"main.tf": text}), rules, Policy())
    assert [f.address for f in result.findings if f.status is not Status.RESOLVED] == []
    assert [(f.address, f.rule_id) for f in result.suppressed] == [("aws_s3_bucket.site", "TFR-AWS-001")]
