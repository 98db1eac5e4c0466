"""A review finished for the store: one function for the worker thread (`service.reviewing`, in-process or after a
model advised) and the review process (`worker.review_child`, ADR 0702), so both store the same thing (ADR 0727).

The kept findings of an upload (found on its original, `service.uploads.secret_findings`) are merged with the verdict
and counts they change (issue 9 item 12), the document is spelled as the store keeps it (ADR 0722), and the keys of its
counted findings taken (ADR 0704). In a review process the SQL store's rows are worked out too (`rows_for`, ADR 0728):
the row's hashes and its finding rows, which the worker thread would otherwise compute holding the interpreter lock
the intake needs; in the worker thread itself the store works them out (the same work, in the same thread, and a
memory or DynamoDB store has no such rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tfreview.core.policy import Policy
from tfreview.ports.records import StoredReview
from tfreview.ports.review_codec import EncodedDocument, encode, keys_of
from tfreview.ports.review_processes import FinishedReview
from tfreview.service.assessment import Assessment
from tfreview.service.kept_findings import with_kept_findings
from tfreview.store.result_rows import result_rows


def finished_review(
    assessment: Assessment,
    kept: Sequence[Mapping[str, Any]],
    policy: Policy,
    *,
    rows_for: StoredReview | None = None,
) -> FinishedReview:
    """`assessment` (the rules' review with the advice merged) with the `kept` findings merged, ready to store; with
    the SQL store's rows for the stored review `rows_for`, when given."""
    result = with_kept_findings(assessment.review, kept, policy)
    document = EncodedDocument.of(encode(result))
    verdict, counts, keys = result.verdict.value, dict(result.counts), tuple(keys_of(result.findings))
    rows = None if rows_for is None else result_rows(rows_for, document, verdict, counts, keys)
    return FinishedReview(
        document,
        verdict,
        counts,
        assessment.rules_seconds,
        assessment.ai_unavailable,
        assessment.retry_ai_later,
        keys,
        rows,
    )
