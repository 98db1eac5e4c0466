"""review23b: `replace()` with a regular expression is evaluated by Python's `re`, a backtracking engine; Terraform
uses RE2, which is linear in the text. A pattern with a quantified group (`(a+)+b`) takes Python's `re` exponential
time in the text's length (30 characters: minutes), and any pattern with quantifiers polynomial time (`-+$` on a
long run of dashes: quadratic). A scan must not hang on a module that writes one: such a `replace` is left unknown
(ADR 0735 amended), as Terraform's value is at plan time to no rule's knowledge anyway."""

from __future__ import annotations

import pytest

from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl_functions import attempt, call


@pytest.mark.parametrize(
    "args",
    [
        ["aaa!", "/(a+)+b/", ""],  # nested quantifiers: exponential in Python's `re` (harmless text here)
        ["abab", "/(?:ab)*c/", ""],  # any quantified group, capturing or not
        ["ab", "/(a|ab){2,}c/", ""],  # a counted repetition of a group
        ["aaaa", "/(a|a){4}b/", ""],  # a group counted more than once
        ["ab", "/(a|b)+?/", ""],  # lazily repeated
        ["-" * 5000 + "x", "/-+$/", ""],  # one quantifier, a long text: quadratic
        ["a" * 400 + "!", "/a*a*a*b/", ""],  # several quantifiers on a middling text
    ],
)
def test_replace_whose_backtracking_could_run_long_is_left_unknown(args: list[str]) -> None:
    assert call("replace", args) is UNKNOWN


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["athena_StartQueryExecution_SyncAthena", "/[^0-9A-Za-z]*/", ""], "athenaStartQueryExecutionSyncAthena"),
        (["--my-name--", "/^-+|-+$/", ""], "my-name"),
        (["a(b)+c", "/\\(b\\)/", ""], "a+c"),  # an escaped parenthesis is no group
        (["x" * 1000, "/y+/", "z"], "x" * 1000),  # one quantifier on a name-sized text is still evaluated
        (["t3.micro", "/^t(2|3|3a|4g){1}\\..*$/", "1"], "1"),  # a group taken once (terraform-aws-modules/ec2)
        (["https://x.example/a", "/^(https?://)?/", ""], "x.example/a"),  # an optional group
    ],
)
def test_replace_with_short_work_is_still_evaluated(args: list[str], expected: str) -> None:
    assert call("replace", args) == expected


def test_a_pattern_of_many_quantifiers_is_judged_without_a_huge_number() -> None:
    assert call("replace", ["a" * 1000, "/" + "a*" * 100_000 + "/", ""]) is UNKNOWN


@pytest.mark.parametrize(
    "args",
    [
        ["my-name", "/[^[:alnum:]]/", ""],  # RE2's POSIX class; to Python a set of `[:alnum` then a `]`
        ["a{,2}", "/a{,2}/", "x"],  # RE2 reads `{,2}` as text, Python as a repetition
        ["été", "/\\pL/", ""],  # RE2's Unicode classes, which Python's `re` refuses
        ["a.b", "/\\Qa.b\\E/", "x"],  # RE2's quoted text
        ["ab", "/b\\z/", ""],  # RE2's end of text
        ["aa", "/(?U)a+/", "x"],  # RE2's ungreedy flag
    ],
)
def test_replace_with_re2_syntax_python_reads_otherwise_or_refuses_is_left_unknown(args: list[str]) -> None:
    """A pattern Terraform accepts is never an error here (`can(replace(…))` was false, `try` took its fallback),
    nor a value Terraform would not compute."""
    assert attempt("replace", args) is UNKNOWN
