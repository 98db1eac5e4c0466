"""OIDC verification: A1 (algorithm attacks), A2 (claims, leeway), tenant and scope from claims."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from tests.fakes.oidc import FakeOidcIssuer, hmac_token, new_private_key, unsigned_token
from tests.identity.conftest import FakeClock
from tfreview.core.errors import AuthError, ConfigError
from tfreview.identity.jwks import JwksCache, SigningKey
from tfreview.identity.oidc import OidcVerifier, key_allows, scope_from_claim
from tfreview.ports.records import Scope

NOW = 1_700_000_000.0


def _rejected(verifier: OidcVerifier, token: str) -> str:
    with pytest.raises(AuthError) as caught:
        verifier.verify(token)
    assert caught.value.status == 401
    return str(caught.value)


@pytest.fixture
def at_now(issuer: FakeOidcIssuer, jwks: JwksCache) -> OidcVerifier:
    """A verifier whose wall clock stands still at NOW."""
    return OidcVerifier(issuer.auth_settings(), jwks, clock=lambda: NOW)


# --- A1: algorithm attacks --------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_a1_alg_none_is_rejected(issuer: FakeOidcIssuer, verifier: OidcVerifier, alg: str) -> None:
    token = unsigned_token({"alg": alg, "typ": "JWT", "kid": issuer.kid_for("RS256")}, issuer.claims())
    assert _rejected(verifier, token) == "token algorithm not allowed"
    assert issuer.jwks_fetches == 0  # rejected before any key is looked up


def test_a1_hs256_signed_with_the_rsa_public_key_is_rejected(issuer: FakeOidcIssuer, verifier: OidcVerifier) -> None:
    kid = issuer.kid_for("RS256")
    public_pem = (
        issuer.key(kid)
        .private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    token = hmac_token({"alg": "HS256", "typ": "JWT", "kid": kid}, issuer.claims(), public_pem)
    assert _rejected(verifier, token) == "token algorithm not allowed"


def test_a1_hmac_algorithms_cannot_even_be_configured(issuer: FakeOidcIssuer, jwks: JwksCache) -> None:
    for algorithms in (["HS256"], ["RS256", "HS512"], ["none"], []):
        with pytest.raises(ConfigError):
            OidcVerifier(issuer.auth_settings(algorithms=algorithms), jwks)


def test_a1_rs512_rejected_when_only_rs256_is_allowed(issuer: FakeOidcIssuer, jwks: JwksCache) -> None:
    verifier = OidcVerifier(issuer.auth_settings(algorithms=["RS256"]), jwks)
    token = issuer.mint(alg="RS512", kid=issuer.kid_for("RS256"))
    assert _rejected(verifier, token) == "token algorithm not allowed"


def test_a1_rs512_rejected_when_the_jwk_declares_rs256(issuer: FakeOidcIssuer, jwks: JwksCache) -> None:
    verifier = OidcVerifier(issuer.auth_settings(algorithms=["RS256", "RS512"]), jwks)
    token = issuer.mint(alg="RS512", kid=issuer.kid_for("RS256"))
    assert _rejected(verifier, token) == "token algorithm does not match its key"


def test_a1_es256_signed_with_a_foreign_key_is_rejected(issuer: FakeOidcIssuer, verifier: OidcVerifier) -> None:
    foreign = new_private_key("ES256")
    token = issuer.mint(alg="ES256", kid=issuer.kid_for("ES256"), key=foreign)
    assert _rejected(verifier, token) == "token signature is invalid"
    token = issuer.mint(alg="ES256", kid="attacker-key", key=foreign)
    assert _rejected(verifier, token) == "token signed by an unknown key"


def test_a1_algorithm_must_fit_the_key_type(issuer: FakeOidcIssuer, verifier: OidcVerifier) -> None:
    es_key = issuer.key(issuer.kid_for("ES256")).private
    token = issuer.mint(alg="ES256", kid=issuer.kid_for("RS256"), key=es_key)  # ES256 under the RSA kid
    assert _rejected(verifier, token) == "token algorithm does not match its key"
    rs_key = issuer.key(issuer.kid_for("RS256")).private
    token = issuer.mint(alg="RS256", kid=issuer.kid_for("ES256"), key=rs_key)  # RS256 under the EC kid
    assert _rejected(verifier, token) == "token algorithm does not match its key"


def test_a1_tampered_payload_is_rejected(issuer: FakeOidcIssuer, verifier: OidcVerifier) -> None:
    head, _, signature = issuer.mint().split(".")
    forged = unsigned_token({"alg": "RS256", "kid": issuer.kid_for("RS256")}, issuer.claims({"scope": "admin"}))
    token = ".".join([head, forged.split(".")[1], signature])
    assert _rejected(verifier, token) == "token signature is invalid"


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c", "e30.e30.", "x" * 20_000],
    ids=["empty", "one-part", "two-parts", "garbage", "empty-header", "huge"],
)
def test_malformed_tokens_are_rejected(verifier: OidcVerifier, token: str) -> None:
    _rejected(verifier, token)


def test_header_without_kid_is_rejected(issuer: FakeOidcIssuer, verifier: OidcVerifier) -> None:
    token = unsigned_token({"alg": "RS256"}, issuer.claims(), b"sig")
    assert _rejected(verifier, token) == "token has no key id"


def test_key_allows_binds_each_key_to_its_algorithms() -> None:
    rsa = SigningKey(kid="r", kty="RSA", curve=None, declared_alg=None, jwk=None)  # type: ignore[arg-type]
    assert key_allows(rsa, "RS256")
    assert key_allows(rsa, "PS384")
    assert not key_allows(rsa, "HS256")
    assert not key_allows(rsa, "ES256")
    p256 = SigningKey(kid="e", kty="EC", curve="P-256", declared_alg="ES256", jwk=None)  # type: ignore[arg-type]
    assert key_allows(p256, "ES256")
    assert not key_allows(p256, "ES384")
    assert not key_allows(p256, "none")


# --- A2: claims ---------------------------------------------------------------------------------------


def test_a2_a_valid_token_gives_the_principal(issuer: FakeOidcIssuer, at_now: OidcVerifier) -> None:
    principal = at_now.verify(issuer.mint({"sub": "alice", "scope": "openid tfreview:write"}, now=NOW))
    assert principal.subject == "alice"
    assert principal.tenant_id == "github:1001"
    assert principal.scope is Scope.WRITE
    assert principal.kind == "oidc"


@pytest.mark.parametrize(("seconds_ago", "accepted"), [(59, True), (61, False), (60, False), (0, True)])
def test_a2_expiry_leeway_is_at_most_60_seconds(
    issuer: FakeOidcIssuer, at_now: OidcVerifier, seconds_ago: int, accepted: bool
) -> None:
    token = issuer.mint({"exp": int(NOW) - seconds_ago}, now=NOW - 3600)
    if accepted:
        assert at_now.verify(token).subject == "user-1"
    else:
        assert _rejected(at_now, token) == "token expired"


@pytest.mark.parametrize(("seconds_ahead", "accepted"), [(59, True), (61, False)])
def test_a2_not_before_leeway(issuer: FakeOidcIssuer, at_now: OidcVerifier, seconds_ahead: int, accepted: bool) -> None:
    token = issuer.mint({"nbf": int(NOW) + seconds_ahead, "iat": int(NOW)}, now=NOW)
    if accepted:
        assert at_now.verify(token).subject == "user-1"
    else:
        assert _rejected(at_now, token) == "token not yet valid"


def test_a2_leeway_cannot_be_configured_above_60_seconds(issuer: FakeOidcIssuer) -> None:
    with pytest.raises(ValueError, match="leeway_seconds"):
        issuer.auth_settings(leeway_seconds=61)


@pytest.mark.parametrize("setting", ["jwks_refresh_min_interval_seconds", "jwks_max_stale_seconds"])
@pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf")])
def test_a3_a4_jwks_intervals_refuse_negative_and_non_finite_values(
    issuer: FakeOidcIssuer, setting: str, value: float
) -> None:
    # -1 or NaN unthrottled the unknown-kid refresh (a fetch per random kid); NaN kept stale keys forever
    with pytest.raises(ValueError, match=setting):
        issuer.auth_settings(**{setting: value})
    assert getattr(issuer.auth_settings(**{setting: 0.0}), setting) == 0.0  # 0: no throttle / no stale keys


CLAIM_FAILURES: dict[str, tuple[dict[str, Any], str]] = {
    "wrong-iss": ({"iss": "https://evil.example"}, "token issuer is not trusted"),
    "iss-trailing-slash": ({"iss": "ISSUER/"}, "token issuer is not trusted"),
    "wrong-aud": ({"aud": "another-api"}, "token audience does not match"),
    "aud-list-without-ours": ({"aud": ["a", "b"]}, "token audience does not match"),
    "no-aud-no-client-id": ({"aud": None}, "token audience does not match"),
    "missing-sub": ({"sub": None}, "token lacks the sub claim"),
    "missing-exp": ({"exp": None}, "token lacks the exp claim"),
    "missing-iss": ({"iss": None}, "token lacks the iss claim"),
    "exp-not-a-number": ({"exp": "tomorrow"}, "token exp claim is not a number"),
    "exp-boolean": ({"exp": True}, "token exp claim is not a number"),
    "exp-nan": ({"exp": float("nan")}, "token exp claim is not a number"),  # never expired (ADR 0681)
    "exp-infinity": ({"exp": float("inf")}, "token exp claim is not a number"),
    "nbf-nan": ({"nbf": float("nan")}, "token nbf claim is not a number"),
    "nbf-string": ({"nbf": "0"}, "token nbf claim is not a number"),
    "iat-infinity": ({"iat": float("-inf")}, "token iat claim is not a number"),
    "iat-boolean": ({"iat": False}, "token iat claim is not a number"),
    "exp-huge-integer-expired": ({"exp": -(10**400)}, "token expired"),  # an integer is finite, however large
    "empty-sub": ({"sub": ""}, "token subject is invalid"),
    "iat-in-the-future": ({"iat": int(NOW) + 3600}, "token issued in the future"),
    "id-token": ({"token_use": "id"}, "ID tokens are not accepted; send an access token"),
    "cognito-id-token-with-client-aud": (
        {"token_use": "id", "aud": "tfreview-client"},
        "ID tokens are not accepted; send an access token",
    ),
    "cognito-access-wrong-client-id": (
        {"token_use": "access", "aud": None, "client_id": "someone-else"},
        "token client_id does not match",
    ),
    "cognito-access-no-client-id": ({"token_use": "access", "aud": None}, "token client_id does not match"),
    "client-id-without-token-use": ({"aud": None, "client_id": "tfreview-client"}, "token audience does not match"),
    "unknown-token-use": ({"token_use": "refresh"}, "token_use is not access"),
    "tenant-not-a-string": ({"tfreview:tenant": ["github:1", "github:2"]}, "token tenant claim is invalid"),
    "tenant-empty": ({"tfreview:tenant": ""}, "token tenant claim is invalid"),
}


@pytest.mark.parametrize("case", list(CLAIM_FAILURES))
def test_a2_claim_failures_are_rejected(issuer: FakeOidcIssuer, at_now: OidcVerifier, case: str) -> None:
    overrides, reason = CLAIM_FAILURES[case]
    overrides = {name: issuer.issuer + "/" if value == "ISSUER/" else value for name, value in overrides.items()}
    assert _rejected(at_now, issuer.mint(overrides, now=NOW)) == reason


def test_a2_cognito_access_token_is_accepted(issuer: FakeOidcIssuer, at_now: OidcVerifier) -> None:
    claims = {"aud": None, "token_use": "access", "client_id": "tfreview-client", "scope": "tfreview/admin"}
    principal = at_now.verify(issuer.mint(claims, now=NOW))
    assert principal.scope is Scope.ADMIN


def test_a2_audience_list_containing_ours_is_accepted(issuer: FakeOidcIssuer, at_now: OidcVerifier) -> None:
    assert at_now.verify(issuer.mint({"aud": ["other", "tfreview-api"]}, now=NOW)).subject == "user-1"


def test_a2_cognito_only_configuration(issuer: FakeOidcIssuer, jwks: JwksCache) -> None:
    verifier = OidcVerifier(issuer.auth_settings(oidc_audience=None), jwks, clock=lambda: NOW)
    access = {"aud": None, "token_use": "access", "client_id": "tfreview-client"}
    assert verifier.verify(issuer.mint(access, now=NOW)).subject == "user-1"
    assert _rejected(verifier, issuer.mint(now=NOW)) == "token audience does not match"  # aud-only token


def test_verifier_needs_an_issuer_and_an_audience(issuer: FakeOidcIssuer, jwks: JwksCache) -> None:
    with pytest.raises(ConfigError, match="oidc_issuer"):
        OidcVerifier(issuer.auth_settings(oidc_issuer=None), jwks)
    with pytest.raises(ConfigError, match="oidc_audience"):
        OidcVerifier(issuer.auth_settings(oidc_audience=None, oidc_client_id=None), jwks)


# --- tenant and scope ------------------------------------------------------------------------------------


def test_token_without_tenant_is_forbidden_unless_admin(issuer: FakeOidcIssuer, at_now: OidcVerifier) -> None:
    with pytest.raises(AuthError) as caught:
        at_now.verify(issuer.mint({"tfreview:tenant": None}, now=NOW))
    assert caught.value.status == 403
    operator = at_now.verify(issuer.mint({"tfreview:tenant": None, "scope": "tfreview:admin"}, now=NOW))
    assert operator.tenant_id is None
    assert operator.scope is Scope.ADMIN


def test_custom_tenant_and_scope_claims(http: httpx.Client) -> None:
    with FakeOidcIssuer(tenant_claim="custom:tenant") as issuer:
        settings = issuer.auth_settings(scope_claim="scp")
        verifier = OidcVerifier(settings, JwksCache(issuer.jwks_url, http, clock=FakeClock()))
        principal = verifier.verify(issuer.mint({"custom:tenant": "spacelift:acme", "scp": ["read", "write"]}))
        assert principal.tenant_id == "spacelift:acme"
        assert principal.scope is Scope.WRITE


@pytest.mark.parametrize(
    ("claim", "scope"),
    [
        (None, Scope.READ),
        ("", Scope.READ),
        ("openid profile", Scope.READ),
        ("read", Scope.READ),
        ("write", Scope.WRITE),
        ("tfreview:write", Scope.WRITE),
        ("admin", Scope.ADMIN),
        ("tfreview:admin", Scope.ADMIN),
        ("tfreview/admin", Scope.ADMIN),
        ("read tfreview:admin write", Scope.ADMIN),
        ("administrator", Scope.READ),
        ("other/admin", Scope.READ),
        (["tfreview:write"], Scope.WRITE),
        (42, Scope.READ),
    ],
)
def test_scope_mapping(claim: object, scope: Scope) -> None:
    assert scope_from_claim(claim) is scope


# --- the tenant's spelling (ADR 0586) ---------------------------------------------------------------------


def test_a_github_or_spacelift_claim_is_folded_as_the_webhooks_spell_it(
    issuer: FakeOidcIssuer, jwks: JwksCache
) -> None:
    looked_up: list[str] = []

    def known(tenant_id: str) -> bool:
        looked_up.append(tenant_id)
        return tenant_id == "spacelift:Legacy"  # data is stored under this spelling (before the folding)

    verifier = OidcVerifier(issuer.auth_settings(), jwks, clock=lambda: NOW, known_tenant=known)

    def tenant(claim: str) -> str | None:
        return verifier.verify(issuer.mint({"tfreview:tenant": claim}, now=NOW)).tenant_id

    assert tenant("github:owner:Octo-Org") == "github:owner:octo-org"
    assert tenant("GitHub:Owner:Octo-Org") == "github:owner:octo-org"
    assert tenant("Spacelift:ACME") == "spacelift:acme"
    assert tenant("team:Platform") == "team:Platform"  # another kind of tenant: as the issuer spells it
    assert tenant("github:1001") == "github:1001"
    assert tenant("spacelift:Legacy") == "spacelift:Legacy"  # what it stored stays visible to it
    assert tenant("spacelift:Legacy") == "spacelift:Legacy"
    assert looked_up == ["github:owner:Octo-Org", "GitHub:Owner:Octo-Org", "Spacelift:ACME", "spacelift:Legacy"]


def test_a_tenant_store_that_fails_folds_the_claim_and_the_token_is_accepted(
    issuer: FakeOidcIssuer, jwks: JwksCache
) -> None:
    def down(tenant_id: str) -> bool:
        raise OSError("the database is gone")

    verifier = OidcVerifier(issuer.auth_settings(), jwks, clock=lambda: NOW, known_tenant=down)
    principal = verifier.verify(issuer.mint({"tfreview:tenant": "github:owner:Octo"}, now=NOW))
    assert principal.tenant_id == "github:owner:octo"
