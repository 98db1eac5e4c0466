"""ADR 0702/0704: `save_result(..., keys=)` — the keys of the counted findings a caller holds for the review it
encoded — indexes the same findings as a store decoding the document itself, in every store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.contract.conftest import Stores
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import load_plan
from tfreview.ports.records import ReviewStatus, SourceInfo
from tfreview.ports.review_codec import FindingKey, encode, keys_of
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
