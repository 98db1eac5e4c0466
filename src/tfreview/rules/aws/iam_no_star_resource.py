"""No IAM policy that allows restrictable actions on "*" resources."""

from __future__ import annotations

from collections.abc import Iterable

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.rules.support.iam_access import (
    LED_BY_ADMIN_AND_FULL_IAM,
    excludes_everything,
    only_on_any_resource_at_any_level,
)
from tfreview.rules.support.policy_documents import (
    IDENTITY_POLICY_TYPES,
    UNRESTRICTABLE_ACTIONS,
    PolicyDocument,
    identity_hits,
    listed,
    numbered,
    wildcards_first,
)


def check(resource: Resource, snapshot: Snapshot) -> Iterable[Hit]:
    # judged once per distinct document (ADR 0449); a leading rule's statements are its finding's (ADR 0730)
    return identity_hits(resource, _said, snapshot=snapshot, leaders=LED_BY_ADMIN_AND_FULL_IAM)


def _said(document: PolicyDocument) -> str | None:
    # one finding per document naming every offending statement and action, not only the first (issue 12 §3)
    indexes: list[int] = []
    restrictable: list[str] = []
    not_action = False
    for statement in document.unconstrained:
        if statement.not_actions and not statement.actions and excludes_everything(statement.not_actions):
            continue  # `NotAction = "*"`: the statement allows nothing (ADR 0527)
        actions = [
            statement.as_written(a)
            for a in statement.actions
            if a not in UNRESTRICTABLE_ACTIONS and not only_on_any_resource_at_any_level(a)
        ]
        if actions or statement.not_actions:
            indexes.append(statement.index)
            restrictable.extend(actions)
            not_action = not_action or bool(statement.not_actions)
    if not indexes:
        return None
    named = (["every action but those in NotAction"] if not_action else []) + wildcards_first(restrictable)
    verb = "allows" if len(set(indexes)) == 1 else "allow"
    return f'{numbered(indexes)} {verb} {listed(named)} on "*"'


RULE = Rule(
    id="TFR-AWS-032",
    long_id="aws-iam-no-star-resource",
    title='IAM policy allows actions that can be restricted on "*" resources',
    severity=Severity.MEDIUM,
    provider="aws",
    category="iam",
    resource_types=IDENTITY_POLICY_TYPES,
    remediation='Replace `"Resource": "*"` with the ARNs the actions apply to (`arn:aws:s3:::my-bucket/*`); keep '
    '"*" only for actions that accept nothing else, in a statement of their own.',
    description='`"Resource": "*"` extends the statement to every current and future resource in the account. '
    'MEDIUM: the actions are already named, so the damage is bounded by them. Actions that accept only "*" '
    "(the AWS Service Authorization Reference names no resource type for them: `sts:GetCallerIdentity`, "
    "`s3:ListAllMyBuckets`, `ec2:DescribeInstances`, `xray:GetSamplingStatisticSummaries`; a generated table over "
    "every access level, ADR 0570) are not flagged; a wildcard pattern is flagged when it reaches one action that "
    "can be restricted (`ec2:Describe*` reaches `ec2:DescribeInstanceAttribute`)."
    " On a statement that allows every action on every resource (TFR-AWS-030's), or IAM actions only with `iam:*` "
    "on `\"*\"` (TFR-AWS-253's), its words are a facet of that rule's finding, with its Checkov id (ADR 0730).",
    references=References(checkov=("CKV_AWS_355",), trivy=("AVD-AWS-0057",)),
    check=check,
)
