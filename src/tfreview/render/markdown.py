"""The pull-request comment (GitHub-flavoured Markdown).

The first line is the verdict and the numbers; destroys come next, in a table that cannot be
missed; then the introduced findings; everything else folds into `<details>`. A comment never
exceeds GitHub's 65,536 characters: rows are clipped, and the comment says how many were left
out. Text that comes from the plan or the source (addresses, messages, values) is escaped so it
cannot inject markup, HTML, @mentions or #references.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tfreview.core.findings import ChangeEntry, Finding, Review, Status
from tfreview.core.rules import Rule
from tfreview.render.digest import (
    blast_parts,
    change_reason,
    destroys,
    first_line,
    headline,
    location_text,
    model_text,
    one_line,
    plural,
    suppressed_before_the_change,
    suppressed_by_the_change,
    tally,
    unparsed_text,
)
from tfreview.render.text import WORKFLOW_COMMAND

MAX_CHARS = 65_536  # GitHub's limit on a comment body
_MAX_LABEL = 200  # the scanned path or ref, in the header
_MAX_VERSION = 40  # `terraform_version`, in the header
_RESERVE = 3_000  # room kept for section headers, closing tags and the clipping note (twice)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~>$])")
_ISSUE_REF = re.compile(r"(?<!&)#(?=\d)")  # not the `&#8203;` entities written here
# GitHub links `GH-7` like `#7`, and autolinks `www.example.com` without a scheme — after a space or `*`, `_`, `~`,
# `(` too: `\b` missed `x_www.evil.example` (`_` is a word character; review16c)
_GH_REF = re.compile(r"(?<![A-Za-z0-9])(GH)-(?=\d)", re.IGNORECASE)
_WWW = re.compile(r"(?<![A-Za-z0-9])(www)\.", re.IGNORECASE)
_FINDING_SECTIONS = ("introduced", "introduced and suppressed", "existing", "resolved", "suppressed")


def escape(text: str) -> str:
    """User-controlled text as inert Markdown: no markup, HTML, mention or issue reference."""
    text = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("://", ":&#8203;//")  # no autolink either
    # a zero-width space after @ (as Renovate does) stops a mention, after # (`\\#` alone may still link) an
    # issue reference; the text reads the same
    text = _ISSUE_REF.sub("#&#8203;", text.replace("@", "@&#8203;"))
    return _WWW.sub(r"\1&#8203;.", _GH_REF.sub(r"\1&#8203;-", text))


def prose(text: str) -> str:
    """One line of text whose `backtick` spans are code (rule remediation, messages, reasons): the spans
    become code spans, the rest is escaped like any text. An unpaired backtick stays literal."""
    parts = one_line(text).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: no span can be trusted to close
        return escape(text)
    return "".join(escape(part) if index % 2 == 0 else code(part) for index, part in enumerate(parts))


def code(text: str) -> str:
    """Text in a code span, safe inside a table cell: no markup, no mention, no broken cell."""
    text = one_line(text).replace("|", "\\|")
    if not text:
        return ""
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


@dataclass
class _Budget:
    """Characters left for rows; counts the rows each section had to leave out."""

    left: int
    clipped: dict[str, int] = field(default_factory=dict)

    def take(self, text: str) -> bool:
        if len(text) + 1 > self.left:
            return False
        self.left -= len(text) + 1
        return True

    def rows(self, section: str, items: Sequence[Any], render: Callable[[Any], str], share: float = 1.0) -> list[str]:
        """Rows while they fit in `share` of what is left; the rest counted as clipped."""
        allowed = int(self.left * share)
        out: list[str] = []
        for position, item in enumerate(items):
            row = render(item)
            if len(row) + 1 > allowed:
                self.clipped[section] = len(items) - position
                break
            allowed -= len(row) + 1
            self.left -= len(row) + 1
            out.append(row)
        return out

    def more(self, section: str) -> str:
        """A line (after the table, never inside it) saying how many rows were left out."""
        hidden = self.clipped.get(section)
        return f"\n_… and {hidden:,} more not shown (comment size limit)._\n" if hidden else ""


# sections are given room in this order (most important first) and shown in display order
_PRIORITY = (
    "notices",
    "destroys",
    "coverage",
    "introduced",
    "suppressed_own",
    "existing",
    "suppressed",
    "drift",
    "resolved",
    "advice",
)
_DISPLAY = (
    "notices",
    "destroys",
    "introduced",
    "suppressed_own",
    "existing",
    "resolved",
    "suppressed",
    "drift",
    "advice",
    "coverage",
)


def render_markdown(
    review: Review,
    rules: Mapping[str, Rule] | None = None,
    *,
    max_chars: int = MAX_CHARS,
    marker: str = "",
    **options: Any,
) -> str:
    """The PR comment; `marker` (e.g. a hidden `<!-- tfreview -->`) is put first, inside the limit."""
    t = tally(review)
    head = [f"{marker}\n" if marker else ""]
    # the headline is our own words and numbers: nothing in it comes from the plan
    head.append(f"**tfreview: {review.verdict.value.upper()}** — {headline(review)}\n\n")
    context = [code(_clip(review.label or review.source, _MAX_LABEL))]
    if review.terraform_version:  # the plan's own words: a version is short, anything longer is clipped
        context.append(f"Terraform {escape(_clip(review.terraform_version, _MAX_VERSION))}")
    context.append(f"fails on introduced findings at or above **{review.fail_on.value}**")
    head.append("<sub>" + " · ".join(context) + "</sub>\n")
    unparsed = unparsed_text(review)
    if unparsed:  # a file nobody reviewed is said first, never only inside the folded coverage
        head.append(f"\n> [!CAUTION]\n> **Not reviewed:** {escape(unparsed)}\n")
    uncovered = review.coverage.uncovered_types
    if uncovered:
        types = ", ".join(code(t) for t in uncovered[:20]) + (" …" if len(uncovered) > 20 else "")
        head.append(f"\n> [!NOTE]\n> No rule checks {plural(len(uncovered), 'resource type')}: {types}\n")
    fixed = "".join(head)
    budget = _Budget(max_chars - len(fixed) - _RESERVE)
    own = suppressed_by_the_change(review)  # shown unfolded, never only as a count (ADR 0562)
    older = suppressed_before_the_change(review, own)

    builders: dict[str, Callable[[], str]] = {
        "notices": lambda: _notices(review.notices, budget),
        "destroys": lambda: _destroys(destroys(review), budget),
        "coverage": lambda: _coverage(review, budget),
        "introduced": lambda: _findings_table(
            f"Introduced by this change ({t.introduced:,})", review.by_status(Status.INTRODUCED), budget, len(own)
        ),
        "suppressed_own": lambda: _suppressed_own(own, budget),
        "existing": lambda: _details(
            f"Already there (existing): {t.existing:,}", review.by_status(Status.EXISTING), budget, "existing"
        ),
        "resolved": lambda: _details(
            f"Resolved by this change: {t.resolved:,}", review.by_status(Status.RESOLVED), budget, "resolved"
        ),
        "suppressed": lambda: _suppressed(older, budget),
        "drift": lambda: _drift(review.drift, budget),
        "advice": lambda: _advice(review, budget),
    }
    parts = {name: builders[name]() for name in _PRIORITY}

    clip_note = ""
    if budget.clipped:
        hidden = sum(n for section, n in budget.clipped.items() if section in _FINDING_SECTIONS)
        hidden_rows = sum(budget.clipped.values())
        lead = f"{hidden:,} findings not shown" if hidden else f"{hidden_rows:,} rows not shown"
        where = ", ".join(f"{n:,} {section}" for section, n in budget.clipped.items())
        clip_note = (
            f"\n> **{lead} (comment size limit); see the full report.** Left out: {where}. Counts above are exact.\n"
        )
    parts["coverage"] = parts["coverage"].replace("\n<!--clip-->", "\n" + clip_note.strip() if clip_note else "")
    text = _inert(fixed + clip_note + "".join(parts[name] for name in _DISPLAY))
    if len(text) > max_chars:  # the last resort; it still ends with a newline, inside the limit
        text = text[: max_chars - 1] + "\n"
    return text


def _inert(text: str) -> str:
    """Nothing a CI runner would take for a workflow command where the report is printed to a CI log (`scan -o
    markdown`), as the text report (`text.inert`): a line's leading `::` is written `\\::` (Markdown shows `::`),
    `##[` is `## [`. The report's own lines never start so, so an ordinary report is unchanged."""
    if "::" not in text and "##[" not in text:
        return text
    return WORKFLOW_COMMAND.sub(r"\1\\::", text).replace("##[", "## [")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _notices(notices: list[str], budget: _Budget) -> str:
    if not notices:
        return ""
    rows = budget.rows("notices", notices, lambda n: f"- {escape(n)}", 0.2)
    return "\n**Notices**\n\n" + "\n".join(rows) + "\n" + budget.more("notices")


