"""The shapes of the session-22 held-out batch (issue 12) around the two rules it brought.

A Cloud Armor security policy as Google's module leaves it by default: its `rule` blocks are `dynamic` over maps
that default to empty, so only the static default rule (allow from `*`) remains and no rule evaluates the
`cve-canary` WAF rule; given a pre-configured `cve-canary` deny rule through the same map, it is silent. An Elastic
Beanstalk environment whose `ManagedActionsEnabled` value is an expression over an undeclared input (Cloud Posse's
module without its `variables.tf`) is not judged; the same environment with the value written `"false"`, or without
the setting, is.
"""

from __future__ import annotations

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

CLOUD_ARMOR = """
variable "pre_configured_rules" {
  type = map(object({
    action          = string
    priority        = number
    target_rule_set = string
  }))
  default = {}
}
variable "default_rule_action" {
  type    = string
  default = "allow"
}
variable "type" {
  type    = string
  default = "CLOUD_ARMOR"
}
resource "google_compute_security_policy" "policy" {
  name = "policy"
  type = var.type

  dynamic "rule" {
    for_each = var.pre_configured_rules
    content {
      action   = rule.value["action"]
      priority = rule.value["priority"]
      match {
        expr {
          expression = "evaluatePreconfiguredWaf('${rule.value["target_rule_set"]}')"
        }
      }
    }
  }

  rule {
    action   = var.default_rule_action
    priority = "2147483647"
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}
"""

CANARY_DEFAULT = """default = {
    log4j = { action = "deny(403)", priority = 1, target_rule_set = "cve-canary" }
  }"""

BEANSTALK = """
resource "aws_elastic_beanstalk_environment" "default" {
  name                = "web"
  application         = var.elastic_beanstalk_application_name
  solution_stack_name = var.solution_stack_name

  setting {
    namespace = "aws:elasticbeanstalk:managedactions"
    name      = "ManagedActionsEnabled"
    value     = var.managed_actions_enabled ? "true" : "false"
    resource  = ""
  }
}
"""


def _flagged(text: str, rule_id: str) -> list[str]:
    findings = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    return [f.address for f in findings if f.rule_id == rule_id]


def test_a_cloud_armor_policy_left_at_the_module_defaults_does_not_block_log4j() -> None:
    assert _flagged(CLOUD_ARMOR, "TFR-GCP-234") == ["google_compute_security_policy.policy"]


def test_a_cloud_armor_policy_given_a_cve_canary_deny_rule_does() -> None:
    assert _flagged(CLOUD_ARMOR.replace("default = {}", CANARY_DEFAULT, 1), "TFR-GCP-234") == []


def test_an_edge_policy_is_not_judged() -> None:
    assert _flagged(CLOUD_ARMOR.replace('default = "CLOUD_ARMOR"', 'default = "CLOUD_ARMOR_EDGE"'), "TFR-GCP-234") == []


def test_a_beanstalk_environment_whose_managed_actions_come_from_an_undeclared_input_is_not_judged() -> None:
    assert _flagged(BEANSTALK, "TFR-AWS-287") == []


def test_a_beanstalk_environment_with_managed_actions_written_false_is_reported() -> None:
    written = BEANSTALK.replace('var.managed_actions_enabled ? "true" : "false"', '"false"')
    assert _flagged(written, "TFR-AWS-287") == ["aws_elastic_beanstalk_environment.default"]
