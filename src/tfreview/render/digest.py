"""What every renderer says the same way: counts, the headline, ordering and small text helpers.

Counts are always computed from the review's own lists, so a clipped section never changes a
number, and every format agrees with every other.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from operator import attrgetter
from typing import NamedTuple

from tfreview.core.findings import ChangeEntry, Finding, Review, Status
from tfreview.core.listing import listed
from tfreview.core.plan import ChangeKind
from tfreview.core.rules import Rule
from tfreview.core.severity import Severity

SEVERITIES_DESC: tuple[Severity, ...] = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
    Severity.INFO,
)


# C0 and C1 control characters: a value in a plan must not move a terminal's cursor or colour it
@cache
def _control() -> re.Pattern[str]:
    return re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# direction overrides, isolates and marks (Trojan Source) and the zero-width characters that make two names look
# alike: shown as their escape (`\\u202E`, as Terraform itself writes one in an address), never acted on. The
# zero-width joiner stays: emoji sequences need it and it neither reorders nor hides a character.
@cache
def _invisible() -> re.Pattern[str]:
    return re.compile("[\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


_STATUS_SEVERITY = attrgetter("status", "severity")
_KIND_VALUE = attrgetter("kind._value_")  # `_value_`: `.value` is a descriptor call on Python 3.11


class Tally(NamedTuple):
    """The numbers of a review, exact whatever a renderer shows. A NamedTuple, not a frozen dataclass: as
    immutable, read by name the same way, and defined at import for ~1 M instructions instead of ~6 M (every
    scan imports it)."""

    introduced: int
    existing: int
    resolved: int
    suppressed: int
    destroys: int
    deletes: int
    replaces: int
    drift: int
    introduced_by_severity: Mapping[Severity, int]
    open_by_severity: Mapping[Severity, int]  # introduced + existing
    changes_by_kind: Mapping[str, int]


def tally(review: Review) -> Tally:
    # the findings counted by (status, severity) pair in C (`Counter` over `attrgetter`: ~1,700 instructions a
    # finding against ~4,500 for a Python loop step, tens of thousands of findings in a large plan), then summed
    pairs: Counter[tuple[Status, Severity]] = Counter(map(_STATUS_SEVERITY, review.findings))
    introduced: dict[Severity, int] = dict.fromkeys(SEVERITIES_DESC, 0)
    open_: dict[Severity, int] = dict.fromkeys(SEVERITIES_DESC, 0)
    status_counts: dict[Status, int] = dict.fromkeys(Status, 0)
    for (status, severity), count in pairs.items():
        status_counts[status] += count
        if status is not Status.RESOLVED:
            open_[severity] += count
            if status is Status.INTRODUCED:
                introduced[severity] += count
    kinds = Counter(map(_KIND_VALUE, review.changes))
    return Tally(
        introduced=status_counts[Status.INTRODUCED],
        existing=status_counts[Status.EXISTING],
        resolved=status_counts[Status.RESOLVED],
        suppressed=len(review.suppressed),
        destroys=kinds[ChangeKind.DELETE.value] + kinds[ChangeKind.REPLACE.value],
        deletes=kinds[ChangeKind.DELETE.value],
        replaces=kinds[ChangeKind.REPLACE.value],
        drift=len(review.drift),
        introduced_by_severity=introduced,
        open_by_severity=open_,
        changes_by_kind=dict(sorted(kinds.items())),
    )


def imported(review: Review) -> int:
    """How many existing objects the plan imports (0 for reviews stored before imports were counted)."""
    count = review.counts.get("imports", 0)
    return count if type(count) is int else 0


def blast_total(review: Review) -> int:
    """The resources that the change's destroys and replaces touch, summed (`review.destroys`' blast radii): the
    blast first, which few entries carry, so that the kind's `destroys` property is read only for those."""
    return sum(c.blast.total for c in review.changes if c.blast is not None and c.kind.destroys)


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def severity_breakdown(counts: Mapping[Severity, int]) -> str:
    """`1 critical, 2 high` (severities with a zero count left out)."""
    return ", ".join(f"{n:,} {s.value}" for s, n in counts.items() if n)


