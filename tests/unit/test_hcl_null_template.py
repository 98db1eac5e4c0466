"""A template that is one interpolation and nothing else is that interpolation's value, verbatim (HCL's
`TemplateWrapExpr`): `"${null}"` — and `"${var.x}"` with `x` null — is null, so an argument set to it is unset and the
provider's default applies, as with `= null`. Before, it read as unknown and no rule judged the argument."""

from __future__ import annotations

from typing import Any

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules_for


def out(expression: str, variables: str = "") -> Any:
    text = (
        f'{variables}\nlocals {{\n  out = {expression}\n}}\nresource "terraform_data" "x" {{\n  input = local.out\n}}\n'
    )
    [change] = [c for c in changeset_from_sources({"main.tf": text}).changes if c.address == "terraform_data.x"]
    if change.after_unknown.get("input") is True:
        return UNKNOWN
    return change.after.get("input", "<unset>")


NULL_VARIABLE = 'variable "x" {\n  default = null\n}'


def test_a_lone_interpolation_of_null_is_null() -> None:
    assert out('["${null}"]') == [None]
    assert out('"${null}" == null') is True
    assert out('["${var.x}"]', NULL_VARIABLE) == [None]
    assert out('coalesce("${var.x}", "fallback")', NULL_VARIABLE) == "fallback"


def test_null_inside_a_template_with_text_stays_an_error() -> None:
    # "Invalid template interpolation value: the expression result is null": unknown, never the text "a"
    assert out('"a${null}"') is UNKNOWN
    assert out('"${null}${null}"') is UNKNOWN


VOLUME = """
variable "encrypted" {
  default = null
}
resource "aws_ebs_volume" "v" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = ENCRYPTED
}
"""


@pytest.mark.parametrize(
    ("encrypted", "flagged"),
    [
        ("null", True),
        ('"${null}"', True),  # unset: the provider's default (not encrypted) applies
        ('"${var.encrypted}"', True),
        ('"${true}"', False),
        ("random_id.r.hex", False),  # unknown at plan time: silent
    ],
)
def test_a_rule_judges_an_argument_set_to_a_lone_null_interpolation_by_the_default(
    encrypted: str, flagged: bool
) -> None:
    text = VOLUME.replace("ENCRYPTED", encrypted) + 'resource "random_id" "r" {\n  byte_length = 4\n}\n'
    change_set = changeset_from_sources({"main.tf": text})
    findings = review(change_set, load_rules_for(change_set.resource_types()), Policy()).findings
    assert any(f.rule_id == "TFR-AWS-018" for f in findings) is flagged
