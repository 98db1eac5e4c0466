"""The report's findings and change entries written straight as the bytes that `orjson.dumps(...,
option=OPT_INDENT_2)` writes for their objects (issue 13, ADR 0500), without building those objects first.

A 10,000-resource plan has ~13,500 findings and ~8,600 changes: a dict of seventeen keys (and three nested ones)
per finding, then orjson walking them, cost more instructions than the review's change rules. Here a finding is a
run of byte pieces: what many findings share (a rule's id, names, severity and status; its remediation; a resource
type; a path; a list of references) is serialised once per report, what differs (address, message, value) once
per finding, each string by `orjson.dumps` itself, so that it is escaped exactly as before. Bytes, not text: one
title with a character outside ASCII made the whole text UCS-2, and its encoding to UTF-8 cost more than the rest.

The arrays are those of the top-level document (items indented by 4, their fields by 6): `json_report` puts
them between the rest of the document, which orjson still writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from orjson import dumps

from tfreview.core.blast import BlastRadius
from tfreview.core.findings import ChangeEntry, Finding, Suppressed, fingerprints
from tfreview.core.plan import ChangeKind, Location

_NULL = b"null"
_join = b"".join
_NESTED, _NESTED_END = b",\n          ", b"\n        ]"  # a list in an object in an entry


def findings_json(findings: Sequence[Finding]) -> bytes:
    """`findings` as the JSON array orjson indents at depth 1 (`[]` when empty)."""
    return b"".join(findings_pieces(findings))


def findings_pieces(findings: Sequence[Finding]) -> list[bytes]:
    """`findings_json`'s bytes in pieces, one per finding: joined once with the rest of the report, the report is
    not copied once per array."""
    if not findings:
        return [b"[]"]
    heads: dict[tuple[str, str, str, str, str, str, str], bytes] = {}
    shared: dict[object, bytes] = {}  # what many findings have: types, changes, remediations, paths, references
    # the runs of fields between two that differ, by their values: one table per run, as two runs' keys may be
    # equal tuples (references naming a remediation and a path, or a type and a change) with other bytes
    kinds: dict[tuple[object, ...], bytes] = {}
    advices: dict[tuple[object, ...], bytes] = {}
    unlocated: dict[tuple[object, ...], bytes] = {}
    pieces: list[bytes] = [b"[\n"]
    add = pieces.append
    for finding, known in zip(findings, fingerprints(findings), strict=True):
        key = (
            finding.rule_id,
            finding.long_id,
            finding.title,
            finding.severity._value_,  # `_value_`: `.value` is a descriptor call on Python 3.11
            finding.status._value_,
            finding.provider,
            finding.category,
        )
        evidence = finding.evidence
        kind = (finding.resource_type, finding.change)
        advice = (finding.remediation, evidence.path)
        location = finding.location
        why = finding.suppressed
        # nine pieces: `b"".join` allocates for more than ten (CPython's join.h), and every piece has its cost
        add(
            _join(
                (
                    heads.get(key) or _head(heads, key),
                    dumps(finding.address),
                    kinds.get(kind) or _kind(kinds, kind, shared),
                    dumps(finding.message),
                    advices.get(advice) or _advice(advices, advice, shared),
                    dumps(evidence.value),
                    unlocated.get(finding.references) or _references(unlocated, finding.references, shared)
                    if location is None
                    else _located(location, finding.references, shared),
                    known.encode(),
                    _NOT_SUPPRESSED if why is None else b'",\n      "suppressed": ' + _suppressed(why) + b"\n    },\n",
                )
            )
        )
    pieces[-1] = pieces[-1][:-2] + b"\n  ]"
    return pieces


def changes_json(entries: Sequence[ChangeEntry]) -> bytes:
    """The change entries as the JSON array orjson indents at depth 1 (`[]` when empty)."""
    return b"".join(changes_pieces(entries))


def changes_pieces(entries: Sequence[ChangeEntry]) -> list[bytes]:
    """`changes_json`'s bytes in pieces, one per entry (see `findings_pieces`)."""
    if not entries:
        return [b"[]"]
    shared: dict[object, bytes] = {}
    middles: dict[tuple[object, ...], bytes] = {}
    pieces: list[bytes] = [b"[\n"]
    add = pieces.append
    for entry in entries:
        kind = (entry.type, entry.kind, entry.action_reason, entry.replace_paths)
        location = entry.location
        blast = entry.blast
        add(
            _join(
                (
                    b'    {\n      "address": ',
                    dumps(entry.address),
                    middles.get(kind) or _entry_kind(middles, kind, shared),
                    _NULL if location is None else _location(location, shared),
                    _NO_BLAST if blast is None else b',\n      "blast_radius": ' + _blast(blast),
                    _NOT_DEPOSED if (deposed := entry.deposed) is None else _deposed(deposed),
                )
            )
        )
    pieces[-1] = pieces[-1][:-2] + b"\n  ]"
    return pieces


_NOT_SUPPRESSED = b'",\n      "suppressed": null\n    },\n'
_NO_BLAST = b',\n      "blast_radius": null'
_NOT_DEPOSED = b',\n      "deposed": null\n    },\n'


