"""Suppression comments in Terraform source: tfreview's own, and those Checkov, tfsec and Trivy users already wrote.

    # tfreview:ignore=TFR-AWS-001,TFR-AWS-002 the bucket is a public website
    # checkov:skip=CKV_AWS_20:the bucket is a public website   (also bridgecrew:skip= and cortex:skip=, as Checkov)
    # tfsec:ignore:aws-s3-enable-versioning:exp:2025-12-31
    # trivy:ignore:AVD-AWS-0086

A comment counts when it sits inside the resource block or on the comment lines directly above it.
Inside the block, a comment on an attribute's line, or on the comment lines just above it, names
that top-level attribute (or nested block), so only findings under it are suppressed; Checkov's
`skip` always covers the whole resource, as in Checkov.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tfreview.core.plan import InlineSuppression, Location
from tfreview.core.redact import mask_assignments, scrub_text

_IDS = r"[A-Za-z0-9_.*\-]+(?:\s*,\s*[A-Za-z0-9_.*\-]+)*"
_EXPIRY = r"(?::exp:(?P<expires>\d{4}-\d{2}-\d{2}))?"
_TFREVIEW = re.compile(r"tfreview:ignore[=:]\s*(?P<ids>" + _IDS + r")" + _EXPIRY + r"(?P<reason>[^\n]*)")
_CHECKOV = re.compile(  # Checkov reads all three prefixes (bridgecrew: and cortex: are its platforms' names)
    r"(?:checkov|bridgecrew|cortex):skip=\s*(?P<ids>[A-Za-z0-9_]+(?:,[A-Za-z0-9_]+)*)(?::(?P<reason>[^\n]*))?"
)
_TOOLS = ("tfreview", "checkov", "bridgecrew", "cortex", "tfsec", "trivy")
_PEER = re.compile(
    r"(?P<tool>tfsec|trivy):ignore:(?P<ids>[A-Za-z0-9_*\-]+(?:,[A-Za-z0-9_*\-]+)*)(?:\[[^\]]*\])?" + _EXPIRY
)
# what looks like a suppression to its writer: a tool's name, then a verb, in any case and with any separator. One
# that no syntax above accepts at the same place suppresses nothing, and the review says so (ADR 0746).
_LOOKALIKE = re.compile(
    r"\b(?:" + "|".join(_TOOLS) + r")[\s:=_-]*(?:ignore|skip|disable|suppress|nocheck)\b", re.IGNORECASE
)
_TOOL_NAME = re.compile("|".join(_TOOLS), re.IGNORECASE)  # a line no tool is named on holds no suppression
_SHOWN = 60  # characters of an unread comment a notice quotes


def suppressions_in(
    text_lines: Sequence[str],
    file: str,
    start: int,
    end: int,
    attributes: Sequence[tuple[str, int, int]],
) -> tuple[InlineSuppression, ...]:
    """Suppressions for the block on lines `start`..`end` (1-based); `attributes` are its top-level items."""
    found: list[InlineSuppression] = []
    first = start
    while first - 2 >= 0 and _is_comment_line(text_lines[first - 2]):
        first -= 1
    code_after = 0  # the first line after the comment run last walked that is not a comment (or `end`)
    named: dict[int, str] | None = None  # each line of a top-level item: the item's name
    for number in range(first, min(end, len(text_lines)) + 1):
        text = text_lines[number - 1]
        if _TOOL_NAME.search(text) is None:
            continue  # no tool named on it, wherever its comment begins (a 1 MB string line: one C search)
        comment = _comment_of(text)
        if comment is None or _TOOL_NAME.search(comment) is None:
            continue
        attribute = None
        if start < number < end:
            # each comment run walked once, each item's lines listed once: a block of thousands of suppression
            # comments (a hostile tree) is read in linear time, not one walk per comment (review24b)
            target = number
            if _is_comment_line(text_lines[number - 1]):
                if number >= code_after:
                    code_after = number + 1
                    while code_after < end and _is_comment_line(text_lines[code_after - 1]):
                        code_after += 1
                target = code_after
            if named is None:
                named = {}
                for name, top, last in attributes:
                    for line in range(top, last + 1):
                        named.setdefault(line, name)  # the first item holding the line, as a walk would find it
            attribute = named.get(target)
        location = Location(file, number)
        found.extend(_parse(comment, location, attribute))
    return tuple(found)


def _parse(comment: str, location: Location, attribute: str | None) -> list[InlineSuppression]:
    out: list[InlineSuppression] = []
    read: set[int] = set()  # where the syntaxes' matches start
    spans: list[tuple[int, int]] = []  # what the read suppressions took, reasons included
    for match in _TFREVIEW.finditer(comment):
        read.add(match.start())
        spans.append((match.start(), match.end()))
        reason = _clean(match.group("reason"))
        out.extend(
            InlineSuppression(rule, reason, location, match.group("expires"), attribute)
            for rule in _split(match.group("ids"))
        )
    for match in _CHECKOV.finditer(comment):
        read.add(match.start())
        spans.append((match.start(), match.end()))
        reason = _clean(match.group("reason") or "")
        # Checkov skips the whole resource wherever the comment sits in it.
        out.extend(InlineSuppression(rule, reason, location, syntax="checkov") for rule in _split(match.group("ids")))
    peers = list(_PEER.finditer(comment))
    for number, match in enumerate(peers):
        read.add(match.start())
        following = peers[number + 1].start() if number + 1 < len(peers) else len(comment)
        spans.append((match.start(), match.end()))  # not its reason: peers' ignores follow one another on a line
        reason = _clean(comment[match.end() : following])
        out.extend(
            InlineSuppression(rule, reason, location, match.group("expires"), attribute, syntax=match.group("tool"))
            for rule in _split(match.group("ids"))
        )
    for match in _LOOKALIKE.finditer(comment):
        # one inside a read suppression's reason ("… the old checkov skip") is its words, not a suppression
        if match.start() not in read and not any(begin < match.start() < end for begin, end in spans):
            # scrubbed before it is cut: a token cut short would no longer have its shape (review24b)
            text = _scrubbed(_clean_end(comment[match.start() :]))
            shown = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
            out.append(InlineSuppression(shown, "", location, attribute=attribute, syntax="unread"))
    return out


def _split(ids: str) -> list[str]:
    return [part.strip() for part in ids.split(",") if part.strip()]


def _clean(reason: str) -> str:
    return _scrubbed(_clean_end(reason).lstrip(":-— ").strip())


def _scrubbed(text: str) -> str:
    """A comment's text as a report may show it (a notice's quote, a suppression's reason): every report, the PR
    comment, SARIF and the stored review among them, shows it, so a secret in it is scrubbed as in a finding."""
    return scrub_text(mask_assignments(text))


def _clean_end(text: str) -> str:
    text = text.strip()
    if text.endswith("*/"):
        text = text[:-2].rstrip()
    return text


def _is_comment_line(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(("#", "//", "/*", "*"))


# what a line holds outside a comment, a lexeme at a time: a quoted string (to its closing quote, a backslash escaping
# the character after it; unclosed, to the end of the line) is passed over whole, and a comment begins at `#`, `//` or
# `/*` outside one. Matched by `re` in C: a Python loop per character took 0.17 s on a 1 MB line, and the lines of a
# resource's block are read for each of its instances (`count = 1000`: minutes; review24)
_LEXEME = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|#|//|/\*', re.DOTALL)


def _comment_of(line: str) -> str | None:
    """The comment part of a line (after `#`, `//` or `/*` outside a string), or None."""
    for match in _LEXEME.finditer(line):
        if match.group() in ("#", "//", "/*"):
            return line[match.end() :]
    stripped = line.strip()
    return stripped if stripped.startswith("*") else None
