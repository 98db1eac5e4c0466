"""Version 1 of the stored-review codec (ports.review_codec): every field of a `Review`, nothing derived.

Each value is written under its field name; enums as their values, tuples as lists, `None` as null.
Reading checks each value's JSON type (a wrong one raises TypeError/ValueError/KeyError, which the
codec turns into one InputError) and gives back the exact value written: `review_of(review_data(r)) == r`.
"""

from __future__ import annotations

import copy
from typing import Any

from tfreview.core.blast import BlastRadius
from tfreview.core.findings import Advice, ChangeEntry, Concern, Evidence, Finding, Review, Status, Suppressed, Verdict
from tfreview.core.plan import ChangeKind, Coverage, Location
from tfreview.core.severity import Severity
from tfreview.core.usage import AdviceUsage, Omission

# --- writing ---------------------------------------------------------------------------------------


def review_data(review: Review) -> dict[str, Any]:
    return {
        "findings": [_finding(f) for f in review.findings],
        "suppressed": [_finding(f) for f in review.suppressed],
        "changes": [_change(c) for c in review.changes],
        "drift": [_change(c) for c in review.drift],
        "coverage": _coverage(review.coverage),
        "verdict": review.verdict.value,
        "fail_on": review.fail_on.value,
        "source": review.source,
        "label": review.label,
        "terraform_version": review.terraform_version,
        "diagnostics": list(review.diagnostics),
        "notices": list(review.notices),
        "advice": None if review.advice is None else _advice(review.advice),
        "counts": copy.deepcopy(review.counts),
        "fail_on_existing": review.fail_on_existing,
    }


def _location(location: Location | None) -> dict[str, Any] | None:
    return None if location is None else {"file": location.file, "line": location.line, "end_line": location.end_line}


def _finding(f: Finding) -> dict[str, Any]:
    why = f.suppressed
    return {
        "rule_id": f.rule_id,
        "long_id": f.long_id,
        "title": f.title,
        "severity": f.severity.value,
        "provider": f.provider,
        "category": f.category,
        "address": f.address,
        "resource_type": f.resource_type,
        "message": f.message,
        "remediation": f.remediation,
        "evidence": {"path": f.evidence.path, "value": f.evidence.value},
        "status": f.status.value,
        "change": f.change.value,
        "location": _location(f.location),
        "references": list(f.references),
        "suppressed": None
        if why is None
        else {"by": why.by, "reason": why.reason, "source": why.source, "expires": why.expires},
    }


def _change(c: ChangeEntry) -> dict[str, Any]:
    """A change entry; `deposed` only when there is one, so a review without one is stored as before (ADR 0616)."""
    blast = c.blast
    document = {
        "address": c.address,
        "type": c.type,
        "kind": c.kind.value,
        "action_reason": c.action_reason,
        "replace_paths": list(c.replace_paths),
        "location": _location(c.location),
        "blast": None
        if blast is None
        else {
            "dependents": list(blast.dependents),
            "total": blast.total,
            "direct": blast.direct,
            "exposed_by": list(blast.exposed_by),
        },
    }
    if c.deposed is not None:
        document["deposed"] = c.deposed
    return document


def _coverage(c: Coverage) -> dict[str, Any]:
    return {
        "resources_total": c.resources_total,
        "resources_reviewed": c.resources_reviewed,
        "resources_covered": c.resources_covered,
        "uncovered_types": list(c.uncovered_types),
        "files_parsed": list(c.files_parsed),
        "files_skipped": [[file, reason] for file, reason in c.files_skipped],
        "notes": list(c.notes),
    }


def _advice(a: Advice) -> dict[str, Any]:
    return {
        "summary": a.summary,
        "risk": a.risk.value,
        "concerns": [
            {"address": c.address, "category": c.category, "message": c.message, "severity": c.severity.value}
            for c in a.concerns
        ],
        "source": a.source,
        "is_llm": a.is_llm,
        "unavailable_reason": a.unavailable_reason,
        "retry_later": a.retry_later,
        "usage": None if a.usage is None else _usage(a.usage),
    }


def _usage(u: AdviceUsage) -> dict[str, Any]:
    o = u.omission
    return {
        "provider": u.provider,
        "model": u.model,
        "input_tokens": u.input_tokens,
        "output_tokens": u.output_tokens,
        "latency_seconds": u.latency_seconds,
        "attempts": u.attempts,
        "fallbacks_used": list(u.fallbacks_used),
        "estimated_cost_usd": u.estimated_cost_usd,
        "prompt_version": u.prompt_version,
        "prompt_tokens_estimate": u.prompt_tokens_estimate,
        "omission": {
            "resources": list(o.resources),
            "by_kind": dict(o.by_kind),
            "facts": o.facts,
            "drift": o.drift,
            "extras": list(o.extras),
        },
        "concerns_dropped": u.concerns_dropped,
        "failures": list(u.failures),
    }


# --- reading ---------------------------------------------------------------------------------------


def review_of(d: Any) -> Review:
    return Review(
        findings=[_finding_of(f) for f in _list(d["findings"])],
        suppressed=[_finding_of(f) for f in _list(d["suppressed"])],
        changes=[_change_of(c) for c in _list(d["changes"])],
        drift=[_change_of(c) for c in _list(d["drift"])],
        coverage=_coverage_of(_object(d["coverage"])),
        verdict=Verdict(_text(d["verdict"])),
        fail_on=Severity(_text(d["fail_on"])),
        source=_text(d["source"]),
        label=_text(d["label"]),
        terraform_version=_maybe_text(d["terraform_version"]),
        diagnostics=list(_texts(d["diagnostics"])),
        notices=list(_texts(d["notices"])),
        advice=None if d["advice"] is None else _advice_of(_object(d["advice"])),
        counts=copy.deepcopy(_object(d["counts"])),
        fail_on_existing=_flag(d["fail_on_existing"]),
    )


