"""The JSON output format read back: a report (render.json_report.review_document) as a Review again.

`review_from_report` is the inverse of `review_document` for everything the renderers read. It reads
what the service stored before the stored-review codec (`ports.review_codec`, version 0: the report
itself) and a report file a user hands to `tfreview github comment`. A report of another schema version
is refused (InputError: permanent, never a half-rendered comment).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

from tfreview.core.blast import BlastRadius
from tfreview.core.errors import InputError
from tfreview.core.findings import Advice, ChangeEntry, Concern, Evidence, Finding, Review, Status, Suppressed, Verdict
from tfreview.core.plan import ChangeKind, Coverage, Location
from tfreview.core.severity import Severity
from tfreview.core.usage import AdviceUsage, Omission
from tfreview.render.json_report import SCHEMA_VERSION
from tfreview.render.markdown import MAX_CHARS, render_markdown


def review_from_report(report: Mapping[str, Any]) -> Review:
    """The Review a stored JSON report describes (schema version 1)."""
    version = str(report.get("schema_version", ""))
    if version != SCHEMA_VERSION:
        raise InputError(f"stored report has schema version {version!r}; this publisher reads {SCHEMA_VERSION!r}")
    try:
        return Review(
            findings=[_finding(f) for f in report.get("findings") or []],
            suppressed=[_finding(f) for f in report.get("suppressed") or []],
            changes=[_change(c) for c in report.get("changes") or []],
            drift=[_change(c) for c in report.get("drift") or []],
            coverage=_coverage(report.get("coverage") or {}),
            verdict=Verdict(report["verdict"]),
            fail_on=Severity(report["fail_on"]),
            fail_on_existing=bool(report.get("fail_on_existing", False)),
            source=str(report.get("source") or "plan"),
            label=str(report.get("label") or ""),
            terraform_version=report.get("terraform_version"),
            diagnostics=[str(d) for d in report.get("diagnostics") or []],
            notices=[str(n) for n in report.get("notices") or []],
            advice=_advice(report.get("advice")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"stored report is not a valid review document ({type(exc).__name__}: {exc})") from None


def findings_from_documents(documents: Sequence[Mapping[str, Any]]) -> list[Finding]:
    """Finding documents of the output format (`json_report.finding_document`) as Findings."""
    try:
        return [_finding(f) for f in documents]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"not a valid finding document ({type(exc).__name__}: {exc})") from None


def report_markdown(report: Mapping[str, Any], *, marker: str = "", max_chars: int = MAX_CHARS) -> str:
    """The markdown review (the PR comment renderer) of a stored report, ≤ max_chars."""
    return render_markdown(review_from_report(report), max_chars=max_chars, marker=marker)


def _is_mapping(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """isinstance(value, Mapping), with the exact-dict case first: the ABC check costs ~10 µs a call, and a
    2,000-finding report makes 4,000 of them."""
    return value is not None and (type(value) is dict or isinstance(value, Mapping))


def _location(data: Any) -> Location | None:
    if not _is_mapping(data) or not data.get("file") or data.get("line") is None:
        return None
    end = data.get("end_line")
    return Location(file=str(data["file"]), line=int(data["line"]), end_line=int(end) if end is not None else None)


def _finding(data: Mapping[str, Any]) -> Finding:
    evidence = data.get("evidence") or {}
    why = data.get("suppressed")
    value = evidence.get("value")
    return Finding(
        rule_id=str(data["rule_id"]),
        long_id=str(data.get("long_id") or ""),
        title=str(data.get("title") or ""),
        severity=Severity(data["severity"]),
        provider=str(data.get("provider") or ""),
        category=str(data.get("category") or ""),
        address=str(data.get("address") or ""),
        resource_type=str(data.get("resource_type") or ""),
        message=str(data.get("message") or ""),
        remediation=str(data.get("remediation") or ""),
        evidence=Evidence(path=str(evidence.get("path") or ""), value=None if value is None else str(value)),
        status=Status(data["status"]),
        change=ChangeKind(data.get("change") or "no-op"),
        location=_location(data.get("location")),
        references=tuple(str(r) for r in data.get("references") or ()),
        suppressed=None
        if not _is_mapping(why)
        else Suppressed(
            by=str(why.get("by") or ""),
            reason=str(why.get("reason") or ""),
            source=str(why.get("source") or ""),
            expires=why.get("expires"),
        ),
    )


def _change(data: Mapping[str, Any]) -> ChangeEntry:
    return ChangeEntry(
        address=str(data["address"]),
        type=str(data.get("type") or ""),
        kind=ChangeKind(data["change"]),
        action_reason=data.get("action_reason"),
        replace_paths=tuple(str(p) for p in data.get("replace_paths") or ()),
        location=_location(data.get("location")),
        blast=_blast(data.get("blast_radius")),
        deposed=deposed if isinstance(deposed := data.get("deposed"), str) else None,  # absent before ADR 0616
    )


def _blast(data: Any) -> BlastRadius | None:
    """Reports stored before the blast radius have none."""
    if not isinstance(data, Mapping):
        return None
    return BlastRadius(
        dependents=tuple(str(a) for a in data.get("dependents") or ()),
        total=int(data.get("total") or 0),
        direct=int(data.get("direct") or 0),
        exposed_by=tuple(str(a) for a in data.get("exposed_by") or ()),
    )


def _coverage(data: Mapping[str, Any]) -> Coverage:
    reviewed = int(data.get("resources_reviewed") or 0)
    return Coverage(
        resources_total=int(data.get("resources_total") or 0),
        resources_reviewed=reviewed,
        # a report stored before coverage was counted claims nothing about it
        resources_covered=int(data.get("resources_covered", reviewed) or 0),
        uncovered_types=tuple(str(t) for t in data.get("uncovered_types") or []),
        files_parsed=tuple(str(f) for f in data.get("files_parsed") or []),
        files_skipped=tuple((str(s["file"]), str(s["reason"])) for s in data.get("files_skipped") or []),
        notes=tuple(str(n) for n in data.get("notes") or []),
    )


def _advice(data: Any) -> Advice | None:
    if not isinstance(data, Mapping):
        return None
    return Advice(
        summary=str(data.get("summary") or ""),
        risk=Severity(data.get("risk") or "info"),
        concerns=tuple(
            Concern(
                address=str(c.get("address") or ""),
                category=str(c.get("category") or ""),
                message=str(c.get("message") or ""),
                severity=Severity(c.get("severity") or "medium"),
            )
            for c in data.get("concerns") or []
        ),
        source=str(data.get("source") or "advisor"),
        is_llm=bool(data.get("is_llm")),
        unavailable_reason=data.get("unavailable_reason"),
        usage=_usage(data.get("usage")),
    )


def _usage(data: Any) -> AdviceUsage | None:
    """The report's `advice.usage`: `AdviceUsage.as_dict()` (omitted addresses counted, not listed), or, when a
    model was asked (attempts > 0), the short form without `attempts`: at least one, the report says no more."""
    if not isinstance(data, Mapping):
        return None
    cost = data.get("estimated_cost_usd")
    common: dict[str, Any] = {
        "provider": data.get("provider"),
        "model": data.get("model"),
        "input_tokens": int(data.get("input_tokens") or 0),
        "output_tokens": int(data.get("output_tokens") or 0),
        "estimated_cost_usd": None if cost is None else float(cost),
    }
    if "attempts" not in data:
        return AdviceUsage(**common, attempts=1)
    found = data.get("omitted")
    omitted: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    return AdviceUsage(
        **common,
        latency_seconds=float(data.get("latency_seconds") or 0.0),
        attempts=int(data.get("attempts") or 0),
        fallbacks_used=tuple(str(f) for f in data.get("fallbacks_used") or ()),
        prompt_version=str(data.get("prompt_version") or ""),
        prompt_tokens_estimate=int(data.get("prompt_tokens_estimate") or 0),
        omission=Omission(
            by_kind={str(k): int(n) for k, n in (omitted.get("by_kind") or {}).items()},
            facts=int(omitted.get("facts") or 0),
            drift=int(omitted.get("drift") or 0),
            extras=tuple(str(e) for e in omitted.get("extras") or ()),
        ),
        concerns_dropped=int(data.get("concerns_dropped") or 0),
        failures=tuple(str(f) for f in data.get("failures") or ()),
    )
