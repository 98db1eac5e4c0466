"""The review filters of ADR 0596 at their edges, the same in every store.

Found from the outside (review17a): `?repository=` (an empty value, as a cleared form field or a script's unset
variable sends it) listed the API uploads — reviews of no repository — on the in-memory and DynamoDB stores, and
nothing on SQLite and PostgreSQL: the case-insensitive match read a missing repository as "". The search's folding
(NFKC, case-fold) must not turn a typed `％` or `＿` into a LIKE wildcard, nor find another tenant's reviews."""

from __future__ import annotations

from tests.contract.conftest import Stores
from tfreview.ports.records import ReviewStatus, SourceInfo

GITHUB = SourceInfo(kind="github", repository="Acme/Infra", pull_request=3)
API = SourceInfo(kind="api")


def _review(stores: Stores, source: SourceInfo, address: str) -> str:
    review = stores.reviews.create("github:1", source)
    finding = {"rule_id": "TFR-AWS-001", "severity": "high", "status": "introduced", "address": address}
    stores.reviews.save_result(review.id, ReviewStatus.COMPLETED, {"findings": [finding]}, "fail", {})
    return review.id


def _ids(stores: Stores, **filters: str) -> set[str]:
    return {r.id for r in stores.reviews.list("github:1", filters=filters).items}


def test_an_empty_repository_filter_finds_no_review_without_a_repository(stores: Stores) -> None:
    _review(stores, API, "aws_s3_bucket.a")
    github = _review(stores, GITHUB, "aws_s3_bucket.b")
    assert _ids(stores, repository="") == set()
    assert _ids(stores, repository="acme/INFRA") == {github}


def test_folding_never_makes_a_wildcard_of_a_typed_character(stores: Stores) -> None:
    eszett = _review(stores, GITHUB, 'aws_s3_bucket.b["straße"]')
    literal = _review(stores, GITHUB, 'aws_s3_bucket.b["x%y_z"]')
    _review(stores, GITHUB, 'aws_s3_bucket.b["xAyBz"]')  # what `x%y_z` as a pattern would match
    assert _ids(stores, finding="x％y＿z") == {literal}  # full-width: NFKC makes them `%` and `_`, kept literal
    assert _ids(stores, finding="x%y_z") == {literal}
    assert _ids(stores, finding="STRASSE") == _ids(stores, finding="straße") == {eszett}
    assert stores.reviews.list("github:2", filters={"finding": "aws_s3"}).items == []
