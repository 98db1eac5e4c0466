"""A condition, a `for` expression's `if` and the operands of `!`, `&&`, `||` are converted to bool as Terraform
converts them (go-cty `convert`, string to bool): exactly "true" and "1" are true, "false" and "0" false. Any other
value — "TRUE", "yes", "", a number, a collection — is an error in Terraform: unknown here, never a guessed value,
and an error `try` skips and `can` reports (ADR 0735 did the operators; the conditional took only "true"/"false" and
the `for` `if` no string at all)."""

from __future__ import annotations

from typing import Any

import pytest

from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl import changeset_from_sources


def out(expression: str, variables: str = "") -> Any:
    """The value of `expression` as a resource's argument."""
    text = (
        f'{variables}\nlocals {{\n  out = {expression}\n}}\nresource "terraform_data" "x" {{\n  input = local.out\n}}\n'
    )
    [change] = [c for c in changeset_from_sources({"main.tf": text}).changes if c.address == "terraform_data.x"]
    if change.after_unknown.get("input") is True:
        return UNKNOWN
    return change.after.get("input")


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ('"true" ? "yes" : "no"', "yes"),
        ('"1" ? "yes" : "no"', "yes"),
        ('"false" ? "yes" : "no"', "no"),
        ('"0" ? "yes" : "no"', "no"),
        ('[for x in ["a", "b"] : x if "1"]', ["a", "b"]),
        ('[for x in ["a", "b"] : x if (x == "a" ? "true" : "0")]', ["a"]),
        ('{for x in ["a", "b"] : x => 1 if "false"}', {}),
        ('!"1"', False),
        ('"1" && "0"', False),
        ('"0" || "true"', True),
    ],
)
def test_the_strings_go_cty_converts_are_bools(expression: str, value: Any) -> None:
    assert out(expression) == value


@pytest.mark.parametrize(
    "expression",
    [
        '"TRUE" ? "yes" : "no"',  # case-sensitive: "a bool is required; to convert from string, use lowercase"
        '"yes" ? "yes" : "no"',
        '"" ? "yes" : "no"',
        '1 ? "yes" : "no"',  # no number converts to a bool
        'null ? "yes" : "no"',  # "Null condition"
        '["true"] ? "yes" : "no"',
        '[for x in ["a"] : x if "yes"]',
        '[for x in ["a"] : x if 1]',
        '!"True"',
        "!0",
        'true || "yes"',  # the operand is converted before `||` decides: an error, not true
        'false && "no"',
    ],
)
def test_a_value_terraform_cannot_convert_is_unknown(expression: str) -> None:
    assert out(expression) is UNKNOWN


@pytest.mark.parametrize(
    "expression",
    [
        '"yes" ? 1 : 2',
        '"TRUE" ? 1 : 2',
        "null ? 1 : 2",
        '!"yes"',
        'true || "yes"',
        '"1" && 2',
        '[for x in ["a"] : x if "on"]',
    ],
)
def test_it_is_an_error_that_try_skips_and_can_reports(expression: str) -> None:
    assert out(f"can({expression})") is False
    assert out(f'try({expression}, "fallback")') == "fallback"


def test_what_converts_is_no_error() -> None:
    assert out('can("1" ? 1 : 2)') is True
    assert out('try(!"0", "fallback")') is True
    assert out('try([for x in ["a"] : x if "true"], "fallback")') == ["a"]


BOOL_VARIABLE = 'variable "on" {\n  type    = bool\n  default = "VALUE"\n}'


@pytest.mark.parametrize(("text", "value"), [("1", True), ("0", False), ("true", True), ("false", False)])
def test_tobool_and_a_bool_variable_convert_the_same_strings(text: str, value: bool) -> None:
    assert out(f'tobool("{text}")') is value
    assert out('[var.on ? "on" : "off"]', BOOL_VARIABLE.replace("VALUE", text)) == ["on" if value else "off"]


def test_tobool_refuses_what_go_cty_refuses() -> None:
    assert out('can(tobool("TRUE"))') is False
    assert out("can(tobool(1))") is False