def _destroys(entries: list[ChangeEntry], budget: _Budget) -> str:
    if not entries:
        return ""
    header = (
        f"\n### Destroys and replaces ({len(entries):,})\n\n| Action | Resource | Type | Why |\n|---|---|---|---|\n"
    )
    budget.take(header)
    rows = budget.rows("destroys and replaces", entries, _destroy_row, 0.4)
    return header + "\n".join(rows) + "\n" + budget.more("destroys and replaces")


def _findings_table(title: str, findings: list[Finding], budget: _Budget, suppressed: int = 0) -> str:
    if not findings and suppressed:
        return (
            f"\n### {title}\n\nThis change introduces no finding that counts: "
            f"{plural(suppressed, 'finding')} it introduces {'is' if suppressed == 1 else 'are'} suppressed, below.\n"
        )
    if not findings:
        return f"\n### {title}\n\nThis change introduces no finding.\n"
    header = f"\n### {title}\n\n| Severity | Rule | Resource | Finding | Location |\n|---|---|---|---|---|\n"
    budget.take(header)
    rows = budget.rows("introduced", findings, _finding_row, 0.85)
    return header + "\n".join(rows) + "\n" + budget.more("introduced")


def _finding_row(finding: Finding) -> str:
    details = prose(finding.message)
    if finding.evidence.path:
        value = f" = {code(finding.evidence.value)}" if finding.evidence.value is not None else ""
        details += f"<br>{code(finding.evidence.path)}{value}"
    fix = first_line(finding.remediation)
    if fix:
        details += f"<br>*Fix:* {prose(fix)}"
    where = code(location_text(finding)) if finding.location is not None else ""
    return f"| {finding.severity.value} | {code(finding.rule_id)} | {code(finding.address)} | {details} | {where} |"


