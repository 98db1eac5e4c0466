"""A fact several rules read of one resource is computed once per snapshot (`Snapshot.of_resource`, ADR 0471):
the IAM rules look a resource's policy documents up once between them, and find what they found before."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tfreview.core.rules import Resource, Snapshot
from tfreview.rules import find_rule
from tfreview.rules.support.policy_documents import identity_documents

IAM_RULES = [
    "TFR-AWS-030", "TFR-AWS-031", "TFR-AWS-032", "TFR-AWS-253", "TFR-AWS-243",
    "TFR-AWS-244", "TFR-AWS-245", "TFR-AWS-246", "TFR-AWS-247",
]  # fmt: skip


def _policy(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ADMIN = _policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
READ = _policy({"Effect": "Allow", "Action": ["s3:GetObject", "iam:Get*"], "Resource": "*"})


def test_a_fact_is_computed_once_per_resource_and_snapshot() -> None:
    bucket = Resource("aws_s3_bucket.a", "aws_s3_bucket", "a", {"bucket": "a"})
    other = Resource("aws_s3_bucket.b", "aws_s3_bucket", "b", {"bucket": "b"})
    variant = replace(bucket, values={"bucket": "a2"})  # the conditional-block pass's copy: another object
    snapshot = Snapshot([bucket, other])
    computed: list[str] = []

    def name_of(resource: Resource) -> str:
        computed.append(resource.address)
        return str(resource.get("bucket"))

    assert [snapshot.of_resource("name", r, name_of) for r in (bucket, other, bucket, variant, other)] == [
        "a", "b", "a", "a2", "b",
    ]  # fmt: skip
    assert computed == ["aws_s3_bucket.a", "aws_s3_bucket.b", "aws_s3_bucket.a"]
    assert snapshot.of_resource("other fact", bucket, lambda r: r.name) == "a"  # another name, another entry
    assert Snapshot([bucket]).of_resource("name", bucket, name_of) == "a"  # another snapshot computes again
    assert len(computed) == 4

    def failing(resource: Resource) -> str:
        computed.append("failed")
        raise ValueError("no")

    for _ in range(2):  # not kept when it raises: the next rule asking meets the same error
        with pytest.raises(ValueError, match="no"):
            snapshot.of_resource("failing", bucket, failing)
    assert computed[-2:] == ["failed", "failed"]


@pytest.mark.parametrize("rule_id", IAM_RULES)
def test_iam_rules_find_with_the_shared_documents_what_they_find_alone(rule_id: str) -> None:
    roles = [
        Resource("aws_iam_policy.admin", "aws_iam_policy", "admin", {"policy": ADMIN}),
        Resource("aws_iam_policy.read", "aws_iam_policy", "read", {"policy": READ}),
        Resource(
            "aws_iam_role.r", "aws_iam_role", "r",
            {"inline_policy": [{"name": "a", "policy": READ}, {"name": "b", "policy": ADMIN}]},
        ),
        Resource("aws_iam_policy.later", "aws_iam_policy", "later", {"policy": None}, {"policy": True}),
    ]  # fmt: skip
    rule = find_rule(rule_id)
    assert rule is not None
    assert rule.check is not None
    shared = Snapshot(roles)
    found = 0
    for resource in roles:
        if rule.resource_types and resource.type not in rule.resource_types:
            continue
        alone = list(rule.check(resource, Snapshot([])))  # a fresh snapshot: the documents looked up for it
        assert list(rule.check(resource, shared)) == alone
        assert list(rule.check(resource, shared)) == alone  # the second time from the snapshot
        found += len(alone)
    assert found > 0  # the admin policy offends every one of these rules
    assert [path for path, _ in identity_documents(roles[2])] == ["inline_policy.0.policy", "inline_policy.1.policy"]
