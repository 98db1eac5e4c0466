"""No IAM policy that allows actions returning credentials on "*" resources."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.iam_access import CREDENTIALS_EXPOSURE, leaves_any, matches, offending_hits


def check(resource: Resource, snapshot: Snapshot) -> Iterable[Hit]:
    # one finding per policy document naming every offending statement, not only the first (issue 12 §3)
    return offending_hits(
        resource, "actions that return credentials", _exposes, leaves=_leaves_exposing, snapshot=snapshot
    )


@lru_cache(maxsize=4096)
def _exposes(pattern: str) -> bool:
    """Whether an allowed action or pattern covers an action that returns credentials (asked once per action)."""
    return any(matches(pattern, action) for action in CREDENTIALS_EXPOSURE)


@lru_cache(maxsize=1024)
def _leaves_exposing(excepted: tuple[str, ...]) -> bool:
    """Whether a `NotAction` statement naming `excepted` allows an action that returns credentials."""
    return leaves_any(excepted, CREDENTIALS_EXPOSURE)


RULE = Rule(
    id="TFR-AWS-246",
    long_id="aws-iam-no-credentials-exposure",
    title='IAM policy allows actions that expose credentials on "*" resources',
    severity=Severity.MEDIUM,
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
    remediation="Limit the actions to the resources they are meant for: `sts:AssumeRole` to the role ARNs, "
    "`iam:CreateAccessKey` to `arn:aws:iam::…:user/${aws:username}`, `redshift:GetClusterCredentials` to one "
    "database user.",
    description="Some actions return credentials in their response: access keys (`iam:CreateAccessKey`), session "
    "tokens (`sts:AssumeRole`, `sts:GetFederationToken`), database tokens (`redshift:GetClusterCredentials`, "
    '`rds-db:Connect`), Windows passwords (`ec2:GetPasswordData`). Allowed on `"*"` they hand out every '
    "credential of that kind in the account. MEDIUM: the holder still needs to be trusted with some credential. "
    "The table (cloudsplaining's, which Checkov reads) is in `rules/support/iam_access.py`, without "
    "`ecr:GetAuthorizationToken` (as in Checkov) and `ecr-public:GetAuthorizationToken`: their token only carries "
    'the caller\'s own ECR permissions, and they can only be granted on `"*"`; nor '
    "`cognito-idp:GetSigningCertificate`, which returns a public certificate. "
    "An `Allow` statement with `NotAction` allows every action but those its patterns cover (wildcards, any "
    'case): it is reported when they leave one of the table\'s actions in (`NotAction = ["iam:*"]` still allows '
    "`sts:AssumeRole`), named by what it allows; a `Deny` with `NotAction` allows nothing."
    " On a statement that allows every action on every resource (TFR-AWS-030's), or IAM actions only with `iam:*` "
    "on `\"*\"` (TFR-AWS-253's), its words are a facet of that rule's finding, with its Checkov id (ADR 0730).",
    references=References(checkov=("CKV_AWS_287",), trivy=()),
    check=check,
)