def _deposed(key: str) -> bytes:
    """The closing of a change entry whose delete is of a deposed object (ADR 0616)."""
    return b',\n      "deposed": ' + dumps(key) + b"\n    },\n"


def _kind(middles: dict[tuple[object, ...], bytes], kind: tuple[str, str], shared: dict[object, bytes]) -> bytes:
    """From the address's value to the message's: the resource type and the change."""
    resource_type, change = kind
    middle = b',\n      "resource_type": %b,\n      "change": %b,\n      "message": ' % (
        shared.get(resource_type) or _shared(shared, resource_type),
        shared.get(change) or _shared(shared, change),
    )
    middles[kind] = middle
    return middle


def _advice(middles: dict[tuple[object, ...], bytes], advice: tuple[str, str], shared: dict[object, bytes]) -> bytes:
    """From the message's value to the evidence value's: the remediation and the evidence path."""
    remediation, path = advice
    middle = b',\n      "remediation": %b,\n      "evidence": {\n        "path": %b,\n        "value": ' % (
        shared.get(remediation) or _shared(shared, remediation),
        shared.get(path) or _shared(shared, path),
    )
    middles[advice] = middle
    return middle


def _references(
    middles: dict[tuple[object, ...], bytes], references: tuple[str, ...], shared: dict[object, bytes]
) -> bytes:
    """From the evidence value's to the fingerprint's, without a location: kept by the references."""
    middle = middles[references] = _between(_NULL, references, shared)
    return middle


def _located(location: Location, references: tuple[str, ...], shared: dict[object, bytes]) -> bytes:
    """From the evidence value's to the fingerprint's, with a location."""
    return _between(_location(location, shared), references, shared)


def _between(location: bytes, references: tuple[str, ...], shared: dict[object, bytes]) -> bytes:
    return b'\n      },\n      "location": %b,\n      "references": %b,\n      "fingerprint": "' % (
        location,
        shared.get(references) or _list(shared, references),
    )


def _entry_kind(
    middles: dict[tuple[object, ...], bytes],
    kind: tuple[str, ChangeKind, str | None, tuple[str, ...]],
    shared: dict[object, bytes],
) -> bytes:
    """From a change entry's address's value to its location's: type, change, action reason, replace paths."""
    type_, change, reason, paths = kind
    middle = (
        b',\n      "type": %b,\n      "change": %b,\n      "action_reason": %b,\n      "replace_paths": %b,\n'
        b'      "location": '
        % (
            shared.get(type_) or _shared(shared, type_),
            shared.get(change) or _shared(shared, change),
            _NULL if reason is None else shared.get(reason) or _shared(shared, reason),
            shared.get(paths) or _list(shared, paths),
        )
    )
    middles[kind] = middle
    return middle


def _head(heads: dict[tuple[str, str, str, str, str, str, str], bytes], key: tuple[str, ...]) -> bytes:
    """A finding's opening up to its address's value: the same for every finding of a rule, severity and status."""
    rule_id, long_id, title, severity, status, provider, category = (dumps(part) for part in key)
    head = (
        b'    {\n      "rule_id": %b,\n      "long_id": %b,\n      "title": %b,\n      "severity": %b,\n'
        b'      "status": %b,\n      "provider": %b,\n      "category": %b,\n      "address": '
        % (rule_id, long_id, title, severity, status, provider, category)
    )
    heads[key] = head  # type: ignore[index]  # the key is the 7-tuple `findings_json` built
    return head


def _shared(shared: dict[object, bytes], value: str) -> bytes:
    """`value` (a string, or a StrEnum member) as JSON, kept for the next finding or entry that has it."""
    result = shared[value] = dumps(value)
    return result


def _list(shared: dict[object, bytes], items: tuple[str, ...]) -> bytes:
    """A field's list of strings (items indented by 8), kept for the next one alike."""
    result = shared[items] = _strings(items)
    return result


def _strings(items: Sequence[str], inner: bytes = b",\n        ", closing: bytes = b"\n      ]") -> bytes:
    """A list of strings: a field's (items indented by 8) or, with `inner` and `closing`, a nested object's."""
    if not items:
        return b"[]"
    return b"[" + inner[1:] + inner.join(dumps(item) for item in items) + closing


def _location(location: Location, shared: dict[object, bytes]) -> bytes:
    return b'{\n        "file": %b,\n        "line": %b,\n        "end_line": %b\n      }' % (
        shared.get(location.file) or _shared(shared, location.file),
        dumps(location.line),
        dumps(location.end_line),
    )


def _suppressed(why: Suppressed) -> bytes:
    return b'{\n        "by": %b,\n        "reason": %b,\n        "source": %b,\n        "expires": %b\n      }' % (
        dumps(why.by),
        dumps(why.reason),
        dumps(why.source),
        dumps(why.expires),
    )


def _blast(blast: BlastRadius) -> bytes:
    return (
        b'{\n        "dependents": %b,\n        "total": %b,\n        "direct": %b,\n        "exposed_by": %b\n      }'
        % (
            _strings(blast.dependents, _NESTED, _NESTED_END),
            dumps(blast.total),
            dumps(blast.direct),
            _strings(blast.exposed_by, _NESTED, _NESTED_END),
        )
    )
