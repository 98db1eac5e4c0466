"""HMAC-SHA256 webhook signatures: the routes' names for `tfreview.service.webhook_signatures`, where the
check lives so that `tfreview secrets rotate` verifies a rotation with the very check the routes use.

A signature header sent twice is no signature (`sole`): the sender signs once, and API Gateway would join
the two into one comma-separated value that matches nothing; `serve` took the first of them. Both answer 401
now (docs/adr/0524)."""

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


def sole(values: list[str]) -> str | None:
    """The header's value when it was sent once; None (no signature) when it was missing or repeated."""
    return values[0] if len(values) == 1 else None


__all__ = [
    "bound_to",
    "expired_secret_matches",
    "matching_versions",
    "signature_header",
    "sole",
    "valid_secrets",
    "valid_versions",
    "verify",
]
