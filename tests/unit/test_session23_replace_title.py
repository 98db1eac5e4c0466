"""`replace()` and `title()` evaluated as Terraform does (issue 12, the session-23 held-out batch; ADR 0735).

terraform-aws-modules' Step Functions module names each statement of its service policies
`sid = replace("${each.key}${title(statement.key)}", "/[^0-9A-Za-z]*/", "")`. Neither function was evaluated, so
the statement's `Sid` was unknown, the whole document with it (a document with an unknown part is read at apply),
and the IAM rules judged none of the policies built from it — though Terraform knows the text at plan time.

* `replace(string, substring, replacement)`: every occurrence of `substring`; a `substring` wrapped in slashes is a
  regular expression (RE2). Evaluated here when the pattern means the same in Python's `re` and the replacement is
  plain text; a replacement with `$` (group references) or a pattern with look-around or back-references (which RE2
  refuses) stays unknown.
* `title(string)`: the first letter of each word upper-cased, the rest left as written (Go's `strings.Title`:
  letters, digits and `_` join a word, anything else ends it).
"""

from __future__ import annotations

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.values import UNKNOWN
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_functions import FunctionError, attempt, call
from tfreview.rules import load_rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello world", "Hello World"),
        ("startQueryExecution_sync", "StartQueryExecution_sync"),  # the rest is left as written
        ("dynamo-db.table", "Dynamo-Db.Table"),  # `-` and `.` end a word
        ("9lives x_y", "9lives X_y"),  # a digit or `_` does not
        ("", ""),
    ],
)
def test_title_upper_cases_the_first_letter_of_each_word(text: str, expected: str) -> None:
    assert call("title", [text]) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["a.b.c", ".", "-"], "a-b-c"),  # plain text: every occurrence, `.` is no pattern
        (["my_name", "_", ""], "myname"),
        (["dynamodbDynamodb", "/[^0-9A-Za-z]*/", ""], "dynamodbDynamodb"),
        (["athena_StartQueryExecution_SyncAthena", "/[^0-9A-Za-z]*/", ""], "athenaStartQueryExecutionSyncAthena"),
        (["a1b22c", "/[0-9]+/", "#"], "a#b#c"),
        (["/", "/", "x"], "x"),  # a lone slash is text, not an empty pattern
        (["a\u0663b", "/\\d/", "#"], "a\u0663b"),  # RE2's \d is ASCII: an Arabic-Indic digit is no match
    ],
)
def test_replace_as_terraform_does(args: list[str], expected: str) -> None:
    assert call("replace", args) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["abc", "/(b)/", "$1$1"],  # a group reference in the replacement: not evaluated
        ["abc", "/b(?=c)/", "x"],  # look-ahead: RE2 refuses it, Python would not
        ["abab", "/(a)b\\1/", "x"],  # a back-reference: same
        ["ab\n", "/b$/", "x"],  # Python's `$` also matches before a final newline, RE2's does not
    ],
)
def test_replace_left_unknown_where_python_and_re2_could_differ(args: list[str]) -> None:
    assert call("replace", args) is UNKNOWN


def test_replace_with_a_pattern_terraform_refuses_is_an_error() -> None:
    with pytest.raises(FunctionError):
        attempt("replace", ["abc", "/(/", "x"])


POLICY = """
locals {
  services = {
    s3 = { s3 = ["*"] }
  }
}
data "aws_iam_policy_document" "service" {
  for_each = local.services
  dynamic "statement" {
    for_each = each.value
    content {
      sid       = replace("${each.key}${title(statement.key)}", "/[^0-9A-Za-z]*/", "")
      actions   = ["s3:*"]
      resources = statement.value
    }
  }
}
resource "aws_iam_policy" "service" {
  for_each = local.services
  name     = each.key
  policy   = data.aws_iam_policy_document.service[each.key].json
}
"""


def test_a_policy_whose_sid_is_built_with_replace_and_title_is_judged() -> None:
    findings = review(changeset_from_sources({"main.tf": POLICY}), load_rules(), Policy()).findings
    assert 'aws_iam_policy.service["s3"]' in {f.address for f in findings if f.rule_id == "TFR-AWS-243"}
