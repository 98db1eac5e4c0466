"""A Publisher for tests: records what it was asked to publish, and can be told to fail."""

from __future__ import annotations

import threading

from tfreview.ports.records import StoredReview


class RecordingPublisher:
    """Thread-safe. `fail_with` (an exception) is raised by the next `fail_times` calls, then it records again."""

    def __init__(self, *, fail_with: BaseException | None = None, fail_times: int = 0) -> None:
        self._lock = threading.Lock()
        self._published: list[str] = []
        self._reviews: list[StoredReview] = []
        self._failures: list[str] = []
        self._fail_with = fail_with
        self._fail_times = fail_times
        self.attempts = 0

    def fail_next(self, error: BaseException, times: int = 1) -> None:
        with self._lock:
            self._fail_with, self._fail_times = error, times

    def publish(self, review: StoredReview) -> None:
        with self._lock:
            self.attempts += 1
            if self._fail_with is not None and self._fail_times > 0:
                self._fail_times -= 1
                raise self._fail_with
            self._published.append(review.id)
            self._reviews.append(review)

    def publish_failure(self, review: StoredReview) -> None:
        with self._lock:
            self.attempts += 1
            if self._fail_with is not None and self._fail_times > 0:
                self._fail_times -= 1
                raise self._fail_with
            self._failures.append(review.id)

    @property
    def failures(self) -> list[str]:
        """Review ids whose failure notice was published, in order (a copy)."""
        with self._lock:
            return list(self._failures)

    @property
    def published(self) -> list[str]:
        """Review ids, in the order they were published (a copy)."""
        with self._lock:
            return list(self._published)

    @property
    def reviews(self) -> list[StoredReview]:
        with self._lock:
            return list(self._reviews)
