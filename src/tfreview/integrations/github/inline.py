"""Optional inline review comments: introduced findings on lines INSIDE the diff, nothing else.

A single comment outside the diff makes GitHub refuse the whole review (422), so every candidate is
checked against `DiffLines` first and the rest are dropped (and counted). Text from the plan or the
source is escaped by the markdown renderer's `escape`, like the PR comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreview.core.findings import Finding, Review, Status
from tfreview.integrations.github.diff_lines import DiffLines
from tfreview.integrations.github.models import ReviewComment
from tfreview.render.markdown import code, escape

MAX_INLINE_COMMENTS = 30  # more than this is noise; the PR comment and the check run list everything


@dataclass(frozen=True, slots=True)
class InlinePlan:
    comments: list[ReviewComment]
    dropped: int  # candidates outside the diff (or over the cap): never sent


def inline_comments(review: Review, diff: DiffLines, *, limit: int = MAX_INLINE_COMMENTS) -> InlinePlan:
    """Review comments (RIGHT side: the head) for introduced findings inside the diff."""
    comments: list[ReviewComment] = []
    dropped = 0
    seen: set[tuple[str, int, str]] = set()
    for finding in review.findings:
        if finding.status is not Status.INTRODUCED or finding.location is None:
            continue
        path, line = finding.location.file, finding.location.line
        key = (path, line, finding.rule_id)
        if key in seen:
            continue
        seen.add(key)
        if not diff.contains(path, line) or len(comments) >= limit:
            dropped += 1
            continue
        comments.append(ReviewComment(path=path, line=line, body=_body(finding)))
    return InlinePlan(comments, dropped)


def _body(finding: Finding) -> str:
    text = f"**{escape(finding.severity.value)}** {code(finding.rule_id)} {code(finding.address)}: "
    text += escape(finding.message)
    fix = finding.remediation.strip().splitlines()
    if fix:
        text += f"\n\n*Fix:* {escape(fix[0])}"
    return text
