"""`count` and `for_each` in HCL mode name the instances a plan names (issue 12 §4).

The agreement test takes real plans (tests/data/plans/corpus, copies of shared/fixtures/plans), writes
back the HCL they were made from out of their `configuration` section (`plan_to_hcl`), reads it in HCL
mode and compares the managed instance addresses (and the literal values of each instance).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.module_calls import is_module_call
from tfreview.core.plan import ChangeSet, Location, ResourceChange, is_provider_configuration, strip_index
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_instances import MAX_INSTANCES
from tfreview.parsing.plan_json import plan_from_document
from tfreview.rules import load_rules_for

from .plan_to_hcl import rebuild

PLANS = Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus"

# plans whose count/for_each the configuration section records as literals or single references
AGREEING = [
    "tfcompliance__actions_for_each_and_modules.json",  # resource and module for_each over a map variable
    "tfcompliance__test_issue-193_confirm_list_of_queues_available.json",  # for_each over a set variable
    "tfcompliance__test_issue-197.json",
    "tfcompliance__test_issue-225.json",  # literal map inside a module
    "tfcompliance__test_issue-424.json",
    "tfcompliance__test_issue-427.json",
    "tfcompliance__test_issue-456.json",  # module count = 3, module for_each, resource count = 2
    "tfcompliance__test_issue-514.json",
    "tfjson__basic__plan.json",
    "tfjson__has_checks__plan.json",  # module for_each fed by a module argument
    "checkov__terraform__checks__data__aws__example_GithubActionsOIDCTrustPolicy__tfplan.json",
]


def by_address(change_set: ChangeSet) -> dict[str, ResourceChange]:
    return {c.address: c for c in change_set.changes if not (is_provider_configuration(c) or is_module_call(c))}


@pytest.mark.parametrize("name", AGREEING)
def test_hcl_mode_names_the_instances_the_plan_names(name: str) -> None:
    plan: dict[str, Any] = json.loads((PLANS / name).read_text(encoding="utf-8"))
    source = rebuild(plan)
    hcl = by_address(changeset_from_sources(source.files))
    planned = {
        r["address"]: r
        for r in plan["resource_changes"]
        if r.get("mode") == "managed" and strip_index(r["address"]) in source.resources
    }
    assert planned, "the plan has resources to compare"
    assert set(hcl) == set(planned)
    for address, entry in planned.items():
        values = (entry["change"].get("after") or {}) if isinstance(entry["change"], dict) else {}
        unknown = entry["change"].get("after_unknown") or {}
        for attribute in source.attributes[strip_index(address)]:  # literals: the same in every instance
            expected = values.get(attribute)
            if isinstance(expected, str | int | bool) and not unknown.get(attribute):
                # the provider's schema converts types ("1" → 1), as HCL mode does not
                assert str(hcl[address].after.get(attribute)) == str(expected), (address, attribute)


def test_the_agreement_covers_keys_and_indexes_in_root_and_modules() -> None:
    addresses = set()
    for name in AGREEING:
        plan = json.loads((PLANS / name).read_text(encoding="utf-8"))
        addresses |= set(by_address(changeset_from_sources(rebuild(plan).files)))
    assert any(a.startswith("module.") and '"]' in a.split(".aws_")[0] for a in addresses)  # module["k"].x
    assert any(a.startswith("module.") and "[0]." in a for a in addresses)  # module[0].x
    assert any(not a.startswith("module.") and a.endswith('"]') for a in addresses)  # x["k"]
    assert any(not a.startswith("module.") and a.endswith("[1]") for a in addresses)  # x[1]


def test_each_and_count_fill_values_and_every_instance_keeps_file_and_line() -> None:
    text = """
