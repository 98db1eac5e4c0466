"""`import` blocks in source (HCL mode, review15a): an imported object is counted and its findings are existing.

Terraform plans a resource that an `import` block brings under management as an import of the object that is
already there (`"importing"`, `["no-op"]` when the configuration matches it): `scan plan.json` counts it in
`summary.imports` and reports its findings as existing. `scan head --base base` read the same change as a create:
0 imported and every finding of the imported bucket introduced, which fails a `--fail-on` build that the plan
passes.
"""

from __future__ import annotations

import json

from tfreview.core.findings import Status
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.render.digest import headline
from tfreview.render.json_report import render_json
from tfreview.rules import load_rules

BASE = 'resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}\n'
IMPORTED = """
import {
  to = aws_s3_bucket.legacy
  id = "legacy-bucket"
}

resource "aws_s3_bucket" "legacy" {
  bucket = "legacy-bucket"
}
"""


def test_a_resource_an_import_block_brings_in_is_imported_not_created() -> None:
    change_set = changeset_from_sources({"main.tf": BASE + IMPORTED}, {"main.tf": BASE})
    assert change_set.imports == (("aws_s3_bucket.legacy", "legacy-bucket"),)
    legacy = next(c for c in change_set.changes if c.address == "aws_s3_bucket.legacy")
    assert legacy.actions == ("no-op",)  # as Terraform plans an import whose configuration matches the object
    result = review(change_set, load_rules(), Policy())
    assert result.counts["imports"] == 1
    assert result.counts["changes"].get("create", 0) == 0
    legacy_findings = [f for f in result.findings if f.address == "aws_s3_bucket.legacy"]
    assert legacy_findings
    assert all(f.status is Status.EXISTING for f in legacy_findings)
    assert "1 imported" in headline(result)
    assert json.loads(render_json(result))["summary"]["imports"] == 1


def test_an_import_already_applied_in_the_base_changes_nothing() -> None:
    both = BASE + IMPORTED
    change_set = changeset_from_sources({"main.tf": both}, {"main.tf": both})
    assert change_set.imports == ()
    assert all(c.actions == ("no-op",) for c in change_set.changes)


def test_an_import_of_an_id_read_from_an_expression_has_no_id_and_one_of_nothing_counts_nothing() -> None:
    head = BASE + IMPORTED.replace('"legacy-bucket"\n}', "var.legacy_id\n}", 1)
    head += 'import {\n  to = aws_s3_bucket.missing\n  id = "x"\n}\n'  # no such resource: Terraform refuses it
    head += 'import {\n  id = "y"\n}\n'  # no `to`
    change_set = changeset_from_sources({"main.tf": head}, {"main.tf": BASE})
    assert change_set.imports == (("aws_s3_bucket.legacy", None),)


def test_an_import_block_in_a_module_is_no_import() -> None:
    """Terraform allows `import` blocks in the root module only: one in a called module is not an import."""
    root = BASE + 'module "m" {\n  source = "./m"\n}\n'
    head = {"main.tf": root, "m/main.tf": IMPORTED}
    change_set = changeset_from_sources(head, {"main.tf": root, "m/main.tf": ""})
    assert change_set.imports == ()
    legacy = next(c for c in change_set.changes if c.address.endswith("aws_s3_bucket.legacy"))
    assert legacy.actions == ("create",)


FOR_EACH_IMPORT = """
locals {
  buckets = { a = "bucket-a", b = "bucket-b" }
}

resource "aws_s3_bucket" "kept" {
  for_each = local.buckets
  bucket   = each.value
}

import {
  for_each = local.buckets
  to       = aws_s3_bucket.kept[each.key]
  id       = each.value
}

resource "aws_s3_bucket" "named" {
  for_each = toset(["x", "y"])
  bucket   = each.key
}

import {
  for_each = ["x", "y"]
  to       = aws_s3_bucket.named[each.value]
  id       = "named-${each.key}"
}
"""


def test_an_import_block_with_for_each_imports_one_object_per_element() -> None:
    """Terraform 1.7 (OpenTofu 1.7): `for_each` over a map or a set of strings in an `import` block imports one
    object per element, `each.key`/`each.value` in `to` and `id`. The review read such a block as no import: four
    creates, 0 imported, every finding of the four buckets introduced (review15c)."""
    change_set = changeset_from_sources({"main.tf": BASE + FOR_EACH_IMPORT}, {"main.tf": BASE})
    assert sorted(change_set.imports) == [
        ('aws_s3_bucket.kept["a"]', "bucket-a"),
        ('aws_s3_bucket.kept["b"]', "bucket-b"),
        ('aws_s3_bucket.named["x"]', "named-x"),
        ('aws_s3_bucket.named["y"]', "named-y"),
    ]
    result = review(change_set, load_rules(), Policy())
    assert result.counts["imports"] == 4
    assert result.counts["changes"].get("create", 0) == 0
    imported = [f for f in result.findings if f.address.startswith(("aws_s3_bucket.kept", "aws_s3_bucket.named"))]
    assert imported
    assert all(f.status is Status.EXISTING for f in imported)


def test_an_import_for_each_not_known_here_imports_nothing() -> None:
    head = BASE + FOR_EACH_IMPORT.replace("for_each = local.buckets\n  to", "for_each = var.ids\n  to", 1)
    change_set = changeset_from_sources({"main.tf": head}, {"main.tf": BASE})
    assert sorted(change_set.imports) == [
        ('aws_s3_bucket.named["x"]', "named-x"),
        ('aws_s3_bucket.named["y"]', "named-y"),
    ]
