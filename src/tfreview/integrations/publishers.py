"""The Publisher the workers see: routes a finished review to the publishers of its source.

    github     → the GitHub publisher (one PR comment, one check run per head SHA)
    spacelift  → the Spacelift publisher (run comment) and, for a proposed run on a pull request,
                 the PR publishing of that run (combined with the PR's own review)
    anything   → the log line (every review, whatever else publishes it)

Every publisher is idempotent per review and content, so when one of them fails the whole publish
job is retried: the ones that succeeded find their own output and leave it as it is. A retriable
failure (UpstreamError) wins over a permanent one, so one bad target never stops the others' retries.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from tfreview.core.errors import UpstreamError
from tfreview.core.redact import scrub_text
from tfreview.ports.records import StoredReview
from tfreview.ports.service import Publisher

logger = logging.getLogger("tfreview.publish")


class RoutingPublisher:
    """`routes[review.source.kind]` publish the review (in order), then `always` (e.g. the log line)."""

    def __init__(self, routes: Mapping[str, Sequence[Publisher]], *, always: Sequence[Publisher] = ()) -> None:
        self.routes = {kind: tuple(publishers) for kind, publishers in routes.items()}
        self.always = tuple(always)

    def targets(self, review: StoredReview) -> tuple[Publisher, ...]:
        return self.routes.get(review.source.kind, ()) + self.always

    def publish(self, review: StoredReview) -> None:
        self._each(review, failure=False)

    def publish_failure(self, review: StoredReview) -> None:
        """A failed review's notice (ADR 0380), routed like its publish."""
        self._each(review, failure=True)

    def _each(self, review: StoredReview, *, failure: bool) -> None:
        failures: list[Exception] = []
        for publisher in self.targets(review):
            try:
                if failure:
                    publisher.publish_failure(review)
                else:
                    publisher.publish(review)
            except Exception as exc:  # the others still publish; the job is retried for this one
                logger.warning(
                    "review %s: %s failed: %s", review.id, type(publisher).__name__, scrub_text(str(exc))[:300]
                )
                failures.append(exc)
        if failures:
            raise next((f for f in failures if isinstance(f, UpstreamError)), failures[0])
