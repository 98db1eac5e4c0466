"""The terminal report: what the change introduces first, destroys impossible to miss, the rest condensed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tfreview.core.findings import ChangeEntry, Finding, Review, Status, Verdict
from tfreview.core.rules import Rule
from tfreview.core.severity import Severity
from tfreview.render.digest import (
    blast_text,
    by_severity,
    change_reason,
    clean,
    destroys,
    evidence_text,
    first_line,
    headline,
    location_text,
    model_text,
    one_line,
    plural,
    suppressed_before_the_change,
    suppressed_by_the_change,
    uncovered_text,
    unparsed_text,
)

DEFAULT_LIMIT = 50  # items shown per section; counts stay exact

_RESET = "\x1b[0m"
_STYLES = {
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
    "red": "\x1b[31m",
    "bold-red": "\x1b[1;31m",
    "green": "\x1b[32m",
    "yellow": "\x1b[33m",
    "cyan": "\x1b[36m",
    "magenta": "\x1b[35m",
}
_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold-red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_VERDICT_STYLE = {Verdict.FAIL: "bold-red", Verdict.WARN: "yellow", Verdict.PASS: "green"}


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        return f"{_STYLES[style]}{text}{_RESET}" if self.color else text


def render_text(
    review: Review,
    rules: Mapping[str, Rule] | None = None,
    *,
    color: bool = False,
    limit: int = DEFAULT_LIMIT,
    **options: Any,
) -> str:
    """The human report. ANSI colour only when `color`; every section capped at `limit` items."""
    paint = _Paint(color)
    out: list[str] = []
    _header(out, review, paint)
    own = suppressed_by_the_change(review)  # in the open, after what the change introduces (ADR 0562)
    _introduced(out, review.by_status(Status.INTRODUCED), paint, limit, len(own))
    _destroys(out, destroys(review), paint, limit)
    _suppressed(out, own, paint, limit, "Introduced by this change and suppressed", "bold-red")
    _condensed(out, "Already there (existing)", review.by_status(Status.EXISTING), paint, limit)
    _condensed(out, "Resolved by this change", review.by_status(Status.RESOLVED), paint, limit, severity=False)
    _suppressed(out, suppressed_before_the_change(review, own), paint, limit)
    _drift(out, review.drift, paint, limit)
    _advice(out, review, paint, limit)
    _coverage(out, review, paint, limit)
    _messages(out, "Diagnostics", review.diagnostics, paint, limit, "red")
    _messages(out, "Notices", review.notices, paint, limit, "yellow")
    return inert("\n".join(out).rstrip("\n") + "\n")


# A CI runner reads its steps' output for commands: GitHub Actions takes a line that starts with `::` after
# leading blanks (`::add-mask::`, `::error::`, `::stop-commands::`) and the older `##[command]` anywhere in a
# line. The report quotes text nobody here wrote: the model's summary, the plan's values, file names. The runner
# trims with .NET's `TrimStart()`: every Unicode blank (a no-break space, an ideographic space…), hence `\s`.
WORKFLOW_COMMAND = re.compile(r"^((?:[^\S\n]|\x1b\[[0-9;]*m)*)::", re.MULTILINE)


def inert(text: str) -> str:
    """`text` with nothing a CI runner would take for a workflow command: a line's leading `::` becomes `: :`,
    `##[` becomes `## [`. The report's own lines never start so, so an ordinary report is unchanged."""
    if "::" not in text and "##[" not in text:
        return text
    return WORKFLOW_COMMAND.sub(r"\1: :", text).replace("##[", "## [")


