"""Bool arguments written as strings in rules ADR 0716 did not convert (review22c; ADR 0725).

ADR 0716 converted every rule that compared a bool argument with `is True`/`is False`, but four places compared
with `is not True` and so still read `"true"` as "not true": TFR-AWS-044 (`access_logs.enabled`), TFR-AWS-011
(inline `versioning.enabled`, the Cloud Posse S3 bucket module's 0.11 shape), TFR-AWS-001..004 (the public access
block flags) and TFR-GCP-119 (`remove_default_node_pool`). A false string is still reported; a string Terraform
refuses is not judged.
"""

from __future__ import annotations

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules


def _flagged(text: str, rule_id: str) -> list[str]:
    findings = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    return [f.address for f in findings if f.rule_id == rule_id]


LB = """
resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  access_logs {
    bucket  = "logs"
    enabled = VALUE
  }
}
"""

BUCKET = """
resource "aws_s3_bucket" "data" {
  bucket = "data"
  versioning {
    enabled = VALUE
  }
}
"""

ACCESS_BLOCK = """
resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = "data"
  block_public_acls       = VALUE
  block_public_policy     = VALUE
  ignore_public_acls      = VALUE
  restrict_public_buckets = VALUE
}
"""

GKE = """
resource "google_container_cluster" "main" {
  name                     = "main"
  location                 = "europe-west1"
  remove_default_node_pool = VALUE
  initial_node_count       = 1
}
"""

CASES = [
    (LB, "TFR-AWS-044", "aws_lb.web"),
    (BUCKET, "TFR-AWS-011", "aws_s3_bucket.data"),
    (ACCESS_BLOCK, "TFR-AWS-003", "aws_s3_bucket_public_access_block.data"),
    (ACCESS_BLOCK, "TFR-AWS-004", "aws_s3_bucket_public_access_block.data"),
    (GKE, "TFR-GCP-119", "google_container_cluster.main"),
]


@pytest.mark.parametrize(("text", "rule_id", "address"), CASES)
@pytest.mark.parametrize("value", ['"true"', '"1"', '"TRUE"', '"yes"', '""'])
def test_a_true_string_or_one_terraform_refuses_is_not_reported(
    text: str, rule_id: str, address: str, value: str
) -> None:
    assert _flagged(text.replace("VALUE", value), rule_id) == []


@pytest.mark.parametrize(("text", "rule_id", "address"), CASES)
@pytest.mark.parametrize("value", ["false", '"false"', '"0"'])
def test_a_false_string_is_still_reported(text: str, rule_id: str, address: str, value: str) -> None:
    assert _flagged(text.replace("VALUE", value), rule_id) == [address]


@pytest.mark.parametrize(("text", "rule_id", "address"), CASES)
def test_true_is_not_reported(text: str, rule_id: str, address: str) -> None:
    assert _flagged(text.replace("VALUE", "true"), rule_id) == []


# --- three more places, which compared with `in (True, None)`, `in (False, None)` or `not in (None, False)` ---

FIREWALL = """
resource "google_compute_firewall" "ssh" {
  name          = "ssh"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  disabled      = VALUE
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
"""

BLOCKS_NOTHING = """
resource "aws_s3_bucket" "data" {
  bucket = "data"
}
resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = VALUE
  block_public_policy     = VALUE
  ignore_public_acls      = VALUE
  restrict_public_buckets = VALUE
}
"""

EBS = """
resource "aws_ebs_encryption_by_default" "on" {
  enabled = VALUE
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
}
"""


@pytest.mark.parametrize("value", ["false", '"false"', '"0"'])
def test_a_firewall_rule_disabled_false_as_a_string_is_judged(value: str) -> None:
    assert _flagged(FIREWALL.replace("VALUE", value), "TFR-GCP-001") == ["google_compute_firewall.ssh"]


@pytest.mark.parametrize("value", ["true", '"true"', '"1"'])
def test_a_disabled_firewall_rule_is_not_reported(value: str) -> None:
    assert _flagged(FIREWALL.replace("VALUE", value), "TFR-GCP-001") == []


@pytest.mark.parametrize("value", ["false", '"false"', '"0"'])
def test_a_public_access_block_of_false_strings_blocks_nothing(value: str) -> None:
    assert _flagged(BLOCKS_NOTHING.replace("VALUE", value), "TFR-AWS-007") == ["aws_s3_bucket.data"]


@pytest.mark.parametrize("value", ["true", '"true"', '"1"', '"yes"'])
def test_a_public_access_block_of_true_or_refused_strings_is_not_called_empty(value: str) -> None:
    assert _flagged(BLOCKS_NOTHING.replace("VALUE", value), "TFR-AWS-007") == []


@pytest.mark.parametrize("value", ["true", '"true"', '"1"'])
def test_encryption_by_default_on_as_a_string_covers_the_volume(value: str) -> None:
    assert _flagged(EBS.replace("VALUE", value), "TFR-AWS-018") == []


@pytest.mark.parametrize("value", ["false", '"false"', '"0"'])
def test_encryption_by_default_off_as_a_string_does_not(value: str) -> None:
    assert _flagged(EBS.replace("VALUE", value), "TFR-AWS-018") == ["aws_ebs_volume.data"]
