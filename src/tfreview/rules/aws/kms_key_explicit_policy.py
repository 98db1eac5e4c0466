"""A customer managed KMS key should say who may administer and use it: an explicit key policy."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_POLICY = "aws_kms_key_policy"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    if resource.setting("policy") is not Setting.UNSET:
        return  # written (known or not): the key has its own policy
    if snapshot.linked(resource, _POLICY, "key_id", ("key_id", "id", "arn")):
        return
    # keyed by the key's condition: only a policy there whenever the key is counts (ADR 0361)
    if snapshot.memo(("kms-policy-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # a key policy whose key is known only after apply may be this key's: no guess
    yield _HIT


# hits are frozen: every key shares this one (ADR 0449)
_HIT = Hit(
    "",
    "no key policy: AWS applies the default one, which lets any principal of the account that an IAM "
    "policy allows administer and use the key",
)


def _has_unlinked(key: Resource, snapshot: Snapshot) -> bool:
    return any(
        policy.get("key_id") is UNKNOWN
        and not any(ref.split(".")[-2:-1] == ["aws_kms_key"] for ref in policy.refs("key_id"))
        for policy in snapshot.present_with(key, _POLICY)
    )


RULE = Rule(
    id="TFR-AWS-259",
    long_id="aws-kms-key-explicit-policy",
    title="KMS key has no key policy of its own (the default key policy applies)",
    severity=Severity.LOW,
    provider="aws",
    category="iam",
    resource_types=("aws_kms_key",),
    remediation="Write the key's `policy` (or an `aws_kms_key_policy` with `key_id = aws_kms_key.<name>.id`): "
    "keep the account root statement if IAM policies must keep working, and name the key administrators "
    "(`kms:Create*`, `kms:Put*`, `kms:ScheduleKeyDeletion`, …) and the roles and services that use it "
    "(`kms:Encrypt`, `kms:Decrypt`, `kms:GenerateDataKey*`) separately.",
    description="Without `policy`, AWS KMS attaches the default key policy: one statement giving the account "
    '(`arn:aws:iam::<account>:root`) `kms:*` on the key (AWS KMS Developer Guide, "Default key policy"; the '
    "provider documents that AWS applies it when `policy` is not set). Who may decrypt the data, change the "
    "policy or schedule the key's deletion is then decided by IAM policies anywhere in the account, so any "
    "role granted `kms:*` on `*` — common in administrator and CI policies — can read every secret the key "
    "protects; key administrators and key users are not separated. Low: nothing outside the account gains "
    "access. A key counts as having a policy when `policy` is written (even if known only after apply) or an "
    "`aws_kms_key_policy` points at it (by reference or by its id or ARN); when some key policy's `key_id` is "
    "known only after apply and comes through a variable, it may be this key's and the rule stays silent. In a plan, "
    "a key that already exists shows the policy AWS returns (the default one too) and is not judged: only keys the "
    "change creates, or HCL, show that no policy was written.",
    defaults=(("policy", "none: AWS applies the default key policy (the account root gets kms:*)"),),
    references=References(checkov=("CKV2_AWS_64",)),
    check=check,
)
