"""API token secrets: `tfr_<public id>_<random>`; only a SHA-256 of the whole secret is stored.

The public id (16 hex characters) is embedded so a lookup is by id, then the hashes are compared in
constant time — never a query by secret or by hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from tfreview.ports.records import ApiToken

PREFIX = "tfr_"
_ID_LENGTH = 16


def new_secret() -> tuple[str, str]:
    """A fresh (public id, secret)."""
    token_id = secrets.token_hex(_ID_LENGTH // 2)
    return token_id, f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"


def token_id_of(secret: str) -> str | None:
    """The public id inside a secret, or None when the secret does not have our shape."""
    if not secret.startswith(PREFIX) or len(secret) < len(PREFIX) + _ID_LENGTH + 2:
        return None
    token_id = secret[len(PREFIX) : len(PREFIX) + _ID_LENGTH]
    if secret[len(PREFIX) + _ID_LENGTH] != "_" or any(c not in "0123456789abcdef" for c in token_id):
        return None
    return token_id


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def rejection_of(token: ApiToken, now: datetime) -> str:
    """Why a token whose secret matched is refused: "revoked", "expired", else "invalid" (should not happen)."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "invalid"
