"""HMAC-SHA256 webhook signatures: the routes' names for `tfreview.service.webhook_signatures`, where the
check lives so that `tfreview secrets rotate` verifies a rotation with the very check the routes use."""

from __future__ import annotations

from tfreview.service.webhook_signatures import (
    bound_to,
    expired_secret_matches,
    matching_versions,
    signature_header,
    valid_secrets,
    valid_versions,
    verify,
)

__all__ = [
    "bound_to",
    "expired_secret_matches",
    "matching_versions",
    "signature_header",
    "valid_secrets",
    "valid_versions",
    "verify",
]
