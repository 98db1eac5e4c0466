"""A change read from source carries the masks a plan's schema would give it (ADR 0490).

Terraform masks an `aws_ssm_parameter`'s `value`, a `kubernetes_secret`'s `data`, a database `password` in its plan
(`after_sensitive`, from the provider's schema); HCL has no schema, so the change set marks the provider-sensitive
arguments (`core.sensitive_attributes`) and the secret-named ones where they are written, on both sides of a
change, in nested blocks, in open `dynamic` blocks, and in provider blocks (reached through a local or not). Keys
of a map are data, not arguments: TFR-AWS-028 still sees a literal `DB_PASSWORD` in a Lambda environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.core.findings import Status
from tfreview.core.policy import Policy
from tfreview.core.redact import SENSITIVE
from tfreview.core.review import review
from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.core.sensitive_attributes import merged_mask, source_mask
from tfreview.core.severity import Severity
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules
from tfreview.store.source_masking import sensitive_values_of_tree

BASE = """
resource "aws_ssm_parameter" "token" {
  name  = "/app/token"
  type  = "String"
  value = "canary-base-ssm-1182"
}
"""

HEAD = """
locals {
  aws_key = "canary-local-aws-5521"
  gcp_key = "canary-local-gcp-9043"
}

provider "aws" {
  region     = "eu-west-1"
  secret_key = local.aws_key
}

provider "google" {
  project     = "orders"
  credentials = local.gcp_key
}

resource "aws_ssm_parameter" "token" {
  name  = "/app/token"
  type  = "String"
  value = "canary-head-ssm-7730"
}

resource "kubernetes_secret" "app" {
  metadata {
    name = "app"
  }
  data = {
    api = "canary-k8s-2219"
  }
}

resource "aws_db_instance" "orders" {
  engine                      = "mysql"
  password                    = 73914682
  manage_master_user_password = false
}

resource "aws_mq_broker" "events" {
  broker_name = "events"
  user {
    username = "app"
    password = "canary-mq-4410"
  }
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  environment {
    variables = {
      DB_PASSWORD = "canary-env-hunter2x9"
    }
  }
}
"""


def changes() -> dict[str, Any]:
    change_set = changeset_from_sources({"main.tf": HEAD}, {"main.tf": BASE})
    return {change.address: change for change in change_set.changes}


def test_provider_sensitive_and_secret_named_arguments_are_masked_on_both_sides() -> None:
    by_address = changes()
    ssm = by_address["aws_ssm_parameter.token"]
    assert ssm.kind.value == "update"
    assert ssm.before_sensitive == {"value": True}
    assert ssm.after_sensitive == {"value": True}
    assert by_address["kubernetes_secret.app"].after_sensitive == {"data": True}
    # a number under a secret name is masked (Terraform converts it to the string it masks); a flag is not
    assert by_address["aws_db_instance.orders"].after_sensitive == {"password": True}
    assert by_address["aws_mq_broker.events"].after_sensitive == {"user": [{"password": True}]}
    # provider blocks, their credentials reached through a local: a secret name, the google provider's table entry
    assert by_address["provider.aws"].after["secret_key"] == "canary-local-aws-5521"
    assert by_address["provider.aws"].after_sensitive == {"secret_key": True}
    assert by_address["provider.google"].after_sensitive == {"credentials": True}
    # a map's keys are data: the environment variable is not marked, so TFR-AWS-028 still judges it
    assert by_address["aws_lambda_function.api"].after_sensitive is None


def test_lambda_environment_literal_is_still_flagged() -> None:
    change_set = changeset_from_sources({"main.tf": HEAD})
    rules = [rule for rule in load_rules() if rule.id == "TFR-AWS-028"]
    result = review(change_set, rules, Policy())
    assert [(f.address, f.status) for f in result.findings] == [("aws_lambda_function.api", Status.INTRODUCED)]
    assert "canary-env-hunter2x9" not in repr(result.findings)


def _quoting(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    """A rule that points at a sensitive argument and quotes a text one in its message (what no rule should, which
    is why the masks must hold): `value` of a parameter, `password` of a database, a provider's `credentials`.
    (A message is masked by the texts under the masks: a number it quoted would show, as none is quoted.)"""
    for path in ("value", "password", "credentials"):
        value = resource.get(path)
        if value is not None:
            yield Hit(path, f"{path} is {value}" if isinstance(value, str) else f"{path} is set")


QUOTING = Rule(
    id="TFR-TST-001",
    long_id="test-quoting",
    title="quotes a value",
    severity=Severity.HIGH,
    provider="test",
    category="test",
    resource_types=("aws_ssm_parameter", "aws_db_instance", "google_provider"),
    remediation="none",
    description="a rule of this test",
    check=_quoting,
)


def test_evidence_and_messages_show_the_sensitive_value_marker() -> None:
    change_set = changeset_from_sources({"main.tf": HEAD}, {"main.tf": BASE})
    result = review(change_set, [QUOTING], Policy())
    found = {f.address: f for f in result.findings}
    assert set(found) == {"aws_ssm_parameter.token", "aws_db_instance.orders", "provider.google"}
    for finding in found.values():
        assert finding.evidence.value == SENSITIVE
        assert finding.message.endswith(SENSITIVE) or finding.message == "password is set"
    shown = repr(result)
    for canary in ("canary-head-ssm-7730", "canary-base-ssm-1182", "canary-local-gcp-9043", "73914682"):
        assert canary not in shown


def test_open_dynamic_blocks_carry_the_same_masks() -> None:
    source = """
variable "users" {
  type = list(object({ name = string }))
}

resource "aws_mq_broker" "events" {
  broker_name = "events"
  dynamic "user" {
    for_each = var.users
    content {
      username = user.value.name
      password = "canary-dynamic-6620"
    }
  }
}
"""
    (change,) = changeset_from_sources({"main.tf": source}).changes
    (block,) = change.open_blocks
    assert block.present_sensitive == {"user": [{"password": True}]}
    assert block.absent_sensitive is None


def test_a_stored_tarball_masks_provider_block_credentials_reached_through_a_local() -> None:
    secrets = sensitive_values_of_tree({"main.tf": HEAD})
    assert {"canary-local-aws-5521", "canary-local-gcp-9043"} <= secrets.values


def test_source_mask_and_merged_mask() -> None:
    assert source_mask("aws_ssm_parameter", {"name": "x", "value": None}) is None  # nothing written
    assert source_mask("aws_db_instance", {"password": "${random_password.db.result}"}) is None  # a reference
    assert source_mask("aws_db_instance", {"manage_master_user_password": True}) is None
    assert source_mask("kubernetes_secret", {"data": {"a": 1}}) == {"data": True}
    assert merged_mask(None, None) is None
    assert merged_mask({"tags": {"a": True}}, {"value": True}) == {"tags": {"a": True}, "value": True}
    assert merged_mask({"user": [False, {"a": True}]}, {"user": [{"password": True}]}) == {
        "user": [{"password": True}, {"a": True}]
    }
    assert merged_mask(True, {"value": True}) is True
