"""Secrets Manager secrets should rotate automatically: a rotation resource (or the legacy inline rules)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_ROTATION = "aws_secretsmanager_secret_rotation"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    inline = resource.get("rotation_rules")
    setting = resource.setting_of("rotation_rules", inline)
    if setting is Setting.UNKNOWN or (setting is Setting.SET and resource.blocks("rotation_rules")):
        return  # AWS provider < 5: inline rotation on the secret (or a `dynamic` block we cannot expand)
    if resource.get("rotation_lambda_arn") not in (None, ""):
        return  # AWS provider < 5: the inline rotation function
    if snapshot.linked(resource, _ROTATION, "secret_id", ("id", "arn")):
        return
    # keyed by the secret's condition: only a rotation there whenever the secret is counts (ADR 0361)
    if snapshot.memo(("secret-rotation-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # a rotation whose secret is known only after apply may be this one's: no guess
    yield Hit("", f"the secret never rotates: no `{_ROTATION}` refers to it", unset=True)


def _has_unlinked(secret: Resource, snapshot: Snapshot) -> bool:
    return any(
        rotation.get("secret_id") is UNKNOWN
        and not any(ref.split(".")[-2:-1] == ["aws_secretsmanager_secret"] for ref in rotation.refs("secret_id"))
        for rotation in snapshot.present_with(secret, _ROTATION)
    )


RULE = Rule(
    id="TFR-AWS-255",
    long_id="aws-secretsmanager-rotation-enabled",
    title="Secrets Manager secret does not rotate automatically",
    severity=Severity.LOW,
    provider="aws",
    category="secrets",
    resource_types=("aws_secretsmanager_secret",),
    remediation=f"Add an `{_ROTATION}` with `secret_id = aws_secretsmanager_secret.<name>.id`, a rotation "
    "function (`rotation_lambda_arn`; AWS publishes templates for RDS, Redshift and DocumentDB) and "
    "`rotation_rules { automatically_after_days = 30 }`; or, for a secret managed by its service, let RDS or "
    "Redshift manage the master password (`manage_master_user_password = true`) instead of a secret of your own.",
    description="A secret that never rotates stays valid for as long as anyone who ever read it, or any copy "
    "that leaked, keeps it. Secrets Manager rotates a secret only when rotation is configured: the AWS "
    "provider creates none (AWS Security Hub SecretsManager.1). Low: a hygiene control, and some third-party "
    f"credentials cannot be rotated by a function. A secret passes with an `{_ROTATION}` pointing at it (by "
    "reference, id or ARN) or, with AWS provider versions before 5, inline `rotation_rules` / "
    "`rotation_lambda_arn`. When some rotation's `secret_id` is known only after apply and comes through a "
    "module variable or a local, it may be any secret's, and the rule stays silent rather than guess. How often "
    "a configured rotation runs is TFR-AWS-182's concern.",
    defaults=(("rotation", "none: a secret is not rotated unless a rotation is configured"),),
    references=References(checkov=("CKV2_AWS_57",)),
    check=check,
)
