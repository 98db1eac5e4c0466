"""No IAM policy that allows a known privilege escalation path on "*" resources."""

from __future__ import annotations

from collections.abc import Iterable

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.iam_access import LED_BY_ADMIN_AND_FULL_IAM, escalation_methods
from tfreview.rules.support.policy_documents import PolicyDocument, identity_hits


def check(resource: Resource, snapshot: Snapshot) -> Iterable[Hit]:
    # judged once per distinct document (ADR 0449); a leading rule's statements are its finding's (ADR 0730)
    return identity_hits(resource, _said, snapshot=snapshot, leaders=LED_BY_ADMIN_AND_FULL_IAM)


def _said(document: PolicyDocument) -> str | None:
    # every action pattern allowed on "*" in the document, from any of its statements; a NotAction statement
    # allows every action but those its patterns cover (`NotAction = ["iam:*"]` allows no IAM action)
    unconstrained = document.unconstrained
    patterns = tuple(action for statement in unconstrained if not statement.not_actions for action in statement.actions)
    excepting = tuple(statement.not_actions for statement in unconstrained if statement.not_actions)
    methods = escalation_methods(patterns, excepting) if patterns or excepting else ()
    if not methods:
        return None
    more = f" and {len(methods) - 3} more" if len(methods) > 3 else ""
    return f'the policy allows privilege escalation on "*" ({", ".join(methods[:3])}{more})'


RULE = Rule(
    id="TFR-AWS-245",
    long_id="aws-iam-no-privilege-escalation",
    title='IAM policy allows privilege escalation on "*" resources',
    severity=Severity.HIGH,
    provider="aws",
    category="iam",
    resource_types=(
        "aws_iam_policy",
        "aws_iam_role_policy",
        "aws_iam_user_policy",
        "aws_iam_group_policy",
        "aws_iam_role",  # its `inline_policy` blocks; the trust policy is not read (policy_documents.py)
        "aws_ssoadmin_permission_set_inline_policy",
    ),
    remediation="Remove the actions of the escalation path, or limit them to the resources they are meant for "
    "(`iam:PassRole` to the one role a service needs, `iam:CreatePolicyVersion` to the policies it manages).",
    description="Rhino Security Labs' IAM privilege escalation methods are sets of actions that, allowed together "
    'on `"*"`, let a principal make itself administrator: `iam:CreatePolicyVersion`, `iam:AttachUserPolicy`, '
    "`iam:PassRole` with `ec2:RunInstances` or `lambda:CreateFunction` and `lambda:InvokeFunction`… The actions "
    "may come from several statements of the same document; wildcards count (`iam:*` alone is several methods). "
    "HIGH: it is administrator access by another name. The table is in `rules/support/iam_access.py`."
    " On a statement that allows every action on every resource (TFR-AWS-030's), or IAM actions only with `iam:*` "
    "on `\"*\"` (TFR-AWS-253's), its words are a facet of that rule's finding, with its Checkov id (ADR 0730).",
    references=References(checkov=("CKV_AWS_286",), trivy=()),
    check=check,
)
