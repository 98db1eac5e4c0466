"""A token shape after a URL-encoded character is scrubbed (review23; ADR 0736).

The `tfr_`, `ghp_` (and sibling) shapes began with `\\b`: in a logged URL or query the token follows `%20`, `%3D`
or `%3A`, whose last character is a letter or digit, so there was no word boundary and the shape did not match. A
random token was mostly caught all the same, as a long high-entropy run; one that is not (these canaries, a short
random part) was logged in clear. The shapes now also begin after a `%XX` escape (and a twice-encoded `%25XX`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from tfreview.core.redact import REDACTED, scrub_text
from tfreview.ports.records import ReviewStatus, SourceInfo, StoredReview
from tfreview.publish.log import LogPublisher

# shape-valid, low-entropy canaries: only a shape can catch them
CANARIES = [
    "tfr_0000000000000000_canaryaaaaaaaaaaaaaaaa",
    "ghp_canaryaaaaaaaaaaaaaaaaaaaa",
    "gho_canaryaaaaaaaaaaaaaaaaaaaa",
    "github_pat_canaryaaaaaaaaaaaaaaaaaaaa",
    "xoxb-canaryaaaaaaaa",
    "sk-canaryaaaaaaaaaaaaaaaaaaaa",
    "AKIACANARYAAAAAAAAAA",
]
PREFIXES = ["%20", "token%3D", "token%3d", "auth%3A", "token%253D", "token=", "token:", "?token="]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("canary", CANARIES)
def test_a_token_after_an_encoded_character_is_scrubbed(canary: str, prefix: str) -> None:
    scrubbed = scrub_text(f"GET https://example.com/hook?a=b&{prefix}{canary}&next=1")
    assert canary not in scrubbed
    assert f"{prefix}{REDACTED}&next=1" in scrubbed  # the escape before it is kept: only the token goes


def test_a_token_inside_a_longer_word_is_still_left() -> None:
    # not a token: a name that happens to hold the prefix (`\b` kept this apart before, and still does)
    text = "variable my_ghp_canaryaaaaaaaaaaaaaaaaaaaa set"
    assert scrub_text(text) == text


def test_a_failed_review_logs_an_encoded_url_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    moment = datetime(2026, 12, 7, tzinfo=UTC)
    reason = "fetching https://example.com/plan?x=1%20" + CANARIES[0] + "&t=token%3D" + CANARIES[1] + " failed"
    review = StoredReview(
        id="r-1",
        tenant_id="t",
        source=SourceInfo(kind="upload"),
        status=ReviewStatus.FAILED,
        created_at=moment,
        updated_at=moment,
        status_reason=reason,
    )
    with caplog.at_level(logging.INFO, logger="tfreview.publish"):
        LogPublisher().publish_failure(review)
    (record,) = caplog.records
    logged = record.getMessage()
    assert CANARIES[0] not in logged
    assert CANARIES[1] not in logged
    assert f"%20{REDACTED}&t=token%3D{REDACTED} failed" in logged
