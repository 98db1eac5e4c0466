"""`scan plan.json --source DIR`: the plan's changes get file/line, suppressions and prevent_destroy from HCL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tfreview.core.plan import Location
from tfreview.parsing.enrich import enrich_plan
from tfreview.parsing.plan_json import plan_from_document

DATA = Path(__file__).resolve().parents[1] / "data" / "hcl"


def _item(address: str, type_name: str, name: str, module: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "address": address,
        "type": type_name,
        "name": name,
        "mode": "managed",
        "change": {"actions": ["create"], "before": None, "after": {}},
    }
    if module:
        item["module_address"] = module
    return item


def test_plan_changes_get_location_suppressions_and_prevent_destroy() -> None:
    document = {
        "format_version": "1.2",
        "resource_changes": [
            _item("aws_s3_bucket.website", "aws_s3_bucket", "website"),
            _item('aws_s3_bucket.data["x"]', "aws_s3_bucket", "data"),
            _item("aws_s3_bucket.elsewhere", "aws_s3_bucket", "elsewhere"),
        ],
    }
    enriched = enrich_plan(plan_from_document(document, "plan.json"), DATA / "suppressions")
    changes = {c.address: c for c in enriched.changes}
    website = changes["aws_s3_bucket.website"]
    assert website.location == Location("main.tf", 3, 12)
    assert "TFR-AWS-001" in {s.rule for s in website.suppressions}
    assert website.prevent_destroy is False
    indexed = changes['aws_s3_bucket.data["x"]']
    assert indexed.location == Location("main.tf", 14, 17)
    assert [s.rule for s in indexed.suppressions] == ["CKV_AWS_18"]
    missing = changes["aws_s3_bucket.elsewhere"]
    assert missing.location is None
    assert missing.prevent_destroy is None  # the source does not say
    assert list(enriched.coverage.files_parsed) == ["main.tf"]
    assert enriched.source == "plan"


def test_modules_and_lifecycle_through_enrichment() -> None:
    document = {
        "format_version": "1.2",
        "resource_changes": [
            _item("module.assets.aws_s3_bucket.this", "aws_s3_bucket", "this", "module.assets"),
        ],
    }
    enriched = enrich_plan(plan_from_document(document, "plan.json"), DATA / "modules")
    [change] = enriched.changes
    assert change.location == Location("modules/bucket/main.tf", 5, 7)
    assert any("module.vpc" in note for note in enriched.coverage.notes)
    logs = enrich_plan(
        plan_from_document(
            {"format_version": "1.2", "resource_changes": [_item("aws_s3_bucket.logs", "aws_s3_bucket", "logs")]},
            "plan.json",
        ),
        DATA / "values",
    )
    assert logs.changes[0].prevent_destroy is True


def test_skipped_files_reach_the_coverage() -> None:
    document = {"format_version": "1.2", "resource_changes": [_item("aws_ebs_volume.data", "aws_ebs_volume", "data")]}
    enriched = enrich_plan(plan_from_document(document, "plan.json"), DATA / "broken")
    assert [path for path, _ in enriched.coverage.files_skipped] == ["bad.tf"]
    assert enriched.changes[0].location == Location("good.tf", 1, 5)
