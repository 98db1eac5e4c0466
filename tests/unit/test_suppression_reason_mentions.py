"""A read suppression whose reason mentions another tool's verb ("… the old checkov skip …") is one suppression, not
also an unread look-alike (review24b saw a spurious ADR 0746 notice); a look-alike after a peer's or in a comment of
its own is still reported."""

from __future__ import annotations

from tfreview.parsing.inline_suppressions import suppressions_in


def _read(comment: str) -> list[tuple[str, str]]:
    lines = ['resource "aws_s3_bucket" "b" {', f"  {comment}", '  bucket = "b"', "}"]
    return [(s.rule, s.syntax) for s in suppressions_in(lines, "main.tf", 1, 4, [("bucket", 3, 3)])]


def test_a_reason_naming_another_tools_skip_is_no_look_alike() -> None:
    read = _read("# tfreview:ignore=TFR-AWS-007 replaces the old checkov skip of CKV2_AWS_6")
    assert read == [("TFR-AWS-007", "tfreview")]


def test_a_checkov_reason_naming_tfreview_ignore_is_no_look_alike() -> None:
    assert _read("#checkov:skip=CKV_AWS_18: tfreview ignore is set too") == [("CKV_AWS_18", "checkov")]


def test_a_look_alike_of_its_own_is_still_reported() -> None:
    read = _read("# tfreview ignore TFR-AWS-007")
    assert [syntax for _rule, syntax in read] == ["unread"]
