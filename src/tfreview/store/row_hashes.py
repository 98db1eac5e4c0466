"""The integrity hash of a stored delivery, review and plan: sha256 over the row's CONTENT columns.

Content is what must never change once written: ids, tenant, source, the payload / report / plan bytes
(through their own SHA-256) and the timestamps of creation. Columns that legitimately move — a review's
status and reason, a delivery's status and job — are left out (references are checked separately by the
audit, tfreview.store.integrity). Every writer of these columns sets `integrity_hash` with the functions
below; `tfreview audit` recomputes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from tfreview.plumbing.clock import as_utc
from tfreview.plumbing.hashing import canonical_json, sha256_hex

DELIVERY_COLUMNS: Final = ("id", "source", "key", "event", "tenant_id", "payload", "payload_sha256", "received_at")
REVIEW_COLUMNS: Final = (
    "id",
    "tenant_id",
    "source_kind",
    "repository",
    "pull_request",
    "commit_sha",
    "stack_id",
    "run_id",
    "account",
    "plan_id",
    "created_at",
    "verdict",
    "counts",
    "report",
    "content_hash",
)
PLAN_COLUMNS: Final = ("id", "tenant_id", "kind", "content", "sha256", "plan_metadata", "findings", "created_at")
# a delivery's id is assigned by the database on insert: its hash covers every other content column
_DELIVERY_HASHED: Final = DELIVERY_COLUMNS[1:]


def plain_value(value: Any) -> Any:
    """A JSON-able spelling of a column value: bytes by their SHA-256, datetimes as UTC ISO text."""
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + sha256_hex(bytes(value))
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="microseconds")
    return value


def _hash(values: Mapping[str, Any], columns: tuple[str, ...]) -> str:
    return sha256_hex(canonical_json({name: plain_value(values.get(name)) for name in columns}).encode())


def delivery_hash(values: Mapping[str, Any]) -> str:
    return _hash(values, _DELIVERY_HASHED)


def review_hash(values: Mapping[str, Any]) -> str:
    return _hash(values, REVIEW_COLUMNS)


def plan_hash(values: Mapping[str, Any]) -> str:
    return _hash(values, PLAN_COLUMNS)


def attributes(row: object, columns: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of an ORM row, as a mapping the hash functions take."""
    return {name: getattr(row, name) for name in columns}
