"""`count` given as a numeric string expands as Terraform expands it: Terraform converts "2" to the number 2
where a number is expected (Terraform 0.11-style `count = "${var.az_count}"` with `default = "2"`, as the AWS
provider's own `examples/ecs-fargate` writes it)."""

from __future__ import annotations

import pytest

from tfreview.core.plan import is_provider_configuration
from tfreview.parsing.hcl import changeset_from_sources


def addresses(text: str) -> tuple[set[str], tuple[str, ...]]:
    change_set = changeset_from_sources({"main.tf": text})
    found = {c.address for c in change_set.changes if not is_provider_configuration(c)}
    return found, change_set.coverage.notes


@pytest.mark.parametrize(
    "count",
    ['"2"', '"${var.az_count}"', "var.az_count", '"2.0"'],
)
def test_a_numeric_string_count_names_each_instance(count: str) -> None:
    found, notes = addresses(
        f"""
variable "az_count" {{
  default = "2"
}}

resource "aws_subnet" "private" {{
  count      = {count}
  vpc_id     = "vpc-123"
  cidr_block = "10.0.${{count.index}}.0/24"
}}
"""
    )
    assert found == {"aws_subnet.private[0]", "aws_subnet.private[1]"}
    assert not any("count" in note for note in notes)


@pytest.mark.parametrize(("count", "reason"), [('"two"', "not a whole number"), ('"1.5"', "not a whole number")])
def test_a_string_that_is_no_whole_number_stays_one_object_with_a_note(count: str, reason: str) -> None:
    found, notes = addresses(
        f"""
resource "aws_subnet" "private" {{
  count      = {count}
  vpc_id     = "vpc-123"
  cidr_block = "10.0.0.0/24"
}}
"""
    )
    assert found == {"aws_subnet.private"}
    assert any(reason in note for note in notes)
