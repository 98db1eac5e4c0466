"""The `finding` filter (API `?finding=`, dashboard search box) finds an address however its letters are
written: any case of any script, composed or decomposed accents, full-width forms (ADR 0596).

Found from the outside: on `tfreview serve` (SQLite) a review of `aws_s3_bucket.one["ＡＢ"]` was not found by
searching `ＡＢ` itself (SQLite's lower() folds ASCII only, the needle was folded by Python), and a key typed
`café` (composed, as browsers send it) did not find the same key stored decomposed, nor the other way round."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import update

from tests.contract.conftest import Stores
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.store.database import Database
from tfreview.store.reviews import SqlReviewStore
from tfreview.store.tables import FindingRow

GITHUB = SourceInfo(kind="github", repository="acme/infra", pull_request=3)
NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")
ADDRESSES = {
    "capitals": 'aws_s3_bucket.b["CAFÉ-ÜBER-ΣΟΦΙΑ"]',
    "composed": f'aws_s3_bucket.b["{NFC}-composed"]',
    "decomposed": f'aws_s3_bucket.b["{NFD}-decomposed"]',
    "full-width": 'aws_s3_bucket.b["ＡＢ-wide"]',
    "ascii": 'aws_s3_bucket.b["plain"]',
}


def _reviews(stores: Stores) -> dict[str, str]:
    made = {}
    for name, address in ADDRESSES.items():
        review = stores.reviews.create("github:1", GITHUB)
        finding = {"rule_id": "TFR-AWS-001", "severity": "high", "status": "introduced", "address": address}
        stores.reviews.save_result(review.id, ReviewStatus.COMPLETED, {"findings": [finding]}, "fail", {})
        made[name] = review.id
    return made


@pytest.mark.parametrize(
    ("needle", "found"),
    [
        ("CAFÉ-ÜBER-ΣΟΦΙΑ", {"capitals"}),  # the address exactly as stored
        ("café-über-σοφια", {"capitals"}),  # lower case of non-ASCII capitals
        ("über", {"capitals"}),
        (f"{NFC}-", {"capitals", "composed", "decomposed"}),  # composed needle: both spellings of the key
        (f"{NFD}-", {"capitals", "composed", "decomposed"}),  # decomposed needle: the same three
        (f"{NFD}-composed", {"composed"}),
        ("ＡＢ", {"full-width"}),  # the address exactly as stored
        ("ab-wide", {"full-width"}),  # its compatibility form
        ("PLAIN", {"ascii"}),
        ("100%_", set()),  # LIKE wildcards stay literal after folding
    ],
)
def test_a_finding_is_found_by_its_address_however_its_letters_are_written(
    stores: Stores, needle: str, found: set[str]
) -> None:
    made = _reviews(stores)
    listed = {r.id for r in stores.reviews.list("github:1", filters={"finding": needle}).items}
    assert listed == {made[name] for name in found}, needle


def test_another_tenant_is_never_found_by_a_folded_search(stores: Stores) -> None:
    _reviews(stores)
    assert stores.reviews.list("github:2", filters={"finding": "café"}).items == []


def test_a_finding_row_written_before_the_folding_is_still_found_as_before(sql_database: Database) -> None:
    """A database upgraded in place keeps its rows: their address as written, found by its lower case."""
    reviews = SqlReviewStore(sql_database)
    review = reviews.create("github:1", GITHUB)
    finding = {"rule_id": "TFR-AWS-001", "severity": "high", "status": "introduced", "address": "x"}
    reviews.save_result(review.id, ReviewStatus.COMPLETED, {"findings": [finding]}, "fail", {})
    with sql_database.transaction() as session:  # the row as the release before ADR 0596 wrote it
        session.execute(update(FindingRow).values(address='aws_s3_bucket.b["Plain"]'))
    assert [r.id for r in reviews.list("github:1", filters={"finding": 'b["plain'}).items] == [review.id]
    assert reviews.list("github:1", filters={"finding": "other"}).items == []


def test_a_repository_is_found_in_any_case_as_github_names_it(stores: Stores) -> None:
    """GitHub's owner/name is case-insensitive (`Acme/Infra` is `acme/infra`); the filter was exact, so the
    dashboard's repository box found nothing for a name typed in another case."""
    mixed = stores.reviews.create("github:1", SourceInfo(kind="github", repository="Acme/Infra-Live", pull_request=1))
    stores.reviews.create("github:1", SourceInfo(kind="github", repository="acme/infra", pull_request=2))
    for typed in ("Acme/Infra-Live", "acme/infra-live", "ACME/INFRA-LIVE"):
        assert [r.id for r in stores.reviews.list("github:1", filters={"repository": typed}).items] == [mixed.id]
    assert stores.reviews.list("github:1", filters={"repository": "acme/infra-liv"}).items == []  # still whole
    assert stores.reviews.list("github:2", filters={"repository": "acme/infra-live"}).items == []
