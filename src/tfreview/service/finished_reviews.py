"""A review finished for the store: one function for the worker thread (`service.reviewing`, in-process or after a
model advised) and the review process (`worker.review_child`, ADR 0702), so both store the same thing (ADR 0727).

The kept findings of an upload (found on its original, `service.uploads.secret_findings`) are merged with the verdict
and counts they change (issue 9 item 12), the document is spelled as the store keeps it (ADR 0722), and the keys of its
counted findings taken (ADR 0704).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tfreview.core.policy import Policy
from tfreview.ports.review_codec import EncodedDocument, encode, keys_of
from tfreview.ports.review_processes import FinishedReview
from tfreview.service.assessment import Assessment
from tfreview.service.kept_findings import with_kept_findings


def finished_review(assessment: Assessment, kept: Sequence[Mapping[str, Any]], policy: Policy) -> FinishedReview:
    """`assessment` (the rules' review with the advice merged) with the `kept` findings merged, ready to store."""
    result = with_kept_findings(assessment.review, kept, policy)
    return FinishedReview(
        EncodedDocument.of(encode(result)),
        result.verdict.value,
        dict(result.counts),
        assessment.rules_seconds,
        assessment.ai_unavailable,
        assessment.retry_ai_later,
        tuple(keys_of(result.findings)),
    )
