"""An IAM policy document is read once and each IAM rule judges it once (ADR 0449): the hit kept with the
document is made per path, so two documents with the same text on one role, or on two resources, are each
reported at their own path, with the words a fresh judgement gives."""

from __future__ import annotations

import json

import pytest

from tfreview.core.rules import Hit, Resource, Rule, Snapshot
from tfreview.rules import find_rule
from tfreview.rules.support.policy_documents import document, identity_documents

ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
# the rules that read identity policies through the shared document, and what each says of ADMIN
EXPECTED = {
    "TFR-AWS-030": 'statement 0 allows every action ("*") on every resource ("*")',
    "TFR-AWS-031": 'statement 0 allows "*"',
    "TFR-AWS-032": 'statement 0 allows * on "*"',
    "TFR-AWS-253": 'statement 0 allows every IAM action ("*")',
    "TFR-AWS-243": 'statement 0 allows write actions on "*": *',
    "TFR-AWS-244": 'statement 0 allows permissions management on "*": *',
    "TFR-AWS-245": 'the policy allows privilege escalation on "*" (CreateNewPolicyVersion, '
    "SetExistingDefaultPolicyVersion, CreateAccessKey and 18 more)",
    "TFR-AWS-246": 'statement 0 allows actions that return credentials on "*": *',
    "TFR-AWS-247": 'statement 0 allows reading every object, parameter or secret on "*": *',
}


def _rule(rule_id: str) -> Rule:
    rule = find_rule(rule_id)
    assert rule is not None
    assert rule.check is not None
    return rule


def _hits(rule: Rule, resource: Resource) -> list[Hit]:
    assert rule.check is not None
    return list(rule.check(resource, Snapshot([resource])))


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_the_same_text_twice_on_a_role_is_reported_at_each_path(rule_id: str) -> None:
    rule = _rule(rule_id)
    role = Resource("aws_iam_role.r", "aws_iam_role", "r", {"inline_policy": [{"policy": ADMIN}, {"policy": ADMIN}]})
    policy = Resource("aws_iam_policy.p", "aws_iam_policy", "p", {"policy": ADMIN})
    for _ in range(2):  # the second time the hits come from the documents' memo: the same hits
        # (path, words): a rule led by TFR-AWS-030 also keeps its words on the statement apart (`Hit.apart`, ADR 0730)
        if "aws_iam_role" in rule.resource_types:
            assert [(hit.path, hit.message) for hit in _hits(rule, role)] == [
                ("inline_policy.0.policy", EXPECTED[rule_id]),
                ("inline_policy.1.policy", EXPECTED[rule_id]),
            ]
        assert [(hit.path, hit.message) for hit in _hits(rule, policy)] == [("policy", EXPECTED[rule_id])]


def test_a_document_is_read_once_per_text_and_an_object_is_read_as_it_is() -> None:
    assert document(ADMIN) is document(ADMIN)
    parsed = document(json.loads(ADMIN))
    assert parsed.statements == document(ADMIN).statements
    assert parsed.unconstrained == parsed.statements
    statement = parsed.statements[0]
    assert (statement.allows, statement.any_action, statement.any_resource, statement.any_principal) == (
        True,
        True,
        True,
        False,
    )


@pytest.mark.parametrize("text", [None, "", "not json", "[1]", 7])
def test_an_unreadable_document_has_no_statements_and_no_hits(text: object) -> None:
    resource = Resource("aws_iam_policy.p", "aws_iam_policy", "p", {"policy": text})
    assert [(path, found.statements) for path, found in identity_documents(resource)] == [("policy", ())]
    for rule_id in EXPECTED:
        assert _hits(_rule(rule_id), resource) == []
