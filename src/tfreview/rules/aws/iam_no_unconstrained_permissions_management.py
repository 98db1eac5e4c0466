"""No IAM policy that allows permissions management on "*" resources."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.iam_access import (
    RESTRICTABLE_PERMISSIONS,
    leaves_any,
    levels,
    offending_hits,
    only_on_any_resource,
)


def check(resource: Resource, snapshot: Snapshot) -> Iterable[Hit]:
    # one finding per policy document naming every offending statement, not only the first (issue 12 §3)
    # actions granted only on "*" have no resource to name: left out, as Checkov does (ADR 0428)
    return offending_hits(
        resource,
        "permissions management",
        _manages_permissions,
        leaves=_leaves_permissions,
        unless_narrowed=True,  # a resource-tag, permissions-boundary or policy-ARN condition narrows it (ADR 0446)
        snapshot=snapshot,
    )


def _manages_permissions(action: str) -> bool:
    return "permissions" in levels(action) and not only_on_any_resource(action)


@lru_cache(maxsize=1024)
def _leaves_permissions(excepted: tuple[str, ...]) -> bool:
    """Whether a `NotAction` statement naming `excepted` allows one of the permissions-management actions that can
    be limited to a resource (`NotAction = ["iam:*"]` still allows `s3:PutBucketPolicy`)."""
    return leaves_any(excepted, RESTRICTABLE_PERMISSIONS)


RULE = Rule(
    id="TFR-AWS-244",
    long_id="aws-iam-no-unconstrained-permissions-management",
    title='IAM policy allows permissions management on "*" resources',
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
    remediation="Limit IAM writes and resource-policy changes to the ARNs they manage (a path such as "
    "`arn:aws:iam::123456789012:role/app/*`), and add a permissions boundary condition where roles are created.",
    description="Permissions management (IAM writes, and the actions of other services that change a resource "
    "policy, an ACL, a grant or a permission: `s3:PutBucketPolicy`, `kms:CreateGrant`, `lambda:AddPermission`…) on "
    '`"Resource": "*"` lets the holder give itself or anyone else access to anything: it is one step from '
    "administrator, hence HIGH. Read from the action names, the AWS Service Authorization Reference's list of "
    "permissions-management actions (generated into `rules/support/iam_permissions_table.py`, ADR 0400) and a "
    "short hand-kept table (`rules/support/iam_access.py`); a wildcard counts when it reaches one of them "
    "(`iam:*`, `s3:*`, `ssm:*`, `ec2:Modify*`, `*`). Actions the reference lets grant only on `*` (such as "
    "`logs:PutResourcePolicy` or `iam:UpdateAccountPasswordPolicy`) are left out, named or reached by a pattern, "
    "as Checkov does: there is no resource to limit them to (`rules/support/iam_unrestrictable_table.py`, "
    "ADR 0428). A condition that requires the resource's tags (`aws:ResourceTag/…`), a permissions boundary "
    "(`iam:PermissionsBoundary`) or named managed policies (`iam:PolicyARN`), with a positive operator and not "
    "`IfExists`, narrows the statement: silent (ADR 0446); other conditions (`iam:PassedToService`, source "
    "address, region, account) are still reported, where Checkov passes any `Condition`. An `Allow` statement "
    "with `NotAction` allows every action but those its patterns cover (wildcards, any case): it is reported when "
    'they leave one of the tables\' restrictable permissions-management actions in (`NotAction = ["iam:*"]` '
    "still allows `s3:PutBucketPolicy`), named by what it allows; a `Deny` with `NotAction` allows nothing."
    " On a statement that allows every action on every resource (TFR-AWS-030's), or IAM actions only with `iam:*` "
    "on `\"*\"` (TFR-AWS-253's), its words are a facet of that rule's finding, with its Checkov id (ADR 0730).",
    references=References(checkov=("CKV_AWS_289",), trivy=()),
    check=check,
)
