"""`Authorization: Bearer …` → Principal, and the two authorisation questions every route asks.

`tfr_…` credentials are API tokens (looked up through the Tokens port: hashed, scoped, expiring,
revocable); any other bearer credential is an OIDC JWT. Failures are AuthError(401); an insufficient
scope is AuthError(403); no signing keys at all is KeysUnavailable (503). No message ever holds the
credential.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from tfreview.core.errors import AuthError
from tfreview.ports.records import Principal, Scope
from tfreview.ports.service import Tokens

if TYPE_CHECKING:  # PyJWT and cryptography: imported where OIDC is configured (ADR 0667)
    from tfreview.identity.oidc import OidcVerifier

logger = logging.getLogger("tfreview.identity")

API_TOKEN_PREFIX = "tfr_"
MAX_CREDENTIAL_LENGTH = 16 * 1024
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")  # RFC 6750 b64token


class BearerAuthenticator:
    """The Authenticator port: API tokens first (by prefix), then OIDC when configured."""

    def __init__(self, verifier: OidcVerifier | None, tokens: Tokens) -> None:
        self._verifier = verifier
        self._tokens = tokens

    def authenticate(self, authorization: str | None) -> Principal:
        credential = bearer_credential(authorization)
        if credential.startswith(API_TOKEN_PREFIX):
            return self._api_token(credential)
        if self._verifier is None:
            raise _reject("OIDC is not configured; use an API token")
        return self._verifier.verify(credential)

    def _api_token(self, secret: str) -> Principal:
        token = self._tokens.verify(secret)  # None when unknown, expired (by the store's clock) or revoked
        if token is None or token.revoked_at is not None:
            # the same answer whatever the cause; the cause only goes to the metrics (a revoked token in use)
            raise _reject("invalid, expired or revoked API token", kind=self._tokens.rejection(secret))
        return Principal(subject=f"token:{token.id}", tenant_id=token.tenant_id, scope=token.scope, kind="token")


def bearer_credential(authorization: str | None) -> str:
    """The credential of an `Authorization: Bearer <credential>` header; AuthError(401) otherwise."""
    if authorization is None or not authorization.strip():
        raise _reject("missing Authorization header", kind="missing")
    scheme, _, credential = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise _reject("Authorization header must use the Bearer scheme")
    credential = credential.strip()
    if not credential:
        raise _reject("missing bearer credential", kind="missing")
    if len(credential) > MAX_CREDENTIAL_LENGTH or not _TOKEN68.fullmatch(credential):
        raise _reject("malformed bearer credential")
    return credential


def require(principal: Principal, scope: Scope) -> None:
    """AuthError(403) unless the principal's scope covers `scope` (admin ⊇ write ⊇ read)."""
    if not principal.scope.allows(scope):
        logger.info("%s denied: needs the %s scope, has %s", principal.kind, scope.value, principal.scope.value)
        raise AuthError(f"this action needs the {scope.value} scope", status=403)


def visible_tenant(principal: Principal) -> str | None:
    """The tenant every query of this principal is scoped to; None only for a cross-tenant admin."""
    if principal.tenant_id is None and principal.scope is not Scope.ADMIN:
        raise AuthError("credential is not bound to a tenant", status=403)
    return principal.tenant_id


def _reject(reason: str, *, kind: str = "invalid") -> AuthError:
    return AuthError(reason, status=401, reason=kind)