def _short_row(finding: Finding) -> str:
    where = code(location_text(finding)) if finding.location is not None else ""
    return (
        f"| {finding.severity.value} | {code(finding.rule_id)} | {code(finding.address)} "
        f"| {prose(finding.message)} | {where} |"
    )


def _destroy_row(entry: ChangeEntry) -> str:
    why = prose(change_reason(entry))
    blast = _blast(entry)
    if blast:
        why = f"{why}<br>{blast}" if why else blast
    action = f"**{entry.kind.value}**" if entry.deposed is None else f"**{entry.kind.value}** (deposed)"
    return f"| {action} | {code(entry.address)} | {code(entry.type)} | {why} |"


def _blast(entry: ChangeEntry) -> str:
    """ "replacing it also touches 12 resources: `a`, `b`, `c` and 9 more; exposed by `output.url`"."""
    parts = blast_parts(entry)
    if parts is None:
        return ""
    verb, first, more, exposers = parts
    text = ""
    if first:
        total = len(first) + more
        text = f"{verb} it also touches **{total}** resource{'s' if total != 1 else ''}: "
        text += ", ".join(code(a) for a in first) + (f" and {more} more" if more else "")
    if exposers:
        text += ("; " if text else "") + "exposed by " + ", ".join(code(a) for a in exposers)
    return text


def _details(summary: str, findings: list[Finding], budget: _Budget, section: str) -> str:
    if not findings:
        return ""
    header = "| Severity | Rule | Resource | Finding | Location |\n|---|---|---|---|---|\n"
    budget.take(header)
    rows = budget.rows(section, findings, _short_row, 0.5)
    body = header + "\n".join(rows) + "\n" + budget.more(section)
    return f"\n<details><summary>{summary}</summary>\n\n{body}\n</details>\n"


_SUPPRESSED_HEADER = "| Severity | Rule | Resource | By | Reason | Where |\n|---|---|---|---|---|---|\n"


def _suppressed_row(finding: Finding) -> str:
    why = finding.suppressed
    by = why.by if why else ""
    reason = (escape(why.reason) or "*no reason given*") if why else ""
    until = f" (until {escape(why.expires)})" if why and why.expires else ""
    source = code(why.source) if why else ""
    return (
        f"| {finding.severity.value} | {code(finding.rule_id)} | {code(finding.address)} | {by} | {reason}{until} "
        f"| {source} |"
    )


def _suppressed_own(findings: list[Finding], budget: _Budget) -> str:
    """The findings this change introduces and suppresses: a table in the open, after the introduced ones."""
    if not findings:
        return ""
    section = "introduced and suppressed"
    title = f"\n### Introduced by this change and suppressed ({len(findings):,})\n\n"
    budget.take(title + _SUPPRESSED_HEADER)
    rows = budget.rows(section, findings, _suppressed_row, 0.5)
    return title + _SUPPRESSED_HEADER + "\n".join(rows) + "\n" + budget.more(section)


