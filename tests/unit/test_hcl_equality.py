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


def _compared(expressions: dict[str, str], variables: str = "") -> dict[str, Any]:
    source = variables + "".join(
        f'resource "null_resource" "{name}" {{\n  triggers = {{ v = {expression} }}\n}}\n'
        for name, expression in expressions.items()
    )
    change_set = changeset_from_sources({"main.tf": source})
    found = (c for c in change_set.changes if c.type == "null_resource")
    return {c.name: (c.after or {}).get("triggers", {}).get("v") for c in found}


TYPED = """
variable "subnets" {
  type    = list(string)
  default = []
}
variable "zones" {
  type    = set(string)
  default = ["a"]
}
variable "tags" {
  type    = map(string)
  default = {}
}
variable "loose" {
  default = []
}
"""


def test_a_list_set_or_map_never_equals_a_bracket_or_brace_literal() -> None:
    """Terraform's `==` needs the same type: a `list(string)` variable is never the empty tuple `[]`, a map never
    the object `{}` (tflint's terraform_empty_list_check; `length(var.x) == 0` is the test that works). The review
    said `var.subnets == []` was true, so `count = var.subnets == [] ? 0 : 1` made no instance where Terraform
    makes one."""
    found = _compared(
        {
            "empty_list": "var.subnets == []",
            "empty_list_ne": "var.subnets != []",
            "reversed": "[] == var.subnets",
            "set": 'var.zones == ["a"]',
            "map": "var.tags == {}",
            "tolist": 'tolist(["a"]) == ["a"]',
            "tomap": "tomap({a = 1}) == {a = 1}",
            "parenthesised": "(var.subnets) == []",
            # the same value where the types agree
            "untyped": "var.loose == []",
            "length": "length(var.subnets) == 0",
            "two_lists": "var.subnets == tolist(var.subnets)",
            "tuples": "[] == []",
            "null": "var.subnets == null",
        },
        TYPED,
    )
    assert found == {
        "empty_list": False,
        "empty_list_ne": True,
        "reversed": False,
        "set": False,
        "map": False,
        "tolist": False,
        "tomap": False,
        "parenthesised": False,
        "untyped": True,
        "length": True,
        "two_lists": True,
        "tuples": True,
        "null": False,
    }


def test_an_empty_list_compared_with_brackets_makes_the_instance_terraform_makes() -> None:
    source = TYPED + 'resource "aws_sns_topic" "t" {\n  count = var.subnets == [] ? 0 : 1\n  name  = "t"\n}\n'
    change_set = changeset_from_sources({"main.tf": source})
    # made by default, unconditionally (it was one conditional instance, "empty only by the default of var.subnets")
    assert [(c.address, c.condition) for c in change_set.changes if c.type == "aws_sns_topic"] == [
        ("aws_sns_topic.t[0]", ())
    ]
    assert not [note for note in change_set.coverage.notes if "aws_sns_topic.t" in note]
