"""service.report_cache: renderings kept per (tenant, review, content hash, codec version, format), an LRU
bounded by the bytes it holds (ADR 0340)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tfreview.core.errors import InputError
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.service.report_cache import ReportCache

AT = datetime(2026, 12, 4, tzinfo=UTC)


def _stored(
    review_id: str, tenant_id: str = "github:1", content_hash: str | None = "h1", **report: object
) -> StoredReview:
    return StoredReview(
        review_id,
        tenant_id,
        SourceInfo(kind="api"),
        ReviewStatus.COMPLETED,
        AT,
        AT,
        report={"v": 1, **report},
        content_hash=content_hash,
    )


class Renders:
    """A renderer that says what it rendered and counts its calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, review: StoredReview, size: int = 40) -> bytes:
        self.calls.append(review.id)
        return f"{review.tenant_id}/{review.id}/{review.content_hash}".encode().ljust(size, b".")[:size]


def test_a_stored_document_is_rendered_once_per_format() -> None:
    cache, render = ReportCache(1000), Renders()
    review = _stored("r1")
    first = cache.rendered(review, "api", lambda: render(review))
    assert cache.rendered(review, "api", lambda: render(review)) == first
    assert render.calls == ["r1"]
    cache.rendered(review, "sarif", lambda: render(review))
    assert render.calls == ["r1", "r1"]  # another format, another rendering
    assert cache.size == 2 * len(first)


def test_another_tenant_never_gets_a_rendering_kept_for_the_first() -> None:
    cache, render = ReportCache(1000), Renders()
    mine, theirs = _stored("same-id", "github:1"), _stored("same-id", "spacelift:other")  # same id, same hash
    assert cache.rendered(mine, "api", lambda: render(mine)).startswith(b"github:1/")
    assert cache.rendered(theirs, "api", lambda: render(theirs)).startswith(b"spacelift:other/")
    assert cache.rendered(mine, "api", lambda: render(mine)).startswith(b"github:1/")
    assert len(render.calls) == 2


def test_a_review_stored_again_is_rendered_again() -> None:
    cache, render = ReportCache(1000), Renders()
    before = _stored("r1", content_hash="h1")
    after = replace(before, content_hash="h2", report={"v": 1, "review": "new"})
    assert b"/h1" in cache.rendered(before, "api", lambda: render(before))
    assert b"/h2" in cache.rendered(after, "api", lambda: render(after))
    assert render.calls == ["r1", "r1"]


def test_the_least_recently_used_go_first_once_the_bytes_pass_the_bound() -> None:
    cache, render = ReportCache(100), Renders()
    one, two, three = _stored("r1"), _stored("r2"), _stored("r3")
    cache.rendered(one, "api", lambda: render(one))
    cache.rendered(two, "api", lambda: render(two))
    cache.rendered(one, "api", lambda: render(one))  # r1 used last: r2 is the oldest now
    cache.rendered(three, "api", lambda: render(three, 50))  # 40 + 40 + 50 > 100: r2 goes
    assert (len(cache), cache.size) == (2, 90)
    cache.rendered(one, "api", lambda: render(one))
    cache.rendered(two, "api", lambda: render(two))
    assert render.calls == ["r1", "r2", "r3", "r2"]


def test_what_is_larger_than_the_bound_or_has_no_hash_is_rendered_every_time() -> None:
    cache, render = ReportCache(20), Renders()
    large, unhashed = _stored("large"), _stored("unhashed", content_hash=None)
    for _ in range(2):
        cache.rendered(large, "api", lambda: render(large, 21))
        cache.rendered(unhashed, "api", lambda: render(unhashed))
    assert render.calls == ["large", "unhashed", "large", "unhashed"]
    assert (len(cache), cache.size) == (0, 0)
    off = ReportCache(0)
    review = _stored("r1")
    off.rendered(review, "api", lambda: render(review))
    assert len(off) == 0
    with pytest.raises(ValueError, match="0 or more"):
        ReportCache(-1)


def test_a_document_this_release_cannot_read_is_refused_and_nothing_is_kept() -> None:
    cache, render = ReportCache(1000), Renders()
    newer = _stored("r1", v=7)
    with pytest.raises(InputError, match="codec version 7"):
        cache.rendered(newer, "api", lambda: render(newer))
    assert render.calls == []

    def broken() -> bytes:
        raise InputError("stored review (codec version 1) is not valid")

    readable = _stored("r2")
    with pytest.raises(InputError):
        cache.rendered(readable, "api", broken)
    assert len(cache) == 0


def test_a_read_without_the_report_finds_the_rendering_while_the_other_content_is_the_same() -> None:
    cache, render = ReportCache(1000), Renders()
    review = _stored("r1")
    body = cache.rendered(review, "api", lambda: render(review))
    light = replace(review, report=None, status=ReviewStatus.FAILED)  # status moves: not content
    assert cache.held(light, "api") == body
    assert cache.held(light, "json") is None
    assert cache.held(replace(light, tenant_id="github:2"), "api") is None
    assert cache.held(replace(light, verdict="pass"), "api") is None  # not the row it was made from
    assert cache.held(replace(light, content_hash=None), "api") is None
    assert cache.rendered(replace(review, verdict="pass"), "api", lambda: render(review)) == body  # made again
    assert render.calls == ["r1", "r1"]
