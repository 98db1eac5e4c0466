"""No KMS key policy that lets any principal use the key without a condition."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.policy_documents import per_statement, statements


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    parts = [
        (statement.index, "allows", 'any principal ("*") without a condition')
        for statement in statements(resource.get("policy"))
        if statement.allows and statement.any_principal and not statement.has_condition
    ]
    if parts:  # one finding naming every offending statement (issue 12 §3)
        yield per_statement("policy", parts)


RULE = Rule(
    id="TFR-AWS-035",
    long_id="aws-kms-no-wildcard-principal",
    title='KMS key policy allows any principal ("*") without a condition',
    severity=Severity.HIGH,
    provider="aws",
    category="iam",
    resource_types=("aws_kms_key", "aws_kms_key_policy"),
    remediation="Name the principals (account root `arn:aws:iam::<account>:root`, roles, services), or keep "
    '`"Principal": "*"` only with a condition that narrows it, such as `kms:CallerAccount` or `aws:PrincipalOrgID`.',
    description="A key policy is a resource policy: an Allow for `*` without a condition opens the key to every "
    "AWS account, so anyone may decrypt data encrypted under it (or use it for grants, depending on the "
    "actions). HIGH: the data the key protects is only as private as the key. Statements with a `Condition` are "
    "accepted, as Checkov does, and Deny statements are ignored.",
    references=References(checkov=("CKV_AWS_33",)),
    check=check,
)