def suppressed_by_the_change(review: Review) -> list[Finding]:
    """The suppressed findings this change introduces, most severe first: a pull request that adds a finding and
    the comment or `.tfreview.toml` entry that hides it (ADR 0562). A baseline's are not, in a review without a base
    (every change a create, every finding introduced): the baseline is the record of what was there (ADR 0576)."""
    compared = _compared(review)
    own = [
        f
        for f in review.suppressed
        if f.status is Status.INTRODUCED and (compared or f.suppressed is None or f.suppressed.by != "baseline")
    ]
    return sorted(own, key=lambda f: SEVERITIES_DESC.index(f.severity))


def suppressed_before_the_change(review: Review, own: list[Finding]) -> list[Finding]:
    """The other suppressed findings (`own`: `suppressed_by_the_change`), in their order: folded, as before."""
    mine = {id(f) for f in own}
    return [f for f in review.suppressed if id(f) not in mine]


def _compared(review: Review) -> bool:
    """Whether the review compares against something (a base, a plan's prior state): a change that is not a
    create, or a finding that is not introduced. A scan of a directory without a base has neither."""
    return any(c.kind is not ChangeKind.CREATE for c in review.changes) or any(
        f.status is not Status.INTRODUCED for f in (*review.findings, *review.suppressed)
    )


def headline(review: Review) -> str:
    """One line without markup: `3 introduced (1 critical), 2 existing, 2 destroys`."""
    t = tally(review)
    parts = []
    breakdown = severity_breakdown(t.introduced_by_severity)
    parts.append(f"{t.introduced:,} introduced" + (f" ({breakdown})" if breakdown else ""))
    if t.existing:
        parts.append(f"{t.existing:,} existing")
    if t.resolved:
        parts.append(f"{t.resolved:,} resolved")
    if t.suppressed:
        own = suppressed_by_the_change(review)
        if own:  # a change that hides what it introduces says so, and how severe (ADR 0562)
            own_breakdown = severity_breakdown(Counter(f.severity for f in own))
            parts.append(f"{t.suppressed:,} suppressed ({len(own):,} introduced by this change: {own_breakdown})")
        else:
            parts.append(f"{t.suppressed:,} suppressed")
    if t.destroys:
        touched = blast_total(review)
        parts.append(plural(t.destroys, "destroy") + (f" (touching {plural(touched, 'resource')})" if touched else ""))
    imports = imported(review)
    if imports:
        parts.append(f"{imports:,} imported")
    if t.drift:
        parts.append(f"{t.drift:,} drifted")
    coverage = review.coverage
    if coverage.resources_covered < coverage.resources_reviewed:
        parts.append(
            f"rules covered {coverage.resources_covered:,} of {plural(coverage.resources_reviewed, 'resource')}"
        )
    return ", ".join(parts)


def uncovered_text(review: Review, limit: int = 20) -> str:
    """`no rule checks 2 resource types: a, b` — empty when every reviewed resource had a rule."""
    types = review.coverage.uncovered_types
    if not types:
        return ""
    shown = ", ".join(types[:limit]) + (f" and {len(types) - limit:,} more" if len(types) > limit else "")
    return f"no rule checks {plural(len(types), 'resource type')}: {shown}"


def unparsed_text(review: Review, limit: int = 3) -> str:
    """`2 files could not be parsed: a.tf (line 2: …), b.tf (…)` — empty when every file was read."""
    return unparsed_files_text(review.coverage.files_skipped, limit)


def unparsed_files_text(skipped: Sequence[tuple[str, str]], limit: int = 3) -> str:
    if not skipped:
        return ""
    shown = "; ".join(f"{one_line(file)} ({one_line(reason)})" for file, reason in skipped[:limit])
    more = f"; and {len(skipped) - limit:,} more" if len(skipped) > limit else ""
    were = "were" if len(skipped) > 1 else "was"
    return f"{plural(len(skipped), 'file')} could not be parsed and {were} not reviewed: {shown}{more}"


def by_severity(findings: Iterable[Finding]) -> dict[Severity, list[Finding]]:
    """Findings grouped by severity, critical first, groups without findings left out."""
    groups: dict[Severity, list[Finding]] = {s: [] for s in SEVERITIES_DESC}
    for finding in findings:
        groups[finding.severity].append(finding)
    return {s: items for s, items in groups.items() if items}


DATA_LOSS_RULES = frozenset({"TFR-CHG-001", "TFR-CHG-002"})  # destroys / replaces a resource holding data


def destroys(review: Review) -> list[ChangeEntry]:
    """Data loss first (a destroyed or replaced resource that holds data), then the widest blast radius,
    deletes before replaces, each by address."""
    order = {ChangeKind.DELETE: 0, ChangeKind.REPLACE: 1}
    losing = data_loss_addresses(review)
    return sorted(
        review.destroys,
        key=lambda c: (c.address not in losing, -(c.blast.total if c.blast else 0), order.get(c.kind, 2), c.address),
    )


