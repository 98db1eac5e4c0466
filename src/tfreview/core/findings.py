"""Findings and the review they add up to."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tfreview.core.blast import BlastRadius
from tfreview.core.plan import ChangeKind, Coverage, Location
from tfreview.core.severity import Severity
from tfreview.core.usage import AdviceUsage


class Status(StrEnum):
    """What the change does to a finding."""

    INTRODUCED = "introduced"  # the change makes it worse
    EXISTING = "existing"  # it was already there
    RESOLVED = "resolved"  # the change fixes it


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        """pass 0 < warn 1 < fail 2: the one order of verdicts (merging, combining, comparing)."""
        return _VERDICT_RANK[self]


_VERDICT_RANK = {Verdict.PASS: 0, Verdict.WARN: 1, Verdict.FAIL: 2}


def worst_verdict(*verdicts: Verdict) -> Verdict:
    return max(verdicts, key=lambda v: v.rank)


@dataclass(frozen=True, slots=True)
class Evidence:
    path: str  # attribute path, dotted
    value: str | None  # the offending value, redacted and shortened; None when absent


@dataclass(frozen=True, slots=True)
class Suppressed:
    """Why a finding is not counted."""

    by: str  # "inline" | "config" | "baseline"
    reason: str
    source: str  # file:line of the comment, the config path, or the baseline path
    expires: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    long_id: str
    title: str
    severity: Severity
    provider: str
    category: str
    address: str
    resource_type: str
    message: str
    remediation: str
    evidence: Evidence
    status: Status
    change: ChangeKind
    location: Location | None = None
    references: tuple[str, ...] = ()
    suppressed: Suppressed | None = None

    @property
    def fingerprint(self) -> str:
        """Stable across runs: rule, resource and attribute, not line numbers or wording."""
        return fingerprint(self.rule_id, self.address, self.evidence.path)


_SETTERS = tuple(Finding.__dict__[name].__set__ for name in Finding.__slots__)
(_rule_id, _long_id, _title, _severity, _provider, _category, _address, _type, _message, _remediation, _evidence,
 _status, _change, _location, _references, _suppressed) = _SETTERS  # fmt: skip


def new_finding(
    rule_id: str,
    long_id: str,
    title: str,
    severity: Severity,
    provider: str,
    category: str,
    address: str,
    resource_type: str,
    message: str,
    remediation: str,
    evidence: Evidence,
    status: Status,
    change: ChangeKind,
    location: Location | None,
    references: tuple[str, ...],
) -> Finding:
    """`Finding(...)` (not suppressed) for the engine, which makes one per finding, tens of thousands per review:
    a frozen dataclass's `__init__` looks `object.__setattr__` up for each of its sixteen fields; this sets the
    slots directly, in a third of the time. The same object, equal and hashing alike (tests/unit/test_review.py)."""
    finding = object.__new__(Finding)
    _rule_id(finding, rule_id)
    _long_id(finding, long_id)
    _title(finding, title)
    _severity(finding, severity)
    _provider(finding, provider)
    _category(finding, category)
    _address(finding, address)
    _type(finding, resource_type)
    _message(finding, message)
    _remediation(finding, remediation)
    _evidence(finding, evidence)
    _status(finding, status)
    _change(finding, change)
    _location(finding, location)
    _references(finding, references)
    _suppressed(finding, None)
    return finding


def fingerprint(rule_id: str, address: str, path: str) -> str:
    normalised = ".".join("*" if part.isdigit() else part for part in path.split("."))
    return hashlib.sha256(f"{rule_id}|{address}|{normalised}".encode()).hexdigest()[:20]


def counts_for_fail(finding: Finding, fail_on: Severity, *, fail_on_existing: bool) -> bool:
    """Introduced at or above the threshold fails; existing only with `fail_on_existing`; never a resolved or
    suppressed finding."""
    if finding.suppressed is not None or finding.status is Status.RESOLVED:
        return False
    counted = finding.status is Status.INTRODUCED or fail_on_existing
    return counted and finding.severity >= fail_on


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One resource that the change creates, updates, deletes, replaces or forgets."""

    address: str
    type: str
    kind: ChangeKind
    action_reason: str | None = None
    replace_paths: tuple[str, ...] = ()
    location: Location | None = None
    blast: BlastRadius | None = None  # destroys and replaces: what depends on the resource that goes


@dataclass(frozen=True, slots=True)
class Concern:
    """One thing the advisor worries about, tied to a resource in the change set."""

    address: str
    category: str
    message: str
    severity: Severity = Severity.MEDIUM


@dataclass(frozen=True, slots=True)
class Advice:
    """The advisor's review: it adds to the rules, it never removes or lowers a finding."""

    summary: str
    risk: Severity
    concerns: tuple[Concern, ...] = ()
    source: str = "builtin"  # which advisor wrote it
    is_llm: bool = False
    unavailable_reason: str | None = None
    retry_later: bool = False  # every provider failed: run the AI part again when one recovers
    usage: AdviceUsage | None = None  # what the model cost and what it did not see; None: no model was asked


@dataclass(frozen=True, slots=True)
class Review:
    findings: list[Finding]  # counted: not suppressed
    suppressed: list[Finding]
    changes: list[ChangeEntry]
    drift: list[ChangeEntry]
    coverage: Coverage
    verdict: Verdict
    fail_on: Severity
    source: str = "plan"
    label: str = ""
    terraform_version: str | None = None
    diagnostics: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    advice: Advice | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    fail_on_existing: bool = False

    def by_status(self, status: Status) -> list[Finding]:
        return [f for f in self.findings if f.status is status]

    def fails(self, finding: Finding) -> bool:
        """Does this finding fail the verdict? Every format (JUnit failures, error annotations) asks this."""
        return counts_for_fail(finding, self.fail_on, fail_on_existing=self.fail_on_existing)

    @property
    def destroys(self) -> list[ChangeEntry]:
        return [c for c in self.changes if c.kind.destroys]
