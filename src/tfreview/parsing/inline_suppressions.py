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

_IDS = r"[A-Za-z0-9_.*\-]+(?:\s*,\s*[A-Za-z0-9_.*\-]+)*"
_EXPIRY = r"(?::exp:(?P<expires>\d{4}-\d{2}-\d{2}))?"
_TFREVIEW = re.compile(r"tfreview:ignore[=:]\s*(?P<ids>" + _IDS + r")" + _EXPIRY + r"(?P<reason>[^\n]*)")
_CHECKOV = re.compile(  # Checkov reads all three prefixes (bridgecrew: and cortex: are its platforms' names)
    r"(?:checkov|bridgecrew|cortex):skip=\s*(?P<ids>[A-Za-z0-9_]+(?:,[A-Za-z0-9_]+)*)(?::(?P<reason>[^\n]*))?"
)
_MARKERS = ("tfreview:", "checkov:", "bridgecrew:", "cortex:", "tfsec:", "trivy:")
_PEER = re.compile(r"(?:tfsec|trivy):ignore:(?P<ids>[A-Za-z0-9_*\-]+(?:,[A-Za-z0-9_*\-]+)*)(?:\[[^\]]*\])?" + _EXPIRY)


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
    for number in range(first, min(end, len(text_lines)) + 1):
        line = text_lines[number - 1]
        if not any(marker in line for marker in _MARKERS):
            continue  # no suppression on it, wherever its comment begins
        comment = _comment_of(line)
        if comment is None or not any(marker in comment for marker in _MARKERS):
            continue
        attribute = None
        if start < number < end:
            attribute = _attribute_for(text_lines, number, end, attributes)
        location = Location(file, number)
        found.extend(_parse(comment, location, attribute))
    return tuple(found)


def _parse(comment: str, location: Location, attribute: str | None) -> list[InlineSuppression]:
    out: list[InlineSuppression] = []
    for match in _TFREVIEW.finditer(comment):
        reason = _clean(match.group("reason"))
        out.extend(
            InlineSuppression(rule, reason, location, match.group("expires"), attribute)
            for rule in _split(match.group("ids"))
        )
    for match in _CHECKOV.finditer(comment):
        reason = _clean(match.group("reason") or "")
        # Checkov skips the whole resource wherever the comment sits in it.
        out.extend(InlineSuppression(rule, reason, location) for rule in _split(match.group("ids")))
    peers = list(_PEER.finditer(comment))
    for number, match in enumerate(peers):
        following = peers[number + 1].start() if number + 1 < len(peers) else len(comment)
        reason = _clean(comment[match.end() : following])
        out.extend(
            InlineSuppression(rule, reason, location, match.group("expires"), attribute)
            for rule in _split(match.group("ids"))
        )
    return out


def _split(ids: str) -> list[str]:
    return [part.strip() for part in ids.split(",") if part.strip()]


def _clean(reason: str) -> str:
    reason = reason.strip()
    if reason.endswith("*/"):
        reason = reason[:-2].rstrip()
    return reason.lstrip(":-— ").strip()


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


def _attribute_for(
    text_lines: Sequence[str], number: int, end: int, attributes: Sequence[tuple[str, int, int]]
) -> str | None:
    """The top-level item the comment on line `number` belongs to: the one on that line, or the next one."""
    target = number
    if _is_comment_line(text_lines[number - 1]):
        target = number + 1
        while target < end and _is_comment_line(text_lines[target - 1]):
            target += 1
    for name, first, last in attributes:
        if first <= target <= last:
            return name
    return None
