"""Declarative rules: the condition language, the three states of an attribute, and precise errors."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.condition_parsing import parse_condition
from tfreview.core.errors import ConfigError
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.rules import Resource, Setting
from tfreview.parsing.plan_json import plan_from_document
from tfreview.rules import load_rules
from tfreview.rules.declarative import load_rule_file


def _failures(check: str, values: dict[str, Any], unknown: Any = None, configured: Any = None) -> list[str]:
    condition = parse_condition(tomllib.loads(check)["check"], "check", ("aws_thing", "aws_other"))
    resource = Resource("aws_thing.a", "aws_thing", "a", values, unknown, configured=configured)
    return [f"{f.path}|{f.message}" for f in condition.failures(resource, "")]


# --- the three states -------------------------------------------------------------------------------


def test_setting_tells_set_unset_and_unknown_apart() -> None:
    configured = {
        "written": {"references": ["var.x"]},
        "block": [{"inner": {"constant_value": 1}}],
        "null_literal": {"constant_value": None},
    }
    resource = Resource(
        "aws_thing.a",
        "aws_thing",
        "a",
        {"plain": True, "nulled": None, "block": [{"inner": 1}]},
        {"written": True, "computed": True, "null_literal": True},
        configured=configured,
    )
    assert resource.setting("plain") is Setting.SET
    assert resource.setting("nulled") is Setting.UNSET
    assert resource.setting("absent") is Setting.UNSET
    assert resource.setting("written") is Setting.UNKNOWN  # an expression known after apply
    assert resource.setting("computed") is Setting.UNSET  # computed by the provider: nobody wrote it
    assert resource.setting("null_literal") is Setting.UNSET  # `x = null` is Terraform's "not set"
    assert resource.setting("block.0.inner") is Setting.SET
    dynamic = Resource(  # a `dynamic "block"` is missing from a plan's configuration: never "unset"
        "aws_thing.a", "aws_thing", "a", {"block": [{"x": 1}]}, {"block": [{"inner": True}]}, configured={}
    )
    assert dynamic.setting("block.0.inner") is Setting.UNKNOWN
    without_configuration = Resource("aws_thing.a", "aws_thing", "a", {}, {"computed": True})
    assert without_configuration.setting("computed") is Setting.UNKNOWN  # no configuration: never guess


CHECK = """
[check]
attribute = "encrypted"
equals = true
default = false
message = "the disk is not encrypted"
"""


def test_unset_attribute_is_judged_by_its_provider_default() -> None:
    assert _failures(CHECK, {}) == [
        "encrypted|the disk is not encrypted (`encrypted` not set: the provider default is false)"
    ]
    assert _failures(CHECK, {"encrypted": False}) == ["encrypted|the disk is not encrypted"]
    assert _failures(CHECK, {"encrypted": True}) == []
    assert _failures(CHECK, {"encrypted": "true"}) == []  # HCL converts the string for a bool argument
    assert _failures(CHECK, {}, {"encrypted": True}) == []  # unknown, no configuration: silent
    unset_in_plan = _failures(CHECK, {}, {"encrypted": True}, configured={"size": {"constant_value": 1}})
    assert len(unset_in_plan) == 1
    written = _failures(CHECK, {}, {"encrypted": True}, configured={"encrypted": {"references": ["var.e"]}})
    assert written == []


def _plan(after: dict[str, Any], unknown: dict[str, Any], expressions: dict[str, Any] | None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_cloudtrail.t",
                "type": "aws_cloudtrail",
                "name": "t",
                "mode": "managed",
                "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown},
            }
        ],
    }
    if expressions is not None:
        document["configuration"] = {
            "root_module": {"resources": [{"address": "aws_cloudtrail.t", "expressions": expressions}]}
        }
    return document


def test_plan_mode_fires_on_an_unset_computed_attribute_and_says_so() -> None:
    rule = next(r for r in load_rules() if r.id == "TFR-AWS-037")  # cloudtrail log validation, declarative
    unknown = {"enable_log_file_validation": True, "arn": True}
    unset = plan_from_document(_plan({"name": "t"}, unknown, {"name": {"constant_value": "t"}}), "p.json")
    found = review(unset, [rule], Policy()).findings
    assert [f.address for f in found] == ["aws_cloudtrail.t"]
    assert "not set: the provider default is false" in found[0].message
    expression = {"name": {"constant_value": "t"}, "enable_log_file_validation": {"references": ["var.v"]}}
    written = plan_from_document(_plan({"name": "t"}, unknown, expression), "p.json")
    assert review(written, [rule], Policy()).findings == []
    no_configuration = plan_from_document(_plan({"name": "t"}, unknown, None), "p.json")
    assert review(no_configuration, [rule], Policy()).findings == []


# --- the condition language -------------------------------------------------------------------------


def test_star_reports_every_offending_element_and_any_needs_one() -> None:
    check = """
