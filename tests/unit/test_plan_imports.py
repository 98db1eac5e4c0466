"""Imports (Terraform's `importing`, from `import` blocks) are counted and shown (lead, session 15).

An imported object exists already: its findings are existing ones, and the summary says how many objects the
plan brings under management, as Terraform's own "N to import" does.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson

from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.plan_json import plan_from_document
from tfreview.render.digest import headline
from tfreview.render.json_report import render_json
from tfreview.rules import load_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "plans"


def _document(name: str) -> dict[str, object]:
    return dict(orjson.loads((DATA / name).read_bytes()))


def test_the_imports_of_a_plan_are_read_with_their_ids() -> None:
    change_set = plan_from_document(_document("newer/terraform_1_14_lifecycle.json"), "p.json")
    assert dict(change_set.imports) == {"aws_s3_bucket.imported": "acme-imported", "aws_iam_role.runner": None}


def test_an_import_by_identity_has_no_id() -> None:
    change_set = plan_from_document(_document("tfjson__identity__plan.json"), "p.json")
    assert change_set.imports == (("corner_user_identity.user", None),)


def test_imports_are_counted_in_the_summary_and_the_headline() -> None:
    change_set = plan_from_document(_document("newer/terraform_1_14_lifecycle.json"), "p.json")
    result = review(change_set, load_rules(), Policy())
    assert result.counts["imports"] == 2
    assert "2 imported" in headline(result)
    assert json.loads(render_json(result))["summary"]["imports"] == 2


def test_a_plan_without_imports_counts_none_and_says_nothing() -> None:
    change_set = plan_from_document(_document("tfjson__actions__plan.json"), "p.json")
    result = review(change_set, load_rules(), Policy())
    assert change_set.imports == ()
    assert result.counts["imports"] == 0
    assert "imported" not in headline(result)
    assert json.loads(render_json(result))["summary"]["imports"] == 0


def test_an_importing_of_a_shape_no_terraform_writes_is_an_import_without_id() -> None:
    base = {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b"}
    change = {"actions": ["no-op"], "before": {"bucket": "b"}, "after": {"bucket": "b"}, "after_unknown": {}}
    shapes = [{"id": 7}, {"id": ""}, True, [], "x", {"unknown": True}]
    entries = [
        {**base, "address": f"aws_s3_bucket.b{i}", "change": {**change, "importing": s}} for i, s in enumerate(shapes)
    ]
    entries.append({**base, "change": {**change, "importing": None}})  # null: not an import
    entries.append({**base, "address": "aws_s3_bucket.c", "change": {**change, "importing": False}})
    change_set = plan_from_document({"format_version": "1.2", "resource_changes": entries}, "p.json")
    assert change_set.imports == tuple((f"aws_s3_bucket.b{i}", None) for i in range(len(shapes)))


def test_imports_survive_the_reviews_merged_from_a_plan_and_the_hcl_diff() -> None:
    """review15a: a Spacelift run's plan review combined with the pull request's HCL review (one PR comment) lost
    the plan's imports: the merged review carried no counts, so the comment said nothing of them and the JSON 0."""
    from tfreview.service.combining import merge_reviews

    plan = review(
        plan_from_document(_document("newer/terraform_1_14_lifecycle.json"), "p.json"), load_rules(), Policy()
    )
    hcl = review(plan_from_document(_document("tfjson__actions__plan.json"), "h.json"), load_rules(), Policy())
    merged = merge_reviews(plan, hcl, run_label="stack/run")
    assert "2 imported" in headline(merged)
    assert json.loads(render_json(merged))["summary"]["imports"] == 2


def test_imports_of_every_root_are_summed_in_a_scan_of_several_roots() -> None:
    """review15a: `scan DIR` over several roots summarised them in one review without counts: 0 imported."""
    from tfreview.render.roots import RootReview, merged

    one = review(plan_from_document(_document("newer/terraform_1_14_lifecycle.json"), "p.json"), load_rules(), Policy())
    two = review(plan_from_document(_document("tfjson__identity__plan.json"), "q.json"), load_rules(), Policy())
    both = merged([RootReview("a", one), RootReview("b", two)])
    assert "3 imported" in headline(both)
    assert json.loads(render_json(both))["summary"]["imports"] == 3