def _header(out: list[str], review: Review, paint: _Paint) -> None:
    label = clean(one_line(review.label)) or review.source
    version = f" · Terraform {clean(one_line(review.terraform_version))}" if review.terraform_version else ""
    out.append(paint(f"tfreview — {label}", "bold") + f" ({review.source}{version})")
    verdict = paint(review.verdict.value.upper(), _VERDICT_STYLE[review.verdict])
    out.append(f"Verdict: {verdict} (fails on introduced findings at or above {review.fail_on.value})")
    out.append(f"Summary: {headline(review)}")
    unparsed = unparsed_text(review)
    if unparsed:
        out.append(paint(f"NOT REVIEWED: {clean(unparsed)}", "bold-red"))
    uncovered = uncovered_text(review)
    if uncovered:
        out.append(paint(f"Not covered: {clean(uncovered)}", "yellow"))
    out.append("")


def _section(out: list[str], title: str, count: int, paint: _Paint, style: str = "bold") -> None:
    out.append(paint(f"{title} ({count:,})", style))


def _more(out: list[str], shown: int, total: int, indent: str = "  ") -> None:
    if total > shown:
        out.append(f"{indent}… and {total - shown:,} more")


def _sev(severity: Severity, paint: _Paint) -> str:
    return paint(f"{severity.value.upper():<8}", _SEVERITY_STYLE[severity])


def _introduced(out: list[str], findings: list[Finding], paint: _Paint, limit: int, suppressed: int = 0) -> None:
    _section(out, "Introduced by this change", len(findings), paint)
    if not findings:
        out.append(
            f"  nothing that counts: {plural(suppressed, 'finding')} it introduces {'is' if suppressed == 1 else 'are'}"
            " suppressed, below"
            if suppressed
            else "  nothing: this change introduces no finding"
        )
        out.append("")
        return
    budget = limit
    for severity, group in by_severity(findings).items():
        out.append("  " + paint(f"{severity.value.upper()} ({len(group):,})", _SEVERITY_STYLE[severity]))
        shown = group[: max(budget, 0)]
        for finding in shown:
            _finding_block(out, finding, paint)
        budget -= len(shown)
        _more(out, len(shown), len(group), "    ")
    out.append("")


def _finding_block(out: list[str], finding: Finding, paint: _Paint) -> None:
    out.append(
        f"    {_sev(finding.severity, paint)} {paint(finding.rule_id, 'bold')} {clean(one_line(finding.address))}"
    )
    out.append(f"      {clean(one_line(finding.message))}")
    where = location_text(finding)
    evidence = evidence_text(finding)
    details = [part for part in (f"at {clean(one_line(where))}" if where else "", clean(one_line(evidence))) if part]
    if details:
        out.append("      " + paint(" · ".join(details), "dim"))
    fix = first_line(finding.remediation)
    if fix:
        out.append(f"      fix: {clean(fix)}")


def _destroys(out: list[str], entries: list[ChangeEntry], paint: _Paint, limit: int) -> None:
    if not entries:
        return
    deletes = sum(1 for e in entries if e.kind.value == "delete")
    title = f"Destroys and replaces — {plural(deletes, 'delete')}, {plural(len(entries) - deletes, 'replace')}"
    out.append(paint(f"!! {title} ({len(entries):,})", "bold-red"))
    for entry in entries[:limit]:
        reason = change_reason(entry)
        where = f" at {entry.location}" if entry.location is not None else ""
        line = f"  !! {entry.kind.value.upper():<8} {clean(one_line(entry.address))}{clean(one_line(where))}"
        out.append(paint(line, "red") + (f"  ({clean(one_line(reason))})" if reason else ""))
        blast = blast_text(entry)
        if blast:
            out.append(f"       {clean(one_line(blast))}")
    _more(out, min(limit, len(entries)), len(entries))
    out.append("")


def _condensed(
    out: list[str], title: str, findings: list[Finding], paint: _Paint, limit: int, *, severity: bool = True
) -> None:
    if not findings:
        return
    _section(out, title, len(findings), paint)
    for finding in findings[:limit]:
        where = location_text(finding)
        prefix = f"{_sev(finding.severity, paint)} " if severity else ""
        suffix = f" ({clean(one_line(where))})" if where else ""
        out.append(
            f"  {prefix}{finding.rule_id} {clean(one_line(finding.address))} — {clean(one_line(finding.message))}"
            + suffix
        )
    _more(out, min(limit, len(findings)), len(findings))
    out.append("")


