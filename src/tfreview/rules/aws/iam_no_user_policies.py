"""IAM permissions are granted to groups and roles, not directly to users."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.type == "aws_iam_policy_attachment":
        users = resource.get("users")
        if isinstance(users, list) and users:
            yield Hit("users", f"the policy attachment grants its policy directly to {len(users)} IAM user(s)")
        return
    user = resource.get("user")
    named = f"IAM user {user}" if isinstance(user, str) else "an IAM user"
    kind = "an inline policy" if resource.type == "aws_iam_user_policy" else "a managed policy"
    # the type alone decides: the user's name may be known only after apply, the verdict is not
    yield Hit("", f"{kind} is attached directly to {named}")


RULE = Rule(
    id="TFR-AWS-033",
    long_id="aws-iam-no-user-policies",
    title="IAM policy is attached directly to a user",
    severity=Severity.LOW,
    provider="aws",
    category="iam",
    resource_types=("aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_iam_policy_attachment"),
    remediation="Attach the policy to an IAM group (`aws_iam_group_policy_attachment`) and add the user to the "
    "group, or better, let people assume a role through IAM Identity Center.",
    description="Permissions attached user by user drift apart and are easy to forget when someone changes "
    "team or leaves (CIS AWS 1.15). LOW: it is an access-management hygiene problem, not an exposure by itself. "
    "Flags `aws_iam_user_policy`, `aws_iam_user_policy_attachment`, and `aws_iam_policy_attachment` with a "
    "non-empty `users` list.",
    references=References(checkov=("CKV_AWS_40",), trivy=("AVD-AWS-0143",)),
    check=check,
)
