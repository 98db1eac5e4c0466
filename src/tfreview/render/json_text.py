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
from tfreview.core.plan import Location

_NULL = b"null"
_join = b"".join
_NESTED, _NESTED_END = b",\n          ", b"\n        ]"  # a list in an object in an entry


def findings_json(findings: Sequence[Finding]) -> bytes:
    """`findings` as the JSON array orjson indents at depth 1 (`[]` when empty)."""
    if not findings:
        return b"[]"
    heads: dict[tuple[str, str, str, str, str, str, str], bytes] = {}
    shared: dict[object, bytes] = {}  # what many findings have: types, changes, remediations, paths, references
    pieces: list[bytes] = [b"[\n"]
    add = pieces.append  # a finding's pieces joined: a bytes `%` format per finding cost more
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
        path = evidence.path
        location = finding.location
        why = finding.suppressed
        add(
            _join(
                (
                    heads.get(key) or _head(heads, key),
                    dumps(finding.address),
                    b',\n      "resource_type": ',
                    shared.get(finding.resource_type) or _shared(shared, finding.resource_type),
                    b',\n      "change": ',
                    shared.get(finding.change) or _shared(shared, finding.change),
                    b',\n      "message": ',
                    dumps(finding.message),
                    b',\n      "remediation": ',
                    shared.get(finding.remediation) or _shared(shared, finding.remediation),
                    b',\n      "evidence": {\n        "path": ',
                    shared.get(path) or _shared(shared, path),
                    b',\n        "value": ',
                    dumps(evidence.value),
                    b'\n      },\n      "location": ',
                    _NULL if location is None else _location(location, shared),
                    b',\n      "references": ',
                    shared.get(finding.references) or _list(shared, finding.references),
                    b',\n      "fingerprint": "',
                    known.encode(),
                    b'",\n      "suppressed": ',
                    _NULL if why is None else _suppressed(why),
                    b"\n    },\n",
                )
            )
        )
    pieces[-1] = pieces[-1][:-2] + b"\n  ]"
    return b"".join(pieces)


def changes_json(entries: Sequence[ChangeEntry]) -> bytes:
    """The change entries as the JSON array orjson indents at depth 1 (`[]` when empty)."""
    if not entries:
        return b"[]"
    shared: dict[object, bytes] = {}
    pieces: list[bytes] = [b"[\n"]
    add = pieces.append
    for entry in entries:
        reason = entry.action_reason
        location = entry.location
        blast = entry.blast
        add(
            _join(
                (
                    b'    {\n      "address": ',
                    dumps(entry.address),
                    b',\n      "type": ',
                    shared.get(entry.type) or _shared(shared, entry.type),
                    b',\n      "change": ',
                    shared.get(entry.kind) or _shared(shared, entry.kind),
                    b',\n      "action_reason": ',
                    _NULL if reason is None else shared.get(reason) or _shared(shared, reason),
                    b',\n      "replace_paths": ',
                    shared.get(entry.replace_paths) or _list(shared, entry.replace_paths),
                    b',\n      "location": ',
                    _NULL if location is None else _location(location, shared),
                    b',\n      "blast_radius": ',
                    _NULL if blast is None else _blast(blast),
                    b"\n    },\n",
                )
            )
        )
    pieces[-1] = pieces[-1][:-2] + b"\n  ]"
    return b"".join(pieces)


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
