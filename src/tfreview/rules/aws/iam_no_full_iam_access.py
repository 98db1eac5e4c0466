"""No IAM policy that allows every IAM action ("iam:*"): its holder can grant itself anything."""

from __future__ import annotations

from collections.abc import Iterable

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.iam_access import LED_BY_ADMIN_AND_STAR, wildcard_match
from tfreview.rules.support.policy_documents import (
    IDENTITY_POLICY_TYPES,
    PolicyDocument,
    Statement,
    every_action,
    identity_hits,
    per_statement_message,
)


def check(resource: Resource, snapshot: Snapshot) -> Iterable[Hit]:
    # judged once per distinct document (ADR 0449); a leading rule's statements are its finding's (ADR 0730)
    return identity_hits(resource, _said, snapshot=snapshot, leaders=LED_BY_ADMIN_AND_STAR)


def _said(document: PolicyDocument) -> str | None:
    parts = [
        (statement.index, "allows", f"every IAM action ({what})")
        for statement in document.statements
        if statement.allows and (what := _grants_all_of_iam(statement))
    ]
    # one finding per document naming every offending statement (issue 12 §3)
    return per_statement_message(parts) if parts else None


def _grants_all_of_iam(statement: Statement) -> str | None:
    """How the statement allows every `iam:` action, in words, or None. `NotAction` allows every action it does
    not list, so it grants all of IAM unless one of its patterns covers some IAM action (`iam:PassRole`, `IAM:*`,
    `i?m:*`, `*:*`, `*`: IAM matches services and actions case-insensitively, with wildcards)."""
    for action in statement.actions:
        if _every_iam_action(action):
            return f'"{statement.as_written(action)}"'
    if statement.not_actions and not any(_covers_some_iam_action(a) for a in statement.not_actions):
        return "NotAction without any iam: action"
    return None


def _every_iam_action(pattern: str) -> bool:
    """Whether an `Action` pattern covers every IAM action: `*`, `*:*`, `iam:*`, and every other spelling of them
    (`IAM:*`, `i?m:*`, `iam:**`, `i*:*`), as IAM matches services and actions (ADR 0527)."""
    service, colon, name = pattern.lower().partition(":")
    if not colon:
        return every_action(pattern)
    return wildcard_match("iam", service) and set(name) == {"*"}


def _covers_some_iam_action(pattern: str) -> bool:
    """Whether a `NotAction` pattern excludes at least one IAM action: its service part matches `iam`."""
    written = pattern.lower()
    service = written.partition(":")[0] if ":" in written else "*"  # `*` alone, or a bare name IAM would refuse
    return wildcard_match("iam", service)


RULE = Rule(
    id="TFR-AWS-253",
    long_id="aws-iam-no-full-iam-access",
    title='IAM policy allows every IAM action ("iam:*")',
    severity=Severity.HIGH,
    provider="aws",
    category="iam",
    resource_types=IDENTITY_POLICY_TYPES,
    remediation="List the IAM actions the workload needs (for example `iam:PassRole` on one role ARN). Keep "
    "identity administration with a separate, MFA-guarded role; a permissions boundary limits what any role "
    "it creates may do.",
    description='An Allow statement with `"iam:*"` (or `"*"`, or a `NotAction` that leaves IAM in) lets its '
    "holder create users and access keys, attach `AdministratorAccess` to itself or to any role it can "
    "reach, and rewrite trust policies: a path to full control of the account (AWS IAM User Guide, "
    '"Security best practices in IAM": grant least privilege). HIGH whatever the `Resource`: even `iam:*` on '
    "one role lets the holder attach any managed policy to that role and change who may assume it. Checked on "
    "`aws_iam_policy`, `aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`, the "
    "`inline_policy` blocks of `aws_iam_role` and IAM Identity Center permission sets; a statement without "
    "`Effect` counts as Allow. A statement that allows every action on every resource is TFR-AWS-030's "
    '(critical) finding and any `"*"` statement is TFR-AWS-031\'s (high); those findings include this one '
    '(ADR 0368). A statement of IAM actions only, one of them every IAM action (`iam:*`, `IAM:*`), on `"*"` is '
    "this rule's finding: what TFR-AWS-244, 245, 246, 032 and 243 say of it is named in it, with their Checkov ids "
    '(ADR 0730); a statement with actions of another service too (`["iam:*", "s3:*"]`) keeps their findings. '
    "A policy whose text is known only after apply is not judged.",
    references=References(checkov=("CKV2_AWS_40",)),
    check=check,
    # a statement of IAM actions only, `iam:*` among them, on "*": the other rules' words on it are facets (ADR 0730)
    subsumes=("TFR-AWS-244", "TFR-AWS-245", "TFR-AWS-246", "TFR-AWS-032", "TFR-AWS-243"),
)
