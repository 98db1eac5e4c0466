"""`==` and `!=` compare type and value, as Terraform does: `false == 0` is false (session 15, heldout8).

Python's `False == 0` is true, so a Terraform 0.11-style switch `count = var.with_kms == 0 ? 1 : 0` with
`default = false` was read as one instance made by default, while Terraform (0.12 and later) makes none:
the review reported the topic as deployed unconditionally (terraform-aws-modules' early SNS module).
"""

from __future__ import annotations

from typing import Any

import pytest

from tfreview.core.module_calls import is_module_call
from tfreview.core.plan import is_provider_configuration
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_functions import call, operate


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        (False, 0, False),
        (True, 1, False),
        (0, False, False),
        (True, 1.0, False),
        ([False], [0], False),
        ({"a": True}, {"a": 1}, False),
        ([{"a": [True]}], [{"a": [1]}], False),
        ("1", 1, False),
        (1, 1.0, True),  # one number type
        (True, True, True),
        ([1, "a", None], [1.0, "a", None], True),
        ({"a": [False]}, {"a": [False]}, True),
        ({"a": 1}, {"b": 1}, False),
    ],
)
def test_equality_needs_the_same_type_and_value(left: Any, right: Any, equal: bool) -> None:
    assert operate("==", left, right) is equal
    assert operate("!=", left, right) is (not equal)


SWITCH = """
variable "with_kms" {
  default = false
}
resource "aws_sns_topic" "plain" {
  count = var.with_kms == 0 ? 1 : 0
  name  = "plain"
}
resource "aws_sns_topic" "with_kms" {
  count             = var.with_kms == 1 ? 1 : 0
  name              = "with-kms"
  kms_master_key_id = "alias/aws/sns"
}
"""


def test_a_bool_compared_with_a_number_makes_no_instance_by_default() -> None:
    change_set = changeset_from_sources({"main.tf": SWITCH})
    found = {c.address: c for c in change_set.changes if not (is_provider_configuration(c) or is_module_call(c))}
    assert set(found) == {"aws_sns_topic.plain[0]", "aws_sns_topic.with_kms[0]"}
    assert found["aws_sns_topic.plain[0]"].condition == ("var.with_kms",)  # conditional, not made by default
    assert found["aws_sns_topic.with_kms[0]"].condition == ("var.with_kms",)
    assert any(
        "aws_sns_topic.plain (main.tf:5): count or for_each is empty only by the default of var.with_kms" in note
        for note in change_set.coverage.notes
    )


def test_contains_finds_an_element_of_the_same_type_only() -> None:
    assert call("contains", [[1, 2], True]) is False  # Python: True in [1, 2]
    assert call("contains", [[True], 1]) is False
    assert call("contains", [[1, 2], 1.0]) is True
    assert call("contains", [[["a", False]], ["a", False]]) is True
