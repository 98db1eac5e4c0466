"""Putting advice into a review: the model may only add.

`apply_advice` returns a NEW review with `advice` set. The findings (counted and suppressed), the
changes and the drift are the review's own, copied as they are: no advice can remove, lower or
suppress one. The verdict never goes down; it goes up to FAIL only when the policy lets AI
concerns fail a review (`ai_can_fail`, off by default) and a concern is at or above `fail_on`.
What the model did not see (the token budget) becomes a coverage note.
"""

from __future__ import annotations

from dataclasses import replace

from tfreview.core.findings import Advice, Review, Verdict


def apply_advice(review: Review, advice: Advice | None, *, ai_can_fail: bool = False) -> Review:
    coverage = review.coverage  # frozen: shared as it is, a note makes a new value
    note = coverage_note(advice)
    if note and note not in coverage.notes:
        coverage = replace(coverage, notes=(*coverage.notes, note))
    verdict = review.verdict
    allowed = ai_can_fail and advice is not None and advice.unavailable_reason is None
    if allowed and advice is not None and any(c.severity >= review.fail_on for c in advice.concerns):
        verdict = Verdict.FAIL
    if verdict.rank < review.verdict.rank:  # pragma: no cover - unreachable by construction, kept as a lock
        verdict = review.verdict
    return replace(
        review,
        findings=list(review.findings),
        suppressed=list(review.suppressed),
        changes=list(review.changes),
        drift=list(review.drift),
        coverage=coverage,
        verdict=verdict,
        diagnostics=list(review.diagnostics),
        notices=list(review.notices),
        counts=dict(review.counts),
        advice=advice,
    )


def coverage_note(advice: Advice | None) -> str | None:
    """ "The AI reviewer did not see …", or None when it saw everything (or no model was asked)."""
    if advice is None or advice.usage is None or not advice.is_llm:
        return None
    omission = advice.usage.omission
    if omission.empty:
        return None
    shown = ", ".join(omission.resources[:10])
    more = f" and {len(omission.resources) - 10:,} more" if len(omission.resources) > 10 else ""
    listed = f" Left out: {shown}{more}." if shown else ""
    return f"The AI reviewer did not see {omission.summary()} (token budget).{listed}"
