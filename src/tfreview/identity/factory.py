"""Building the authenticator from the identity settings (what `tfreview.wiring` calls)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tfreview.identity.authenticator import BearerAuthenticator
from tfreview.identity.settings import AuthSettings
from tfreview.ops.recorder import Recorder
from tfreview.ports.service import Tenants, Tokens

if TYPE_CHECKING:
    import httpx

    from tfreview.identity.jwks import JwksCache


def jwks_url(settings: AuthSettings) -> str | None:
    """The JWKS URL: configured, or `<issuer>/.well-known/jwks.json` (Amazon Cognito's layout too)."""
    if settings.oidc_jwks_url:
        return settings.oidc_jwks_url
    if settings.oidc_issuer:
        return settings.oidc_issuer.rstrip("/") + "/.well-known/jwks.json"
    return None


def build_authenticator(
    settings: AuthSettings,
    tokens: Tokens,
    http: httpx.Client,
    metrics: Recorder | None = None,
    tenants: Tenants | None = None,
) -> tuple[BearerAuthenticator, JwksCache | None]:
    """The authenticator, and the JWKS cache to register as a health check (None without OIDC). `tenants`: an
    OIDC claim spelt otherwise than folded keeps its spelling when data is stored under it (ADR 0586)."""
    url = jwks_url(settings)
    if url is None:
        return BearerAuthenticator(None, tokens), None
    # here: without OIDC a process imports neither PyJWT nor cryptography for it (ADR 0667)
    from tfreview.identity.jwks import JwksCache
    from tfreview.identity.oidc import OidcVerifier

    jwks = JwksCache(
        url,
        http,
        timeout=settings.jwks_timeout_seconds,
        refresh_min_interval=settings.jwks_refresh_min_interval_seconds,
        max_stale=settings.jwks_max_stale_seconds,
        metrics=metrics,
    )
    known = (lambda tenant_id: tenants.get(tenant_id) is not None) if tenants is not None else None
    return BearerAuthenticator(OidcVerifier(settings, jwks, known_tenant=known), tokens), jwks
