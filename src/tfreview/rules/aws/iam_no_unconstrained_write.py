"""No IAM policy that allows write actions on "*" resources."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.iam_access import excludes_everything, levels, offending_hits, only_on_any_resource


def check(resource: Resource, snapshot: Snapshot) -> Iterable[Hit]:
    # one finding per policy document naming every offending statement, not only the first (issue 12 §3)
    # actions granted only on "*" have no resource to name: left out, as Checkov does (ADR 0428)
    # a condition on the resource's tags (ABAC) narrows the statement: silent (ADR 0446)
    return offending_hits(
        resource,
        "write actions",
        _writes,
        leaves=_leaves_writes,
        unless_narrowed=True,
        snapshot=snapshot,
    )


def _writes(action: str) -> bool:
    return "write" in levels(action) and not only_on_any_resource(action)


@lru_cache(maxsize=1024)
def _leaves_writes(excepted: tuple[str, ...]) -> bool:
    """Whether a `NotAction` statement naming `excepted` allows a write: every service has writes that can be
    limited to a resource, so only a pattern excluding every action (`*`) leaves none in."""
    return not excludes_everything(excepted)


RULE = Rule(
    id="TFR-AWS-243",
    long_id="aws-iam-no-unconstrained-write",
    title='IAM policy allows write actions on "*" resources',
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
    remediation="Name the resources the write actions apply to (`arn:aws:s3:::uploads/*`, a queue ARN) instead of "
    '`"*"`; keep `"*"` only for read actions and for the few actions that accept nothing else.',
    description='A write action (the AWS Service Authorization Reference\'s "Write" access level: create, put, '
    'update, delete, send, start…) on `"Resource": "*"` can change or destroy every current and future resource of '
    "that kind in the account. The access level is read from the action's verb (reads: Get, List, Describe…; a "
    "pattern such as `s3:*` reaches writes); see `rules/support/iam_access.py`. Left out: actions the reference "
    'lets grant only on `"*"` (it names no resource type for them: `cloudwatch:PutMetricData`, '
    "`glue:CreateDevEndpoint`, `glue:CreateDev*`), as Checkov does: there is no resource to name instead "
    "(`rules/support/iam_unrestrictable_table.py`, ADR 0428); `glue:Create*` still counts, it reaches "
    "`glue:CreateDatabase`. IAM writes are permissions management, TFR-AWS-244's (`iam:*` is not reported "
    "here). MEDIUM: the actions are still named. A condition that requires the resource's tags "
    "(`aws:ResourceTag/…` or a service's own `…:ResourceTag/…`, with a positive operator, not `IfExists`) narrows "
    "the statement to the resources so tagged: silent (ADR 0446). Other conditions (source address, network, MFA, "
    "region, account) do not narrow which resources: still reported, where Checkov, through cloudsplaining, "
    "passes a statement with any `Condition`. An `Allow` statement with `NotAction` allows every action but those "
    "its patterns cover (wildcards, any case, as IAM matches them): every service has writes, so it is reported "
    "unless one pattern excludes every action (`*`), and named by what it allows (every action except `s3:*` "
    "(`NotAction`)); a `Deny` with `NotAction` allows nothing."
    " On a statement that allows every action on every resource (TFR-AWS-030's), or IAM actions only with `iam:*` "
    "on `\"*\"` (TFR-AWS-253's), its words are a facet of that rule's finding, with its Checkov id (ADR 0730).",
    references=References(checkov=("CKV_AWS_290",), trivy=()),
    check=check,
)
