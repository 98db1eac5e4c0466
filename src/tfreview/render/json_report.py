"""The JSON report: a documented, versioned schema (`schema/review-v1.json`, docs/reference/json-schema.md).

Fields are append-only within a schema version; a field is removed or changes meaning only in a
new `schema_version`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import orjson

import tfreview
from tfreview.core.blast import BlastRadius
from tfreview.core.findings import Advice, ChangeEntry, Finding, Review, fingerprint
from tfreview.core.plan import Coverage, Location
from tfreview.core.rules import Rule
from tfreview.render.digest import blast_total, imported, tally
from tfreview.render.json_text import changes_pieces, findings_pieces

SCHEMA_VERSION = "1"
SCHEMA_RESOURCE = "review-v1.json"


def render_json(review: Review, rules: Mapping[str, Rule] | None = None, *, indent: bool = True, **options: Any) -> str:
    """The review as JSON following schema version 1."""
    return render_json_bytes(review, rules, indent=indent, **options).decode()


def render_json_bytes(
    review: Review,
    rules: Mapping[str, Rule] | None = None,
    *,
    indent: bool = True,
    keep: list[object] | None = None,
    **options: Any,
) -> bytes:
    """`render_json` as UTF-8 bytes, for a file: decoding 14 MB of JSON (10k resources) to text and encoding
    it again to write it cost more CPU than serialising it. `keep` receives the document's dicts, for a process
    that leaves without freeing them (cli, ADRs 0315 and 0466): indented, its head and tail only, its findings and
    changes being written as bytes (ADR 0500)."""
    # one join of every piece: the report is copied once, not once per array and again for the whole
    return b"".join(render_json_pieces(review, rules, indent=indent, keep=keep, **options))


def render_json_pieces(
    review: Review,
    rules: Mapping[str, Rule] | None = None,
    *,
    indent: bool = True,
    keep: list[object] | None = None,
    **options: Any,
) -> list[bytes]:
    """`render_json_bytes` as the pieces it joins, for a file written from them without that copy (ADR 0692)."""
    if not indent:
        document = review_document(review)
        if keep is not None:
            keep.append(document)
        return [orjson.dumps(document, option=orjson.OPT_APPEND_NEWLINE)]
    head, tail = _head(review, None), _tail(review)
    if keep is not None:
        keep.extend((head, tail))
    # `{\n  …\n}` twice, the head without its closing line and the tail without its opening one, and between them
    # the four long arrays as the bytes orjson would write for them (json_text, ADR 0500)
    opening = orjson.dumps(head, option=orjson.OPT_INDENT_2)
    closing = orjson.dumps(tail, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    return [
        opening[:-2],
        b',\n  "findings": ',
        *findings_pieces(review.findings),
        b',\n  "suppressed": ',
        *findings_pieces(review.suppressed),
        b',\n  "changes": ',
        *changes_pieces(review.changes),
        b',\n  "drift": ',
        *changes_pieces(review.drift),
        b",\n",
        closing[2:],
    ]


def review_document(review: Review, *, tool_version: str | None = None) -> dict[str, Any]:
    """The review as plain data (what `render_json` serialises and the API's `report` shows). `tool_version`:
    the release that made the review, when it is not this one (a stored review, ports.review_codec)."""
    return {
        **_head(review, tool_version),
        "findings": _finding_documents(review.findings),
        "suppressed": _finding_documents(review.suppressed),
        "changes": _change_documents(review.changes),
        "drift": _change_documents(review.drift),
        **_tail(review),
    }


def _head(review: Review, tool_version: str | None) -> dict[str, Any]:
    """The document's fields before its findings."""
    t = tally(review)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tfreview", "version": tool_version or tfreview.__version__},
        "verdict": review.verdict.value,
        "fail_on": review.fail_on.value,
        "fail_on_existing": review.fail_on_existing,
        "source": review.source,
        "label": review.label,
        "terraform_version": review.terraform_version,
        "summary": {
            "findings": {"introduced": t.introduced, "existing": t.existing, "resolved": t.resolved},
            "severity": {s.value: n for s, n in t.open_by_severity.items()},
            "introduced_severity": {s.value: n for s, n in t.introduced_by_severity.items()},
            "suppressed": t.suppressed,
            "changes": dict(t.changes_by_kind),
            "destroys": t.destroys,
            "drift": t.drift,
            "imports": imported(review),
            "blast_radius": blast_total(review),
        },
    }


