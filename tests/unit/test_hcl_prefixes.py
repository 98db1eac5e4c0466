"""The known beginning of an unknown string in HCL mode, and rules that decide on it (ADR 0330)."""

from __future__ import annotations

import re

import pytest

from tfreview.core.conditions import _prefix_decides
from tfreview.core.policy import Policy
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules
from tfreview.service.assessment import assess

_NORMALISED = (
    'can(regex("\\\\d", substr(var.database_version, 0, 1))) ? format("POSTGRES_%s", var.database_version)'
    ' : replace(var.database_version, substr(var.database_version, 0, 8), "POSTGRES")'
)


def _prefixes(expression: str) -> dict[str, str]:
    text = f'variable "v" {{\n  type = string\n}}\nresource "x_thing" "t" {{\n  value = {expression}\n}}\n'
    (change,) = changeset_from_sources({"main.tf": text}).changes
    return dict(change.known_prefixes)


@pytest.mark.parametrize(
    ("expression", "prefix"),
    [
        ('"POSTGRES_${var.v}"', "POSTGRES_"),
        ('"a${"b"}c${var.v}d"', "abc"),
        ('format("POSTGRES_%s", var.v)', "POSTGRES_"),
        ('format("100%%-%d", var.v)', "100%-"),
        ('replace(var.v, substr(var.v, 0, 8), "POSTGRES")', "POSTGRES"),
        ('var.v == "" ? "POSTGRES_15" : format("POSTGRES_%s", var.v)', "POSTGRES_"),
        ('var.v == "" ? "MYSQL_8_0" : format("POSTGRES_%s", var.v)', None),  # no shared beginning
        ('(format("SQLSERVER_%s", var.v))', "SQLSERVER_"),
        ("upper(var.v)", None),
        ('replace(var.v, substr(var.other, 0, 8), "POSTGRES")', None),  # not the value's own beginning
        ('replace(var.v, substr(var.v, 1, 8), "POSTGRES")', None),
        ('"${var.v}_POSTGRES"', None),
    ],
)
def test_known_prefix_of_unknown_strings(expression: str, prefix: str | None) -> None:
    assert _prefixes(expression).get("value") == prefix


def test_known_values_carry_no_prefix() -> None:
    assert _prefixes('"POSTGRES_15"') == {}


@pytest.mark.parametrize(
    ("pattern", "prefix", "decided"),
    [
        ("^POSTGRES", "POSTGRES", True),
        ("^POSTGRES", "POSTGRES_", True),
        ("^POSTGRES.*", "POSTGRES_", True),
        ("^POSTGRES", "MYSQL_", False),
        ("^POSTGRES_1", "POSTGRES_2", False),
        ("^POSTGRES", "POST", None),  # the rest decides
        ("^POSTGRES_1", "POSTGRES", None),
        ("^(MYSQL|POSTGRES)", "POSTGRES", None),  # only a literal head is read
        ("POSTGRES", "POSTGRES", None),  # not anchored
        ("^POSTGRES$", "POSTGRES", None),
        ("^POSTGRESQ?", "POSTGRES_", None),  # an optional last character is not required text
        ("^ab*c", "ac", None),
        ("^ab{0,2}c", "ac", None),
        ("^ab+", "ac", False),  # `+`: at least one b
        ("^ab?", "ab", None),
        ("^POSTGRES|^MYSQL", "MYSQL_", None),  # another branch
        ("^POSTGRES|MYSQL", "POSTGRES", None),
    ],
)
def test_a_known_beginning_decides_anchored_literal_patterns(pattern: str, prefix: str, decided: bool | None) -> None:
    assert _prefix_decides(re.compile(pattern), prefix) is decided


def test_postgres_flag_rules_judge_a_version_known_only_by_its_beginning() -> None:
    """google-sql-db's postgresql module: `database_version` comes from a required variable, normalised so
    that both branches start with POSTGRES; the PostgreSQL flag rules apply, the MySQL instance is left alone."""
    text = f"""
variable "database_version" {{
  type = string
}}
resource "google_sql_database_instance" "pg" {{
  name             = "pg"
  region           = "europe-west1"
  database_version = {_NORMALISED}
  settings {{
    tier = "db-custom-2-7680"
  }}
}}
resource "google_sql_database_instance" "my" {{
  name             = "my"
  region           = "europe-west1"
  database_version = "MYSQL_${{var.database_version}}"
  settings {{
    tier = "db-custom-2-7680"
  }}
}}
"""
    rules = [r for r in load_rules() if {"CKV_GCP_52", "CKV_GCP_53", "CKV_GCP_54"} & set(r.references.checkov)]
    assert len(rules) == 3
    findings = assess(changeset_from_sources({"main.tf": text}), rules, Policy(), None).review.findings
    assert sorted((f.rule_id, f.address) for f in findings) == sorted(
        (r.id, "google_sql_database_instance.pg") for r in rules
    )
