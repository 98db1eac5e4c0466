"""Terraform's list and string functions evaluated as its documentation says (issue 12, the session-24 held-out
batch; ADR 0748).

Google's KMS module writes its IAM bindings `members = compact(split(",", var.owners[count.index]))`, and
terraform-aws-modules' ECR module its repository principals `coalescelist(var.repository_read_access_arns, ["*"])`.
None of `compact`, `split`, `coalescelist` was evaluated, so such a member list was unknown and no rule judged it,
though Terraform knows it at plan time. The expected values below are the documentation's own examples
(developer.hashicorp.com/terraform/language/functions/<name>), plus the edge each function documents.
"""

from __future__ import annotations

from typing import Any

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_functions import FunctionError, attempt, call
from tfreview.rules import load_rules


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("compact", [["a", "", "b", None, "c"]], ["a", "b", "c"]),
        ("compact", [[1, "", True]], ["1", "true"]),  # a list of strings: numbers and bools convert
        ("split", [",", "foo"], ["foo"]),
        ("split", [",", "foo,bar,baz"], ["foo", "bar", "baz"]),
        ("split", [",", ""], [""]),
        ("split", ["", "abc"], ["a", "b", "c"]),  # Go's strings.Split: after each character
        ("coalescelist", [["a", "b"], ["c", "d"]], ["a", "b"]),
        ("coalescelist", [[], ["c", "d"]], ["c", "d"]),
        ("coalescelist", [None, [], ["*"]], ["*"]),  # null arguments are skipped
        ("element", [["a", "b", "c"], 1], "b"),
        ("element", [["a", "b", "c"], 3], "a"),  # wrapped around the length
        ("element", [["a", "b", "c"], "4"], "b"),  # a string of digits converts
        ("distinct", [["a", "b", "a", "c", "d", "b"]], ["a", "b", "c", "d"]),
        ("flatten", [[["a", "b"], [], ["c"]]], ["a", "b", "c"]),
        ("flatten", [[[["a", "b"], []], ["c"]]], ["a", "b", "c"]),
        ("one", [[]], None),
        ("one", [["hello"]], "hello"),
        ("slice", [["a", "b", "c", "d"], 1, 3], ["b", "c"]),
        ("zipmap", [["a", "b"], [1, 2]], {"a": 1, "b": 2}),
        ("alltrue", [["true", True]], True),
        ("alltrue", [[True, False]], False),
        ("alltrue", [[]], True),
        ("anytrue", [["true"]], True),
        ("anytrue", [[True, False]], True),
        ("anytrue", [[]], False),
        ("strcontains", ["hello world", "wor"], True),
        ("strcontains", ["hello world", "wod"], False),
        ("startswith", ["hello world", "hello"], True),
        ("startswith", ["hello world", "world"], False),
        ("endswith", ["hello world", "world"], True),
        ("endswith", ["hello world", "hello"], False),
    ],
)
def test_as_the_documentation_gives_it(name: str, args: list[Any], expected: Any) -> None:
    assert call(name, args) == expected


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("element", [[], 0]),  # an empty list
        ("one", [["a", "b"]]),  # more than one element
        ("slice", [["a", "b"], 1, 3]),  # past the end
        ("slice", [["a", "b"], 2, 1]),  # start after end
        ("zipmap", [["a", "b"], [1]]),  # lists of different lengths
        ("coalescelist", [[], []]),  # no non-empty list
        ("alltrue", [["yes"]]),  # not a bool
        ("compact", [[["nested"]]]),  # not a list of strings
    ],
)
def test_a_call_terraform_rejects_is_an_error(name: str, args: list[Any]) -> None:
    with pytest.raises(FunctionError):
        attempt(name, args)


def test_unknowns_stay_where_they_are_or_make_the_result_unknown() -> None:
    # picking from a list of known length: its unknown elements are carried, not spread
    assert call("coalescelist", [[UNKNOWN], ["*"]]) == [UNKNOWN]
    assert call("element", [["a", UNKNOWN], 0]) == "a"
    assert call("zipmap", [["a", "b"], [1, UNKNOWN]]) == {"a": 1, "b": UNKNOWN}
    # looking into the elements: one unknown makes the whole result unknown
    assert call("compact", [["a", UNKNOWN]]) is UNKNOWN
    assert call("zipmap", [["a", UNKNOWN], [1, 2]]) is UNKNOWN
    assert call("split", [",", UNKNOWN]) is UNKNOWN
    # JSON text holding values known only after apply (ADR 0635) is known only in part: what is found in it is not
    partly = call("jsonencode", [{"Principal": UNKNOWN, "Effect": "Allow"}])
    assert call("strcontains", [partly, "Allow"]) is UNKNOWN
    assert call("split", [",", partly]) is UNKNOWN
    assert call("compact", [[partly]]) is UNKNOWN
    # Terraform 1.10 counts a negative index from the end, earlier releases refuse it: left unknown
    assert call("element", [["a", "b", "c"], -1]) is UNKNOWN


BUCKET_BINDING = """
variable "viewers" {
  type    = string
  default = "group:ops@example.com,allUsers"
}
resource "google_storage_bucket" "b" {
  name                        = "b"
  location                    = "EU"
  uniform_bucket_level_access = true
}
resource "google_storage_bucket_iam_binding" "viewers" {
  bucket  = google_storage_bucket.b.name
  role    = "roles/storage.objectViewer"
  members = compact(split(",", var.viewers))
}
"""


def test_a_public_member_built_with_compact_and_split_is_judged() -> None:
    findings = review(changeset_from_sources({"main.tf": BUCKET_BINDING}), load_rules(), Policy()).findings
    assert "google_storage_bucket_iam_binding.viewers" in {f.address for f in findings if f.rule_id == "TFR-GCP-004"}


BUCKET_POLICY = """
variable "read_access_arns" {
  type    = list(string)
  default = []
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
data "aws_iam_policy_document" "read" {
  statement {
    principals {
      type        = "AWS"
      identifiers = coalescelist(var.read_access_arns, ["*"])
    }
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
  }
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.read.json
}
"""


def test_a_principal_built_with_coalescelist_is_judged() -> None:
    # the ECR module's shape (`coalescelist(var.repository_read_access_arns, ["*"])`), on a bucket policy
    findings = review(changeset_from_sources({"main.tf": BUCKET_POLICY}), load_rules(), Policy()).findings
    assert "aws_s3_bucket_policy.b" in {f.address for f in findings if f.rule_id == "TFR-AWS-008"}
