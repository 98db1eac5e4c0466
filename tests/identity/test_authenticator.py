"""The Authenticator port: bearer parsing, API tokens, OIDC, scope checks (A8) and the no-leak canary."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.fakes.oidc import FakeOidcIssuer, hmac_token, unsigned_token
from tests.identity.conftest import FakeClock
from tfreview.core.errors import AuthError, KeysUnavailable
from tfreview.identity.authenticator import BearerAuthenticator, require, visible_tenant
from tfreview.identity.factory import build_authenticator, jwks_url
from tfreview.identity.oidc import OidcVerifier
from tfreview.identity.settings import AuthSettings
from tfreview.ports.records import Principal, Scope
from tfreview.store.memory import MemoryTokens

START = datetime(2025, 1, 1, tzinfo=UTC)


class WallClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


@pytest.fixture
def tokens(wall: WallClock) -> MemoryTokens:
    return MemoryTokens(clock=wall)


@pytest.fixture
def authenticator(verifier: OidcVerifier, tokens: MemoryTokens, wall: WallClock) -> BearerAuthenticator:
    return BearerAuthenticator(verifier, tokens)


def _status(authenticator: BearerAuthenticator, header: str | None) -> int:
    with pytest.raises(AuthError) as caught:
        authenticator.authenticate(header)
    return caught.value.status


# --- the header ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "", "   ", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer a b", "Bearer a\tb", "Bearer é"],
)
def test_missing_or_malformed_header_is_401(authenticator: BearerAuthenticator, header: str | None) -> None:
    assert _status(authenticator, header) == 401


def test_scheme_is_case_insensitive(issuer: FakeOidcIssuer, authenticator: BearerAuthenticator) -> None:
    assert authenticator.authenticate(f"bearer {issuer.mint()}").kind == "oidc"
    assert authenticator.authenticate(f"BEARER {issuer.mint()}").kind == "oidc"


# --- API tokens ------------------------------------------------------------------------------------------


def test_api_token_gives_its_tenant_and_scope(authenticator: BearerAuthenticator, tokens: MemoryTokens) -> None:
    token, secret = tokens.create("spacelift:acme", Scope.WRITE, "ci", START + timedelta(days=30))
    principal = authenticator.authenticate(f"Bearer {secret}")
    assert principal == Principal(
        subject=f"token:{token.id}", tenant_id="spacelift:acme", scope=Scope.WRITE, kind="token"
    )


def test_expired_api_token_is_401(authenticator: BearerAuthenticator, tokens: MemoryTokens, wall: WallClock) -> None:
    _, secret = tokens.create("github:1", Scope.READ, "short", START + timedelta(days=1))
    assert authenticator.authenticate(f"Bearer {secret}").scope is Scope.READ
    wall.now = START + timedelta(days=1, seconds=1)
    assert _status(authenticator, f"Bearer {secret}") == 401


def test_revoked_api_token_is_401_at_once(authenticator: BearerAuthenticator, tokens: MemoryTokens) -> None:
    token, secret = tokens.create("github:1", Scope.ADMIN, "ops", None)
    assert authenticator.authenticate(f"Bearer {secret}").scope is Scope.ADMIN
    assert tokens.revoke(token.id)
    assert _status(authenticator, f"Bearer {secret}") == 401


def test_wrong_secret_with_the_right_id_is_401(authenticator: BearerAuthenticator, tokens: MemoryTokens) -> None:
    _, secret = tokens.create("github:1", Scope.READ, "x", None)
    prefix, _, random_part = secret.rpartition("_")
    flipped = random_part[:-1] + ("A" if random_part[-1] != "A" else "B")
    for forged in (f"{prefix}_{flipped}", f"{prefix}_", f"{prefix}_{random_part}x", secret[:-5]):
        assert _status(authenticator, f"Bearer {forged}") == 401
    assert _status(authenticator, "Bearer tfr_nothing_like_ours") == 401


def test_api_tokens_work_without_oidc(tokens: MemoryTokens, issuer: FakeOidcIssuer) -> None:
    authenticator = BearerAuthenticator(None, tokens)
    _, secret = tokens.create("github:1", Scope.READ, "x", None)
    assert authenticator.authenticate(f"Bearer {secret}").kind == "token"
    with pytest.raises(AuthError) as caught:
        authenticator.authenticate(f"Bearer {issuer.mint()}")
    assert caught.value.status == 401
    assert "OIDC is not configured" in str(caught.value)


# --- OIDC through the authenticator ----------------------------------------------------------------------


def test_oidc_token_through_the_authenticator(issuer: FakeOidcIssuer, authenticator: BearerAuthenticator) -> None:
    principal = authenticator.authenticate(f"Bearer {issuer.mint({'scope': 'admin'})}")
    assert principal.kind == "oidc"
    assert principal.scope is Scope.ADMIN


def test_keys_unavailable_is_not_an_auth_error(issuer: FakeOidcIssuer, authenticator: BearerAuthenticator) -> None:
    issuer.fail_with(500)
    with pytest.raises(KeysUnavailable):  # the web layer answers 503
        authenticator.authenticate(f"Bearer {issuer.mint()}")


def test_build_authenticator_from_settings(issuer: FakeOidcIssuer, tokens: MemoryTokens, http: httpx.Client) -> None:
    settings = issuer.auth_settings(oidc_jwks_url=None)
    assert jwks_url(settings) == issuer.jwks_url
    authenticator, jwks = build_authenticator(settings, tokens, http)
    assert jwks is not None
    assert jwks.name == "jwks"
    assert authenticator.authenticate(f"Bearer {issuer.mint()}").subject == "user-1"
    assert jwks.check()[0]
    without_oidc, no_jwks = build_authenticator(AuthSettings(), tokens, http)
    assert no_jwks is None
    assert _status(without_oidc, f"Bearer {issuer.mint()}") == 401


# --- A8 at this level: scopes, and the tenant every query is scoped to -----------------------------------


@pytest.mark.parametrize(
    ("has", "needs", "allowed"),
    [
        (Scope.READ, Scope.READ, True),
        (Scope.READ, Scope.WRITE, False),
        (Scope.READ, Scope.ADMIN, False),
        (Scope.WRITE, Scope.READ, True),
        (Scope.WRITE, Scope.WRITE, True),
        (Scope.WRITE, Scope.ADMIN, False),
        (Scope.ADMIN, Scope.ADMIN, True),
        (Scope.ADMIN, Scope.READ, True),
    ],
)
def test_a8_require_scope(has: Scope, needs: Scope, allowed: bool) -> None:
    principal = Principal(subject="s", tenant_id="github:1", scope=has, kind="token")
    if allowed:
        require(principal, needs)
    else:
        with pytest.raises(AuthError) as caught:
            require(principal, needs)
        assert caught.value.status == 403
        assert needs.value in str(caught.value)


def test_a8_non_admin_api_token_is_forbidden_on_admin_actions(
    authenticator: BearerAuthenticator, tokens: MemoryTokens
) -> None:
    _, secret = tokens.create("github:1", Scope.WRITE, "ci", None)
    principal = authenticator.authenticate(f"Bearer {secret}")
    with pytest.raises(AuthError) as caught:
        require(principal, Scope.ADMIN)
    assert caught.value.status == 403


def test_visible_tenant() -> None:
    assert visible_tenant(Principal("s", "github:1", Scope.READ, "oidc")) == "github:1"
    assert visible_tenant(Principal("s", "github:1", Scope.ADMIN, "token")) == "github:1"
    assert visible_tenant(Principal("s", None, Scope.ADMIN, "oidc")) is None
    with pytest.raises(AuthError) as caught:
        visible_tenant(Principal("s", None, Scope.WRITE, "oidc"))
    assert caught.value.status == 403


# --- the canary: no credential ever reaches an error message or a log record ----------------------------


CANARY = "c4n4ry-s3cr3t-7f3a9"


def test_no_token_in_errors_or_logs(
    issuer: FakeOidcIssuer,
    authenticator: BearerAuthenticator,
    tokens: MemoryTokens,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    kid = issuer.kid_for("RS256")
    _, secret = tokens.create("github:1", Scope.READ, CANARY, None)
    revoked, revoked_secret = tokens.create("github:1", Scope.READ, "gone", None)
    tokens.revoke(revoked.id)
    bad_credentials = [
        secret[:-3] + "AAA",
        revoked_secret,
        f"tfr_{CANARY}",
        unsigned_token({"alg": "none", "kid": kid}, issuer.claims({"sub": CANARY})),
        unsigned_token({"alg": "RS256", "kid": CANARY}, issuer.claims({"sub": CANARY}), b"sig"),
        hmac_token({"alg": "HS256", "kid": kid}, issuer.claims({"sub": CANARY}), CANARY.encode()),
        issuer.mint({"sub": CANARY, "iss": f"https://{CANARY}.example"}),
        issuer.mint({"sub": CANARY, "aud": CANARY}),
        issuer.mint({"sub": CANARY, "exp": 1}),
        issuer.mint({"sub": CANARY, "tfreview:tenant": [CANARY]}),
        issuer.mint({"sub": CANARY, "token_use": CANARY}),
        issuer.mint({"sub": CANARY}, kid=CANARY, key=issuer.key(kid).private),
        f"{CANARY}.{CANARY}.{CANARY}",
        CANARY,
    ]
    messages: list[str] = []
    for credential in bad_credentials:
        for header in (f"Bearer {credential}", f"Basic {credential}", credential):
            with pytest.raises(AuthError) as caught:
                authenticator.authenticate(header)
            messages.append(str(caught.value))
            messages.append(repr(caught.value.args))
    issuer.fail_with(500)
    clock.advance(10_000)
    with pytest.raises(KeysUnavailable) as unavailable:
        authenticator.authenticate(f"Bearer {issuer.mint({'sub': CANARY})}")
    messages.append(str(unavailable.value))
    logged = [record.getMessage() for record in caplog.records] + [repr(record.args) for record in caplog.records]
    # a rejection is logged once, by the request log (its reason ends that line: tests/web); never here
    for text in messages + logged:
        assert CANARY not in text
        assert secret not in text
        assert revoked_secret not in text
        for credential in bad_credentials:
            assert credential not in text
