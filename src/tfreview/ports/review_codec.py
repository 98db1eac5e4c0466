"""The stored-review codec: a `Review` as the document a store keeps, and back — exactly (docs/adr/0250).

It is NOT the JSON output format (`render.json_report`, what `scan -o json` and the API's `report` field
show users): that format is documented for people and derives fields (summary, fingerprints); this one is
for the database, carries everything the `Review` holds (counts, the advice's retry flag, the full usage
with what the model did not see) and nothing derived, so `decode(encode(r)) == r`.

    {"v": 1, "tool": "<tfreview version that wrote it>", "review": {...}}

Version 0 is what was stored before this codec: the JSON output format itself (schema_version "1");
it is read by `render.stored_report.review_from_report`, so databases written by an older release keep
working. A version this release does not know is refused with an `InputError` naming it (a permanent
job failure, a 409 page), never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

import tfreview
from tfreview.core.errors import InputError
from tfreview.core.findings import Finding, Review
from tfreview.plumbing.hashing import canonical_json
from tfreview.ports import review_codec_v1 as v1
from tfreview.render.json_report import review_document
from tfreview.render.stored_report import findings_from_documents, review_from_report

VERSION = 1  # the version `encode` writes
READS = (0, 1)  # the versions `decode` reads

__all__ = [
    "READS",
    "VERSION",
    "EncodedDocument",
    "FindingKey",
    "decode",
    "encode",
    "finding_keys",
    "findings_from_documents",
    "keys_of",
    "report_document",
    "report_json",
    "version_of",
]


def encode(review: Review, *, tool_version: str | None = None) -> dict[str, Any]:
    """The document a store keeps for `review` (JSON-ready: str, int, float, bool, None, lists, dicts)."""
    return {"v": VERSION, "tool": tool_version or tfreview.__version__, "review": v1.review_data(review)}


def decode(document: object) -> Review:
    """The Review a stored document holds (version 0 or 1); InputError for anything else."""
    version = version_of(document)
    assert isinstance(document, Mapping)  # version_of refused anything else
    if version == 0:
        return review_from_report(document)
    try:
        return v1.review_of(document["review"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"stored review (codec version 1) is not valid: {type(exc).__name__}: {exc}") from None


def version_of(document: object) -> int:
    """The codec version of a stored document: 0 for one without "v" (the JSON report stored before the codec)."""
    if not isinstance(document, Mapping):
        raise InputError(f"stored review is not a JSON object but {type(document).__name__}")
    version = document.get("v")
    if version is None:
        return 0
    if type(version) is not int:
        raise InputError(f"stored review has codec version {version!r}, not a number")
    if version not in READS:
        raise InputError(
            f"stored review has codec version {version}; this tfreview ({tfreview.__version__}) reads versions "
            f"{', '.join(map(str, READS))}: it was written by a newer release"
        )
    return version


def report_document(document: object) -> dict[str, Any]:
    """The JSON output format (schema_version "1") of a stored review, as the API and downloads show it.

    A version-0 document IS that format (or whatever an older release stored) and is returned as stored.
    A version-1 document is rendered with the tfreview version that wrote it, keys sorted as a stored
    report read back from the database had them: what the API answered before the codec, byte for byte."""
    version = version_of(document)
    assert isinstance(document, Mapping)
    if version == 0:
        return dict(document)
    rendered = _rendered(document)
    try:  # the same sorted document as canonical_json's round trip, in 60 % of its CPU (10k resources)
        sorted_document: dict[str, Any] = orjson.loads(orjson.dumps(rendered, option=orjson.OPT_SORT_KEYS))
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: the slow, exact way
        sorted_document = json.loads(canonical_json(rendered))
    return sorted_document


def report_json(document: object) -> bytes:
    """`report_document` as compact JSON text (UTF-8, not ASCII-escaped): the API's `report` field as it is
    sent, without building the sorted document in between (what `service.report_cache` keeps)."""
    version = version_of(document)
    assert isinstance(document, Mapping)
    shown, sort = (dict(document), False) if version == 0 else (_rendered(document), True)
    try:
        return orjson.dumps(shown, option=orjson.OPT_SORT_KEYS if sort else 0)
    except (orjson.JSONEncodeError, TypeError):  # an integer beyond 64 bits: the slow, exact way
        return json.dumps(shown, ensure_ascii=False, separators=(",", ":"), sort_keys=sort).encode()


def _rendered(document: Mapping[str, Any]) -> dict[str, Any]:
    """The output format of a version-1 document, rendered with the tfreview version that wrote it."""
    return review_document(decode(document), tool_version=str(document.get("tool") or tfreview.__version__))


class FindingKey(NamedTuple):
    """What a store indexes of one counted finding (the `findings` table, the listing's finding filter). A named
    tuple: a review process sends ~1,300 of them with a 1,000-resource plan's document, and a tuple unpickles in a
    fifth of a frozen dataclass's time on the worker's interpreter lock (ADR 0722)."""

    rule_id: str
    severity: str
    status: str
    address: str
    fingerprint: str | None


@dataclass(frozen=True, slots=True)
class EncodedDocument:
    """A stored-review document already spelled as a store keeps it (`canonical_json`): what a review process sends
    back (ADR 0722) — one string to unpickle, not ~1 MB of dicts and lists — so the worker's thread neither
    re-encodes nor parses it. `save_result` stores `text` as is: the same bytes, the same content hash."""

    text: str

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> EncodedDocument:
        return cls(canonical_json(document))

    def document(self) -> dict[str, Any]:
        """The document decoded (what `save_result` of the dict would have stored and read back)."""
        decoded = json.loads(self.text)
        assert isinstance(decoded, dict)  # `of` encodes a mapping
        return decoded


def keys_of(findings: Sequence[Finding]) -> list[FindingKey]:
    """The keys a store indexes of a review's counted findings (`Review.findings`): what `finding_keys` reads back
    from the review's document, for a caller that holds the review it encoded (ADR 0702)."""
    return [FindingKey(f.rule_id, f.severity.value, f.status.value, f.address, f.fingerprint) for f in findings]


def finding_keys(document: object) -> list[FindingKey]:
    """The counted findings of a stored document, as a store indexes them; [] for a document this release
    cannot read (the store keeps a document as given: its readers say what is wrong with it). A version-0
    document is read as leniently as before the codec: each finding object for what it has."""
    try:
        version = version_of(document)
        assert isinstance(document, Mapping)
        if version != 0:
            return keys_of(decode(document).findings)
    except InputError:
        return []
    found = document.get("findings")
    return [
        FindingKey(
            str(f.get("rule_id", "")),
            str(f.get("severity", "")),
            str(f.get("status", "")),
            str(f.get("address", "")),
            str(f["fingerprint"]) if f.get("fingerprint") else None,
        )
        for f in (found if isinstance(found, list) else [])
        if isinstance(f, dict)
    ]
