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
    """A tenant that reads as a GitHub or Spacelift one (full-width letters, a space, `İ`, `ß`, the Kelvin sign: its
    NFKC form, case-folded, starts as theirs) but is not printable ASCII: the webhooks never name such a tenant, and
    `tokens create` refuses it (ADR 0605)."""
    if all("!" <= c <= "~" for c in tenant_id):
        return False
    normal = unicodedata.normalize("NFKC", tenant_id).casefold()
    # a space, a zero-width or control character around or inside (`" github:7 "`, `"github:\u200b7"`) is invisible
    # where a tenant is shown: read without them
    seen = "".join(c for c in normal if unicodedata.category(c)[0] not in "ZC")
    return seen.startswith(CASE_FOLDED_KINDS)
