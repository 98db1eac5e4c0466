"""An uploaded plan's kept findings merged into its review (issue 9 item 12): stored redacted, an upload loses the
findings resting on a secret's own shape; those found on the original at upload (`service.uploads.secret_findings`)
that the review of the redacted copy lacks are added, with the verdict and counts they change.

Imports no store, web or HTTP library: a review process merges them too (ADR 0702).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from tfreview.core.findings import Finding, Review, Status, Verdict
from tfreview.core.policy import Policy, verdict
from tfreview.ports.review_codec import findings_from_documents


def with_kept_findings(result: Review, kept: Sequence[Mapping[str, Any]], policy: Policy) -> Review:
    """`result` plus the kept findings it lacks (same rule, address and attribute path: no duplicates)."""
    if not kept:
        return result
    seen = {f.fingerprint for f in (*result.findings, *result.suppressed)}
    carried = [f for f in findings_from_documents(kept) if f.fingerprint not in seen and f.suppressed is None]
    if not carried:
        return result
    findings = sorted((*result.findings, *carried), key=_order)
    counts = {key: dict(value) if isinstance(value, dict) else value for key, value in result.counts.items()}
    for finding in carried:
        by_status = counts.setdefault("findings", {})
        by_status[finding.status.value] = by_status.get(finding.status.value, 0) + 1
        if finding.status is not Status.RESOLVED:
            by_severity = counts.setdefault("severity", {})
            by_severity[finding.severity.value] = by_severity.get(finding.severity.value, 0) + 1
    outcome = verdict(findings, policy)
    if result.verdict is Verdict.FAIL:  # e.g. fail_on_uncovered: the merge never lowers the verdict
        outcome = Verdict.FAIL
    return dataclasses.replace(result, findings=findings, counts=counts, verdict=outcome)


_STATUS_ORDER = {Status.INTRODUCED: 0, Status.EXISTING: 1, Status.RESOLVED: 2}


def _order(finding: Finding) -> tuple[int, int, str, str]:
    """The engine's order of findings (core.review): status, severity (highest first), address, rule."""
    return (_STATUS_ORDER[finding.status], -finding.severity.rank, finding.address, finding.rule_id)
