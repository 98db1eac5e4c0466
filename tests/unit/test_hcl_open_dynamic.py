"""A `dynamic` block whose `for_each` is known only at plan time renders no block (the provider default applies)
or blocks of its content; a rule is reported when it fails both ways, on the same address (ADR 0452). Failing one
way only stays silent: which one Terraform renders is not known."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tfreview.core.findings import Finding, Review, Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules_for

KMS = "TFR-AWS-009"
IMDS = "TFR-AWS-025"
SSH_OPEN = "TFR-AWS-012"

BUCKET = """
variable "encryption" {
  type = list(string)
}
resource "aws_s3_bucket" "data" {
  bucket = "data"
  dynamic "server_side_encryption_configuration" {
    for_each = var.encryption
    content {
      rule {
        apply_server_side_encryption_by_default {
          sse_algorithm = "%s"
        }
      }
    }
  }
}
"""

INSTANCE = """
variable "metadata" {
  type = any
}
resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  dynamic "metadata_options" {
    for_each = %s
    content {
      http_endpoint = "enabled"
      http_tokens   = %s
    }
  }
}
"""


def _reviewed(sources: dict[str, str], base: dict[str, str] | None = None) -> Review:
    change_set = changeset_from_sources(sources, base)
    return review(change_set, load_rules_for({c.type for c in change_set.changes}), Policy())


def _of(result: Review, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule]


def test_a_block_failing_with_and_without_it_is_reported_with_both_reasons() -> None:
    found = _of(_reviewed({"main.tf": BUCKET % "AES256"}), KMS)
    assert [(f.address, f.status) for f in found] == [("aws_s3_bucket.data", Status.INTRODUCED)]
    assert found[0].message == (
        "no KMS default encryption: default encryption is SSE-S3 (AES256) if dynamic "
        '"server_side_encryption_configuration" renders no block, and no KMS default encryption: inline '
        "sse_algorithm is 'AES256' if it does (its for_each is known only at plan time)"
    )
    assert found[0].location is not None
    assert found[0].location.line == 5


def test_a_block_that_passes_when_rendered_is_not_reported() -> None:
    assert _of(_reviewed({"main.tf": BUCKET % "aws:kms"}), KMS) == []


def test_content_failing_only_when_rendered_is_not_reported() -> None:
    """No block: no ingress at all; with one: SSH open to the world. Which one Terraform renders is the caller's."""
    group = """
variable "rules" {}
resource "aws_security_group" "web" {
  name        = "web"
  description = "web"
  dynamic "ingress" {
    for_each = var.rules
    content {
      description = "ssh"
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
"""
    assert _of(_reviewed({"main.tf": group}), SSH_OPEN) == []


def test_the_provider_default_and_the_content_both_judged() -> None:
    """IMDSv1: the default (no `metadata_options`) allows it; a block setting "optional" too; "required" not; a
    block whose value is the iterator's is unknown, so it passes as unknown values do; a conditional list over an
    unknown condition is unknown as well."""
    optional = _of(_reviewed({"main.tf": INSTANCE % ("var.metadata", '"optional"')}), IMDS)
    assert [f.address for f in optional] == ["aws_instance.web"]
    assert 'if dynamic "metadata_options" renders no block' in optional[0].message
    assert _of(_reviewed({"main.tf": INSTANCE % ("var.metadata", '"required"')}), IMDS) == []
    assert _of(_reviewed({"main.tf": INSTANCE % ("var.metadata", "metadata_options.value")}), IMDS) == []
    gated = INSTANCE % ('var.metadata == null ? [] : ["x"]', '"optional"')
    assert [f.address for f in _of(_reviewed({"main.tf": gated}), IMDS)] == ["aws_instance.web"]


def test_a_known_for_each_is_expanded_as_before() -> None:
    assert _of(_reviewed({"main.tf": INSTANCE % ('["x"]', '"required"')}), IMDS) == []
    found = _of(_reviewed({"main.tf": INSTANCE % ('["x"]', '"optional"')}), IMDS)
    assert "renders" not in found[0].message  # an ordinary finding: the block is there


