"""An OIDC tenant claim of a kind the webhooks spell (`github:`, `spacelift:`) that is not printable ASCII
(review17b, ADR 0605): `tokens create` refuses such a tenant as a lookalike (session 16: `github:１` is not
`github:1`), but a claim `github:owner:ｏｃｔｏ` or `github:１` was taken as a tenant of its own — empty, named on
every page as the real one is, and its uploads stored under a name an operator cannot tell from octo's. ADR 0586
folds ASCII letters only, so the full-width claim was never the webhooks' tenant either. Such a claim is now refused
as an invalid tenant claim (401), unless data is already stored under that exact spelling (ADR 0586's rule)."""

from __future__ import annotations

import pytest

from tests.fakes.oidc import FakeOidcIssuer
from tfreview.core.errors import AuthError
from tfreview.identity.jwks import JwksCache
from tfreview.identity.oidc import OidcVerifier

NOW = 1_700_000_000.0
LOOKALIKES = [
    "github:owner:ｏｃｔｏ",  # full-width letters
    "github:１",  # a full-width digit: session 16's own example for tokens
    "github:owner:\u0130nfra",  # a dotted capital I (Python's lower() makes it two code points)
    "spacelift:acme\u00a0",  # a no-break space
    "github:owner:octo corp",  # a space: no GitHub login holds one, `tokens create` refuses it
    "spacelift:stra\u00dfe",  # ß
    "github:owner:\u212aube",  # KELVIN SIGN: Python's lower() makes it an ASCII k
    "ｇｉｔｈｕｂ:owner:octo",  # the kind itself in full-width letters: read as a GitHub tenant, was another kind
    " github:7 ",  # spaces around (review22b: was a tenant of its own, empty, shown as github:7)
    "\tspacelift:acme",  # a tab before the kind
    "\u200bgithub:owner:octo",  # a zero-width space before the kind
    "github:\u200b7",  # and inside the name
]


def _verifier(issuer: FakeOidcIssuer, jwks: JwksCache, stored: set[str]) -> OidcVerifier:
    return OidcVerifier(issuer.auth_settings(), jwks, clock=lambda: NOW, known_tenant=lambda t: t in stored)


@pytest.mark.parametrize("claim", LOOKALIKES)
def test_a_lookalike_github_or_spacelift_claim_is_refused(issuer: FakeOidcIssuer, jwks: JwksCache, claim: str) -> None:
    verifier = _verifier(issuer, jwks, set())
    with pytest.raises(AuthError) as caught:
        verifier.verify(issuer.mint({"tfreview:tenant": claim}, now=NOW))
    assert caught.value.status == 401
    assert str(caught.value) == "token tenant claim is invalid"


def test_a_lookalike_spelling_with_stored_data_keeps_it(issuer: FakeOidcIssuer, jwks: JwksCache) -> None:
    verifier = _verifier(issuer, jwks, {"github:owner:ｏｃｔｏ"})  # uploaded under it before this refusal
    principal = verifier.verify(issuer.mint({"tfreview:tenant": "github:owner:ｏｃｔｏ"}, now=NOW))
    assert principal.tenant_id == "github:owner:ｏｃｔｏ"


@pytest.mark.parametrize("claim", ["team:Plattform-Straße", "acme:ｔｅａｍ", "ops:team one"])
def test_other_kinds_of_tenant_keep_any_spelling(issuer: FakeOidcIssuer, jwks: JwksCache, claim: str) -> None:
    verifier = _verifier(issuer, jwks, set())
    assert verifier.verify(issuer.mint({"tfreview:tenant": claim}, now=NOW)).tenant_id == claim


def test_ascii_claims_are_folded_as_before(issuer: FakeOidcIssuer, jwks: JwksCache) -> None:
    verifier = _verifier(issuer, jwks, set())
    assert verifier.verify(issuer.mint({"tfreview:tenant": "GitHub:Owner:Octo"}, now=NOW)).tenant_id == (
        "github:owner:octo"
    )
