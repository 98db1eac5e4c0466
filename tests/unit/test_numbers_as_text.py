"""A number written where Terraform expects a string is judged as the string Terraform converts it to (ADR 0487):
`minimum_tls_version = 1.2` in HCL is "1.2" in the plan."""

from __future__ import annotations

import pytest

from tfreview.core.condition_judging import _operator_for
from tfreview.core.conditions import _OPERATORS, terraform_text


@pytest.mark.parametrize(
    ("number", "text"),
    [(1.2, "1.2"), (2.0, "2"), (2, "2"), (1e-05, "0.00001"), (1e21, "1000000000000000000000"), (-3.5, "-3.5")],
)
def test_terraform_text(number: float, text: str) -> None:
    assert terraform_text(number) == text


@pytest.mark.parametrize("name", ["equals", "not_equals", "contains", "not_contains"])
def test_text_operators_agree_with_the_general_ones(name: str) -> None:
    compiled = _operator_for(name, "1.2")
    general = _OPERATORS[name][0]
    for value in (1.2, 1.20, "1.2", 1.1, "1.1", True, None, [1.2], ["1.2"], [1.1], [], {"a": 1.2}):
        assert compiled(value, "1.2") == general(value, "1.2"), (name, value)


def test_a_number_equals_its_text_and_a_bool_does_not() -> None:
    equals = _operator_for("equals", "1.2")
    assert equals(1.2, "1.2")
    assert not equals(1.3, "1.2")
    assert not _operator_for("equals", "1")(True, "1")  # a bool is no number here
    assert _operator_for("equals", "2")(2, "2")
    assert not _operator_for("equals", "2.0")(2, "2.0")  # Terraform writes 2, not 2.0


def test_in_over_texts_takes_a_number() -> None:
    within = _operator_for("in", ["1.2", "1.3"])
    assert within(1.2, ["1.2", "1.3"])
    assert within("1.3", ["1.2", "1.3"])
    assert not within(1.1, ["1.2", "1.3"])
    outside = _operator_for("not_in", ["TLS1_2"])
    assert outside(1.2, ["TLS1_2"])
