"""Reports of stored reviews as rendered once: an in-memory LRU bounded by total bytes (docs/adr/0340).

Rendering a stored review for people (the API's `report` field, a JSON, SARIF or Markdown download) decodes
its stored document and renders it again: 0.5–0.8 s of CPU for a 12,000-finding review, on every request.
What comes out depends on nothing but the stored document and this release, so it is kept under

    (tenant, review id, content hash, format)

The content hash is the sha256 of the stored document (every store sets it with the document; the codec
version is part of the document, so the hash names it too, ADR 0372): a review
stored again with other content has another key, and its old rendering is never served; the old one ages
out. The tenant is in the key as well as in the query that found the review, so one tenant's rendering can
never answer another tenant's request, whatever ids the stores hand out. A review without a content hash
is rendered every time (nothing proves that a kept rendering is still its own).

The bound counts the bytes of the renderings (the values are `bytes`: what is counted is what is held);
the least recently used go first, a rendering larger than the whole bound is not kept, and a bound of 0
keeps nothing. Per process: each worker of `tfreview serve` keeps its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from tfreview.ports.records import StoredReview

DEFAULT_BYTES = 64 * 1024 * 1024  # about five of the largest reviews measured (11 MB each), thousands of usual ones


@dataclass(frozen=True, slots=True)
class ReportKey:
    """What makes one rendering unique and immutable."""

    tenant_id: str
    review_id: str
    content_hash: str
    format: str  # "api" (the API's report field), "json", "sarif", "markdown" (the downloads)


def content_of(review: StoredReview) -> tuple[object, ...]:
    """The review's content fields but its report: what a row's integrity hash covers besides the report
    (ADR 0110), recorded with a rendering made from a checked read and compared on a read without the report."""
    return (review.source, review.verdict, review.counts, review.created_at, review.plan_id, review.content_hash)


@dataclass(frozen=True, slots=True)
class _Kept:
    body: bytes
    content: tuple[object, ...]


class ReportCache:
    """Renderings of stored reviews, least recently used first out once they pass `max_bytes` in all."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must be 0 or more, not {max_bytes}")
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._kept: OrderedDict[ReportKey, _Kept] = OrderedDict()
        self._bytes = 0

    @property
    def size(self) -> int:
        """The bytes kept now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._kept)

    def rendered(self, review: StoredReview, format: str, render: Callable[[], bytes]) -> bytes:
        """`render()` of `review` in `format`, or what it gave last time for the same stored document.

        `review` must hold a report. Errors of `render` (an InputError for a document this release cannot
        read) propagate and nothing is kept."""
        assert review.report is not None, "only a stored review with a report has a rendering"
        if review.content_hash is None or self.max_bytes == 0:
            return render()
        key = ReportKey(review.tenant_id, review.id, review.content_hash, format)
        found = self._found(key, content_of(review))
        if found is not None:
            return found
        from tfreview.ports.review_codec import version_of  # the codec imports the renderers: only when used

        version_of(review.report)  # a document of a newer release is refused (InputError), never rendered
        body = render()  # outside the lock: a large review does not hold up the others (two may render it)
        self._keep(key, _Kept(body, content_of(review)))
        return body

    def held(self, review: StoredReview, format: str) -> bytes | None:
        """The rendering kept for `review`'s stored document in `format`, or None. `review` need not hold its
        report (a store read without it, ADR 0372): the content hash names the document, and its other content
        fields must be those of the checked read the rendering was made from (else None: read it whole)."""
        if review.content_hash is None:
            return None
        return self._found(ReportKey(review.tenant_id, review.id, review.content_hash, format), content_of(review))

    def _found(self, key: ReportKey, content: tuple[object, ...]) -> bytes | None:
        with self._lock:
            found = self._kept.get(key)
            if found is None or found.content != content:
                return None
            self._kept.move_to_end(key)
            return found.body

    def _keep(self, key: ReportKey, kept: _Kept) -> None:
        if len(kept.body) > self.max_bytes:
            return
        with self._lock:
            previous = self._kept.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._kept[key] = kept
            self._bytes += len(kept.body)
            while self._bytes > self.max_bytes:
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= len(dropped.body)
