"""OIDC bearer tokens (JWTs) verified against the issuer's JWKS, RFC 8725 style.

Nothing in the token is trusted before its signature checks out: the header's `alg` must be on the
allow-list AND fit the key the JWKS publishes under the header's `kid` (an RSA key verifies RS*/PS*
only, an EC key the ES* of its curve, a key with its own `alg` only that one). Claims are then
checked here, not by PyJWT, so the clock can be injected and every rejection has one short reason:
`iss` exact, `exp`/`nbf`/`iat` with at most 60 s leeway, and either `aud` (generic OIDC, ID-token
style audiences) or Amazon Cognito's access-token pair `client_id` + `token_use=access`. An ID token
(`token_use=id`) never passes on the API. Every rejection is AuthError(401); its message never holds
the token or any value taken from it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

import jwt
from jwt.exceptions import PyJWTError

from tfreview.core.errors import AuthError, ConfigError
from tfreview.core.tenant_names import folded_tenant, is_lookalike
from tfreview.identity.jwks import JwksCache, SigningKey
from tfreview.identity.settings import AuthSettings
from tfreview.ports.records import Principal, Scope

MAX_TOKEN_LENGTH = 16 * 1024
MAX_TENANT_LENGTH = 200
_log = logging.getLogger("tfreview.identity")
_MAX_KNOWN: Final = 10_000  # claimed spellings remembered (a flood of distinct claims starts the map afresh)

# Asymmetric algorithms only: the keys come from a public JWKS, so an HMAC "secret" would be public.
_ALGORITHMS_BY_KEY: dict[tuple[str, str | None], frozenset[str]] = {
    ("RSA", None): frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}),
    ("EC", "P-256"): frozenset({"ES256"}),
    ("EC", "P-384"): frozenset({"ES384"}),
    ("EC", "P-521"): frozenset({"ES512"}),
    ("EC", "secp256k1"): frozenset({"ES256K"}),
    ("OKP", "Ed25519"): frozenset({"EdDSA"}),
}
SUPPORTED_ALGORITHMS = frozenset().union(*_ALGORITHMS_BY_KEY.values())

_SCOPE_NAMES: dict[str, Scope] = {}
for _scope in Scope:
    for _name in (_scope.value, f"tfreview:{_scope.value}", f"tfreview/{_scope.value}"):
        _SCOPE_NAMES[_name] = _scope


def key_allows(key: SigningKey, alg: str) -> bool:
    """True when `alg` is an algorithm this key may verify (never decided by the token alone)."""
    if key.declared_alg is not None and key.declared_alg != alg:
        return False
    curve = None if key.kty == "RSA" else key.curve
    return alg in _ALGORITHMS_BY_KEY.get((key.kty, curve), frozenset())


def scope_from_claim(value: object) -> Scope:
    """The highest tfreview scope named in a space-separated string (or a list): read by default."""
    if isinstance(value, str):
        names = value.split()
    elif isinstance(value, list):
        names = [item for item in value if isinstance(item, str)]
    else:
        names = []
    scopes = [_SCOPE_NAMES[name] for name in names if name in _SCOPE_NAMES]
    granted = Scope.READ
    for scope in scopes:
        if scope.allows(granted):
            granted = scope
    return granted


def _reject(reason: str, *, kind: str = "invalid") -> AuthError:
    return AuthError(reason, status=401, reason=kind)


def _is_number(value: object) -> bool:
    """A time claim's value: a finite JSON number. NaN compares false with every time and Infinity (`1e400` as
    JSON readers read it) with none: a token whose `exp` is either never expired (ADR 0681)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))  # isfinite(10**400) raises


