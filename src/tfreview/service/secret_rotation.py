"""`tfreview secrets rotate KIND`: walk a rotation and verify it (issue 11 K4, ADR 0122).

* `github-webhook`, `spacelift-webhook`: the versions document named by `webhook_secrets_from` (a file)
  gets a new random version first; every version without an end gets `not_after = now + overlap`, so both
  sign during the overlap and the old one stops by itself. The file is replaced atomically (mode 0600).
  Verification: the settings are built again from the document and a body signed with the new version is
  accepted by the same check the webhook route uses; the old version is still accepted until its end.
  The running processes take it on SIGHUP or within `secrets.reload_seconds`; the sender (GitHub App
  settings, the Spacelift webhook) is changed by hand — the command prints the steps.
* `api-token`: a new token with the same tenant, scope and name; verified by authenticating with it; the
  old one keeps working until `tfreview tokens revoke ID` (printed), so clients can move first.
* `github-app-key`, `model-key`: the steps to follow by hand (the new key comes from GitHub or the model
  vendor), then a check that every configured reference resolves.

The new secret is returned to the caller, which prints it once (like `tokens create`); nothing else is.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from tfreview.core.errors import ConfigError
from tfreview.identity.authenticator import BearerAuthenticator
from tfreview.identity.token_admin import create_token
from tfreview.plumbing.json_documents import NotJson, read_json
from tfreview.plumbing.secret_references import SecretSource, check_resolvable
from tfreview.ports.service import Tokens
from tfreview.service.webhook_signatures import signature_header
from tfreview.service.webhook_signatures import verify as verify_signature
from tfreview.settings import SecretVersion, Settings

WEBHOOK_KINDS = {"github-webhook": "github", "spacelift-webhook": "spacelift"}
MANUAL_KINDS = ("github-app-key", "model-key")
KINDS = (*WEBHOOK_KINDS, "api-token", *MANUAL_KINDS)
_PROBE = b'{"zen": "tfreview secrets rotate: verification"}'


@dataclass
class Rotation:
    kind: str
    new_secret: str | None = None  # shown once by the caller
    token_id: str | None = None  # api-token: the new token, revoked by the caller when its secret cannot be shown
    # a webhook's: puts the versions document back as it was, when the new secret cannot be shown (review16d)
    undo: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    steps: list[str] = field(default_factory=list)  # what to do by hand, in order
    checks: list[str] = field(default_factory=list)  # what was verified


def rotate_webhook(
    kind: str,
    settings: Settings,
    build: Callable[[], Settings],
    now: datetime,
    overlap: timedelta,
    account: str | None = None,
) -> Rotation:
    """Add a new version to the versions document; end the current ones (of `account` only, for a Spacelift
    document that serves several accounts) after `overlap`; verify; the new secret in the answer."""
    section = getattr(settings, WEBHOOK_KINDS[kind])
    spec = section.webhook_secrets_from
    if spec is None or not spec.startswith("file:"):
        variable = f"TFREVIEW_{WEBHOOK_KINDS[kind].upper()}__WEBHOOK_SECRETS_FROM"
        raise ConfigError(
            f"rotating {kind} rewrites its versions document: set {variable}=file:PATH (a JSON list of versions);"
            " with aws-sm, add the version in Secrets Manager (docs/howto/rotate-secrets.md)"
        )
    path = Path(spec.removeprefix("file:"))
    try:
        current = read_json(path.read_bytes())
    except (OSError, NotJson):
        raise ConfigError(f"{kind}: the versions document {path} cannot be read as JSON") from None
    if not isinstance(current, list):
        raise ConfigError(f"{kind}: the versions document {path} is not a JSON list")
    if kind == "spacelift-webhook":
        account = _account_for(current, account)
    elif account is not None:
        raise ConfigError("--account is for spacelift-webhook (a GitHub webhook secret serves every installation)")
    ends = (now + overlap).isoformat()
    kept = [_ending(v, ends, account) for v in current]
    new_secret = secrets.token_urlsafe(32)
    new_version: dict[str, object] = {"value": new_secret, "name": now.strftime("%Y-%m-%dT%H%MZ")}
    if account is not None:
        new_version["account"] = account
    _write_atomically(path, [new_version, *kept])
    rotation = Rotation(kind, new_secret=new_secret, undo=lambda: _write_atomically(path, current))
    fresh = build()
    versions: list[SecretVersion] = getattr(fresh, WEBHOOK_KINDS[kind]).webhook_secrets
    if not verify_signature(signature_header(new_secret.encode(), _PROBE), _PROBE, versions, now):
        raise ConfigError(f"{kind}: the new version is not accepted after the rotation; the document is {path}")
    rotation.checks.append(f"a body signed with the new version is accepted (document {path})")
    old = [v for v in versions[1:] if v.value.get_secret_value()]
    later = now + overlap - timedelta(seconds=1)
    if old and verify_signature(
        signature_header(old[0].value.get_secret_value().encode(), _PROBE), _PROBE, versions, later
    ):
        rotation.checks.append(f"the previous version is still accepted until {ends}")
    sender = (
        "the GitHub App's webhook secret (Settings → Developer settings → your App)"
        if kind == "github-webhook"
        else "the Spacelift webhook's secret (the notification policy's webhook endpoint)"
    )
    rotation.steps = [
        "send SIGHUP to every tfreview process (or wait secrets.reload_seconds)",
        f"set {sender} to the new secret printed above",
        f"watch deliveries arrive (tfreview_webhook_last_delivery_timestamp_seconds); the old version ends at {ends}",
    ]
    return rotation


def rotate_api_token(tokens: Tokens, token_id: str, now: datetime) -> Rotation:
    old = next((t for t in tokens.list() if t.id == token_id), None)
    if old is None or old.revoked_at is not None:
        raise ConfigError(f"no live token {token_id}; see `tfreview tokens list`")
    days = None
    if old.expires_at is not None:
        days = max(1, round((old.expires_at - old.created_at).total_seconds() / 86400))
    new, secret = create_token(tokens, old.tenant_id, old.scope.value, old.name, expires_in_days=days, same_tenant=True)
    principal = BearerAuthenticator(None, tokens).authenticate(f"Bearer {secret}")
    if principal.tenant_id != old.tenant_id or principal.scope is not old.scope:
        raise ConfigError(f"the new token {new.id} does not authenticate as {old.tenant_id} ({old.scope.value})")
    return Rotation(
        "api-token",
        new_secret=secret,
        token_id=new.id,
        checks=[f"new token {new.id} authenticates as {old.tenant_id} with scope {old.scope.value}"],
        steps=[
            "give the new secret printed above to the token's clients",
            f"then revoke the old one: tfreview tokens revoke {old.id}",
        ],
    )


def rotate_by_hand(kind: str, settings: Settings) -> Rotation:
    """GitHub App keys and model keys come from their vendor: the steps, then a check of the references."""
    if kind == "github-app-key":
        steps = [
            "GitHub → Settings → Developer settings → your App → Private keys → Generate a private key",
            "store the PEM where a reference can read it (a file, or AWS Secrets Manager)",
            "list it FIRST in TFREVIEW_GITHUB_APP__PRIVATE_KEYS, keep the old one after it, restart or SIGHUP",
            "run `tfreview reconcile --github-permissions` (signs with the new key), then delete the old key on GitHub"
            " and remove it from the list",
        ]
        found = [("TFREVIEW_GITHUB_APP__PRIVATE_KEYS", s) for s in settings.github_app.private_key_sources()]
    else:
        steps = [
            "create a new key in the model vendor's console",
            "write it where the provider's api_key reference points (file, env or aws-sm)",
            "nothing to restart: a provider re-reads its key on the first 401; then revoke the old key at the vendor",
        ]
        found = [
            (f"TFREVIEW_ADVISOR__PROVIDERS ({p.provider})", SecretSource.parse(p.api_key))
            for p in settings.advisor.providers
            if p.api_key
        ]
    check_resolvable(found)
    return Rotation(kind, steps=steps, checks=[f"{len(found)} configured reference(s) resolve"])


def _account_for(versions: list[object], asked: str | None) -> str | None:
    """The account the new Spacelift version serves: the one asked, else the document's only one."""
    accounts = {str(v["account"]).lower() for v in versions if isinstance(v, dict) and v.get("account")}
    if asked is not None:
        return asked.lower()
    if len(accounts) > 1:
        raise ConfigError(f"the versions document serves {len(accounts)} accounts: name one with --account")
    return accounts.pop() if accounts else None


def _ending(version: object, ends: str, account: str | None) -> object:
    """`version` with `not_after = ends` when it has no end and serves `account` (every version when None)."""
    if not isinstance(version, dict) or version.get("not_after"):
        return version
    if account is not None and str(version.get("account") or "").lower() not in ("", account):
        return version  # another account's secret is not part of this rotation
    return {**version, "not_after": ends}


def _write_atomically(path: Path, document: list[object]) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=".rotate-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