def test_a_configuration_resource_with_an_open_rule_is_reported_on_its_bucket() -> None:
    """`aws_s3_bucket_server_side_encryption_configuration` with `dynamic "rule"`: its finding goes to the bucket
    it names (ADR 0280), both ways."""
    sources = {
        "main.tf": """
variable "rules" {}
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  dynamic "rule" {
    for_each = var.rules
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
}
"""
    }
    found = _of(_reviewed(sources), KMS)
    assert [f.address for f in found] == ["aws_s3_bucket.logs"]
    assert found[0].message.startswith("default encryption is not set, not aws:kms")
    assert 'dynamic "rule" renders no block' in found[0].message


def test_a_nested_open_block_is_judged_in_place() -> None:
    sources = {
        "main.tf": """
variable "rules" {}
resource "aws_s3_bucket" "data" {
  bucket = "data"
  server_side_encryption_configuration {
    dynamic "rule" {
      for_each = var.rules
      content {
        apply_server_side_encryption_by_default {
          sse_algorithm = "AES256"
        }
      }
    }
  }
}
"""
    }
    found = _of(_reviewed(sources), KMS)
    assert [f.address for f in found] == ["aws_s3_bucket.data"]
    assert 'dynamic "rule" renders no block' in found[0].message


def test_two_open_blocks_of_one_type_stay_unknown() -> None:
    """With two, one rendering none still leaves the other's blocks unknown: nothing is judged."""
    two = BUCKET.replace("resource", 'variable "more" {}\nresource', 1).replace(
        '  dynamic "server_side_encryption_configuration" {',
        '  dynamic "server_side_encryption_configuration" {\n    for_each = var.more\n    content {}\n  }\n'
        '  dynamic "server_side_encryption_configuration" {',
        1,
    )
    assert _of(_reviewed({"main.tf": two % "AES256"}), KMS) == []


def test_base_and_head_alike_read_as_existing_never_resolved() -> None:
    """The before side judges its open blocks the same way (ADR 0475): the finding made without the block is its
    key there too."""
    head = {"main.tf": BUCKET % "AES256"}
    kept = _of(_reviewed(head, dict(head)), KMS)
    assert [(f.address, f.status) for f in kept] == [("aws_s3_bucket.data", Status.EXISTING)]
    # with "aws:kms" the block passes, but no block still fails: the change may keep the problem, not resolved
    kms = {"main.tf": BUCKET % "aws:kms"}
    assert _of(_reviewed(kms, head), KMS) == []
    assert _of(_reviewed(kms, dict(kms)), KMS) == []  # (the before side alone fails it: was "resolved")
    # "aws:kms" to "AES256": the base failed one way only (its for_each decides), the head fails both ways — the
    # change makes a possible problem a certain one, as a base `var.x` becoming `false` does (ADR 0475)
    broken = _of(_reviewed(head, kms), KMS)
    assert [(f.address, f.status) for f in broken] == [("aws_s3_bucket.data", Status.INTRODUCED)]
    # a bucket without the block in the base: the block with "AES256" is no fix, the finding stays existing
    plain = {"main.tf": 'resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}\n'}
    assert [f.status for f in _of(_reviewed(head, plain), KMS)] == [Status.EXISTING]
    assert [f.status for f in _of(_reviewed(kms, plain), KMS)] == []  # may be fixed: neither way sure


def test_a_sensitive_value_in_the_content_never_shows() -> None:
    canary = "tfr-canary-7Qx9-open-dynamic"
    sources = {
        "main.tf": f"""
variable "metadata" {{}}
variable "tokens" {{
  type      = string
  default   = "{canary}"
  sensitive = true
}}
"""
        + INSTANCE.split("\n", 4)[4] % ("var.metadata", "var.tokens")
    }
    result = _reviewed(sources)
    found = _of(result, IMDS)
    assert [f.address for f in found] == ["aws_instance.web"]
    assert canary not in repr(result)


def test_a_scan_reports_it_end_to_end(tmp_path: Path) -> None:
    """The real command on a folder: the finding, its line, the exit code of a failing LOW with `--fail-on low`."""
    (tmp_path / "main.tf").write_text(BUCKET % "AES256")
    answer = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(tmp_path), "-o", "json", "--fail-on", "low"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert answer.stderr == b""
    assert answer.returncode == 1
    found = [f for f in json.loads(answer.stdout)["findings"] if f["rule_id"] == KMS]
    assert [(f["address"], f["location"]["line"]) for f in found] == [("aws_s3_bucket.data", 5)]
    assert "renders no block" in found[0]["message"]