[check]
attribute = "rule.*.port"
not_in = [22, 3389]
message = "admin port"
"""
    values = {"rule": [{"port": 22}, {"port": 443}, {"port": 3389}]}
    assert _failures(check, values) == ["rule.0.port|admin port", "rule.2.port|admin port"]
    any_check = """
[check]
attribute = "log.*.enabled"
quantifier = "any"
equals = true
"""
    assert _failures(any_check, {"log": [{"enabled": False}, {"enabled": True}]}) == []
    assert _failures(any_check, {"log": [{"enabled": False}]}) == ["log.0.enabled|None"]
    assert _failures(any_check, {}) == ["log|`log` not set"]
    assert _failures(any_check, {"log": True}, {"log": True}) == []  # the list itself unknown


def test_each_with_where_and_relative_paths() -> None:
    check = """
[check]
each = "ingress"
where = { attribute = "cidr_blocks", contains = "0.0.0.0/0" }
message = "open to the internet on port 22"

[check.require]
any = [{ attribute = "from_port", gt = 22 }, { attribute = "to_port", lt = 22 }]
"""
    values = {
        "ingress": [
            {"cidr_blocks": ["0.0.0.0/0"], "from_port": 0, "to_port": 65535},
            {"cidr_blocks": ["10.0.0.0/8"], "from_port": 22, "to_port": 22},
            {"cidr_blocks": ["0.0.0.0/0"], "from_port": 443, "to_port": 443},
        ]
    }
    assert _failures(check, values) == ["ingress.0.from_port|open to the internet on port 22"]
    unknown_cidrs = {"ingress": [{"from_port": 22, "to_port": 22}]}
    assert _failures(check, unknown_cidrs, {"ingress": [{"cidr_blocks": True}]}) == []


def test_operators_patterns_numbers_sets_presence_and_per_type_paths() -> None:
    def fails(test: str, values: dict[str, Any]) -> bool:
        return bool(_failures(f"[check]\n{test}\n", values))

    assert fails('attribute = "v"\nmatches = "^TLS1_[23]$"', {"v": "TLS1_0"})
    assert not fails('attribute = "v"\nmatches = "^TLS1_[23]$"', {"v": "TLS1_2"})
    assert fails('attribute = "v"\nnot_matches = "(?i)^admin"', {"v": "Administrator"})
    assert fails('attribute = "days"\ngte = 7', {"days": "3"})  # plans may write numbers as strings
    assert not fails('attribute = "days"\ngte = 7', {"days": 30})
    assert fails('attribute = "days"\nlt = 100', {"days": 100})
    assert fails('attribute = "v"\nin = ["a", "b"]', {"v": "c"})
    assert fails('attribute = "v"\nnot_in = ["a", "b"]', {"v": "a"})
    assert fails('attribute = "v"\npresent = true', {"v": ""})
    assert fails('attribute = "v"\npresent = false', {"v": "x"})
    assert not fails('attribute = "v"\npresent = false', {"v": []})
    assert fails('attribute = "v"\ncontains = "x"', {"v": ["y"]})
    assert fails('attribute = "v"\nequals = 1', {"v": True})  # a boolean is not a number
    assert fails('attribute = "v"\nunset = "fail"\nequals = 1', {})
    assert not fails('attribute = "v"\nunset = "pass"\nequals = 1', {})
    assert fails('attribute = { aws_thing = "a.b" }\nequals = 1', {"a": [{"b": 2}]})
    assert not fails('attribute = { aws_other = "a.b" }\nequals = 1', {"a": [{"b": 2}]})  # not this type


def test_when_applies_only_when_known_to_hold() -> None:
    check = """
