"""How the service spells a tenant (ADR 0586): the webhooks name GitHub and Spacelift tenants in lower case
(`github:<installation>`, `github:owner:<login>`, `spacelift:<account>`), so a token's tenant and an OIDC tenant
claim of those kinds are folded the same way; any other tenant is kept as given. ASCII letters only are folded:
SQLite's lower() folds those alone, and a tenant a token names is ASCII (`tokens create` refuses lookalikes).

>>> folded_tenant("github:owner:Octo-Org")
'github:owner:octo-org'
>>> folded_tenant("Spacelift:Acme")
'spacelift:acme'
>>> folded_tenant("team:Platform")
'team:Platform'
>>> is_lookalike("github:owner:ｏｃｔｏ"), is_lookalike("ｇｉｔｈｕｂ:1"), is_lookalike("team:Straße")
(True, True, False)
>>> is_lookalike(" github:7 "), is_lookalike("\u200bspacelift:acme"), is_lookalike("team: platform")
(True, True, False)
>>> is_lookalike("git\u034fhub:7"), is_lookalike("\u3164github:7"), is_lookalike("team:caf\u0065\u0301")
(True, True, False)
"""

from __future__ import annotations

import unicodedata
from typing import Final

CASE_FOLDED_KINDS: Final = ("github:", "spacelift:")
_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def is_case_folded(tenant_id: str) -> bool:
    """A tenant of a kind whose name the service spells in lower case."""
    return tenant_id.translate(_ASCII_LOWER).startswith(CASE_FOLDED_KINDS)


def folded_tenant(tenant_id: str) -> str:
    """`tenant_id` as the service stores it: a GitHub or Spacelift tenant with its ASCII letters in lower case."""
    return tenant_id.translate(_ASCII_LOWER) if is_case_folded(tenant_id) else tenant_id


def is_lookalike(tenant_id: str) -> bool:
    """A tenant that reads as a GitHub or Spacelift one (full-width letters, a space, `İ`, `ß`, the Kelvin sign, a mark
    or a blank: its NFKD form, case-folded, read without marks and blanks, starts as theirs) but is not printable
    ASCII: the webhooks never name such a tenant, and `tokens create` refuses it (ADR 0605)."""
    if all("!" <= c <= "~" for c in tenant_id):
        return False
    normal = unicodedata.normalize("NFKD", tenant_id).casefold()  # decomposed: a letter with a mark is the letter
    # a space, a zero-width or control character around or inside (`" github:7 "`, `"github:\u200b7"`) is invisible
    # where a tenant is shown, and so are a combining mark (a grapheme joiner, a variation selector: a mark over a
    # letter leaves it that letter to a reader) and the blank fillers: read without them (review23)
    seen = "".join(c for c in normal if unicodedata.category(c)[0] not in "ZCM" and c not in _BLANKS)
    # and letters of another script drawn as the kinds' own (Cyrillic i, dze, er; the dotless i; a ratio sign for the
    # colon: review24), read as the letters they show
    return seen.translate(_CONFUSABLE).startswith(CASE_FOLDED_KINDS)


# the lower-case letters and signs Unicode's confusables data (UTS #39) draws as the letters and the colon of
# `github:` and `spacelift:` (after NFKD and case folding, which already turn full-width and mathematical letters, the
# Kelvin sign and the long s into theirs)
_CONFUSABLE: Final = str.maketrans(
    {
        **dict.fromkeys("\u0430\u0251\u03b1\u237a", "a"),
        **dict.fromkeys("\u044c\u0185\u1472\u15af", "b"),
        **dict.fromkeys("\u0441\u03f2\u1d04", "c"),
        **dict.fromkeys("\u0435\u04bd\u212e\uab32", "e"),
        **dict.fromkeys("\u0584\u1e9d", "f"),
        **dict.fromkeys("\u0261\u0581\u018d\u1d83", "g"),
        **dict.fromkeys("\u04bb\u0570\u13c2", "h"),
        **dict.fromkeys("\u0456\u0131\u0269\u03b9\u2373\u13a5", "i"),
        **dict.fromkeys("\u04cf\u01c0\u05c0\u2223", "l"),
        **dict.fromkeys("\u0440\u03c1\u03f1\u2374", "p"),
        **dict.fromkeys("\u0455\ua731\u01bd", "s"),
        **dict.fromkeys("\u1d1b\u03c4", "t"),
        **dict.fromkeys("\u03c5\u057d\u1d1c\u028b", "u"),
        **dict.fromkeys("\u02d0\u2236\ua789\u0589\u05c3\ua4fd\u16ec", ":"),
    }
)

# letters and symbols that print as nothing: the Hangul fillers, the braille blank
_BLANKS: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800")
