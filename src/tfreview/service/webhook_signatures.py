"""HMAC-SHA256 webhook signatures (GitHub `X-Hub-Signature-256`, Spacelift `X-Signature-256`).

The MAC is computed over the raw body exactly as received — never over re-serialised JSON — and
compared only with `hmac.compare_digest`, against every secret version valid at `now` (a rotation
keeps old and new valid until the old one's `not_after`). The header must be `sha256=` followed by
64 lower-case hex digits; anything else (sha1=, no prefix, upper case, empty, absent) is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from tfreview.settings import SecretVersion

_HEADER = re.compile(r"sha256=[0-9a-f]{64}")


def signature_header(secret: bytes, body: bytes) -> str:
    """What a sender puts in the header for `body` (used by tests, the CLI and the benchmark)."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def valid_versions(versions: Sequence[SecretVersion], now: datetime) -> list[SecretVersion]:
    """The versions usable at `now` (UTC): non-empty, without an end or whose end is still ahead."""
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    usable: list[SecretVersion] = []
    for version in versions:
        end = version.not_after
        if end is not None and end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
        if (end is None or moment < end) and version.value.get_secret_value():
            usable.append(version)
    return usable


def valid_secrets(versions: Sequence[SecretVersion], now: datetime) -> list[bytes]:
    """The secret values usable at `now` (UTC): those without an end, or whose end is still ahead."""
    return [version.value.get_secret_value().encode("utf-8") for version in valid_versions(versions, now)]


def verify(header: str | None, body: bytes, versions: Sequence[SecretVersion], now: datetime) -> bool:
    """True when `header` is a well-formed SHA-256 signature of `body` by one of the secrets valid at `now`."""
    return bool(matching_versions(header, body, versions, now))


def matching_versions(
    header: str | None, body: bytes, versions: Sequence[SecretVersion], now: datetime
) -> list[SecretVersion]:
    """The versions valid at `now` whose signature of `body` is `header` (empty: refused)."""
    if header is None or _HEADER.fullmatch(header) is None:
        return []
    given = header.encode("ascii")
    matched: list[SecretVersion] = []
    for version in valid_versions(versions, now):
        secret = version.value.get_secret_value().encode("utf-8")
        # every valid version is tried (no early exit), so the time taken does not say which one matched
        if hmac.compare_digest(signature_header(secret, body).encode("ascii"), given):
            matched.append(version)
    return matched


def bound_to(matched: Sequence[SecretVersion], account: str, default_account: str | None) -> bool:
    """True when one of the versions that signed a Spacelift notification serves `account` (ADR 0121): a
    version's own `account`, else the installation's `spacelift_api.account`, else any account."""
    for version in matched:
        binding = version.account or default_account
        if binding is None or binding.lower() == account.lower():
            return True
    return False


def expired_secret_matches(header: str | None, body: bytes, versions: Sequence[SecretVersion], now: datetime) -> bool:
    """True when `header` was made with a version whose not_after has passed (a refused delivery signed by a
    retired — possibly leaked — secret). Only asked after `verify` refused, for the metric."""
    if header is None or _HEADER.fullmatch(header) is None:
        return False
    valid = set(valid_secrets(versions, now))
    given = header.encode("ascii")
    for version in versions:
        secret = version.value.get_secret_value().encode("utf-8")
        retired = bool(secret) and secret not in valid
        if retired and hmac.compare_digest(signature_header(secret, body).encode("ascii"), given):
            return True
    return False
