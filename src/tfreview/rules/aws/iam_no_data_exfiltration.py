"""No IAM policy that allows reading data out of S3, SSM or Secrets Manager on "*" resources."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.iam_access import (
    DATA_EXFILTRATION,
    LED_BY_ADMIN,
    leaves_any,
    matches,
    offending_hits,
)


def check(resource: Resource, snapshot: Snapshot) -> Iterable[Hit]:
    # one finding per policy document naming every offending statement, not only the first (issue 12 §3)
    return offending_hits(
        resource,
        "reading every object, parameter or secret",
        _reads_out,
        leaves=_leaves_reading,
        snapshot=snapshot,
        leaders=LED_BY_ADMIN,  # TFR-AWS-030 subsumes it; an `iam:*`-only statement reads no data (ADR 0730)
    )


@lru_cache(maxsize=4096)
def _reads_out(pattern: str) -> bool:
    """Whether an allowed action or pattern covers an action that reads data out (asked once per action)."""
    return any(matches(pattern, action) for action in DATA_EXFILTRATION)


@lru_cache(maxsize=1024)
def _leaves_reading(excepted: tuple[str, ...]) -> bool:
    """Whether a `NotAction` statement naming `excepted` allows an action that reads data out."""
    return leaves_any(excepted, DATA_EXFILTRATION)


RULE = Rule(
    id="TFR-AWS-247",
    long_id="aws-iam-no-data-exfiltration",
    title='IAM policy allows reading every S3 object, SSM parameter or secret ("*" resources)',
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
    remediation="Name the buckets, parameter paths and secrets the principal needs (`arn:aws:s3:::reports/*`, "
    "`arn:aws:ssm:…:parameter/app/*`, the secret's ARN).",
    description='`s3:GetObject`, `ssm:GetParameter(s)(ByPath)` and `secretsmanager:GetSecretValue` on `"*"` let the '
    "holder read every object, parameter and secret of the account, the usual target of a compromised workload. "
    "MEDIUM. Wildcards count (`s3:*`, `s3:Get*`, `*`). An `Allow` statement with `NotAction` allows every action "
    "but those its patterns cover (wildcards, any case): it is reported when they leave one of these five "
    'actions in (`NotAction = ["s3:*"]` still allows `secretsmanager:GetSecretValue`), named by what it allows; '
    "a `Deny` with `NotAction` allows nothing."
    " On a statement that allows every action on every resource its words are a facet of TFR-AWS-030's "
    "finding, which carries its Checkov id (ADR 0730).",
    references=References(checkov=("CKV_AWS_288",), trivy=()),
    check=check,
)
