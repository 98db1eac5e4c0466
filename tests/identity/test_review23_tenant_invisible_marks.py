"""An OIDC tenant claim that reads as a GitHub or Spacelift tenant through characters that show nothing (review23).

Session 22 refused claims with spaces, zero-width (format) or control characters around or inside the kind
(`is_lookalike` reads the claim without them). Other code points show nothing where a tenant is printed and were not
removed: a combining grapheme joiner or a variation selector (combining marks, category M), a Hangul filler (a
letter, Lo), a braille blank (a symbol, So). `git\u034fhub:7` was taken as a tenant of its own — empty, and shown on
every page, audit line and log as `github:7`. Those claims are lookalikes too, refused as the others are."""

from __future__ import annotations

import pytest

from tests.fakes.oidc import FakeOidcIssuer
from tfreview.core.errors import AuthError
from tfreview.core.tenant_names import is_lookalike
from tfreview.identity.jwks import JwksCache
from tfreview.identity.oidc import OidcVerifier

NOW = 1_700_000_000.0
INVISIBLE = [
    "git\u034fhub:7",  # COMBINING GRAPHEME JOINER
    "github\ufe0f:owner:octo",  # VARIATION SELECTOR-16
    "\u3164github:7",  # HANGUL FILLER
    "github:owner:\u115focto",  # HANGUL CHOSEONG FILLER
    "spacelift\u2800:acme",  # BRAILLE PATTERN BLANK
    "g\u0301ithub:7",  # a combining accent over the kind's letter: a mark on a lookalike, still read as `github`
]


@pytest.mark.parametrize("claim", INVISIBLE)
def test_a_claim_reading_as_github_or_spacelift_through_invisible_characters_is_refused(
    issuer: FakeOidcIssuer, jwks: JwksCache, claim: str
) -> None:
    assert is_lookalike(claim)
    verifier = OidcVerifier(issuer.auth_settings(), jwks, clock=lambda: NOW, known_tenant=lambda _tenant: False)
    with pytest.raises(AuthError) as caught:
        verifier.verify(issuer.mint({"tfreview:tenant": claim}, now=NOW))
    assert caught.value.status == 401


@pytest.mark.parametrize("claim", ["team:Plattform-Straße", "team:caf\u0065\u0301", "ops:\u3164one"])
def test_other_kinds_keep_their_marks(claim: str) -> None:
    assert not is_lookalike(claim)
