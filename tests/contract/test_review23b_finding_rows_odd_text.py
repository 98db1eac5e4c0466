"""review23b: a finished review's finding rows hold whatever a plan put in an address (a for_each key is any
string): a NUL, a megabyte."""

from __future__ import annotations

import pytest

from tests.contract.conftest import Stores
from tfreview.ports.records import ReviewStatus, SourceInfo

GITHUB = SourceInfo(kind="github", repository="acme/infra", pull_request=3)


@pytest.mark.parametrize(
    "key",
    ["a\x00b", "x" * 1_000_000, "\U0001f600\u202e"],
)
def test_a_review_whose_finding_address_holds_odd_text_is_stored_and_read_back(stores: Stores, key: str) -> None:
    review = stores.reviews.create("github:1", GITHUB)
    address = f'aws_s3_bucket.b["{key}"]'
    finding = {"rule_id": "TFR-AWS-001", "severity": "high", "status": "introduced", "address": address}
    stores.reviews.save_result(review.id, ReviewStatus.COMPLETED, {"findings": [finding]}, "fail", {})
    got = stores.reviews.get(review.id)
    assert got.status == ReviewStatus.COMPLETED
    assert got.report == {"findings": [finding]}