[check]
attribute = "rotation"
equals = true
default = false
when = { attribute = "spec", equals = "SYMMETRIC", default = "SYMMETRIC" }
"""
    assert len(_failures(check, {})) == 1  # the default spec is symmetric
    assert _failures(check, {"spec": "RSA"}) == []
    assert _failures(check, {}, {"spec": True}) == []  # spec unknown: cannot tell, stay silent


def test_a_guard_that_passes_unknown_applies_unless_the_value_shows_the_exception() -> None:
    # ADR 0654: `unknown = "pass"` on a guard that only excludes a case (an Aurora engine): an engine known only
    # from an input does not silence the check; a written Aurora engine still does, and so does the tested
    # attribute being unknown (the check itself never fires on an expression)
    check = """
[check]
attribute = "storage_encrypted"
equals = true
default = false
when = { attribute = "engine", not_matches = "^aurora", unknown = "pass" }
"""
    written = {"engine": {"references": ["var.engine"]}}
    assert len(_failures(check, {"storage_encrypted": "false"}, {"engine": True}, configured=written)) == 1
    assert len(_failures(check, {}, {"engine": True}, configured=written)) == 1
    assert _failures(check, {"engine": "aurora-mysql"}) == []
    assert _failures(check, {"engine": "postgres"}, {"storage_encrypted": True}) == []
    silent = check.replace(', unknown = "pass"', "")
    assert _failures(silent, {"storage_encrypted": "false"}, {"engine": True}, configured=written) == []


# --- errors name the file and the key ---------------------------------------------------------------

RULE_HEAD = """
[rule]
id = "TFR-AWS-901"
long_id = "aws-sample-rule"
title = "Sample"
severity = "low"
category = "general"
resource_types = ["aws_thing"]
remediation = "Fix it."
description = "Why."

[rule.references]
checkov = ["CKV_AWS_1"]
trivy = ["AVD-AWS-0001", "aws-sample-long-id"]
"""
EXAMPLES = """
[[bad]]
name = "bad"
flags = ["aws_thing.a"]
hcl = 'resource "aws_thing" "a" {}'

