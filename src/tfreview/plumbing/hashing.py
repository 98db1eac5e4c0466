"""Canonical hashing: one spelling of a JSON document and its SHA-256 — stored reports, payloads, the
publishers' "already published" markers. The one copy (docs/adr/0040)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# json.dumps with these options built an encoder per call; one made once spells every document the same (it keeps
# no state between calls, so threads share it)
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_json(document: Any) -> str:
    """One spelling of a JSON document: sorted keys, no spaces, UTF-8 kept as is (other values as `str`)."""
    return _CANONICAL.encode(document)


def short_digest(document: Any, length: int = 16) -> str:
    """A short content digest of a JSON-able document (markers that say "this content was published")."""
    return report_hash(document)[:length]


def report_hash(report: Any) -> str:
    return sha256_hex(canonical_json(report).encode())
