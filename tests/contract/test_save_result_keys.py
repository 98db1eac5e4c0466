"""ADR 0702/0704: `save_result(..., keys=)` — the keys of the counted findings a caller holds for the review it
encoded — indexes the same findings as a store decoding the document itself, in every store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.contract.conftest import Stores
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.plumbing.hashing import canonical_json, sha256_hex
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.ports.review_codec import EncodedDocument, FindingKey, encode, keys_of
from tfreview.rules import load_rules_for

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus" / "tfcompliance__test_issue-158.json"


def _reviewed() -> tuple[dict[str, Any], list[FindingKey]]:
    plan = PLAN
    change_set = load_plan(plan.read_bytes(), path="upload")
    result = review(change_set, load_rules_for(change_set.resource_types()), Policy())
    assert len(result.findings) >= 3
    return encode(result), list(keys_of(result.findings))


def test_the_callers_keys_index_what_the_store_would_have_read_from_the_document(stores: Stores) -> None:
    document, keys = _reviewed()
    source = SourceInfo(kind="api")
    given = stores.reviews.create("api:t", source)
    decoded = stores.reviews.create("api:t", source)
    stores.reviews.save_result(given.id, ReviewStatus.COMPLETED, document, "warn", {}, keys=keys)
    stores.reviews.save_result(decoded.id, ReviewStatus.COMPLETED, document, "warn", {})
    both = {given.id, decoded.id}
    first = keys[0]
    for filters in ({"finding": first.rule_id}, {"finding": first.address}, {"severity": first.severity}):
        found = {r.id for r in stores.reviews.list("api:t", filters=filters).items}
        assert found == both, filters
    assert {r.id for r in stores.reviews.list("api:t", filters={"finding": "TFR-NONE-000"}).items} == set()


def test_a_document_given_encoded_is_stored_byte_for_byte_as_the_dict_it_spells(stores: Stores) -> None:
    """ADR 0722: a review process sends the document's canonical text (`EncodedDocument`); stored with its keys, the
    same bytes (the content hash is the SHA-256 of the stored text), the same document read back, the same findings
    indexed as the dict the worker thread stored."""
    document, keys = _reviewed()
    source = SourceInfo(kind="api")
    as_dict = stores.reviews.create("api:t", source)
    as_text = stores.reviews.create("api:t", source)
    saved_dict = stores.reviews.save_result(as_dict.id, ReviewStatus.COMPLETED, document, "warn", {}, keys=keys)
    encoded = EncodedDocument.of(document)
    saved_text = stores.reviews.save_result(as_text.id, ReviewStatus.COMPLETED, encoded, "warn", {}, keys=keys)
    assert saved_text.content_hash == saved_dict.content_hash == sha256_hex(canonical_json(document).encode())
    read_dict, read_text = stores.reviews.get(as_dict.id, "api:t"), stores.reviews.get(as_text.id, "api:t")
    assert read_dict is not None
    assert read_text is not None
    assert read_text.report == read_dict.report
    assert read_text.content_hash == read_dict.content_hash
    for key in keys:
        found = {r.id for r in stores.reviews.list("api:t", filters={"finding": key.rule_id}).items}
        assert found == {as_dict.id, as_text.id}, key
