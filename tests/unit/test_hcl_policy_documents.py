"""`data "aws_iam_policy_document"` in HCL mode: the `json` the provider would compute reaches the IAM rules."""

from __future__ import annotations

import json
from typing import Any

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.values import lookup
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_policy_documents import render
from tfreview.rules import load_rules

ADMIN = """
locals { bucket = "arn:aws:s3:::reports" }
data "aws_iam_policy_document" "read" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket}/*"]
  }
}
data "aws_iam_policy_document" "admin" {
  source_policy_documents = [data.aws_iam_policy_document.read.json]
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "admin" {
  name   = "admin"
  policy = data.aws_iam_policy_document.admin.json
}
"""


def policy_of(text: str, address: str) -> tuple[Any, Any]:
    change = next(c for c in changeset_from_sources({"main.tf": text}).changes if c.address == address)
    return lookup(change.after, change.after_unknown, "policy"), change.references.get("policy")


def test_document_renders_into_the_policy_attribute_with_source_statements_first() -> None:
    policy, references = policy_of(ADMIN, "aws_iam_policy.admin")
    assert json.loads(policy) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
        ],
    }
    assert references == ("data.aws_iam_policy_document.admin",)


def test_iam_rules_judge_the_rendered_document() -> None:
    found = review(changeset_from_sources({"main.tf": ADMIN}), load_rules(), Policy()).findings
    assert "TFR-AWS-030" in {f.rule_id for f in found if f.address == "aws_iam_policy.admin"}


def test_a_document_with_an_unknown_part_stays_unknown() -> None:
    text = """
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.b.arn]
  }
}
resource "aws_iam_role_policy" "p" {
  role   = "r"
  policy = data.aws_iam_policy_document.d.json
}
"""
    change = changeset_from_sources({"main.tf": text}).changes[0]
    assert change.after_unknown == {"policy": True}
    assert review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings == []


def test_principals_conditions_and_overrides_follow_the_provider() -> None:
    override = json.dumps({"Statement": [{"Sid": "Trust", "Effect": "Deny", "Action": "sts:AssumeRole"}]})
    rendered = render(
        {
            "version": "2012-10-17",
            "override_policy_documents": [override],
            "statement": [
                {
                    "sid": "Trust",
                    "actions": ["sts:AssumeRole"],
                    "principals": [{"type": "*", "identifiers": ["*"]}],
                },
                {
                    "effect": "Deny",
                    "not_actions": ["iam:PassRole", "iam:GetRole"],
                    "not_resources": ["arn:aws:iam::1:role/a"],
                    "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}],
                    "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
                },
            ],
        }
    )
    assert json.loads(rendered)["Statement"] == [
        {"Sid": "Trust", "Effect": "Deny", "Action": "sts:AssumeRole"},
        {
            "Effect": "Deny",
            "NotAction": ["iam:PassRole", "iam:GetRole"],
            "NotResource": "arn:aws:iam::1:role/a",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ]


def test_wildcard_principal_and_documents_in_modules() -> None:
    sources = {
        "main.tf": 'module "queue" {\n  source = "./queue"\n}\n',
        "queue/main.tf": """
data "aws_iam_policy_document" "open" {
  statement {
    actions = ["sqs:SendMessage"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_sqs_queue_policy" "q" {
  queue_url = "https://sqs.eu-west-1.amazonaws.com/1/q"
  policy    = data.aws_iam_policy_document.open.json
}
""",
    }
    (change,) = [c for c in changeset_from_sources(sources).changes if c.type != "module"]  # not the call (0431)
    assert change.address == "module.queue.aws_sqs_queue_policy.q"
    assert json.loads(change.after["policy"])["Statement"][0]["Principal"] == "*"
    assert change.references["policy"] == ("module.queue.data.aws_iam_policy_document.open",)


def test_the_legacy_source_json_and_override_json_arguments_follow_the_provider() -> None:
    """AWS provider 4's single-document arguments (Cloud Posse's Elastic Beanstalk module, session 22): `source_json`
    merged first, before `source_policy_documents`; `override_json` last, after `override_policy_documents`. They were
    ignored, which rendered a document built only from them as an empty, known policy."""
    source = json.dumps({"Statement": [{"Sid": "Ops", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    extra = json.dumps({"Statement": [{"Sid": "Extra", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]})
    override = json.dumps({"Statement": [{"Sid": "Extra", "Effect": "Allow", "Action": "sqs:Send*", "Resource": "*"}]})
    rendered = render(
        {
            "source_json": source,
            "source_policy_documents": [extra],
            "override_policy_documents": [extra],
            "override_json": override,
        }
    )
    assert json.loads(rendered)["Statement"] == [
        {"Sid": "Ops", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Sid": "Extra", "Effect": "Allow", "Action": "sqs:Send*", "Resource": "*"},
    ]
    assert json.loads(render({"source_json": source, "override_json": "{}"}))["Statement"] == [
        {"Sid": "Ops", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    ]


def test_a_role_policy_from_a_legacy_source_json_document_is_judged() -> None:
    text = """
data "aws_iam_policy_document" "default" {
  statement {
    sid       = "AllowOperations"
    actions   = ["*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "extended" {
  source_json   = data.aws_iam_policy_document.default.json
  override_json = "{}"
}
resource "aws_iam_role_policy" "default" {
  role   = "eb-ec2"
  policy = data.aws_iam_policy_document.extended.json
}
"""
    found = review(changeset_from_sources({"main.tf": text}), load_rules(), Policy()).findings
    assert "TFR-AWS-030" in {f.rule_id for f in found if f.address == "aws_iam_role_policy.default"}