variable "names" {
  default = ["b", "a"]
}
locals {
  sizes = { small = 1, large = 3 }
}
resource "aws_s3_bucket" "this" {
  for_each = toset(var.names)
  bucket   = "logs-${each.key}"
}
resource "aws_instance" "web" {
  count = length(var.names)
  tags  = { Name = "web-${count.index}" }
}
resource "aws_sqs_queue" "q" {
  for_each                  = local.sizes
  name                      = each.key
  delay_seconds             = each.value
}
"""
    changes = by_address(changeset_from_sources({"main.tf": text}))
    assert list(changes) == [
        "aws_instance.web[0]",
        "aws_instance.web[1]",
        'aws_s3_bucket.this["a"]',
        'aws_s3_bucket.this["b"]',
        'aws_sqs_queue.q["large"]',
        'aws_sqs_queue.q["small"]',
    ]
    assert changes['aws_s3_bucket.this["a"]'].after == {"bucket": "logs-a"}
    assert changes["aws_instance.web[1]"].after["tags"] == {"Name": "web-1"}
    assert changes['aws_sqs_queue.q["large"]'].after == {"name": "large", "delay_seconds": 3}
    assert {c.location for c in changes.values() if c.type == "aws_s3_bucket"} == {Location("main.tf", 8, 11)}
    assert all(c.name == c.config_address.split(".")[-1] for c in changes.values())


def test_tfvars_choose_the_instances() -> None:
    files = {
        "main.tf": 'variable "zones" {\n  default = ["a"]\n}\n'
        'resource "aws_subnet" "s" {\n  for_each = toset(var.zones)\n}\n',
        "terraform.tfvars": 'zones = ["x", "y"]\n',
    }
    assert list(by_address(changeset_from_sources(files))) == ['aws_subnet.s["x"]', 'aws_subnet.s["y"]']


def test_unknown_instances_keep_one_resource_and_say_so_under_coverage() -> None:
    text = """
variable "subnets" {}
resource "aws_subnet" "s" {
  for_each   = { for s in var.subnets : s.name => s }
  cidr_block = each.value.cidr
}
resource "aws_instance" "web" {
  count = length(aws_subnet.s)
}
"""
    change_set = changeset_from_sources({"main.tf": text})
    assert list(by_address(change_set)) == ["aws_instance.web", "aws_subnet.s"]
    assert change_set.changes[1].after_unknown == {"cidr_block": True}
    notes = [n for n in change_set.coverage.notes if "instances unknown until plan" in n]
    assert len(notes) == 2
    assert any(n.startswith("aws_subnet.s (main.tf:3)") for n in notes)


def test_module_calls_expand_with_their_addresses_and_inputs() -> None:
    files = {
        "main.tf": """
module "bucket" {
  source   = "./modules/bucket"
  for_each = { logs = "private", site = "public-read" }
  name     = each.key
  acl      = each.value
}
module "pair" {
  source = "./modules/bucket"
  count  = 2
  name   = "pair-${count.index}"
  acl    = "private"
}
""",
        "modules/bucket/main.tf": """
variable "name" {}
variable "acl" {}
resource "aws_s3_bucket" "b" {
  bucket = var.name
}
resource "aws_s3_bucket_acl" "b" {
  bucket = aws_s3_bucket.b.id
  acl    = var.acl
}
""",
    }
    change_set = changeset_from_sources(files)
    changes = by_address(change_set)
    assert changes['module.bucket["site"].aws_s3_bucket_acl.b'].after["acl"] == "public-read"
    assert changes['module.bucket["site"].aws_s3_bucket_acl.b'].module_address == 'module.bucket["site"]'
    assert changes["module.pair[1].aws_s3_bucket.b"].after == {"bucket": "pair-1"}
    assert changes["module.pair[1].aws_s3_bucket.b"].location == Location("modules/bucket/main.tf", 4, 6)
    assert len(changes) == 8
    # the dependency graph is by configuration address, as a plan's configuration section gives it
    assert change_set.dependencies["module.bucket.aws_s3_bucket_acl.b"] == ("module.bucket.aws_s3_bucket.b",)


def test_an_hcl_finding_names_the_instance_a_plan_finding_names() -> None:
    text = """
resource "aws_s3_bucket_acl" "site" {
  for_each = toset(["docs", "blog"])
  bucket   = each.key
  acl      = "public-read"
}
"""
    hcl = changeset_from_sources({"main.tf": text})
    plan = plan_from_document(
        {
            "format_version": "1.2",
            "resource_changes": [
                {
                    "address": f'aws_s3_bucket_acl.site["{key}"]',
                    "mode": "managed",
                    "type": "aws_s3_bucket_acl",
                    "name": "site",
                    "index": key,
                    "change": {"actions": ["create"], "before": None, "after": {"bucket": key, "acl": "public-read"}},
                }
                for key in ("blog", "docs")
            ],
        },
        "plan.json",
    )
    rules = load_rules_for(frozenset({"aws_s3_bucket_acl"}))
    in_hcl = {(f.rule_id, f.address) for f in review(hcl, rules, Policy()).findings}
    in_plan = {(f.rule_id, f.address) for f in review(plan, rules, Policy()).findings}
    assert in_hcl
    assert in_hcl == in_plan
    assert {address for _, address in in_hcl} == {'aws_s3_bucket_acl.site["blog"]', 'aws_s3_bucket_acl.site["docs"]'}


def test_empty_and_oversized_expansions_are_noted_not_dropped_silently() -> None:
    text = f"""
