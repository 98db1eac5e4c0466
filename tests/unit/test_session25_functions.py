"""Terraform's `format`, `formatlist`, `cidr*`, `jsondecode`, `regex`, `regexall`, `sort`, `substr`, `trimprefix`,
`trimsuffix` evaluated as its documentation and go-cty give them (issue 12, session 25; ADR 0758).

Counted over the shared fixtures and the held-out trees, these are the functions real trees call most that were not
evaluated: a call the evaluator does not know makes its value unknown and the rules judging it silent. The expected
values below are the documentation's own examples (developer.hashicorp.com/terraform/language/functions/<name>) and
go-cty's behaviour for the edges (`stdlib/format.go`). Hostile calls that would build a large value are unknown,
quickly, without building it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.values import UNKNOWN
from tfreview.parsing import evaluation_budget
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_functions import FunctionError, attempt, call
from tfreview.rules import load_rules


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        # format: the documentation's examples
        ("format", ["Hello, %s!", "Ander"], "Hello, Ander!"),
        ("format", ["There are %d lights", 4], "There are 4 lights"),
        ("format", ["%#v", "hello"], '"hello"'),
        ("format", ["%#v", True], "true"),
        ("format", ["%#v", 1], "1"),
        ("format", ["%#v", {"a": 1}], '{"a":1}'),
        ("format", ["%#v", [True]], "[true]"),
        ("format", ["%#v", None], "null"),
        # format: go-cty's verbs, flags, width and precision
        ("format", ["%v|%v|%v|%v", "s", 1000000, 123456, True], "s|1e+06|123456|true"),  # %v of a number: Go's %g
        ("format", ["%v", 0.00001], "1e-05"),
        ("format", ["%s and %s", 1.5, False], "1.5 and false"),
        ("format", ["%q", "a<b"], '"a\\u003cb"'),  # JSON-quoted, as Go's encoder escapes
        ("format", ["%t", "true"], "true"),
        ("format", ["%5s|%-5s|%05s", "ab", "cd", "ef"], "   ab|cd   |000ef"),  # go-cty pads a string with zeros too
        ("format", ["%.2s|%.0s", "hello", "hello"], "he|hello"),  # `.0` truncates nothing in go-cty
        ("format", ["%05d|%+d|% d|%-4d|", -42, 3, 3, 7], "-0042|+3| 3|7   |"),
        ("format", ["%b %o %x %X", 5, 8, 255, 255], "101 10 ff FF"),
        ("format", ["%d", "12"], "12"),  # a string of digits converts to a number
        ("format", ["%.2f|%e|%8.1f", 3, 1000000, -2], "3.00|1.000000e+06|    -2.0"),
        ("format", ["%[2]s %[1]s %s", "a", "b"], "b a b"),  # an index, and the next argument after it
        ("format", ["100%%"], "100%"),
        ("format", ["%v", None], "null"),
        # formatlist: the documentation's examples
        (
            "formatlist",
            ["Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"]],
            [f"Hello, {n}!" for n in ("Valentina", "Ander", "Olivia", "Sam")],
        ),
        (
            "formatlist",
            ["%s, %s!", "Salutations", ["Valentina", "Ander"]],
            ["Salutations, Valentina!", "Salutations, Ander!"],
        ),
        ("formatlist", ["%s", []], []),
        # cidr*: the documentation's examples
        ("cidrsubnet", ["172.16.0.0/12", 4, 2], "172.18.0.0/16"),
        ("cidrsubnet", ["10.1.2.0/24", 4, 15], "10.1.2.240/28"),
        ("cidrsubnet", ["fd00:fd12:3456:7890::/56", 16, 162], "fd00:fd12:3456:7800:a200::/72"),
        ("cidrsubnet", ["10.1.2.3/16", 8, 1], "10.1.1.0/24"),  # host bits in the prefix: the network is taken
        ("cidrhost", ["10.12.112.0/20", 16], "10.12.112.16"),
        ("cidrhost", ["10.12.112.0/20", 268], "10.12.113.12"),
        ("cidrhost", ["fd00:fd12:3456:7890:00a2::/72", 34], "fd00:fd12:3456:7890::22"),
        ("cidrnetmask", ["172.16.0.0/12"], "255.240.0.0"),
        ("cidrsubnets", ["10.1.0.0/16", 4, 4, 8, 4], ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
        (
            "cidrsubnets",
            ["fd00:fd12:3456:7890::/56", 16, 16, 16, 32],
            [
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ],
        ),
        # jsondecode: the documentation's examples, numbers as the evaluator's
        ("jsondecode", ['{"hello": "world"}'], {"hello": "world"}),
        ("jsondecode", ["true"], True),
        ("jsondecode", ['[1, 2.5, 1e3, null, {"a": []}]'], [1, 2.5, 1000, None, {"a": []}]),
        # regex and regexall: the documentation's examples
        ("regex", ["[a-z]+", "53453453.345345aaabbbccc23454"], "aaabbbccc"),
        ("regex", [r"(\d\d\d\d)-(\d\d)-(\d\d)", "2019-02-01"], ["2019", "02", "01"]),
        ("regex", [r"(?P<year>\d\d\d\d)-(?P<month>\d\d)", "2019-02"], {"year": "2019", "month": "02"}),
        ("regex", ["a(b)?c", "ac"], [None]),  # a group that did not match is null
        ("regex", ["[a-z&&]+", "a&&b"], "a&&b"),  # `&&` is literal to both (Python warns of a future meaning)
        ("regexall", ["[a-z]+", "1234abcd5678efgh9"], ["abcd", "efgh"]),
        ("regexall", ["[a-z]+", "123456789"], []),
        ("regexall", ["x*", "abxd"], ["", "", "x", ""]),  # Go's FindAll: no empty match right after a match
        # sort, substr, trimprefix, trimsuffix: the documentation's examples
        ("sort", [["e", "d", "a", "x"]], ["a", "d", "e", "x"]),
        ("sort", [[3, 1, 11]], ["1", "11", "3"]),  # a list of strings: numbers convert, then sort as text
        ("substr", ["hello world", 1, 4], "ello"),
        ("substr", ["hello world", -5, 3], "wor"),
        ("substr", ["hello world", 6, 10], "world"),
        ("substr", ["hello world", 6, -1], "world"),
        ("trimprefix", ["helloworld", "hello"], "world"),
        ("trimprefix", ["helloworld", "cat"], "helloworld"),
        ("trimsuffix", ["helloworld", "world"], "hello"),
    ],
)
def test_as_the_documentation_gives_it(name: str, args: list[Any], expected: Any) -> None:
    assert attempt(name, args) == expected


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("format", ["%d", 1.5]),  # an integer is required
        ("format", ["%d", True]),  # a bool is no number
        ("format", ["%s", None]),  # null only for %v
        ("format", ["%s %s", "a"]),  # not enough arguments
        ("format", ["%s", "a", "b"]),  # too many
        ("format", ["%y", 1]),  # no such verb
        ("format", ["%", 1]),  # no verb at all
        ("format", ["%s", ["a"]]),  # a list is no string
        ("formatlist", ["%s-%s", ["a", "b"], ["c"]]),  # lists of different lengths
        ("cidrsubnet", ["10.0.0.0/30", 4, 1]),  # past 32 bits
        ("cidrsubnet", ["10.0.0.0/8", 4, 16]),  # 16 needs 5 bits
        ("cidrsubnet", ["10.0.0.0", 8, 1]),  # no prefix length
        ("cidrsubnet", ["10.0.0.0/255.0.0.0", 8, 1]),  # a netmask is not Go's CIDR
        ("cidrhost", ["10.0.0.0/30", 4]),  # past the prefix
        ("cidrsubnets", ["10.0.0.0/24", 1, 1, 1]),  # no room for the third
        ("jsondecode", ["{"]),
        ("jsondecode", ["NaN"]),  # Python's extension, not JSON
        ("jsondecode", [["a"]]),  # a list is no string: `try(jsondecode(var.x), var.x)` falls back
        ("regex", ["[a-z]+", "123"]),  # no match
        ("regex", ["(?=a)a", "a"]),  # a look-ahead: not RE2
        ("regex", [r"(a)\1", "aa"]),  # a back-reference: not RE2
        ("regex", ["a*+", "aa"]),  # a possessive quantifier: not RE2
        ("regex", ["(?x) a", "a"]),  # a verbose flag: not RE2
        ("regex", ["(?P<a>x)(y)", "xy"]),  # named and unnamed groups together
        ("regex", ["x{1001}", "x"]),  # RE2 counts a repetition to 1000
        ("sort", [["a", None]]),
    ],
)
def test_a_call_terraform_rejects_is_an_error(name: str, args: list[Any]) -> None:
    with pytest.raises(FunctionError):
        attempt(name, args)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("format", ["%s", UNKNOWN]),
        ("format", ["%s", ["a", UNKNOWN]]),
        ("format", ["%5s", "é"]),  # width counts grapheme clusters in go-cty
        ("format", ["%.1f", 0.25]),  # a fraction rounded as a 512-bit number rounds
        ("cidrsubnet", ["10.0.0.0/8", 8, -1]),  # refused or counted from the end, by release
        ("cidrsubnet", ["::ffff:10.0.0.0/104", 8, 1]),  # Go writes IPv4-mapped addresses as IPv4
        ("cidrnetmask", ["fd00::/8"]),  # an error since Terraform 1.5, a text before
        ("jsondecode", ['{"a": 1, "a": 2}']),  # a repeated key
        ("jsondecode", ["1e400"]),  # finite to Terraform, not to a float
        ("regex", ["[[:alpha:]]+", "abc"]),  # a POSIX class: a set to Python
        ("regex", ["a(?i)b", "aB"]),  # a flag group mid-pattern: RE2 takes it, Python 3.11 refuses it
        ("substr", ["héllo", 0, 2]),  # grapheme clusters
        ("sort", [["a", UNKNOWN]]),
    ],
)
def test_what_is_not_reproduced_exactly_stays_unknown(name: str, args: list[Any]) -> None:
    assert call(name, args) is UNKNOWN


def test_formatlist_keeps_its_unknown_elements_where_they_are() -> None:
    assert call("formatlist", ["%s-%s", ["a", UNKNOWN], "x"]) == ["a-x", UNKNOWN]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("format", ["%10000000s", ""]),
        ("format", ["%999999999999999999999s", ""]),
        ("format", ["%.10000000f", 1]),
        ("formatlist", ["%s%s%s%s", ["a" * 1000] * 1000, "b" * 1000, "c" * 1000, "d" * 1000]),
        ("jsondecode", ["[" * 100_000 + "]" * 100_000]),
        ("regexall", ["a", "a" * 1_000_000]),
    ],
)
def test_a_hostile_call_is_unknown_without_building_it(name: str, args: list[Any]) -> None:
    assert call(name, args) is UNKNOWN


def test_a_hostile_cidrsubnet_is_an_error_without_building_it() -> None:
    with pytest.raises(FunctionError):
        attempt("cidrsubnet", ["::/0", 100_000_000, 1])


def test_what_format_builds_is_paid_from_the_reads_budget() -> None:
    # each call is within the bound, but a `for` of them would build gigabytes: the read's template budget pays
    with evaluation_budget.budget() as spent:
        padded = [call("format", ["%1000000s", "x"]) for _ in range(100)]
    assert padded[0] == " " * 999_999 + "x"
    assert padded[-1] is UNKNOWN
    assert spent.built_refused > 0


def _evaluated(expression: str) -> tuple[Any, bool]:
    change = changeset_from_sources({"main.tf": f'resource "aws_thing" "t" {{\n  v = {expression}\n}}\n'}).changes[0]
    return change.after.get("v"), bool(change.after_unknown.get("v"))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('try(0 / 0, "fallback")', "fallback"),  # can't divide zero by zero
        ('try("a" + 1, "fallback")', "fallback"),  # a number is required
        ('try(-true, "fallback")', "fallback"),
        ("can(0 / 0)", False),
        ("can(1 + 1)", True),
        ("-7 % 3", -1),  # the dividend's sign, as Go's remainder
        ("7 % 0", 7),  # go-cty's Modulo gives the dividend
        ('"${["0.0.0.0/0"]}"', ["0.0.0.0/0"]),  # one interpolation of a collection is the collection
        ('"${{a = 1}}"', {"a": 1}),
        ('try(jsondecode(["a"]), ["b"])', ["b"]),
        ('try(jsondecode("[\\"a\\"]"), ["b"])', ["a"]),
    ],
)
def test_errors_and_unwrapping_as_terraform_has_them(expression: str, expected: Any) -> None:
    assert _evaluated(expression) == (expected, False)


def test_one_over_zero_is_not_an_error() -> None:
    # an infinity in Terraform: `try` keeps it (unknown here), never the fallback
    assert _evaluated('try(1 / 0, "fallback")') == (None, True)


OPEN_SSH = """
variable "allowed" {
  type    = string
  default = "[\\"0.0.0.0/0\\"]"
}
resource "aws_security_group" "formatted" {
  name        = "formatted"
  description = "ssh"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [format("%s/%d", "0.0.0.0", 0)]
  }
}
resource "aws_security_group" "decoded" {
  name        = "decoded"
  description = "ssh"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = jsondecode(var.allowed)
  }
}
resource "aws_security_group" "unwrapped" {
  name        = "unwrapped"
  description = "ssh"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = "${["0.0.0.0/0"]}"
  }
}
resource "aws_security_group" "subnet" {
  name        = "subnet"
  description = "ssh"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [cidrsubnet("10.0.0.0/16", 8, 1)]
  }
}
"""


def test_open_ssh_built_by_the_functions_is_judged() -> None:
    findings = review(changeset_from_sources({"main.tf": OPEN_SSH}), load_rules(), Policy()).findings
    flagged = {f.address for f in findings if f.rule_id == "TFR-AWS-012"}
    assert {"aws_security_group.formatted", "aws_security_group.decoded", "aws_security_group.unwrapped"} <= flagged
    assert "aws_security_group.subnet" not in flagged  # a private /24: known now, and not open


_ADDRESS_SPACE = 2 * 1024**3


def _limited() -> None:  # in the scan's process: past this much memory, an allocation fails
    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))


def test_a_scan_of_hostile_calls_completes_within_its_memory(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        "locals {\n"
        '  wide   = format("%999999999s", "x")\n'
        '  many   = formatlist("%s-%s", range(1024), "y")\n'
        '  deep   = jsondecode("' + "[" * 50_000 + "]" * 50_000 + '")\n'
        '  subnet = cidrsubnet("::/0", 100000000, 1)\n'
        "}\n"
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  acl    = "public-read"\n'
        '  tags   = { w = local.wide, m = local.many[0], d = try(local.deep, "x"), s = try(local.subnet, "s") }\n}\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "-o", "text", str(tmp_path)],
        capture_output=True,
        timeout=600,
        check=False,
        env={**os.environ, "TFREVIEW_LOG_FORMAT": "text", "NO_COLOR": "1"},
        preexec_fn=_limited,
    )
    err = done.stderr.decode()
    assert "internal error" not in err, err
    assert "Traceback" not in err, err
    assert done.returncode == 1, err
    assert "TFR-AWS-001 aws_s3_bucket.b" in done.stdout.decode()
