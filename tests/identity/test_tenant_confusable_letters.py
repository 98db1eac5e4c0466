"""An OIDC tenant claim spelling `github:`/`spacelift:` with letters of another script that look the same (review24:
Cyrillic `і`, `ѕ`, `р`, `а`, `с`, `е`, `һ`, Latin dotless `ı`, Greek `ο`/`ι`/`υ`, a ratio sign for the colon) was
taken as a tenant of its own — shown on every page, audit line and log as `github:7`. Read through a table of the
letters Unicode's confusables data (UTS #39) gives for the kinds' letters, they are refused as the other lookalikes."""

from __future__ import annotations

import pytest

from tests.fakes.oidc import FakeOidcIssuer
from tfreview.core.errors import AuthError
from tfreview.core.tenant_names import is_lookalike
from tfreview.identity.jwks import JwksCache
from tfreview.identity.oidc import OidcVerifier

NOW = 1_700_000_000.0
CONFUSABLE = [
    "g\u0456thub:7",  # CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I
    "\u0455pacelift:acme",  # CYRILLIC SMALL LETTER DZE
    "g\u0131thub:7",  # LATIN SMALL LETTER DOTLESS I
    "githu\u044c:owner:octo",  # CYRILLIC SMALL LETTER SOFT SIGN for b
    "s\u0440\u0430\u0441\u0435lift:acme",  # Cyrillic er, a, es, ie
    "git\u04bbub:7",  # CYRILLIC SMALL LETTER SHHA
    "\u0261ithub:7",  # LATIN SMALL LETTER SCRIPT G
    "github\u22367",  # RATIO for the colon
    "GITHUB\u02d07",  # MODIFIER LETTER TRIANGULAR COLON
    "spacel\u03b9ft:acme",  # GREEK SMALL LETTER IOTA
]


@pytest.mark.parametrize("claim", CONFUSABLE)
def test_a_claim_spelling_the_kind_with_confusable_letters_is_refused(
    issuer: FakeOidcIssuer, jwks: JwksCache, claim: str
) -> None:
    assert is_lookalike(claim)
    verifier = OidcVerifier(issuer.auth_settings(), jwks, clock=lambda: NOW, known_tenant=lambda _tenant: False)
    with pytest.raises(AuthError) as caught:
        verifier.verify(issuer.mint({"tfreview:tenant": claim}, now=NOW))
    assert caught.value.status == 401


@pytest.mark.parametrize(
    "claim", ["team:\u0430\u0441\u043c\u0435", "\u043a\u043e\u043c\u0430\u043d\u0434\u0430:1", "github-mirror:\u0456"]
)
def test_other_kinds_in_other_scripts_are_tenants_of_their_own(claim: str) -> None:
    assert not is_lookalike(claim)
