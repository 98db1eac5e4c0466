"""GitHub Actions workflow commands: annotations on the run and, where the file is known, on the diff.

`::error` exactly for the findings that fail the verdict (introduced at or above the threshold;
existing ones too with `fail_on_existing`), `::warning` for other introduced findings, `::notice`
for other existing ones; `::warning` too for a finding the change introduces and suppresses (ADR 0562: never
quiet). Resolved findings and older suppressions are not annotated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfreview.core.findings import Finding, Review, Status
from tfreview.core.rules import Rule
from tfreview.render.digest import (
    clean,
    evidence_text,
    first_line,
    one_line,
    suppressed_by_the_change,
    uncovered_text,
)


def escape_data(text: str) -> str:
    """The message part of a workflow command, without a control character: the runner prints it to the log (and a
    terminal, locally) as is, so an escape sequence in a plan's value would colour, retitle or link the log."""
    return clean(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A property value (`file=`, `title=`) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def render_github(review: Review, rules: Mapping[str, Rule] | None = None, **options: Any) -> str:
    """One workflow command per introduced or existing finding, then diagnostics and notices."""
    lines = []
    for finding in review.findings:
        name = _command_name(finding, review)
        if name is not None:
            lines.append(_annotation(name, finding))
    for finding in suppressed_by_the_change(review):  # the change's own: on its line, with who hid it and why
        lines.append(_annotation("warning", finding))
    for text in review.diagnostics:
        lines.append(command("warning", text, title="tfreview diagnostic"))
    for text in review.notices:
        lines.append(command("warning", text, title="tfreview notice"))
    uncovered = uncovered_text(review, limit=100)
    if uncovered:
        lines.append(command("warning", f"{uncovered}; a pass says nothing about them", title="tfreview coverage"))
    for file, reason in review.coverage.files_skipped:
        lines.append(command("warning", f"not reviewed: {reason}", file=file, title="tfreview coverage"))
    return "".join(line + "\n" for line in lines)


def _command_name(finding: Finding, review: Review) -> str | None:
    """`error` exactly for what fails the verdict; the rest warns (introduced) or notes (existing)."""
    if finding.status is Status.RESOLVED:
        return None
    if review.fails(finding):
        return "error"
    return "warning" if finding.status is Status.INTRODUCED else "notice"


def _annotation(name: str, finding: Finding) -> str:
    title = f"{finding.rule_id} ({finding.severity.value}, {status_words(finding)}): {finding.title}"
    message = f"{finding.address}: {finding.message}"
    hidden = suppression_text(finding)
    if hidden:
        message += f"\n{hidden}"
    evidence = evidence_text(finding)
    if evidence:
        message += f"\n{evidence}"
    fix = first_line(finding.remediation)
    if fix:
        message += f"\nFix: {fix}"
    location = finding.location
    if location is None:
        return command(name, message, title=title)
    return command(name, message, file=location.file, line=location.line, endLine=location.end_line, title=title)


def status_words(finding: Finding) -> str:
    """`introduced`, `existing`; `introduced and suppressed` for a suppressed finding."""
    return f"{finding.status.value} and suppressed" if finding.suppressed is not None else finding.status.value


def suppression_text(finding: Finding) -> str:
    """`suppressed (inline): <reason or "no reason given"> (<where>)`, "" for a finding that is not suppressed."""
    why = finding.suppressed
    if why is None:
        return ""
    until = f", until {why.expires}" if why.expires else ""
    return f"suppressed ({why.by}): {one_line(why.reason) or 'no reason given'} ({one_line(why.source)}){until}"
