"""The identity section of the settings (`TFREVIEW_AUTH__*`), owned by the adapter that reads it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tfreview.plumbing.secret_setting import SecretSetting


class AuthSettings(BaseModel):
    """OIDC (any issuer with a JWKS; Amazon Cognito included) and API tokens."""

    oidc_issuer: str | None = None  # e.g. https://cognito-idp.<region>.amazonaws.com/<pool id>; unset: API tokens only
    oidc_jwks_url: str | None = None  # default: <issuer>/.well-known/jwks.json
    oidc_audience: str | None = None  # ID tokens / generic access tokens: the `aud` claim
    oidc_client_id: str | None = None  # Cognito access tokens: `client_id` claim and token_use=access
    algorithms: list[str] = ["RS256"]  # allow-list; `none` and HS* are never accepted
    leeway_seconds: int = Field(default=60, ge=0, le=60)  # clock skew allowed on exp/nbf (at most 60 s)
    # every JWKS and sign-in call's whole deadline (ADR 0508): 0 or less failed them all, NaN with a ValueError
    jwks_timeout_seconds: float = Field(default=5.0, gt=0, allow_inf_nan=False)  # no keys in time on a cold cache: 503
    # finite and not negative: -1 or NaN took every random `kid` to the issuer, NaN kept stale keys forever
    jwks_refresh_min_interval_seconds: float = Field(
        default=60.0, ge=0, allow_inf_nan=False, description="unknown `kid`: at most one JWKS fetch per interval"
    )
    jwks_max_stale_seconds: float = Field(
        default=3600.0, ge=0, allow_inf_nan=False, description="keep cached keys this long while the issuer is down"
    )
    tenant_claim: str = "tfreview:tenant"  # the token claim naming the tenant
    scope_claim: str = "scope"  # space-separated: read, write, admin (or tfreview:… forms)
    # dashboard sign-in (authorization code + PKCE); the endpoints come from the issuer's discovery document
    oidc_client_secret: SecretSetting | None = None  # a confidential app client (Cognito with a secret); unset: public
    oidc_sign_in_scopes: str = "openid"  # asked for at sign-in; the access token must carry the tenant claim
    oidc_authorization_endpoint: str | None = None  # override of discovery's authorization_endpoint
    oidc_token_endpoint: str | None = None  # override of discovery's token_endpoint