resource "aws_s3_bucket" "none" {{
  for_each = toset([])
}}
resource "aws_instance" "many" {{
  count = {MAX_INSTANCES + 1}
}}
"""
    change_set = changeset_from_sources({"main.tf": text})
    assert list(by_address(change_set)) == ["aws_instance.many"]
    assert any(n.startswith("aws_s3_bucket.none: count or for_each is empty") for n in change_set.coverage.notes)
    assert any("aws_instance.many" in n and "instances unknown until plan" in n for n in change_set.coverage.notes)


def test_for_expressions_over_known_collections_expand_as_terraform_does() -> None:
    """The terraform-aws-modules idiom: `for_each = { for k, v in var.x : k => v if var.create }`."""
    text = """
variable "policies" {
  default = { b = "arn:aws:iam::aws:policy/B", a = "arn:aws:iam::aws:policy/A" }
}
variable "create" {
  default = true
}
variable "vpc_id" {}
locals {
  users = [{ name = "x", team = "ops" }, { name = "y", team = "dev" }]
}
resource "aws_iam_role_policy_attachment" "this" {
  for_each   = { for k, v in var.policies : k => v if var.create }
  policy_arn = each.value
}
resource "aws_iam_user" "u" {
  for_each = { for u in local.users : u.name => u }
  path     = "/${each.value.team}/"
}
resource "aws_instance" "odd" {
  count = length([for n in [1, 2, 3] : n if n != 2])
}
resource "aws_instance" "off" {
  count = var.create && false && var.vpc_id != null ? 1 : 0
}
resource "aws_instance" "by_team" {
  for_each = { for u in local.users : u.team => u.name... }
  tags     = { Names = join(",", each.value) }
}
"""
    change_set = changeset_from_sources({"main.tf": text})
    changes = by_address(change_set)
    assert changes['aws_iam_role_policy_attachment.this["a"]'].after == {"policy_arn": "arn:aws:iam::aws:policy/A"}
    assert changes['aws_iam_user.u["y"]'].after == {"path": "/dev/"}
    assert {"aws_instance.odd[0]", "aws_instance.odd[1]"} <= set(changes)
    assert "aws_instance.odd[2]" not in changes
    assert not any(a.startswith("aws_instance.off") for a in changes)  # false && unknown is false
    assert changes['aws_instance.by_team["ops"]'].after["tags"] == {"Names": "x"}
    assert not [n for n in change_set.coverage.notes if "unknown until plan" in n]


def test_a_for_expression_over_an_unknown_collection_stays_unknown() -> None:
    text = """
variable "policies" {}
resource "aws_iam_role_policy_attachment" "this" {
  for_each   = { for k, v in var.policies : k => v }
  policy_arn = each.value
}
"""
    change_set = changeset_from_sources({"main.tf": text})
    assert list(by_address(change_set)) == ["aws_iam_role_policy_attachment.this"]
    assert any("instances unknown until plan" in n for n in change_set.coverage.notes)


def test_the_length_of_a_list_of_unknown_elements_is_known() -> None:
    """`length` and `keys` read a collection's shape, which is known when its elements are not (as in
    Terraform); `max`/`min` pick between counts, as the VPC module does."""
    text = """
data "aws_availability_zones" "all" {}
locals {
  subnets = [for i in [1, 2] : "${timestamp()}-${i}"]
  zones   = { a = data.aws_availability_zones.all.names[0], b = data.aws_availability_zones.all.names[1] }
}
resource "aws_subnet" "s" {
  count      = max(length(local.subnets), 1)
  cidr_block = local.subnets[count.index]
}
resource "aws_subnet" "z" {
  for_each          = toset(keys(local.zones))
  availability_zone = local.zones[each.key]
}
"""
    change_set = changeset_from_sources({"main.tf": text})
    changes = by_address(change_set)
    assert list(changes) == ["aws_subnet.s[0]", "aws_subnet.s[1]", 'aws_subnet.z["a"]', 'aws_subnet.z["b"]']
    assert changes["aws_subnet.s[1]"].after_unknown == {"cidr_block": True}  # timestamp() is known after apply
    assert changes['aws_subnet.z["b"]'].after_unknown == {"availability_zone": True}
