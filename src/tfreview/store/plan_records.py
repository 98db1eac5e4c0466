"""An uploaded plan as the SQL and DynamoDB plan stores keep it, prepared once: the kind checked, the content
redacted (tfreview.store.plan_redaction) and hashed, the metadata and the findings redacted into JSON text."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from tfreview.core.redact import redact_value
from tfreview.core.secret_search import SecretSearch
from tfreview.plumbing.hashing import sha256_hex
from tfreview.store.plan_redaction import mask_values, plan_kind, redact_upload_and_secrets


@dataclass(frozen=True, slots=True)
class PreparedPlan:
    id: str  # a new random id (32 hex)
    kind: str  # the canonical kind
    content: bytes  # redacted, not yet compressed
    sha256: str  # of `content`
    metadata: str  # redacted, JSON
    findings: str | None  # redacted, JSON; None: none kept at upload


# the parts of a finding document that may repeat a value; the rest (rule ids, addresses, fingerprints, files)
# names things, and masking a short sensitive string inside it ("abc" in a fingerprint) would break it (ADR 0472)
_VALUE_PARTS = ("message", "evidence", "suppressed")


def _masked_findings(findings: Any, secrets: frozenset[str]) -> Any:
    """Findings made on the original upload (service/uploads.py), masked with the values masked in its content."""
    if not secrets or not isinstance(findings, list):
        return findings
    search = SecretSearch(secrets)  # grouped once for every finding, not once per part of each (ADR 0606)
    return [
        {key: mask_values(value, search) if key in _VALUE_PARTS else value for key, value in item.items()}
        if isinstance(item, dict)
        else item
        for item in findings
    ]


def prepare_plan(
    content: bytes, kind: str, metadata: dict[str, object], findings: list[dict[str, Any]] | None
) -> PreparedPlan:
    """InputError when `content` is not a plan JSON / tarball of `kind`."""
    canonical = plan_kind(kind)
    redacted, secrets = redact_upload_and_secrets(content, canonical)
    kept = None if findings is None else _masked_findings(redact_value(findings), secrets)
    return PreparedPlan(
        id=uuid.uuid4().hex,
        kind=canonical,
        content=redacted,
        sha256=sha256_hex(redacted),
        metadata=json.dumps(redact_value(dict(metadata)), sort_keys=True, default=str),
        findings=None if kept is None else json.dumps(kept, sort_keys=True),
    )
