"""No IAM policy that allows "*" as an action."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.policy_documents import IDENTITY_POLICY_TYPES, identity_policies, per_statement


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for path, found in identity_policies(resource):
        parts = [
            (statement.index, "uses", "NotAction, allowing every other action")
            if statement.not_actions
            else (statement.index, "allows", '"*"')
            for statement in found
            if statement.allows and statement.any_action
        ]
        if parts:  # one finding per document naming every offending statement (issue 12 §3)
            yield per_statement(path, parts)


RULE = Rule(
    id="TFR-AWS-031",
    long_id="aws-iam-no-star-action",
    title='IAM policy allows "*" as an action',
    severity=Severity.HIGH,
    provider="aws",
    category="iam",
    resource_types=IDENTITY_POLICY_TYPES,
    remediation="Name the actions the workload calls (`s3:GetObject`, `sqs:SendMessage`…); service-wide "
    "wildcards such as `s3:Get*` are still better than `*`.",
    description='`"Action": "*"` (or an Allow with `NotAction`) grants every action of every service, today '
    "and every one AWS adds later, on whatever resources the statement names: HIGH, because even a narrow "
    "resource list usually includes IAM or KMS permissions that escalate. The full `*` on `*` case is "
    "TFR-AWS-030 (CRITICAL) and is reported by both rules, as Checkov does.",
    references=References(checkov=("CKV_AWS_63",), trivy=("AVD-AWS-0057",)),
    check=check,
    subsumes=("TFR-AWS-253",),  # every action includes every IAM action: one cause, one finding
)
