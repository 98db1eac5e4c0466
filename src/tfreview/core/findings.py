"""Findings and the review they add up to."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tfreview.core.blast import BlastRadius
from tfreview.core.plan import ChangeKind, Coverage, Location
from tfreview.core.severity import Severity

if TYPE_CHECKING:  # annotations only: a scan without an advisor does not import the usage records
    from collections.abc import Sequence

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
class _FindingFields:
    """A finding's value: its fields (what equality, hashing, `fields()`, `replace()` and the codecs see)."""

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


class Finding(_FindingFields):
    """One problem found: the dataclass `_FindingFields`, plus one slot outside its fields that keeps the
    fingerprint once read (a sha256 that every report, baseline, merge and store reads)."""

    __slots__ = ("_fingerprint",)
    _fingerprint: str

    @property
    def fingerprint(self) -> str:
        """Stable across runs: rule, resource and attribute, not line numbers or wording. Computed once."""
        known: str | None = getattr(self, "_fingerprint", None)  # unset until first read
        if known is None:
            known = fingerprint(self.rule_id, self.address, self.evidence.path)
            _keep_fingerprint(self, known)  # the slot's own setter: the dataclass is frozen, the cache is not
        return known


_keep_fingerprint = Finding.__dict__["_fingerprint"].__set__


class _FindingDraft(Finding):
    """A Finding while `new_finding` fills it: the same layout (no slot of its own), with plain attribute stores
    where the frozen class raises. Filled, it becomes a Finding (`__class__` set, which the same layout allows):
    sixteen plain stores cost about a third of sixteen slot-descriptor `__set__` calls (ADR 0430)."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__


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
    a frozen dataclass's `__init__` looks `object.__setattr__` up for each of its sixteen fields; this fills a
    `_FindingDraft` with plain stores and makes it a Finding. The same object, equal and hashing alike
    (tests/unit/test_review.py)."""
    finding: Any = object.__new__(_FindingDraft)  # Any: mypy sees the frozen fields, not the draft's stores
    finding.rule_id = rule_id
    finding.long_id = long_id
    finding.title = title
    finding.severity = severity
    finding.provider = provider
    finding.category = category
    finding.address = address
    finding.resource_type = resource_type
    finding.message = message
    finding.remediation = remediation
    finding.evidence = evidence
    finding.status = status
    finding.change = change
    finding.location = location
    finding.references = references
    finding.suppressed = None
    finding.__class__ = Finding
    made: Finding = finding
    return made


def fingerprint(rule_id: str, address: str, path: str) -> str:
    return hashlib.sha256(f"{rule_id}|{address}|{normalised_path(path)}".encode()).hexdigest()[:20]


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """`fingerprint` of each of `findings`, in one comprehension: a report writes ~13,500 of them for a
    10,000-resource plan, and a call of `fingerprint` per finding cost a fifth of the hashing itself."""
    sha256 = hashlib.sha256
    return [
        sha256(f"{f.rule_id}|{f.address}|{normalised_path(f.evidence.path)}".encode()).hexdigest()[:20]
        for f in findings
    ]


@lru_cache(maxsize=8192)
def normalised_path(path: str) -> str:
    """`ingress.0.cidr_blocks` → `ingress.*.cidr_blocks`: a path without its list indexes (what a fingerprint and
    the folding of one rule's hits on a resource go by). Cached: thousands of findings share a few paths."""
    return ".".join("*" if part.isdigit() else part for part in path.split(".")) if path else ""


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
    # the deposed key when the change deletes an old object an unfinished create_before_destroy replace left
    # behind (Terraform's `deposed`), not the current object at the address, which stays (ADR 0616)
    deposed: str | None = None


class _ChangeEntryDraft(ChangeEntry):
    """A ChangeEntry while `new_change_entry` fills it (plain stores, then `__class__`), as `_FindingDraft`."""

    __slots__ = ()
    __setattr__ = object.__setattr__
    __delattr__ = object.__delattr__


def new_change_entry(
    address: str,
    type: str,
    kind: ChangeKind,
    action_reason: str | None,
    replace_paths: tuple[str, ...],
    location: Location | None,
    blast: BlastRadius | None,
    deposed: str | None = None,
) -> ChangeEntry:
    """`ChangeEntry(...)` for the engine, which makes one per changed resource (tens of thousands): filled as
    `new_finding` fills a finding. The same object, equal and hashing alike (test_finding_construction.py)."""
    entry: Any = object.__new__(_ChangeEntryDraft)  # Any: as in `new_finding`
    entry.address = address
    entry.type = type
    entry.kind = kind
    entry.action_reason = action_reason
    entry.replace_paths = replace_paths
    entry.location = location
    entry.blast = blast
    entry.deposed = deposed
    entry.__class__ = ChangeEntry
    made: ChangeEntry = entry
    return made


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
