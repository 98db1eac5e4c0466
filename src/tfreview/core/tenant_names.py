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
"""

from __future__ import annotations

from typing import Final

CASE_FOLDED_KINDS: Final = ("github:", "spacelift:")
_ASCII_LOWER: Final = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def is_case_folded(tenant_id: str) -> bool:
    """A tenant of a kind whose name the service spells in lower case."""
    return tenant_id.translate(_ASCII_LOWER).startswith(CASE_FOLDED_KINDS)


def folded_tenant(tenant_id: str) -> str:
    """`tenant_id` as the service stores it: a GitHub or Spacelift tenant with its ASCII letters in lower case."""
    return tenant_id.translate(_ASCII_LOWER) if is_case_folded(tenant_id) else tenant_id