def data_loss_addresses(review: Review) -> set[str]:
    """Addresses a data-loss rule flags (suppressed ones included: the data goes all the same)."""
    return {f.address for f in (*review.findings, *review.suppressed) if f.rule_id in DATA_LOSS_RULES}


def blast_parts(entry: ChangeEntry, named: int = 3) -> tuple[str, list[str], int, list[str]] | None:
    """(verb, first dependents, how many more, exposers) for "replacing X also touches N resources: a, b, c
    and 9 more; exposed by output.url" — None when the entry has no blast radius."""
    blast = entry.blast
    if blast is None or not blast:
        return None
    verb = "replacing" if entry.kind is ChangeKind.REPLACE else "deleting"
    first = list(blast.dependents[:named])
    return verb, first, blast.total - len(first), list(blast.exposed_by[:named])


def blast_text(entry: ChangeEntry, named: int = 3) -> str:
    """The blast radius in plain words (terminal, logs), or ""."""
    parts = blast_parts(entry, named)
    if parts is None:
        return ""
    verb, first, more, exposers = parts
    text = ""
    if first:
        total = len(first) + more
        text = f"{verb} it also touches {total} resource{'s' if total != 1 else ''}: {', '.join(first)}"
        text += f" and {more} more" if more else ""
    if exposers:
        text += ("; " if text else "") + f"exposed by {', '.join(exposers)}"
    return text


def first_line(text: str) -> str:
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def one_line(text: str) -> str:
    """Newlines folded into spaces, control characters removed, invisible characters shown (`visible`)."""
    return visible(_control().sub("", " ".join(text.split("\n"))).replace("\r", "").replace("\t", " "))


def clean(text: str) -> str:
    """Control characters removed (newlines kept), invisible characters shown: safe to print on a terminal."""
    return visible(_control().sub("", text.replace("\t", " ")))


def model_text(text: str) -> str:
    """A model's words as it wrote them, from the advice as stored: `advisor.sanitize` writes `<`, `>` and `&` as
    entities, and each reader escapes for its own language (Markdown, HTML) or needs none (a terminal). Read as
    stored, they showed twice escaped: `a &lt; b` for `a < b` (ADR 0523's note, fixed by ADR 0531).

    >>> model_text("a &lt; b &amp;&amp; c &gt; d, &amp;lt; as written")
    'a < b && c > d, &lt; as written'
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def visible(text: str) -> str:
    """`text` whose bidi controls and zero-width characters are written as escapes: U+202E reads `\\u202E`.
    Such a character in an address or value would reorder or hide what a reviewer reads (Trojan Source)."""
    if text.isascii():
        return text
    return _invisible().sub(lambda m: f"\\u{ord(m.group(0)):04X}", text)


def location_text(finding: Finding) -> str:
    return str(finding.location) if finding.location is not None else ""


def evidence_text(finding: Finding) -> str:
    """`ingress.0.cidr_blocks = ["0.0.0.0/0"]`, or the path alone, or nothing."""
    evidence = finding.evidence
    if not evidence.path:
        return evidence.value or ""
    if evidence.value is None:
        return evidence.path
    return f"{evidence.path} = {evidence.value}"


def rules_index(rules: Mapping[str, Rule] | Iterable[Rule] | None) -> dict[str, Rule]:
    """Rules by id, from a mapping, any iterable of rules, or nothing."""
    if rules is None:
        return {}
    if isinstance(rules, Mapping):
        return dict(rules)
    return {rule.id: rule for rule in rules}


_STAYS = "the current object stays"


def change_reason(entry: ChangeEntry) -> str:
    """Why a resource is destroyed or replaced, in words, with the attributes that force it; for a deposed object's
    delete, first that it is one (ADR 0616): the address is the current object's, which stays."""
    reason = (entry.action_reason or "").replace("_", " ")
    if entry.replace_paths:
        forced = listed(entry.replace_paths)
        reason = f"{reason}; forced by {forced}" if reason else f"forced by {forced}"
    if entry.deposed is not None:
        deposed = f"deposed object {entry.deposed}, left by an unfinished create-before-destroy replace: {_STAYS}"
        reason = f"{deposed}; {reason}" if reason else deposed
    return reason