[[good]]
name = "good"
hcl = 'resource "aws_thing" "a" { on = true }'
"""
GOOD_CHECK = '[check]\nattribute = "on"\nequals = true\ndefault = false\n'


def _load(tmp_path: Path, text: str, name: str = "sample_rule.toml") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_rule_file(path, "aws")


def test_a_valid_file_loads(tmp_path: Path) -> None:
    rule = _load(tmp_path, RULE_HEAD + GOOD_CHECK + EXAMPLES)
    assert rule.long_id == "aws-sample-rule"
    assert rule.references.checkov == ("CKV_AWS_1",)
    assert rule.references.trivy == ("AVD-AWS-0001", "aws-sample-long-id")
    assert tuple(rule.references) == ("CKV_AWS_1", "AVD-AWS-0001", "aws-sample-long-id")
    assert rule.defaults == (("on", "false"),)
    assert rule.subsumes == ()
    subsuming = RULE_HEAD.replace('description = "Why."\n', 'description = "Why."\nsubsumes = ["TFR-AWS-902"]\n')
    assert _load(tmp_path, subsuming + GOOD_CHECK + EXAMPLES).subsumes == ("TFR-AWS-902",)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (RULE_HEAD + '[check]\nattribute = "on"\nequals = true\ngte = 1\n' + EXAMPLES, "`check`"),
        (RULE_HEAD + '[check]\nattribute = "on"\nequal = true\n' + EXAMPLES, "`check.equal`"),
        (RULE_HEAD + '[check]\nattribute = "on"\ngte = "7"\n' + EXAMPLES, "`check.gte`"),
        (RULE_HEAD + '[check]\nattribute = "on"\nmatches = "("\n' + EXAMPLES, "`check.matches`"),
        (RULE_HEAD + '[check]\nattribute = "on"\nequals = 1\nquantifier = "any"\n' + EXAMPLES, "`check.quantifier`"),
        (
            RULE_HEAD + '[check]\nattribute = { aws_other = "on" }\nequals = 1\n' + EXAMPLES,
            "`check.attribute.aws_other`",
        ),
        (RULE_HEAD + '[check]\nattribute = "a..b"\nequals = 1\n' + EXAMPLES, "`check.attribute`"),
        (RULE_HEAD + "[check]\nall = [{ attribute = 'a', in = [] }]\n" + EXAMPLES, "`check.all[0].in`"),
        (RULE_HEAD + '[check]\nattribute = "on"\nequals = 1\nunset = "maybe"\n' + EXAMPLES, "`check.unset`"),
        (RULE_HEAD + '[check]\nattribute = "on"\nequals = 1\nunknown = "fail"\n' + EXAMPLES, "`check.unknown`"),
        (RULE_HEAD + EXAMPLES, "`check`"),
        (RULE_HEAD.replace('"low"', '"urgent"') + GOOD_CHECK + EXAMPLES, "`rule.severity`"),
        (RULE_HEAD.replace("TFR-AWS-901", "TFR-AWS-1") + GOOD_CHECK + EXAMPLES, "`rule.id`"),
        (RULE_HEAD.replace("aws-sample-rule", "aws-other-name") + GOOD_CHECK + EXAMPLES, "`rule.long_id`"),
        (RULE_HEAD.replace('"CKV_AWS_1"', '"CKV-AWS-1"') + GOOD_CHECK + EXAMPLES, "`rule.references.checkov[0]`"),
        (RULE_HEAD.replace("checkov =", "tfsec =") + GOOD_CHECK + EXAMPLES, "`rule.references.tfsec`"),
        (RULE_HEAD.replace('title = "Sample"\n', "") + GOOD_CHECK + EXAMPLES, "`rule.title`"),
        (RULE_HEAD + GOOD_CHECK + EXAMPLES.replace('flags = ["aws_thing.a"]\n', ""), "`bad[0].flags`"),
        (RULE_HEAD + GOOD_CHECK + EXAMPLES.replace("[[good]]", "[[fine]]"), "`fine`"),
        (RULE_HEAD + GOOD_CHECK, "`bad`"),
        (
            RULE_HEAD.replace('description = "Why."\n', 'description = "Why."\nsubsumes = "TFR-AWS-902"\n')
            + GOOD_CHECK
            + EXAMPLES,
            "`rule.subsumes`",
        ),
    ],
)
def test_a_malformed_file_names_the_file_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "sample_rule.toml") + ": "), message
    assert key in message, message
    assert "\n" not in message


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"sample_rule\.toml: not valid TOML: .*line 3"):
        _load(tmp_path, '[rule]\nid = "x"\ntitle = \n')


def test_every_declarative_rule_declares_how_unset_attributes_are_judged() -> None:
    declarative = [r for r in load_rules() if r.declarative]
    assert len(declarative) >= 10
    for rule in declarative:
        assert rule.examples_file is not None
        assert rule.examples_file.endswith(".toml")
        assert rule.defaults, f"{rule.id} declares no provider default"
        json.dumps(rule.defaults)


def test_the_examples_in_the_writing_rules_guide_are_valid(tmp_path: Path) -> None:
    guide = Path(__file__).parents[2] / "docs" / "contributing" / "writing-rules.md"
    blocks = [b.split("```", 1)[0] for b in guide.read_text(encoding="utf-8").split("```toml\n")[1:]]
    whole_files = [b for b in blocks if "[rule]" in b]
    assert whole_files
    for text in whole_files:  # a whole rule file: it loads as one
        (tmp_path / "cloudtrail_log_validation.toml").write_text(text, encoding="utf-8")
        assert load_rule_file(tmp_path / "cloudtrail_log_validation.toml", "aws").declarative
    checked = 0
    for text in blocks:
        if "[rule]" in text:
            continue
        for chunk in re.split(r"\n\n(?=# )", text):
            data = tomllib.loads(chunk)
            if "check" in data:
                parse_condition(data["check"], "check")
                checked += 1
    assert checked >= 4
