"""Booleans written as strings, as Terraform converts them (issue 12, the session-22b held-out batch; ADR 0716).

Terraform 0.11-era modules (Cloud Posse's Redis and S3 bucket modules of the batch, among many) pass booleans as
strings: `default = "false"`, `https_only = "${var.https}"`. For a bool argument Terraform converts the string
exactly as go-cty does (`cty/convert`, string to bool): "true" and "1" are true, "false" and "0" are false, and
every other string ("", "TRUE", " true") is an error, so the configuration does not plan. A rule judges the
converted value, and a string Terraform would refuse is not judged at all (the stored Web App module of the batch
writes `public_network_access_enabled = ""`).
"""

from __future__ import annotations

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.values import UNKNOWN, terraform_bool
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

WEB_APP = """
variable "https" {
  default = "false"
}
resource "azurerm_linux_web_app" "app" {
  name                          = "app"
  resource_group_name           = "rg"
  location                      = "westeurope"
  service_plan_id               = "plan"
  https_only                    = HTTPS
  public_network_access_enabled = PUBLIC
  site_config {}
}
"""


def _flagged(text: str, rule_id: str) -> list[str]:
    findings = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    return [f.address for f in findings if f.rule_id == rule_id]


def _web_app(https: str = "true", public: str = "false") -> str:
    return WEB_APP.replace("HTTPS", https).replace("PUBLIC", public)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("1", True),
        ("false", False),
        ("0", False),
    ],
)
def test_terraform_bool_converts_as_terraform_does(value: object, expected: bool) -> None:
    assert terraform_bool(value) is expected


@pytest.mark.parametrize("value", ["", "TRUE", " true", "yes", None, 1, UNKNOWN])
def test_terraform_bool_leaves_what_terraform_would_not_convert(value: object) -> None:
    assert terraform_bool(value) is value


@pytest.mark.parametrize("https", ['"false"', '"0"', '"${var.https}"', "var.https"])
def test_https_only_written_as_a_false_string_is_reported(https: str) -> None:
    assert _flagged(_web_app(https=https), "TFR-AZU-009") == ["azurerm_linux_web_app.app"]


@pytest.mark.parametrize("https", ["true", '"true"', '"1"', '""', '"TRUE"'])
def test_https_only_true_or_not_a_bool_is_not_reported(https: str) -> None:
    assert _flagged(_web_app(https=https), "TFR-AZU-009") == []


@pytest.mark.parametrize("public", ["false", '"false"', '"0"', '""', '"False"'])
def test_a_declarative_bool_test_reads_false_strings_and_skips_non_bools(public: str) -> None:
    assert _flagged(_web_app(public=public), "TFR-AZU-124") == []


@pytest.mark.parametrize("public", ["true", '"true"', '"1"'])
def test_a_declarative_bool_test_reads_true_strings(public: str) -> None:
    assert _flagged(_web_app(public=public), "TFR-AZU-124") == ["azurerm_linux_web_app.app"]


RDS = """
resource "aws_db_instance" "db" {
  identifier          = "db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  publicly_accessible = PUBLIC
  deletion_protection = PROTECTED
}
"""


def test_a_database_made_public_by_a_true_string_is_reported() -> None:
    text = RDS.replace("PUBLIC", '"true"').replace("PROTECTED", '"true"')
    assert _flagged(text, "TFR-AWS-022") == ["aws_db_instance.db"]


def test_deletion_protection_on_by_a_true_string_is_not_reported() -> None:
    text = RDS.replace("PUBLIC", '"false"').replace("PROTECTED", '"1"')
    assert _flagged(text, "TFR-AWS-022") == []
    assert _flagged(text, "TFR-AWS-023") == []


SUBNET_AND_QUEUE = """
resource "aws_subnet" "public" {
  vpc_id                  = "vpc-1"
  cidr_block              = "10.0.0.0/24"
  map_public_ip_on_launch = "true"
}
resource "aws_sqs_queue" "jobs" {
  name                    = "jobs"
  sqs_managed_sse_enabled = "false"
}
resource "google_storage_bucket" "b" {
  name                        = "b"
  location                    = "EU"
  uniform_bucket_level_access = "true"
}
"""


@pytest.mark.parametrize(
    ("rule_id", "expected"),
    [("TFR-AWS-054", ["aws_subnet.public"]), ("TFR-AWS-048", ["aws_sqs_queue.jobs"]), ("TFR-GCP-003", [])],
)
def test_python_rules_judge_string_bools_as_terraform_converts_them(rule_id: str, expected: list[str]) -> None:
    assert _flagged(SUBNET_AND_QUEUE, rule_id) == expected


MORE = """
resource "azurerm_storage_account" "sa" {
  name                            = "sa"
  resource_group_name             = "rg"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  allow_nested_items_to_be_public = "true"
}
resource "google_sql_database_instance" "db" {
  name             = "db"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      require_ssl = "true"
    }
  }
}
"""


@pytest.mark.parametrize(
    ("rule_id", "expected"), [("TFR-AZU-003", ["azurerm_storage_account.sa"]), ("TFR-GCP-005", [])]
)
def test_more_python_rules_judge_string_bools(rule_id: str, expected: list[str]) -> None:
    assert _flagged(MORE, rule_id) == expected