def _suppressed(
    out: list[str], findings: list[Finding], paint: _Paint, limit: int, title: str = "Suppressed", style: str = "dim"
) -> None:
    if not findings:
        return
    _section(out, title, len(findings), paint, style)
    for finding in findings[:limit]:
        why = finding.suppressed
        said = clean(one_line(why.reason)) or "no reason given" if why else ""
        reason = f"{why.by}: {said} ({clean(one_line(why.source))})" if why else "suppressed"
        if why is not None and why.expires:
            reason += f", until {why.expires}"
        out.append(f"  {_sev(finding.severity, paint)} {finding.rule_id} {clean(one_line(finding.address))} — {reason}")
    _more(out, min(limit, len(findings)), len(findings))
    out.append("")


def _drift(out: list[str], entries: list[ChangeEntry], paint: _Paint, limit: int) -> None:
    if not entries:
        return
    _section(out, "Changed outside Terraform (drift, not part of this change)", len(entries), paint, "magenta")
    for entry in entries[:limit]:
        out.append(f"  {entry.kind.value:<8} {clean(one_line(entry.address))}")
    _more(out, min(limit, len(entries)), len(entries))
    out.append("")


def _advice(out: list[str], review: Review, paint: _Paint, limit: int) -> None:
    advice = review.advice
    if advice is None:
        return
    kind = "an LLM" if advice.is_llm else "not an LLM"
    out.append(paint(f"AI review ({clean(one_line(advice.source))}, {kind})", "bold"))
    if not advice.unavailable_reason:
        out.append(f"  advice only: it cannot change the verdict ({review.verdict.value.upper()})")
    if advice.unavailable_reason:
        out.append(f"  unavailable: {clean(one_line(advice.unavailable_reason))}; the review is rules-only")
    else:
        out.append(f"  risk: {advice.risk.value}")
        for line in clean(model_text(advice.summary)).strip().splitlines():
            out.append(f"  {line}")
        for concern in advice.concerns[:limit]:
            said = clean(one_line(model_text(concern.message)))
            out.append(f"  - {concern.severity.value} {clean(one_line(concern.address))}: {said}")
        _more(out, min(limit, len(advice.concerns)), len(advice.concerns))
    out.append("")


def _coverage(out: list[str], review: Review, paint: _Paint, limit: int) -> None:
    coverage = review.coverage
    out.append(paint("Coverage", "bold"))
    line = f"  reviewed {coverage.resources_reviewed:,} of {plural(coverage.resources_total, 'resource')}"
    line += f", {coverage.resources_covered:,} of them checked by a rule"
    if coverage.files_parsed:
        line += f"; {plural(len(coverage.files_parsed), 'file')} parsed"
    out.append(line)
    if coverage.files_skipped:
        out.append(paint(f"  not reviewed: {plural(len(coverage.files_skipped), 'file')}", "yellow"))
        for file, reason in coverage.files_skipped[:limit]:
            out.append(f"    {clean(one_line(file))}: {clean(one_line(reason))}")
        _more(out, min(limit, len(coverage.files_skipped)), len(coverage.files_skipped), "    ")
    _lines(out, coverage.notes, limit, "  note: ")
    out.append("")


def _messages(out: list[str], title: str, items: Sequence[str], paint: _Paint, limit: int, style: str) -> None:
    if not items:
        return
    _section(out, title, len(items), paint, style)
    _lines(out, items, limit, "  ")
    out.append("")


def _lines(out: list[str], items: Iterable[str], limit: int, prefix: str) -> None:
    items = list(items)
    for item in items[:limit]:
        out.append(f"{prefix}{clean(one_line(item))}")
    _more(out, min(limit, len(items)), len(items), " " * len(prefix))
