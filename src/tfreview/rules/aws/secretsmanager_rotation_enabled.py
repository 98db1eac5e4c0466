"""Secrets Manager secrets should rotate automatically: a rotation resource (or the legacy inline rules)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot, coexists
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
    linked = snapshot.linked(resource, _ROTATION, "secret_id", ("id", "arn"))
    if not all(map(_cancels, linked)):
        return  # a rotation that rotates refers to it (one that cancels does not count, ADR 0505)
    # keyed by the secret's condition: only a rotation there whenever the secret is counts (ADR 0361)
    if snapshot.memo(("secret-rotation-unlinked", *resource.condition), lambda: _has_unlinked(resource, snapshot)):
        return  # a rotation whose secret is known only after apply may be this one's: no guess
    if linked:
        yield Hit("", _cancelled_message(linked[0]))
        return
    gated = _gated(resource, snapshot)
    if gated:
        yield Hit("", _gated_message(resource, gated), unset=True)
        return
    yield Hit("", f"the secret never rotates: no `{_ROTATION}` refers to it", unset=True)


def _cancels(rotation: Resource) -> bool:
    """True when the rotation turns rotation off: `rotation_enabled = false` (an argument in the AWS provider's
    latest source, Optional and Computed; before, an attribute only) with no `rotation_rules`, which the provider
    then requires absent, and calls CancelRotateSecret. A false beside `rotation_rules` is the state's stale value
    (rotation cancelled outside Terraform) that this apply turns back on; an unknown value may be true."""
    enabled = rotation.get("rotation_enabled")
    return (enabled is False or enabled == "false") and not rotation.get("rotation_rules")


def _cancelled_message(rotation: Resource) -> str:
    return (
        f"the secret never rotates: `{rotation.config_address}` refers to it with `rotation_enabled = false`, "
        "which cancels its rotation"
    )


def _gated(secret: Resource, snapshot: Snapshot) -> list[Resource]:
    """Rotations that refer to the secret but exist only when a caller sets variables the secret does without
    (`count = var.enable_rotation ? 1 : 0`, defaulting false): `Snapshot.linked` leaves them out (ADR 0361)."""
    known = {v for v in (secret.get("id"), secret.get("arn")) if isinstance(v, str) and v}
    return [
        rotation
        for rotation in snapshot.of_type(_ROTATION)
        if not coexists(rotation, secret)
        and not _cancels(rotation)
        and (secret.config_address in rotation.refs("secret_id") or _text(rotation.get("secret_id")) in known)
    ]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _gated_message(secret: Resource, gated: list[Resource]) -> str:
    rotation = gated[0]
    names = [name for name in rotation.condition if name not in secret.condition]
    verb, its = ("is", "its default leaves") if len(names) == 1 else ("are", "their defaults leave")
    return (
        f"the secret does not rotate unless {' and '.join(names)} {verb} set: `{rotation.config_address}` refers "
        f"to it, but {its} that rotation out"
    )


def _has_unlinked(secret: Resource, snapshot: Snapshot) -> bool:
    return any(
        rotation.get("secret_id") is UNKNOWN
        and not _cancels(rotation)
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
    "`rotation_lambda_arn`. A rotation that sets `rotation_enabled = false` without `rotation_rules` (the AWS "
    "provider's latest releases let it be set, to cancel the rotation AWS turns on for a secret it manages, such as "
    "an RDS master password) turns rotation off and does not count: the message names it. A rotation that exists "
    "only when a caller sets a variable (`count = var.enable_rotation ? 1 : 0`, defaulting to false) does not "
    "count: the secret every caller gets does not rotate, and the message names the variable and the rotation. "
    "When some rotation's `secret_id` is known only "
    "after apply and comes through a module variable or a local, it may be any secret's, and the rule stays silent "
    "rather than guess. How often "
    "a configured rotation runs is TFR-AWS-182's concern.",
    defaults=(("rotation", "none: a secret is not rotated unless a rotation is configured"),),
    references=References(checkov=("CKV2_AWS_57",)),
    check=check,
)