class OidcVerifier:
    """Verifies OIDC access tokens (and audience-bound tokens) from one issuer."""

    def __init__(
        self,
        settings: AuthSettings,
        jwks: JwksCache,
        *,
        clock: Callable[[], float] = time.time,
        known_tenant: Callable[[str], bool] | None = None,
    ) -> None:
        """`known_tenant`: whether data is stored under a tenant spelt exactly so (the Tenants store)."""
        if not settings.oidc_issuer:
            raise ConfigError("auth.oidc_issuer is required for OIDC")
        if not settings.oidc_audience and not settings.oidc_client_id:
            raise ConfigError("OIDC needs auth.oidc_audience or auth.oidc_client_id (Amazon Cognito access tokens)")
        unsupported = sorted(set(settings.algorithms) - SUPPORTED_ALGORITHMS)
        if unsupported:
            raise ConfigError(
                f"auth.algorithms: {', '.join(unsupported)} not allowed; "
                f"use asymmetric algorithms ({', '.join(sorted(SUPPORTED_ALGORITHMS))})"
            )
        if not settings.algorithms:
            raise ConfigError("auth.algorithms must name at least one algorithm")
        if not 0 <= settings.leeway_seconds <= 60:
            raise ConfigError("auth.leeway_seconds must be between 0 and 60")
        self._settings = settings
        self._issuer = settings.oidc_issuer
        self._algorithms = frozenset(settings.algorithms)
        self._jwks = jwks
        self._clock = clock
        self._known_tenant = known_tenant
        self._known: dict[str, bool] = {}  # claims not spelt as folded: whether data is stored under them

    def verify(self, token: str) -> Principal:
        """The caller this token names. Raises AuthError(401), or KeysUnavailable when no keys can be had."""
        claims = self._verified_claims(token)
        self._check_claims(claims)
        return self._principal(claims)

    # --- signature --------------------------------------------------------------------------------

    def _verified_claims(self, token: str) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_LENGTH:
            raise _reject("token too large")
        try:
            header = jwt.get_unverified_header(token)
        except PyJWTError:
            raise _reject("malformed token") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise _reject("token algorithm not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _reject("token has no key id")
        key = self._jwks.key_for(kid)  # KeysUnavailable propagates: 503, not 401
        if key is None:
            raise _reject("token signed by an unknown key")
        if not key_allows(key, alg):
            raise _reject("token algorithm does not match its key")
        try:
            claims = jwt.decode(
                token,
                key.jwk.key,
                algorithms=[alg],
                options={
                    "verify_signature": True,
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                    "verify_sub": False,
                    "verify_jti": False,
                },
            )
        except jwt.InvalidSignatureError:
            raise _reject("token signature is invalid") from None
        except PyJWTError:
            raise _reject("malformed token") from None
        return claims

    # --- claims -----------------------------------------------------------------------------------

    def _check_claims(self, claims: Mapping[str, Any]) -> None:
        for name in ("iss", "sub", "exp"):
            if name not in claims:
                raise _reject(f"token lacks the {name} claim")
        if claims["iss"] != self._issuer:
            raise _reject("token issuer is not trusted")
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise _reject("token subject is invalid")
        now = self._clock()
        leeway = self._settings.leeway_seconds
        exp = claims["exp"]
        if not _is_number(exp):
            raise _reject("token exp claim is not a number")
        if exp <= now - leeway:
            raise _reject("token expired", kind="expired")
        for name in ("nbf", "iat"):
            if claims.get(name) is not None and not _is_number(claims[name]):
                raise _reject(f"token {name} claim is not a number")
        nbf = claims.get("nbf")
        if nbf is not None and nbf > now + leeway:
            raise _reject("token not yet valid")
        iat = claims.get("iat")
        if iat is not None and iat > now + leeway:
            raise _reject("token issued in the future")
        self._check_audience(claims)

    def _check_audience(self, claims: Mapping[str, Any]) -> None:
        token_use = claims.get("token_use")
        if token_use == "id":
            raise _reject("ID tokens are not accepted; send an access token")
        if token_use is not None and token_use != "access":
            raise _reject("token_use is not access")
        audience = self._settings.oidc_audience
        if audience is not None and "aud" in claims:
            aud = claims["aud"]
            audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
            if audience in audiences:
                return
        client_id = self._settings.oidc_client_id
        if client_id is not None and token_use == "access" and claims.get("client_id") == client_id:
            return
        if token_use == "access" and "aud" not in claims:
            raise _reject("token client_id does not match")
        raise _reject("token audience does not match")

    def _principal(self, claims: Mapping[str, Any]) -> Principal:
        scope = scope_from_claim(claims.get(self._settings.scope_claim))
        tenant = claims.get(self._settings.tenant_claim)
        if tenant is None:
            if scope is Scope.ADMIN:
                return Principal(subject=claims["sub"], tenant_id=None, scope=scope, kind="oidc")
            raise AuthError("token is not bound to a tenant", status=403)
        if not isinstance(tenant, str) or not tenant or len(tenant) > MAX_TENANT_LENGTH or _has_control(tenant):
            # a control character names no tenant (and PostgreSQL's text cannot hold NUL: its driver raised, a 500)
            raise _reject("token tenant claim is invalid")
        return Principal(subject=claims["sub"], tenant_id=self._tenant(tenant), scope=scope, kind="oidc")

    def _tenant(self, claimed: str) -> str:
        """The tenant a claim names, spelled as the webhooks and tokens spell it (ADR 0586): `github:owner:Octo` is
        `github:owner:octo`. Unless data is stored under the claim's own spelling (written before the folding, on a
        store no migration re-keyed): then that spelling, so what the tenant stored stays visible to it. A claim that
        reads as a GitHub or Spacelift tenant but is not printable ASCII (`github:owner:ｏｃｔｏ`) names no tenant
        the webhooks name: refused as `tokens create` refuses it, unless data is stored under it (ADR 0605)."""
        folded = folded_tenant(claimed)
        lookalike = is_lookalike(claimed)
        if not lookalike and (folded == claimed or self._known_tenant is None):
            return folded
        if self._stored_under(claimed):
            return claimed
        if lookalike:
            raise _reject("token tenant claim is invalid")
        return folded

    def _stored_under(self, claimed: str) -> bool:
        """Whether the tenant registry holds a tenant spelt exactly `claimed` (remembered per spelling); False when
        there is no registry or it cannot be read (not remembered: asked again next time)."""
        if self._known_tenant is None:
            return False
        known = self._known.get(claimed)
        if known is None:
            try:
                known = self._known_tenant(claimed)
            except Exception as exc:  # the store is down: the folded spelling, not an error for a valid token
                _log.warning("tenant look-up failed: %s", type(exc).__name__)
                return False
            if len(self._known) >= _MAX_KNOWN:
                self._known.clear()
            self._known[claimed] = known
        return known


def _has_control(text: str) -> bool:
    return any(ord(character) < 0x20 or ord(character) == 0x7F for character in text)
