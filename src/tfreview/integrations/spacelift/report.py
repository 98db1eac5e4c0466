"""A stored review's report (render.json_report.review_document) back into a Review, to render it again.

The service stores the JSON report, not the Review object; publishers render Markdown from it. This is the
inverse of `review_document` for what the renderers read. Unknown or missing fields take their defaults,
so a report of an older tool version still renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfreview.core.findings import Advice, ChangeEntry, Concern, Evidence, Finding, Review, Status, Suppressed, Verdict
from tfreview.core.plan import ChangeKind, Coverage, Location
from tfreview.core.severity import Severity
from tfreview.render.markdown import MAX_CHARS, render_markdown


def report_markdown(report: Mapping[str, Any], *, marker: str = "", max_chars: int = MAX_CHARS) -> str:
    """The Markdown review (the PR comment renderer) of a stored report."""
    return render_markdown(review_from_report(report), max_chars=max_chars, marker=marker)


def review_from_report(report: Mapping[str, Any]) -> Review:
    coverage = _map(report.get("coverage"))
    return Review(
        findings=[finding_from_document(f) for f in _list(report.get("findings"))],
        suppressed=[finding_from_document(f) for f in _list(report.get("suppressed"))],
        changes=[_change(c) for c in _list(report.get("changes"))],
        drift=[_change(c) for c in _list(report.get("drift"))],
        coverage=Coverage(
            resources_total=_int(coverage.get("resources_total")),
            resources_reviewed=_int(coverage.get("resources_reviewed")),
            files_parsed=[str(f) for f in _list(coverage.get("files_parsed"))],
            files_skipped=[
                (str(_map(s).get("file", "")), str(_map(s).get("reason", "")))
                for s in _list(coverage.get("files_skipped"))
            ],
            notes=[str(n) for n in _list(coverage.get("notes"))],
        ),
        verdict=_enum(Verdict, report.get("verdict"), Verdict.PASS),
        fail_on=_enum(Severity, report.get("fail_on"), Severity.HIGH),
        source=str(report.get("source") or "plan"),
        label=str(report.get("label") or ""),
        terraform_version=_str_or_none(report.get("terraform_version")),
        diagnostics=[str(d) for d in _list(report.get("diagnostics"))],
        notices=[str(n) for n in _list(report.get("notices"))],
        advice=_advice(report.get("advice")),
    )


def finding_from_document(document: Any) -> Finding:
    doc = _map(document)
    evidence = _map(doc.get("evidence"))
    why = doc.get("suppressed")
    return Finding(
        rule_id=str(doc.get("rule_id", "")),
        long_id=str(doc.get("long_id", "")),
        title=str(doc.get("title", "")),
        severity=_enum(Severity, doc.get("severity"), Severity.INFO),
        provider=str(doc.get("provider", "")),
        category=str(doc.get("category", "")),
        address=str(doc.get("address", "")),
        resource_type=str(doc.get("resource_type", "")),
        message=str(doc.get("message", "")),
        remediation=str(doc.get("remediation", "")),
        evidence=Evidence(path=str(evidence.get("path", "")), value=_str_or_none(evidence.get("value"))),
        status=_enum(Status, doc.get("status"), Status.INTRODUCED),
        change=_enum(ChangeKind, doc.get("change"), ChangeKind.UPDATE),
        location=_location(doc.get("location")),
        references=tuple(str(r) for r in _list(doc.get("references"))),
        suppressed=None
        if not isinstance(why, Mapping)
        else Suppressed(
            by=str(why.get("by", "")),
            reason=str(why.get("reason", "")),
            source=str(why.get("source", "")),
            expires=_str_or_none(why.get("expires")),
        ),
    )


def _change(document: Any) -> ChangeEntry:
    doc = _map(document)
    return ChangeEntry(
        address=str(doc.get("address", "")),
        type=str(doc.get("type", "")),
        kind=_enum(ChangeKind, doc.get("change"), ChangeKind.UPDATE),
        action_reason=_str_or_none(doc.get("action_reason")),
        replace_paths=tuple(str(p) for p in _list(doc.get("replace_paths"))),
        location=_location(doc.get("location")),
    )


def _advice(document: Any) -> Advice | None:
    if not isinstance(document, Mapping):
        return None
    return Advice(
        summary=str(document.get("summary", "")),
        risk=_enum(Severity, document.get("risk"), Severity.INFO),
        concerns=tuple(
            Concern(
                address=str(_map(c).get("address", "")),
                category=str(_map(c).get("category", "")),
                message=str(_map(c).get("message", "")),
                severity=_enum(Severity, _map(c).get("severity"), Severity.MEDIUM),
            )
            for c in _list(document.get("concerns"))
        ),
        source=str(document.get("source", "builtin")),
        is_llm=bool(document.get("is_llm", False)),
        unavailable_reason=_str_or_none(document.get("unavailable_reason")),
    )


def _location(document: Any) -> Location | None:
    if not isinstance(document, Mapping) or not isinstance(document.get("file"), str):
        return None
    end = document.get("end_line")
    return Location(
        file=document["file"], line=_int(document.get("line")), end_line=end if isinstance(end, int) else None
    )


def _enum(kind: Any, value: Any, default: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        return default


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
