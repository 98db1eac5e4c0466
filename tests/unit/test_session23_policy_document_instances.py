"""An instance of a policy document read by its key (issue 12, the session-23 held-out batch; ADR 0735).

terraform-aws-modules' Step Functions module (and its Lambda, EventBridge … modules) builds one
`data "aws_iam_policy_document"` per service with `for_each` and attaches each as
`policy = data.aws_iam_policy_document.service[each.key].json`. The document was rendered only when read without
an instance key, so every such policy read as unknown and no IAM rule judged it; an instance is now rendered with
its own `each.key`/`each.value` (or `count.index`), as Terraform reads it at plan time. A key the document does not
have, or a document whose instances are known only at plan time, stays unknown.
"""

from __future__ import annotations

import pytest

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules

FOR_EACH = """
locals {
  services = {
    s3  = ["s3:*"]
    sqs = ["sqs:GetQueueUrl"]
  }
}
data "aws_iam_policy_document" "service" {
  for_each = local.services
  statement {
    sid       = each.key
    actions   = each.value
    resources = ["*"]
  }
}
resource "aws_iam_policy" "service" {
  for_each = local.services
  name     = each.key
  policy   = data.aws_iam_policy_document.service[KEY].json
}
"""

COUNT = """
data "aws_iam_policy_document" "p" {
  count = 2
  statement {
    actions   = [count.index == 0 ? "iam:*" : "iam:GetRole"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  count  = 2
  name   = "p"
  policy = data.aws_iam_policy_document.p[count.index].json
}
"""


def _findings(text: str) -> list[tuple[str, str]]:
    findings = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    return [(f.rule_id, f.address) for f in findings]


def test_each_instance_of_a_for_each_document_is_rendered_with_its_own_each() -> None:
    found = _findings(FOR_EACH.replace("KEY", "each.key"))
    assert ("TFR-AWS-243", 'aws_iam_policy.service["s3"]') in found  # s3:* on every resource
    assert all(address != 'aws_iam_policy.service["sqs"]' for rule, address in found if rule == "TFR-AWS-243")


def test_each_instance_of_a_count_document_is_rendered_with_its_own_index() -> None:
    found = _findings(COUNT)
    # iam:* on every resource: one finding, TFR-AWS-253, with TFR-AWS-244 folded in (ADR 0730)
    assert ("TFR-AWS-253", "aws_iam_policy.p[0]") in found
    assert all(address != "aws_iam_policy.p[1]" for rule, address in found if rule in ("TFR-AWS-253", "TFR-AWS-244"))


@pytest.mark.parametrize("key", ['"missing"', "var.undeclared"])
def test_a_key_the_document_does_not_have_leaves_the_policy_unjudged(key: str) -> None:
    assert not any(rule == "TFR-AWS-243" for rule, _ in _findings(FOR_EACH.replace("KEY", key)))
