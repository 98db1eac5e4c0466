"""Module shapes from the session-17 held-out batch (heldout10; ADR 0602, ADR 0603).

Cloud Posse's DocumentDB module builds its parameter group's `parameter` blocks from a variable that is empty by
default; the terraform-aws-modules MemoryDB module leaves `tls_enabled` and `kms_key_arn` to the provider (`null`);
Cloud Posse's Amazon MQ module writes the broker's `logs` block as a `dynamic` over a filtered `for`, which Checkov
does not render (it fails CKV_AWS_48/197 on a broker that logs). Each shape is read as a caller gets it.
"""

from __future__ import annotations

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

DOCDB_GROUP = """
variable "cluster_parameters" {
  type    = list(object({ name = string, value = string }))
  default = DEFAULT
}

resource "aws_docdb_cluster_parameter_group" "default" {
  count  = 1
  name   = "docs"
  family = "docdb5.0"

  dynamic "parameter" {
    for_each = var.cluster_parameters
    content {
      name  = parameter.value.name
      value = parameter.value.value
    }
  }
}
"""

MEMORYDB = """
variable "tls_enabled" {
  type    = bool
  default = TLS
}

variable "kms_key_arn" {
  type    = string
  default = null
}

resource "aws_memorydb_cluster" "this" {
  count       = 1
  name        = "sessions"
  node_type   = "db.t4g.small"
  acl_name    = "open-access"
  tls_enabled = var.tls_enabled
  kms_key_arn = var.kms_key_arn
}
"""

MQ_LOGS = """
variable "general_log_enabled" {
  type    = bool
  default = GENERAL
}

variable "audit_log_enabled" {
  type    = bool
  default = true
}

locals {
  mq_logs = { logs = { "general_log_enabled" : var.general_log_enabled, "audit_log_enabled" : var.audit_log_enabled } }
}

resource "aws_mq_broker" "default" {
  broker_name        = "orders"
  engine_type        = "ActiveMQ"
  engine_version     = "5.18"
  host_instance_type = "mq.m5.large"

  dynamic "logs" {
    for_each = {
      for logs, type in local.mq_logs : logs => type
      if type.general_log_enabled || type.audit_log_enabled
    }
    content {
      general = logs.value["general_log_enabled"]
      audit   = logs.value["audit_log_enabled"]
    }
  }

  user {
    username = "app"
    password = var.mq_password
  }
}
"""


def _flagged(text: str, rule_id: str) -> list[str]:
    findings = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    return [f.address for f in findings if f.rule_id == rule_id]


def test_the_docdb_modules_default_group_leaves_auditing_off() -> None:
    assert _flagged(DOCDB_GROUP.replace("DEFAULT", "[]"), "TFR-AWS-277") == [
        "aws_docdb_cluster_parameter_group.default[0]"
    ]


def test_a_caller_turning_audit_logs_on_silences_it() -> None:
    on = '[{ name = "tls", value = "enabled" }, { name = "audit_logs", value = "all" }]'
    assert _flagged(DOCDB_GROUP.replace("DEFAULT", on), "TFR-AWS-277") == []


def test_audit_logs_none_is_auditing_off() -> None:
    off = '[{ name = "audit_logs", value = "none" }]'
    assert _flagged(DOCDB_GROUP.replace("DEFAULT", off), "TFR-AWS-277") == [
        "aws_docdb_cluster_parameter_group.default[0]"
    ]


def test_parameters_from_an_unknown_value_are_not_judged() -> None:
    unknown = DOCDB_GROUP.replace("var.cluster_parameters", "var.undeclared").replace("DEFAULT", "[]")
    assert _flagged(unknown, "TFR-AWS-277") == []


def test_memorydb_tls_left_to_the_provider_passes_and_the_aws_owned_key_is_reported() -> None:
    text = MEMORYDB.replace("TLS", "null")
    assert _flagged(text, "TFR-AWS-278") == []
    assert _flagged(text, "TFR-AWS-279") == ["aws_memorydb_cluster.this[0]"]


def test_memorydb_tls_turned_off_by_a_caller_is_reported() -> None:
    assert _flagged(MEMORYDB.replace("TLS", "false"), "TFR-AWS-278") == ["aws_memorydb_cluster.this[0]"]


def test_the_mq_modules_dynamic_logs_block_is_read_as_written() -> None:
    assert _flagged(MQ_LOGS.replace("GENERAL", "true"), "TFR-AWS-150") == []
    assert _flagged(MQ_LOGS.replace("GENERAL", "false"), "TFR-AWS-150") == ["aws_mq_broker.default"]
