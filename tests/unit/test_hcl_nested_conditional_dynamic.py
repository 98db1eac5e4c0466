"""A `dynamic` block empty only by a root default is reviewed as conditional at any depth, and beside a `dynamic`
of the same type whose `for_each` is unknown (ADR 0422; ADR 0407 handled the top level only). Run through the
real CLI on files on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MSK_OPEN = "TFR-AWS-177"
SSH_OPEN = "TFR-AWS-012"

VARIABLES = """
variable "legacy_clients" {
  type    = bool
  default = false
}
variable "tls_everywhere" {
  type    = bool
  default = false
}
"""

IN_TRANSIT = """
    dynamic "encryption_in_transit" {
      for_each = var.legacy_clients ? [1] : []
      content {
        client_broker = "TLS_PLAINTEXT"
      }
    }
"""

MSK = """
resource "aws_msk_cluster" "events" {
  cluster_name           = "events"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 3
  broker_node_group_info {
    instance_type   = "kafka.m5.large"
    client_subnets  = ["subnet-1", "subnet-2", "subnet-3"]
    security_groups = ["sg-1"]
  }
%s
}
"""

SHAPES = {
    "in a static block": "  encryption_info {\n" + IN_TRANSIT + "  }\n",
    "in an expanded dynamic block": (
        '  dynamic "encryption_info" {\n    for_each = ["one"]\n    content {\n' + IN_TRANSIT + "    }\n  }\n"
    ),
}


def _scan(tmp_path: Path, text: str) -> tuple[int, dict[str, Any]]:
    (tmp_path / "main.tf").write_text(text)
    answer = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(tmp_path), "-o", "json"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert answer.returncode in (0, 1), answer.stderr
    assert answer.stderr == b""
    report: dict[str, Any] = json.loads(answer.stdout)
    return answer.returncode, report


def _of(report: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule_id"] == rule]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_nested_dynamic_block_gated_off_by_a_default_is_reviewed_as_conditional(tmp_path: Path, shape: str) -> None:
    code, report = _scan(tmp_path, VARIABLES + MSK % SHAPES[shape])
    [found] = _of(report, MSK_OPEN)
    assert code == 1
    assert found["address"] == "aws_msk_cluster.events"
    assert found["evidence"]["path"] == "encryption_info.0.encryption_in_transit.0.client_broker"
    assert found["message"].endswith(
        "(conditional: created only when var.legacy_clients is set; its default leaves it out)"
    )
    assert any(
        'dynamic "encryption_in_transit" in encryption_info.0 is empty only by the default of var.legacy_clients'
        in note
        for note in report["coverage"]["notes"]
    )


def test_a_literal_empty_nested_for_each_stays_absent(tmp_path: Path) -> None:
    text = VARIABLES + MSK % SHAPES["in a static block"].replace("var.legacy_clients ? [1] : []", "[]")
    _code, report = _scan(tmp_path, text)
    assert _of(report, MSK_OPEN) == []
    assert not any("encryption_in_transit" in note for note in report["coverage"]["notes"])


def test_a_gated_block_inside_a_gated_block_carries_both_conditions(tmp_path: Path) -> None:
    outer = (
        '  dynamic "encryption_info" {\n    for_each = var.tls_everywhere ? [1] : []\n    content {\n'
        + IN_TRANSIT
        + "    }\n  }\n"
    )
    _, report = _scan(tmp_path, VARIABLES + MSK % outer)
    [found] = _of(report, MSK_OPEN)
    assert found["evidence"]["path"] == "encryption_info.0.encryption_in_transit.0.client_broker"
    assert "var.tls_everywhere" in found["message"]
    assert "var.legacy_clients" in found["message"]
    assert found["message"].split("(conditional: ")[1].startswith("created only when")


GROUP = (
    VARIABLES
    + """
variable "allow_ssh" {
  type    = bool
  default = false
}
data "aws_prefix_list" "office" {
  name = "office"
}
resource "aws_security_group" "web" {
  name        = "web"
  description = "web"
  dynamic "ingress" {
    for_each = data.aws_prefix_list.office.cidr_blocks
    content {
      description = "office"
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }
  dynamic "ingress" {
    for_each = var.allow_ssh ? [1] : []
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
)


def test_a_dynamic_block_with_an_unknown_for_each_does_not_hide_a_gated_sibling(tmp_path: Path) -> None:
    code, report = _scan(tmp_path, GROUP)
    [ssh] = _of(report, SSH_OPEN)
    assert code == 1
    assert ssh["address"] == "aws_security_group.web"
    assert ssh["evidence"]["path"].startswith("ingress.0.")  # after the known blocks of its type: none
    assert ssh["message"].endswith("(conditional: created only when var.allow_ssh is set; its default leaves it out)")
