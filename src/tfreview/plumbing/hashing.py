"""Content hashes of what the store keeps (payloads, reports), for `tfreview audit` and integrity checks."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(document: Any) -> str:
    """One spelling of a JSON document: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def report_hash(report: dict[str, Any]) -> str:
    return sha256_hex(canonical_json(report).encode())
