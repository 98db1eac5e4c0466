"""Operands converted as Terraform converts them (issue 12, the session-23 held-out batch; ADR 0735).

Terraform 0.11-era modules compute counts with strings: terraform-aws-modules' early SQS module writes
`create_this_sqs_queue = "${var.create && var.kms_master_key_id == "" ? 1 : 0}"` and then
`count = "${1 - local.create_this_sqs_queue}"`. Two rules of the HCL language settle the value:

* a template that is a single interpolation and nothing else (`"${expr}"`) is the value of `expr` itself, not a
  string (HCL native syntax specification, "Template Interpolation Unwrapping"), so `"${1}" == 1` is true;
* an operator converts its operands to the type it takes, as go-cty converts them: arithmetic and `<`/`>` take
  numbers (`"5" + 1` is 6; `"five" + 1` is an error), `&&`/`||`/`!` take bools (`"true"`, `"1"`, `"false"`,
  `"0"`; any other string is an error).

Before, `1 - "0"` was unknown, so the queue's instances were "unknown until plan" and it was reviewed without an
instance key; an operand Terraform refuses is still unknown (the configuration would not plan).
"""

from __future__ import annotations

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

QUEUE = """
locals {
  n = LOCAL
}
resource "aws_sqs_queue" "q" {
  count                   = COUNT
  name                    = "q"
  sqs_managed_sse_enabled = false
}
"""


def _flagged(local: str, count: str) -> list[str]:
    text = QUEUE.replace("LOCAL", local).replace("COUNT", count)
    findings = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    return sorted(f.address for f in findings if f.rule_id == "TFR-AWS-048")


@pytest.mark.parametrize(
    ("local", "count", "expected"),
    [
        # a template that is one interpolation is its value (a number here)
        ('"${true ? 0 : 1}"', '"${1 - local.n}"', ["aws_sqs_queue.q[0]"]),
        ('"${true ? 1 : 0}"', '"${1 - local.n}"', []),
        # a numeric string is converted for arithmetic
        ('"0"', "1 - local.n", ["aws_sqs_queue.q[0]"]),
        ('"2"', "local.n * 1", ["aws_sqs_queue.q[0]", "aws_sqs_queue.q[1]"]),
        ('"1.5"', "local.n > 1 ? 1 : 0", ["aws_sqs_queue.q[0]"]),
        # equality compares values: the unwrapped template is the number 1, a quoted "1" is a string
        ('"${1}"', "local.n == 1 ? 1 : 0", ["aws_sqs_queue.q[0]"]),
        ('"1"', "local.n == 1 ? 1 : 0", []),
        # logical operators take bools; "true"/"1"/"false"/"0" convert
        ('"true"', "local.n && true ? 1 : 0", ["aws_sqs_queue.q[0]"]),
        ('"0"', "local.n || false ? 1 : 0", []),
        ('"false"', "!local.n ? 1 : 0", ["aws_sqs_queue.q[0]"]),
        ('"${true}"', "local.n == true ? 1 : 0", ["aws_sqs_queue.q[0]"]),
    ],
)
def test_operands_are_converted_as_terraform_converts_them(local: str, count: str, expected: list[str]) -> None:
    assert _flagged(local, count) == expected


@pytest.mark.parametrize(
    ("local", "count"),
    [
        ('"five"', "1 - local.n"),  # not a number: Terraform refuses, the count stays unknown
        ('" 1"', "local.n + 0"),  # no blanks in a number
        ('"0x1"', "local.n + 0"),
        ('"inf"', "local.n + 0"),
        ('"yes"', "local.n && true ? 1 : 0"),  # not a bool
        ("true", "local.n + 1"),  # a bool is never a number
    ],
)
def test_an_operand_terraform_refuses_leaves_the_count_unknown(local: str, count: str) -> None:
    # reviewed once without an instance key, as any count known only at plan time
    assert _flagged(local, count) == ["aws_sqs_queue.q"]


def test_a_template_with_text_around_the_interpolation_stays_a_string() -> None:
    # `"${1} "` is the string "1 " (no unwrapping), which no number conversion accepts
    assert _flagged('"${1} "', "local.n + 0") == ["aws_sqs_queue.q"]
    assert _flagged('"${1}"', 'local.n == "1" ? 1 : 0') == []
