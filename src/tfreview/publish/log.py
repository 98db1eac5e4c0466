"""The Publisher used until the GitHub and Spacelift publishers exist: one log line per finished review."""

from __future__ import annotations

import logging

from tfreview.core.redact import scrub_text
from tfreview.ports.records import StoredReview

logger = logging.getLogger("tfreview.publish")


class LogPublisher:
    def __init__(self, log: logging.Logger | None = None) -> None:
        self._log = log or logger

    def publish(self, review: StoredReview) -> None:
        findings = review.counts.get("findings") if review.counts else None
        self._log.info(
            "review %s ready: verdict %s, status %s, findings %s, content %s",
            review.id,
            review.verdict or "none",
            review.status.value,
            findings if findings is not None else "n/a",
            (review.content_hash or "")[:12] or "n/a",
        )

    def publish_failure(self, review: StoredReview) -> None:
        self._log.info(
            "review %s failed: %s", review.id, scrub_text(review.status_reason or "no reason recorded")[:300]
        )
