"""No IAM policy that allows "*" as an action."""

from __future__ import annotations

from collections.abc import Iterable

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.iam_access import LED_BY_ADMIN, excludes_everything
from tfreview.rules.support.policy_documents import (
    IDENTITY_POLICY_TYPES,
    PolicyDocument,
    Statement,
    identity_hits,
    per_statement_message,
)


def check(resource: Resource, snapshot: Snapshot) -> Iterable[Hit]:
    # judged once per distinct document (ADR 0449); a leading rule's statements are its finding's (ADR 0730)
    return identity_hits(resource, _said, snapshot=snapshot, leaders=LED_BY_ADMIN)


def _said(document: PolicyDocument) -> str | None:
    parts = [
        (statement.index, "uses", "NotAction, allowing every other action")
        if statement.not_actions
        else (statement.index, "allows", '"*"')
        for statement in document.statements
        if statement.allows and statement.any_action and not _allows_nothing(statement)
    ]
    # one finding per document naming every offending statement (issue 12 §3)
    return per_statement_message(parts) if parts else None


def _allows_nothing(statement: Statement) -> bool:
    """A `NotAction` statement whose patterns cover every action (`NotAction = "*"`) allows nothing (ADR 0527)."""
    return not statement.actions and excludes_everything(statement.not_actions)


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
    "TFR-AWS-030's (CRITICAL) finding, which names this rule's words on the statement and carries its ids "
    "(CKV_AWS_63): one statement, one finding (ADR 0730).",
    references=References(checkov=("CKV_AWS_63",), trivy=("AVD-AWS-0057",)),
    check=check,
    subsumes=("TFR-AWS-253",),  # every action includes every IAM action: one cause, one finding
)
