"""A REST API stage with no web ACL, as Cloud Posse's API Gateway module writes it (session 16, heldout9).

The module makes a regional REST API, a deployment and a stage, each behind `count = local.enabled ? 1 : 0`, and
no WAF association: the stage answers the internet unfiltered. CKV2_AWS_29 was uncovered.
"""

from __future__ import annotations

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

MODULE_SHAPE = """
variable "endpoint_type" {
  default = "REGIONAL"
}
locals {
  enabled = module.this.enabled
}
resource "aws_api_gateway_rest_api" "this" {
  count = local.enabled ? 1 : 0
  name  = "api"
  endpoint_configuration {
    types = [var.endpoint_type]
  }
}
resource "aws_api_gateway_stage" "this" {
  count         = local.enabled ? 1 : 0
  deployment_id = "d1"
  rest_api_id   = aws_api_gateway_rest_api.this[0].id
  stage_name    = "prod"
}
"""

ASSOCIATION = """
resource "aws_wafv2_web_acl_association" "this" {
  count        = local.enabled ? 1 : 0
  resource_arn = aws_api_gateway_stage.this[0].arn
  web_acl_arn  = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api/abc"
}
"""


def _flagged(text: str) -> list[str]:
    findings = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    return [f.address for f in findings if f.rule_id == "TFR-AWS-276"]


def test_the_module_stage_without_a_web_acl_is_reported() -> None:
    assert _flagged(MODULE_SHAPE) == ["aws_api_gateway_stage.this"]


def test_an_association_of_the_stage_silences_it() -> None:
    assert _flagged(MODULE_SHAPE + ASSOCIATION) == []


def test_a_private_endpoint_is_not_judged() -> None:
    assert _flagged(MODULE_SHAPE.replace('default = "REGIONAL"', 'default = "PRIVATE"')) == []
