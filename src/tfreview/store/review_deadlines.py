"""Which open reviews are past their deadline: the reaper's sweep reads these, not every open review (ADR 0652).

A review is overdue at `now` when it is queued or in progress and its deadline — `deadline_at`, or `created_at +
deadline` where none is set — is before `now`. The SQL store asks the database for exactly these; the in-memory and
DynamoDB stores page through their open reviews with `overdue_by_listing` (DynamoDB's open-reviews index holds only
open ones, and the Lambda's sweep runs once a minute).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from tfreview.plumbing.clock import as_utc
from tfreview.ports.records import Page, ReviewStatus, StoredReview

OPEN_STATUSES = (ReviewStatus.QUEUED, ReviewStatus.IN_PROGRESS)
SCAN_PAGES = 50  # pages of 100 open reviews per status read by a listing sweep (the next sweep sees the rest)

Lister = Callable[[str, str | None], Page[StoredReview]]  # (status, cursor) → a page of open reviews, no report


def due_at(review: StoredReview, deadline: timedelta) -> datetime:
    return as_utc(review.deadline_at) if review.deadline_at else as_utc(review.created_at) + deadline


def is_overdue(review: StoredReview, now: datetime, deadline: timedelta) -> bool:
    return review.status in OPEN_STATUSES and due_at(review, deadline) < now


def overdue_by_listing(page_of: Lister, now: datetime, deadline: timedelta, limit: int) -> list[StoredReview]:
    """The overdue reviews among those a listing of each open status gives (SCAN_PAGES pages at most), oldest
    first, at most `limit`."""
    found: list[StoredReview] = []
    for status in OPEN_STATUSES:
        cursor: str | None = None
        for _ in range(SCAN_PAGES):
            page = page_of(status.value, cursor)
            found += [review for review in page.items if is_overdue(review, now, deadline)]
            cursor = page.next_cursor
            if cursor is None:
                break
    found.sort(key=lambda review: (as_utc(review.created_at), review.id))
    return found[:limit]
