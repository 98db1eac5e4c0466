"""`try`/`can`, `range`, and `lookup`/`merge`/`concat` over values partly unknown, in HCL mode (ADR 0271)."""

from __future__ import annotations

from typing import Any

from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_functions import call


def inputs(locals_text: str) -> Any:
    """The value of `local.out` in a configuration with one `random_id.r` (its attributes unknown)."""
    text = f"""
resource "random_id" "r" {{
  byte_length = 4
}}
locals {{
{locals_text}
}}
resource "terraform_data" "x" {{
  input = local.out
}}
"""
    [change] = [c for c in changeset_from_sources({"main.tf": text}).changes if c.address == "terraform_data.x"]
    if change.after_unknown.get("input") is True:
        return UNKNOWN
    return change.after.get("input")


def test_try_takes_the_first_argument_that_evaluates_without_an_error() -> None:
    assert inputs('pool = { subnet = null }\n  out = try(local.pool.subnet.id, "none")') == "none"
    assert inputs("pool = { a = 1 }\n  out = try(local.pool.missing, local.pool.a)") == 1
    assert inputs("items = [1]\n  out = try(local.items[3], -1)") == -1
    assert inputs('out = try(lookup({}, "k"), "fallback")') == "fallback"
    assert inputs('pool = { subnet = { id = "s" } }\n  out = try(local.pool.subnet.id, "none")') == "s"


def test_try_waits_on_an_unknown_first_argument_and_fails_when_all_fail() -> None:
    assert inputs('out = try(random_id.r.hex, "guess")') is UNKNOWN
    assert inputs("pool = {}\n  out = try(local.pool.a, local.pool.b)") is UNKNOWN
    # an error in the branch a conditional does not take is no error
    assert inputs('pool = {}\n  out = try(false ? local.pool.a : "b", "c")') == "b"


def test_can() -> None:
    assert inputs("pool = { a = 1 }\n  out = [can(local.pool.a), can(local.pool.b)]") == [True, False]
    assert inputs("out = can(random_id.r.hex)") is UNKNOWN


def test_range_in_a_for_expression() -> None:
    assert inputs('out = { for i in range(3) : "w${i}" => i % 2 == 0 }') == {"w0": True, "w1": False, "w2": True}
    assert call("range", [4, 1]) == [4, 3, 2]
    assert call("range", [0, 10, 3]) == [0, 3, 6, 9]
    assert call("range", [0, 5, 0]) is UNKNOWN


def test_lookup_merge_and_concat_keep_known_parts_of_partly_unknown_values() -> None:
    pool = 'pool = { name = random_id.r.hex, image = "UBUNTU" }\n'
    assert inputs(pool + '  out = lookup(local.pool, "image", "COS")') == "UBUNTU"
    assert inputs('pool = { name = random_id.r.hex }\n  out = lookup(local.pool, "image", "COS")') == "COS"
    assert inputs('pool = { name = random_id.r.hex }\n  out = lookup(local.pool, "name", "x")') is UNKNOWN
    assert call("merge", [{"a": 1}, {"b": UNKNOWN}]) == {"a": 1, "b": UNKNOWN}
    assert call("merge", [{"a": 1}, UNKNOWN]) is UNKNOWN
    assert call("merge", [{"a": 1}, ["not a map"]]) is UNKNOWN
    assert call("concat", [[1], [UNKNOWN]]) == [1, UNKNOWN]
    assert call("lookup", [{"a": 1}, UNKNOWN, 2]) is UNKNOWN


def test_legacy_list_function_builds_a_list() -> None:
    """`list(…)` (Terraform 0.12–0.14) as those versions read it: sadcloud's `for_each = cond ? [] : list(x)`."""
    assert inputs('out = list(1, "a")') == [1, "a"]
    assert inputs("out = list()") == []
    assert inputs("out = length(list(3, 2))") == 2
    assert inputs("out = false ? [] : list(false)") == [False]
