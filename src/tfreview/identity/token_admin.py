"""`tfreview tokens create|list|revoke|revoke-all`: functions over the Tokens port (the CLI parses and prints).

`create_token` is the only place a secret exists in clear (its return value): the CLI prints it once.
`list_tokens` / `format_tokens` show ids, tenants, scopes and states only — no secret is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TextIO

from tfreview.core.errors import ConfigError, InputError
from tfreview.core.tenant_names import CASE_FOLDED_KINDS, folded_tenant
from tfreview.plumbing.clock import utcnow
from tfreview.ports.records import ApiToken, Scope
from tfreview.ports.service import Tokens

MAX_EXPIRY_DAYS = 3650
MAX_NAME_LENGTH = 100
MAX_TENANT_LENGTH = 200


def canonical_tenant(tenant_id: str) -> str:
    """The tenant as the service stores it: trimmed, printable ASCII only (a lookalike such as `github:１` or a
    Cyrillic `а` would name another, empty tenant that reads like a real one), and a GitHub or Spacelift tenant in
    lower case, as the webhooks spell it. InputError otherwise."""
    tenant_id = tenant_id.strip()
    if not tenant_id or len(tenant_id) > MAX_TENANT_LENGTH or any(c.isspace() for c in tenant_id):
        raise InputError(f"tenant must be 1–{MAX_TENANT_LENGTH} characters without spaces, e.g. github:123")
    if not all("!" <= c <= "~" for c in tenant_id):
        raise InputError("tenant must be printable ASCII (no lookalike letters or digits), e.g. github:123")
    return folded_tenant(
        tenant_id
    )  # a token for `spacelift:Acme` is one for the tenant its webhooks call `spacelift:acme`


def create_token(
    tokens: Tokens,
    tenant_id: str,
    scope: str | Scope,
    name: str,
    expires_at: datetime | None = None,
    *,
    expires_in_days: int | None = None,
    out: TextIO | None = None,
    now: Callable[[], datetime] = utcnow,
    same_tenant: bool = False,
) -> tuple[ApiToken, str]:
    """Create a token; (record, secret). The secret exists only in this return value (and on `out`,
    when given): show it once. InputError on a bad tenant, name, scope or expiry. The tenant is stored as
    `canonical_tenant` spells it; `same_tenant`: exactly as given (a rotated token keeps its old token's tenant)."""
    tenant_id = tenant_id if same_tenant else canonical_tenant(tenant_id)
    name = name.strip()
    # printable: `tokens list` writes it on the operator's terminal (an escape sequence, a forged row); the
    # tenant is printable ASCII already (`canonical_tenant`)
    if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise InputError(f"name must be one printable line of 1–{MAX_NAME_LENGTH} characters")
    try:
        granted = Scope(scope)
    except ValueError:
        raise InputError(f"scope must be one of {', '.join(s.value for s in Scope)}") from None
    if expires_in_days is not None:
        if expires_at is not None:
            raise InputError("give an expiry date or a number of days, not both")
        if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            raise InputError(f"--expires-in-days must be between 1 and {MAX_EXPIRY_DAYS}")
        expires_at = now() + timedelta(days=expires_in_days)
    elif expires_at is not None and _aware(expires_at) <= now():
        raise InputError("the expiry must be in the future")
    token, secret = tokens.create(tenant_id, granted, name, expires_at)
    if out is not None:
        expiry = token.expires_at.isoformat(timespec="seconds") if token.expires_at else "never"
        out.write(
            f"created token {token.id} for {token.tenant_id} (scope {token.scope.value}, expires {expiry})\n"
            f"{secret}\n"
            "This secret is shown only once; store it now. Use it as `Authorization: Bearer <secret>`.\n"
        )
    return token, secret


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def token_state(token: ApiToken, now: datetime) -> str:
    """The state shown in `tokens list`: revoked, expired or active."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and _aware(token.expires_at) <= now:
        return "expired"
    return "active"


def list_tokens(tokens: Tokens, tenant_id: str | None = None) -> list[ApiToken]:
    """Every token (of one tenant, when given), oldest first. There are no secrets to show: none is stored."""
    found = tokens.list(None)
    if tenant_id is not None and tenant_id.strip():
        spellings = _spellings(tokens, tenant_id)
        found = [token for token in found if token.tenant_id in spellings]
    return sorted(found, key=lambda token: (token.tenant_id, token.created_at, token.id))


def format_tokens(found: list[ApiToken], now: datetime) -> str:
    """The `tokens list` table: id, tenant, scope, state, expiry, last use, name."""
    from tfreview.render.digest import one_line

    if not found:
        return "no tokens\n"
    rows = [("ID", "TENANT", "SCOPE", "STATE", "EXPIRES", "LAST USED", "NAME")]
    for token in found:
        rows.append(
            (
                token.id,
                token.tenant_id,
                token.scope.value,
                token_state(token, now),
                token.expires_at.isoformat(timespec="seconds") if token.expires_at else "never",
                token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "-",
                one_line(token.name),  # a name stored before names had to be printable
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def revoke_all_tokens(tokens: Tokens, tenant_id: str, scope: str | None = None) -> list[str]:
    """Revoke every live token of a tenant (of one scope when given): the ids revoked. ConfigError on a bad
    tenant or scope (before anything is written)."""
    tenant_id = tenant_id.strip()
    if not tenant_id:
        raise ConfigError("--tenant names the tenant whose tokens are revoked, e.g. github:123 or spacelift:acme")
    try:
        chosen = Scope(scope) if scope is not None else None
    except ValueError:
        raise ConfigError(f"unknown scope {scope!r}; one of: read, write, admin") from None
    revoked: list[str] = []
    for spelling in sorted(_spellings(tokens, tenant_id)):
        revoked += tokens.revoke_all(spelling, chosen)
    return revoked


def _spellings(tokens: Tokens, tenant_id: str) -> set[str]:
    """Every spelling a token of this tenant is stored under: what was given (trimmed), as `create_token` stores
    it now, and, for a GitHub or Spacelift tenant, any case a token made before the case folding kept
    (`spacelift:Acme` still authenticates: `tokens list` and `revoke-all` must find it under either spelling)."""
    given = tenant_id.strip()
    try:
        canonical = canonical_tenant(given)
    except InputError:  # no tenant at all: only what was given
        return {given}
    spellings = {given, canonical}
    if canonical.startswith(CASE_FOLDED_KINDS):
        spellings |= {t.tenant_id for t in tokens.list(None) if t.tenant_id.lower() == canonical}
    return spellings


def revoke_token(tokens: Tokens, token_id: str) -> bool:
    """Revoke at once (the next request with it gets 401); False when there is no such token."""
    token_id = token_id.strip()
    return bool(token_id) and tokens.revoke(token_id)
