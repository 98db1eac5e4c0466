"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run. Results are the introduced and existing findings (resolved ones are not results) and the
suppressed findings, marked with `suppressions`. GitHub requires a location on every result: when
a finding has no file (plan mode without source), the plan file stands in, at line 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

import orjson

import tfreview
from tfreview.core.findings import Finding, Review, Status
from tfreview.core.rules import Rule
from tfreview.core.severity import Severity
from tfreview.render.digest import clean, evidence_text, rules_index, uncovered_text

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "tfreview/v1"

# GitHub's scale: over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low
SECURITY_SEVERITY = {
    Severity.CRITICAL: 9.5,
    Severity.HIGH: 8.0,
    Severity.MEDIUM: 5.5,
    Severity.LOW: 3.0,
    Severity.INFO: 1.0,
}
_DEFAULT_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def render_sarif(
    review: Review,
    rules: Mapping[str, Rule] | None = None,
    *,
    plan_path: str | None = None,
    **options: Any,
) -> str:
    """SARIF 2.1.0 log. `plan_path` (default: the review's label) locates findings without a file."""
    return render_sarif_bytes(review, rules, plan_path=plan_path, **options).decode()


def render_sarif_bytes(
    review: Review,
    rules: Mapping[str, Rule] | None = None,
    *,
    plan_path: str | None = None,
    **options: Any,
) -> bytes:
    """`render_sarif` as UTF-8 bytes, for a file: a report of tens of MB is not decoded and encoded again."""
    known = rules_index(rules)
    shown = [f for f in review.findings if f.status is not Status.RESOLVED] + list(review.suppressed)
    rule_ids = sorted({f.rule_id for f in shown})
    samples = {f.rule_id: f for f in shown}
    descriptors = [_descriptor(known.get(rid), samples[rid]) for rid in rule_ids]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    fallback = plan_path or review.label or "plan.json"
    levels = {severity: _level(severity, review.fail_on) for severity in Severity}
    artifacts: dict[str, dict[str, Any]] = {}  # one per file: most findings share a handful of files
    results = [_result(f, index[f.rule_id], levels, fallback, artifacts, _related(f, known)) for f in shown]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "tfreview",
                "version": tfreview.__version__,
                "semanticVersion": tfreview.__version__,
                "rules": descriptors,
            }
        },
        "invocations": [_invocation(review)],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "verdict": review.verdict.value,
            "fail_on": review.fail_on.value,
            "source": review.source,
            "label": plan_path or review.label,
            "resolved": len(review.by_status(Status.RESOLVED)),
            "resources_reviewed": review.coverage.resources_reviewed,
            "resources_covered": review.coverage.resources_covered,
            "uncovered_types": list(review.coverage.uncovered_types),
        },
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return orjson.dumps(log, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def level_of(finding: Finding, fail_on: Severity) -> str:
    """`error` at or above the threshold, `warning` from medium, `note` below."""
    return _level(finding.severity, fail_on)


def _level(severity: Severity, fail_on: Severity) -> str:
    if severity >= fail_on:
        return "error"
    return "warning" if severity >= Severity.MEDIUM else "note"


def _descriptor(rule: Rule | None, sample: Finding) -> dict[str, Any]:
    title = rule.title if rule is not None else sample.title
    description = (rule.description if rule is not None else "") or title
    remediation = rule.remediation if rule is not None else sample.remediation
    references = rule.references if rule is not None else sample.references
    severity = rule.severity if rule is not None else sample.severity
    provider = rule.provider if rule is not None else sample.provider
    category = rule.category if rule is not None else sample.category
    long_id = rule.long_id if rule is not None else sample.long_id
    help_text = f"{description}\n\nRemediation: {remediation}"
    help_md = f"{description}\n\n**Remediation:** {remediation}"
    if references:
        help_text += "\n\nSame check elsewhere: " + ", ".join(references)
        help_md += "\n\n**Same check elsewhere:** " + ", ".join(f"`{r}`" for r in references)
    level = _DEFAULT_LEVEL[severity]
    tags = ["terraform", "security", provider, category]
    return {
        "id": sample.rule_id,
        "name": long_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": level},
        "properties": {
            "tags": list(dict.fromkeys(t for t in tags if t)),
            "security-severity": f"{SECURITY_SEVERITY[severity]:.1f}",
            "problem.severity": _PROBLEM_SEVERITY[level],
            "precision": "high",
            "severity": severity.value,
            "provider": provider,
            "category": category,
            "references": list(references),
        },
    }


def _result(
    finding: Finding,
    rule_index: int,
    levels: Mapping[Severity, str],
    fallback: str,
    artifacts: dict[str, dict[str, Any]],
    related: list[str],
) -> dict[str, Any]:
    text = f"{finding.address}: {finding.message}"
    evidence = evidence_text(finding)
    if evidence:
        text += f" ({evidence})"
    # `_value_` rather than `.value` (a descriptor call on Python 3.11): the same str, three times per finding
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": levels[finding.severity],
        # shown as plain text by code scanning: no escape sequence, no bidi control reordering the address
        "message": {"text": clean(text)},
        "locations": [_location(finding, fallback, artifacts)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "status": finding.status._value_,
            "severity": finding.severity._value_,
            "address": finding.address,
            "resource_type": finding.resource_type,
            "change": finding.change._value_,
            "evidence_path": finding.evidence.path,
            "evidence_value": finding.evidence.value,
        },
    }
    if related:  # one cause, one finding: the rules whose findings this one stands for, and every id it is known by
        result["properties"]["related_rules"] = related
        result["properties"]["references"] = list(finding.references)
    why = finding.suppressed
    if why is not None:
        result["suppressions"] = [
            {
                "kind": "inSource" if why.by == "inline" else "external",
                "status": "accepted",
                "justification": why.reason,
                "properties": {"by": why.by, "source": why.source, "expires": why.expires},
            }
        ]
    return result


