"""Step Functions state machines as the terraform-aws-modules module writes them (session 16, heldout9).

The module's state machine sets neither `logging_configuration` nor `tracing_configuration`: Step Functions
then logs no execution history (level `OFF`) and traces nothing, and tfreview said nothing about either
(CKV_AWS_285 / CKV_AWS_284 were uncovered). A state machine made only when the caller switches it on is
reported as conditional (ADR 0360).
"""

from __future__ import annotations

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

MODULE_SHAPE = """
variable "create" {
  type    = bool
  default = true
}
variable "type" {
  type    = string
  default = "STANDARD"
}
resource "aws_sfn_state_machine" "this" {
  count      = var.create ? 1 : 0
  name       = "orders"
  role_arn   = "arn:aws:iam::123456789012:role/orders"
  definition = "{}"
  type       = upper(var.type)
}
"""


def _hits(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings:
        if finding.rule_id in {"TFR-AWS-274", "TFR-AWS-275"}:
            found.setdefault(finding.rule_id, []).append(finding.address)
    return found


def test_a_state_machine_without_logging_or_tracing_is_reported_once_for_each() -> None:
    assert _hits(MODULE_SHAPE) == {
        "TFR-AWS-274": ["aws_sfn_state_machine.this[0]"],
        "TFR-AWS-275": ["aws_sfn_state_machine.this[0]"],
    }


def test_logging_and_tracing_from_variables_are_read_through() -> None:
    configured = MODULE_SHAPE.replace(
        "  type       = upper(var.type)\n",
        "  type       = upper(var.type)\n"
        "  logging_configuration {\n    level           = var.level\n"
        '    log_destination = "arn:aws:logs:eu-west-1:123456789012:log-group:orders:*"\n  }\n'
        "  tracing_configuration {\n    enabled = var.tracing\n  }\n",
    )
    on = configured + 'variable "level" {\n  default = "ERROR"\n}\nvariable "tracing" {\n  default = true\n}\n'
    off = configured + 'variable "level" {\n  default = "OFF"\n}\nvariable "tracing" {\n  default = false\n}\n'
    assert _hits(on) == {}
    assert set(_hits(off)) == {"TFR-AWS-274", "TFR-AWS-275"}


def test_a_state_machine_switched_off_by_default_is_reported_as_conditional() -> None:
    text = MODULE_SHAPE.replace("default = true", "default = false")
    findings = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    ours = [f for f in findings if f.rule_id in {"TFR-AWS-274", "TFR-AWS-275"}]
    assert sorted(f.rule_id for f in ours) == ["TFR-AWS-274", "TFR-AWS-275"]
    assert all("conditional: created only when" in f.message for f in ours)