def _suppressed(findings: list[Finding], budget: _Budget) -> str:
    if not findings:
        return ""
    header = _SUPPRESSED_HEADER
    budget.take(header)
    rows = budget.rows("suppressed", findings, _suppressed_row)
    return (
        f"\n<details><summary>Suppressed: {len(findings):,}</summary>\n\n{header}"
        + "\n".join(rows)
        + "\n\n</details>\n"
    )


def _drift(entries: list[ChangeEntry], budget: _Budget) -> str:
    if not entries:
        return ""
    header = "Changed outside Terraform, not by this change.\n\n| Change | Resource |\n|---|---|\n"
    budget.take(header)
    rows = budget.rows("drift", entries, lambda e: f"| {e.kind.value} | {code(e.address)} |", 0.5)
    summary = f"Drift (changed outside Terraform): {len(entries):,}"
    body = header + "\n".join(rows) + "\n" + budget.more("drift")
    return f"\n<details><summary>{summary}</summary>\n\n{body}\n</details>\n"


def _advice(review: Review, budget: _Budget) -> str:
    advice = review.advice
    if advice is None:
        return ""
    kind = "LLM" if advice.is_llm else "not an LLM"
    lines = [f"\n<details><summary>AI review ({escape(advice.source)}, {kind}) — advice only</summary>\n"]
    if advice.unavailable_reason:
        lines.append(f"The AI review was unavailable ({escape(advice.unavailable_reason)}); this review is rules-only.")
    else:
        # whatever the summary says ("APPROVED", "PASS"), the verdict above is the rules' and stands
        lines.append(
            f"> **Advice only: it cannot change the verdict ({review.verdict.value.upper()}).** "
            "The verdict comes from the rules above.\n"
        )
        lines.append(f"Risk: **{advice.risk.value}**\n")
        summary = summary_markdown(advice.summary)
        if budget.take(summary):
            lines.append(summary + "\n")
        lines += budget.rows(
            "AI concerns",
            list(advice.concerns),
            lambda c: f"- {c.severity.value} {code(c.address)}: {_model_text(c.message)}",
        )
        lines.append(budget.more("AI concerns"))
    lines.append("\n</details>\n")
    return "\n".join(lines)


def summary_markdown(summary: str) -> str:
    """The advisor's summary, escaped line by line: its paragraphs and `- ` bullet lists keep their shape, all of it
    in a block quote: a line of it never stands where our own lines do ("**tfreview: PASS**", a heading)."""
    out: list[str] = []
    for raw in summary.splitlines():
        stripped = raw.strip()
        if not stripped:
            if out and out[-1] != "":
                out.append("")
            continue
        bullet = stripped[:2] in ("- ", "* ", "• ")
        if bullet and out and out[-1] != "" and not out[-1].startswith("- "):
            out.append("")  # a list needs a blank line after a paragraph
        elif not bullet and out and out[-1].startswith("- "):
            out.append("")
        out.append(f"- {_model_text(stripped[2:])}" if bullet else _model_text(stripped))
    return "\n".join(f"> {line}" if line else ">" for line in "\n".join(out).strip().splitlines())


def _model_text(text: str) -> str:
    """The advisor's text (made inert by `advisor.sanitize`, which writes `<`, `>` and `&` as entities) escaped
    once: its entities read back first, else `escape` writes them again and the reader sees `&lt;script&gt;`."""
    return escape(model_text(text))


def _coverage(review: Review, budget: _Budget) -> str:
    coverage = review.coverage
    lines = [
        "\n<details><summary>Coverage</summary>\n",
        f"Reviewed {coverage.resources_reviewed:,} of {coverage.resources_total:,} resources "
        f"({coverage.resources_covered:,} checked by a rule)"
        + (f" in {len(coverage.files_parsed):,} files." if coverage.files_parsed else "."),
        "",
        "<!--clip-->",
    ]
    if coverage.files_skipped:
        lines.append(f"\n**Not reviewed: {plural(len(coverage.files_skipped), 'file')}**\n")
        lines += budget.rows("skipped files", coverage.files_skipped, lambda s: f"- {code(s[0])}: {escape(s[1])}", 0.3)
        lines.append(budget.more("skipped files"))
    lines += _bullets("Notes", coverage.notes, budget, "coverage notes")
    lines += _bullets("Diagnostics", review.diagnostics, budget, "diagnostics")
    lines.append("\n</details>\n")
    return "\n".join(lines)


def _bullets(title: str, items: Iterable[str], budget: _Budget, section: str) -> list[str]:
    items = list(items)
    if not items:
        return []
    return [f"\n**{title}**\n", *budget.rows(section, items, lambda n: f"- {escape(n)}", 0.3), budget.more(section)]