def _tail(review: Review) -> dict[str, Any]:
    """The document's fields after its change entries."""
    return {
        "coverage": _coverage(review.coverage),
        "diagnostics": list(review.diagnostics),
        "notices": list(review.notices),
        "advice": advice_document(review.advice),
    }


def finding_document(finding: Finding) -> dict[str, Any]:
    return _finding_documents((finding,))[0]


def _finding_documents(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """The findings' objects, built in one comprehension (no call per finding: tens of thousands in a large plan).
    The fingerprint is computed here with `fingerprint`, the function `Finding.fingerprint` caches: a finding
    not yet asked (as in a scan) would first raise and catch AttributeError for its unset slot, then store it;
    the value is the same. `_value_` rather than `.value`: a descriptor call on Python 3.11, three per finding."""
    return [
        {
            "rule_id": finding.rule_id,
            "long_id": finding.long_id,
            "title": finding.title,
            "severity": finding.severity._value_,
            "status": finding.status._value_,
            "provider": finding.provider,
            "category": finding.category,
            "address": finding.address,
            "resource_type": finding.resource_type,
            "change": finding.change._value_,
            "message": finding.message,
            "remediation": finding.remediation,
            "evidence": {"path": (path := finding.evidence.path), "value": finding.evidence.value},
            # None in a plan without its source
            "location": None
            if (location := finding.location) is None
            else {"file": location.file, "line": location.line, "end_line": location.end_line},
            "references": [*finding.references],
            "fingerprint": fingerprint(finding.rule_id, finding.address, path),
            "suppressed": None
            if (why := finding.suppressed) is None
            else {"by": why.by, "reason": why.reason, "source": why.source, "expires": why.expires},
        }
        for finding in findings
    ]


def _location(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line, "end_line": location.end_line}


def _change_documents(entries: Sequence[ChangeEntry]) -> list[dict[str, Any]]:
    """The change entries' objects, in one comprehension (one per changed resource); location and blast radius
    are mostly None: no call for them."""
    return [
        {
            "address": entry.address,
            "type": entry.type,
            "change": entry.kind._value_,
            "action_reason": entry.action_reason,
            "replace_paths": [*entry.replace_paths],
            "location": None if (location := entry.location) is None else _location(location),
            "blast_radius": None if (blast := entry.blast) is None else _blast(blast),
            "deposed": entry.deposed,
        }
        for entry in entries
    ]


def _blast(blast: BlastRadius | None) -> dict[str, Any] | None:
    if blast is None:
        return None
    return {
        "dependents": list(blast.dependents),
        "total": blast.total,
        "direct": blast.direct,
        "exposed_by": list(blast.exposed_by),
    }


def _coverage(coverage: Coverage) -> dict[str, Any]:
    return {
        "resources_total": coverage.resources_total,
        "resources_reviewed": coverage.resources_reviewed,
        "resources_covered": coverage.resources_covered,
        "uncovered_types": list(coverage.uncovered_types),
        "files_parsed": list(coverage.files_parsed),
        "files_skipped": [{"file": file, "reason": reason} for file, reason in coverage.files_skipped],
        "notes": list(coverage.notes),
    }


def advice_document(advice: Advice | None) -> dict[str, Any] | None:
    """The report's `advice` object (None without advice)."""
    if advice is None:
        return None
    document: dict[str, Any] = {
        "summary": advice.summary,
        "risk": advice.risk.value,
        "source": advice.source,
        "is_llm": advice.is_llm,
        "unavailable_reason": advice.unavailable_reason,
        "concerns": [
            {"address": c.address, "category": c.category, "message": c.message, "severity": c.severity.value}
            for c in advice.concerns
        ],
        "usage": _usage(advice),
    }
    usage = advice.usage  # a model's advice says what it cost
    if usage is not None and usage.attempts > 0:
        document["usage"] = {
            "provider": usage.provider,
            "model": usage.model,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "estimated_cost_usd": usage.estimated_cost_usd,
        }
    return document


def _usage(advice: Advice) -> dict[str, Any] | None:
    """What the AI review cost (provider, model, tokens, latency, attempts, estimated USD), when a model was asked.

    The advisor's advice carries it; the builtin reviewer's has none."""
    return advice.usage.as_dict() if advice.usage is not None else None


@lru_cache(maxsize=1)
def _schema_text() -> str:
    from importlib import resources  # only for the schema, never on the scan path

    return resources.files("tfreview.render").joinpath("schema", SCHEMA_RESOURCE).read_text(encoding="utf-8")


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report, as shipped in the package."""
    import json

    schema: dict[str, Any] = json.loads(_schema_text())
    return schema
