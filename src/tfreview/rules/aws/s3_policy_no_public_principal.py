"""No S3 bucket policy that allows anyone (`Principal: "*"`) without a condition."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.policy_documents import listed, per_statement, statements, wildcards_first


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    parts = [
        (
            statement.index,
            "allows",
            f'{listed(wildcards_first(statement.written)) or "no action"} to any principal ("*")',
        )
        for statement in statements(resource.get("policy"))
        if statement.allows and statement.any_principal and not statement.has_condition
    ]
    if parts:  # one finding naming every offending statement, not only the first (issue 12 §3)
        yield per_statement("policy", parts)


RULE = Rule(
    id="TFR-AWS-008",
    long_id="aws-s3-policy-no-public-principal",
    title="S3 bucket policy allows any principal without a condition",
    severity=Severity.HIGH,
    provider="aws",
    category="iam",
    resource_types=("aws_s3_bucket_policy", "aws_s3_bucket"),
    remediation="Name the principals that need access (account ids, role ARNs, service principals), or keep "
    '`"*"` only together with a `Condition` that narrows it (`aws:SourceVpce`, `aws:PrincipalOrgID`, '
    "`aws:SourceArn`); for a public website, serve it through CloudFront with origin access control.",
    description='An `Allow` statement whose principal is `"*"` (or `{"AWS": "*"}`) grants its actions to '
    "everyone, signed in or not, from any AWS account. HIGH, like a public ACL: it is the other way a "
    "bucket becomes public. Checked on `aws_s3_bucket_policy.policy` and on the inline `policy` of "
    "`aws_s3_bucket`; a statement with a `Condition` is taken as narrowed unless every value of it is a "
    "wildcard under a wildcard-matching operator (`ArnEquals`/`ArnLike`/`StringLike` on `*` or "
    "`arn:aws:iam::*`: any principal of any account). A policy known only after apply is not read.",
    references=References(checkov=("CKV_AWS_70",)),
    check=check,
)
