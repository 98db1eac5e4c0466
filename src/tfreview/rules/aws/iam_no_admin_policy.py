"""No IAM policy that allows every action on every resource (administrator access)."""

from __future__ import annotations

from collections.abc import Iterable

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.iam_access import every_action_except, excludes_everything
from tfreview.rules.support.policy_documents import (
    IDENTITY_POLICY_TYPES,
    PolicyDocument,
    Statement,
    identity_hits,
    per_statement_message,
)


def check(resource: Resource, snapshot: Snapshot) -> Iterable[Hit]:
    return identity_hits(resource, _said, snapshot=snapshot)  # judged once per distinct document (ADR 0449)


def _said(document: PolicyDocument) -> str | None:
    parts = [
        (statement.index, "allows", f'{_actions(statement)} on every resource ("*")')
        for statement in document.unconstrained
        if statement.any_action and not _excludes_everything(statement)
    ]
    # one finding per document naming every offending statement (issue 12 §3)
    return per_statement_message(parts) if parts else None


def _excludes_everything(statement: Statement) -> bool:
    """A `NotAction` statement whose patterns cover every action (`NotAction = "*"`) allows nothing."""
    return bool(statement.not_actions) and not statement.actions and excludes_everything(statement.not_actions)


def _actions(statement: Statement) -> str:
    """What the statement's actions come to: every action, or every action but those a `NotAction` names."""
    if statement.not_actions and not any(action in ("*", "*:*") for action in statement.actions):
        return every_action_except(statement)
    return 'every action ("*")'


RULE = Rule(
    id="TFR-AWS-030",
    long_id="aws-iam-no-admin-policy",
    title='IAM policy grants full administrator access ("*" actions on "*" resources)',
    severity=Severity.CRITICAL,
    provider="aws",
    category="iam",
    resource_types=IDENTITY_POLICY_TYPES,
    remediation="List the actions and resource ARNs the workload needs. If an administrator role is really "
    "wanted, attach the AWS managed `AdministratorAccess` policy to a role guarded by MFA and a narrow trust "
    "policy instead of writing an inline `*:*` policy.",
    description='An Allow statement with `"Action": "*"` (or `NotAction`) on `"Resource": "*"` (or '
    "`NotResource`) lets its holder do anything in the account, including granting itself more and erasing "
    "its tracks: CRITICAL. Checked on `aws_iam_policy`, `aws_iam_role_policy`, `aws_iam_user_policy`, "
    "`aws_iam_group_policy` and the `inline_policy` blocks of `aws_iam_role`; a statement without `Effect` "
    "counts as Allow. What the other IAM rules say of such a statement (TFR-AWS-031, 032, 243 to 247, 253) is "
    "named in this finding, which carries their Checkov ids: one statement, one finding; their words on the "
    "policy's other statements stay findings of their own (ADR 0730). A policy whose text is known only after "
    "apply is not judged.",
    references=References(checkov=("CKV_AWS_62",), trivy=("AVD-AWS-0057",)),
    check=check,
    # every action on every resource is every other IAM rule's cause too: one statement, one finding (ADR 0730);
    # the others' words on its statements become facets, their words on other statements stay their own findings
    subsumes=(
        "TFR-AWS-253",
        "TFR-AWS-031",
        "TFR-AWS-244",
        "TFR-AWS-245",
        "TFR-AWS-032",
        "TFR-AWS-243",
        "TFR-AWS-246",
        "TFR-AWS-247",
    ),
)