def _related(finding: Finding, known: Mapping[str, Rule]) -> list[str]:
    """The rules a finding subsumed (their facets are in its message, ADR 0281 and 0730): those of its rule's
    `subsumes` whose other ids the finding carries among its references. Empty for most findings."""
    rule = known.get(finding.rule_id)
    if rule is None or not rule.subsumes or len(finding.references) <= len(rule.references):
        return []
    own, carried = set(rule.references), set(finding.references)
    related = []
    for other_id in rule.subsumes:
        other = known.get(other_id)
        names = set(other.references) - own if other is not None else set()
        if names and names <= carried:
            related.append(other_id)
    return sorted(related)


def _location(finding: Finding, fallback: str, artifacts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    location = finding.location
    file = location.file if location is not None else fallback
    artifact = artifacts.get(file)
    if artifact is None:
        artifact = artifacts[file] = _artifact(file)  # shared by every result in the file: serialised alike
    if location is not None:
        region: dict[str, Any] = {"startLine": max(location.line, 1)}
        end = location.end_line
        if end is not None and end >= region["startLine"]:
            region["endLine"] = end
    else:
        region = {"startLine": 1}
    return {
        "physicalLocation": {"artifactLocation": artifact, "region": region},
        "logicalLocations": [{"name": finding.address, "fullyQualifiedName": finding.address, "kind": "resource"}],
    }


def _artifact(path: str) -> dict[str, Any]:
    """A path relative to %SRCROOT% (the repository root). An absolute path keeps only its file name: a
    `file://` URI of the machine that ran the scan matches no file of the repository, and names its
    folders."""
    posix = path.replace("\\", "/")
    if PureWindowsPath(path).is_absolute() or PurePosixPath(posix).is_absolute():
        posix = PurePosixPath(posix).name or "plan.json"
    while posix.startswith("./"):
        posix = posix[2:]
    return {"uri": quote(posix), "uriBaseId": SRCROOT}


def _invocation(review: Review) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if review.diagnostics:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": text}} for text in review.diagnostics
        ]
    notes = list(review.notices) + [f"{file}: not reviewed: {why}" for file, why in review.coverage.files_skipped]
    notes += list(review.coverage.notes)
    uncovered = uncovered_text(review, limit=100)
    if uncovered:
        notes.append(f"{uncovered} (a pass says nothing about them)")
    if notes:
        invocation["toolConfigurationNotifications"] = [{"level": "warning", "message": {"text": t}} for t in notes]
    return invocation