def _location_of(d: Any) -> Location | None:
    if d is None:
        return None
    end = d["end_line"]
    return Location(file=_text(d["file"]), line=_int(d["line"]), end_line=None if end is None else _int(end))


def _finding_of(d: Any) -> Finding:
    evidence, why = _object(d["evidence"]), d["suppressed"]
    return Finding(
        rule_id=_text(d["rule_id"]),
        long_id=_text(d["long_id"]),
        title=_text(d["title"]),
        severity=Severity(_text(d["severity"])),
        provider=_text(d["provider"]),
        category=_text(d["category"]),
        address=_text(d["address"]),
        resource_type=_text(d["resource_type"]),
        message=_text(d["message"]),
        remediation=_text(d["remediation"]),
        evidence=Evidence(path=_text(evidence["path"]), value=_maybe_text(evidence["value"])),
        status=Status(_text(d["status"])),
        change=ChangeKind(_text(d["change"])),
        location=_location_of(d["location"]),
        references=_texts(d["references"]),
        suppressed=None
        if why is None
        else Suppressed(
            by=_text(why["by"]),
            reason=_text(why["reason"]),
            source=_text(why["source"]),
            expires=_maybe_text(why["expires"]),
        ),
    )


def _change_of(d: Any) -> ChangeEntry:
    blast = d["blast"]
    return ChangeEntry(
        address=_text(d["address"]),
        type=_text(d["type"]),
        kind=ChangeKind(_text(d["kind"])),
        action_reason=_maybe_text(d["action_reason"]),
        replace_paths=_texts(d["replace_paths"]),
        location=_location_of(d["location"]),
        blast=None
        if blast is None
        else BlastRadius(
            dependents=_texts(blast["dependents"]),
            total=_int(blast["total"]),
            direct=_int(blast["direct"]),
            exposed_by=_texts(blast["exposed_by"]),
        ),
        deposed=_maybe_text(d.get("deposed")),  # stored before ADR 0616: none
    )


def _coverage_of(d: Any) -> Coverage:
    skipped = [_list(pair) for pair in _list(d["files_skipped"])]
    if any(len(pair) != 2 for pair in skipped):
        raise ValueError("coverage.files_skipped holds a pair that is not [file, reason]")
    return Coverage(
        resources_total=_int(d["resources_total"]),
        resources_reviewed=_int(d["resources_reviewed"]),
        resources_covered=_int(d["resources_covered"]),
        uncovered_types=_texts(d["uncovered_types"]),
        files_parsed=_texts(d["files_parsed"]),
        files_skipped=tuple((_text(file), _text(reason)) for file, reason in skipped),
        notes=_texts(d["notes"]),
    )


def _advice_of(d: Any) -> Advice:
    usage = d["usage"]
    return Advice(
        summary=_text(d["summary"]),
        risk=Severity(_text(d["risk"])),
        concerns=tuple(
            Concern(
                address=_text(c["address"]),
                category=_text(c["category"]),
                message=_text(c["message"]),
                severity=Severity(_text(c["severity"])),
            )
            for c in _list(d["concerns"])
        ),
        source=_text(d["source"]),
        is_llm=_flag(d["is_llm"]),
        unavailable_reason=_maybe_text(d["unavailable_reason"]),
        retry_later=_flag(d["retry_later"]),
        usage=None if usage is None else _usage_of(_object(usage)),
    )


def _usage_of(d: Any) -> AdviceUsage:
    o = _object(d["omission"])
    cost = d["estimated_cost_usd"]
    return AdviceUsage(
        provider=_maybe_text(d["provider"]),
        model=_maybe_text(d["model"]),
        input_tokens=_int(d["input_tokens"]),
        output_tokens=_int(d["output_tokens"]),
        latency_seconds=_number(d["latency_seconds"]),
        attempts=_int(d["attempts"]),
        fallbacks_used=_texts(d["fallbacks_used"]),
        estimated_cost_usd=None if cost is None else _number(cost),
        prompt_version=_text(d["prompt_version"]),
        prompt_tokens_estimate=_int(d["prompt_tokens_estimate"]),
        omission=Omission(
            resources=_texts(o["resources"]),
            by_kind={_text(kind): _int(n) for kind, n in _object(o["by_kind"]).items()},
            facts=_int(o["facts"]),
            drift=_int(o["drift"]),
            extras=_texts(o["extras"]),
        ),
        concerns_dropped=_int(d["concerns_dropped"]),
        failures=_texts(d["failures"]),
    )


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError(f"expected a string, found {type(value).__name__}")
    return value


def _maybe_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"expected an integer, found {type(value).__name__}")
    return value


def _number(value: Any) -> float:
    if type(value) is int:
        return float(value)  # JSON does not keep 1.0 apart from 1 everywhere
    if type(value) is not float:
        raise TypeError(f"expected a number, found {type(value).__name__}")
    return value


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise TypeError(f"expected true or false, found {type(value).__name__}")
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return value


def _object(value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(_text(v) for v in _list(value))
