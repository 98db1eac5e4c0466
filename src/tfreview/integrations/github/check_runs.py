"""The check run of one head SHA: conclusion from the verdict, a short summary, annotations in batches of 50.

GitHub takes at most 50 annotations per request and APPENDS the annotations of every update, so a
retried batch would show twice. Progress therefore travels with the annotations: every request sets
the run's `external_id` to `tfreview:<annotation digest>:<batches sent>/<batches>` in the same call
that carries the batch, and a retry reads it back and sends only what is missing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tfreview.core.findings import Review, Status
from tfreview.plumbing.hashing import short_digest
from tfreview.render.digest import clean, severity_breakdown, suppressed_by_the_change, tally
from tfreview.render.github import status_words, suppression_text

ANNOTATIONS_PER_REQUEST = 50  # GitHub's limit per create/update request
SUMMARY_LIMIT = 65_535  # output.summary / output.text, characters (behaves like bytes for non-ASCII)
_SUMMARY_BUDGET = 60_000  # bytes, well under the limit
_TITLE_LIMIT = 255
_REASON_LIMIT = 300  # characters of GitHub's reason for refusing the comment
_MESSAGE_LIMIT = 4_000
_ANNOTATED_SUFFIXES = (".tf",)
_EXTERNAL_ID = re.compile(
    r"^tfreview:(?P<digest>[0-9a-f]{16}):(?P<done>\d{1,6})/(?P<total>\d{1,6}):(?P<result>[0-9a-f]{16})$"
)

CONCLUSIONS = {"fail": "failure", "warn": "neutral", "pass": "success"}


def conclusion(verdict: str | None) -> str:
    """fail → failure, warn → neutral, pass → success; anything else (no verdict) → neutral."""
    return CONCLUSIONS.get(verdict or "", "neutral")


def annotations_of(review: Review) -> list[dict[str, Any]]:
    """One annotation per introduced or existing finding located on a `.tf` line (ordered, deterministic)."""
    out: list[dict[str, Any]] = []
    own = suppressed_by_the_change(review)  # the change's own suppressions: a warning on the line (ADR 0562)
    own_ids = {id(f) for f in own}
    for finding in [*review.findings, *own]:
        location = finding.location
        if location is None or not location.file.endswith(_ANNOTATED_SUFFIXES):
            continue
        path, line = location.file, location.line
        if path.startswith(("/", "../")) or line < 1:
            continue  # not a path inside the repository: GitHub cannot place it
        status = finding.status
        if status not in (Status.INTRODUCED, Status.EXISTING):
            continue
        # `failure` exactly for what fails the verdict: existing findings too only with fail_on_existing
        level = "warning" if status is Status.INTRODUCED else "notice"
        if id(finding) not in own_ids and review.fails(finding):
            level = "failure"
        end = location.end_line
        end_line = end if end is not None and end >= line else line
        title = f"{finding.rule_id} ({finding.severity.value}, {status_words(finding)}): {finding.title}"
        message = f"{finding.address}: {finding.message}"
        hidden = suppression_text(finding)
        if hidden:
            message += f"\n{hidden}"
        fix = finding.remediation.strip().splitlines()
        if fix:
            message += f"\nFix: {fix[0]}"
        out.append(
            {
                "path": path,
                "start_line": line,
                "end_line": end_line,
                "annotation_level": level,
                # plain text on GitHub, but a bidi control in an address would reorder what the reviewer reads
                "title": _clip(clean(title), _TITLE_LIMIT),
                "message": _clip(clean(message), _MESSAGE_LIMIT),
            }
        )
    return out


def batches(items: Sequence[dict[str, Any]], size: int = ANNOTATIONS_PER_REQUEST) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def digest(items: object) -> str:
    return short_digest(items)


@dataclass(frozen=True, slots=True)
class Progress:
    """How many annotation batches of which annotation set a check run already holds, and which result
    (conclusion + output) it shows: `tfreview:<annotations digest>:<done>/<total>:<result digest>`."""

    digest: str
    done: int
    total: int
    result: str

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    def external_id(self) -> str:
        return f"tfreview:{self.digest}:{self.done}/{self.total}:{self.result}"

    @classmethod
    def read(cls, external_id: object) -> Progress | None:
        match = _EXTERNAL_ID.match(external_id) if isinstance(external_id, str) else None
        if match is None:
            return None
        return cls(match["digest"], int(match["done"]), int(match["total"]), match["result"])


def output(
    review: Review, *, without_ai: bool, title: str = "tfreview", comment_refused: str | None = None
) -> dict[str, str]:
    """The check run's `output` (title and summary; annotations are added per request). `comment_refused`: why
    GitHub would not take the pull request's comment — said here, where the verdict still is (ADR 0609)."""
    t = tally(review)
    verdict = review.verdict.value.upper()
    coverage = review.coverage
    lines = [
        f"**{verdict}** — {t.introduced} introduced, {t.existing} existing, "
        f"{t.resolved} resolved findings; {t.destroys} destroys or replaces.",
        "",
        f"Fails on introduced findings at or above **{review.fail_on.value}**.",
    ]
    own = suppressed_by_the_change(review)
    if own:  # what the change introduces and hides is never only in the comment (ADR 0562)
        breakdown = severity_breakdown(Counter(f.severity for f in own))
        lines += ["", f"{t.suppressed} suppressed ({len(own)} introduced by this change: {breakdown})."]
    elif t.suppressed:
        lines += ["", f"{t.suppressed} suppressed."]
    if without_ai:
        lines += ["", "Completed without AI: the AI review was unavailable, this review is rules-only."]
    lines += ["", f"Reviewed {coverage.resources_reviewed} of {coverage.resources_total} resources."]
    if comment_refused is not None:
        lines += ["", comment_refused_line(comment_refused)]
    text = "\n".join(lines)
    while len(text.encode()) > _SUMMARY_BUDGET:  # our own numbers only: cannot really happen, but never 422
        text = text[: len(text) // 2]
    return {"title": _clip(f"{title}: {verdict}", _TITLE_LIMIT), "summary": text}


def comment_refused_line(reason: str) -> str:
    """What a check run says when GitHub would not take the pull request's comment (ADR 0609)."""
    return f"The review's comment on the pull request could not be written: {' '.join(reason.split())[:_REASON_LIMIT]}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
