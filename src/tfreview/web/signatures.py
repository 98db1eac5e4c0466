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
from tfreview.web.repeated_headers import repeats


def sole(values: list[str]) -> str | None:
    """The header's value when it was sent once; None (no signature) when it was missing or repeated."""
    return values[0] if len(values) == 1 else None


def refusal(header: str, values: list[str]) -> str:
    """Why `header` did not authenticate the body, naming a repeated header (a proxy that duplicates it): the
    operator reading the delivery's answer in GitHub or Spacelift then knows what to look at.

    >>> refusal("X-Signature-256", ["sha256=a", "sha256=a"])
    'the X-Signature-256 header was sent 2 times: a signature is sent once (does a proxy repeat it?)'
    >>> refusal("X-Signature-256", ["sha256=a, sha256=a"])
    'the X-Signature-256 header holds 2 values joined by commas: a signature is sent once (does a proxy repeat it?)'
    """
    repeat = repeats(header, values)
    if repeat is not None:
        return f"{repeat}: {_ONCE}"
    return f"the {header} header is missing or does not match the body"


_ONCE = "a signature is sent once (does a proxy repeat it?)"

__all__ = [
    "bound_to",
    "expired_secret_matches",
    "matching_versions",
    "refusal",
    "signature_header",
    "sole",
    "valid_secrets",
    "valid_versions",
    "verify",
]
