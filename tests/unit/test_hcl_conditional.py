"""A block left out only by a variable's declared default is reviewed once, as conditional (ADR 0360, 0361).

A module's optional feature (`count = var.create ? 1 : 0`, default false) is code every caller turning it
on deploys; a literal zero, tfvars or a caller's argument is the value Terraform uses and leaves it out.
"""

from __future__ import annotations

from tfreview.core.module_calls import is_module_call
from tfreview.core.plan import ChangeSet, ResourceChange, is_provider_configuration
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.rules import load_rules_for


def changes(change_set: ChangeSet) -> dict[str, ResourceChange]:
    return {c.address: c for c in change_set.changes if not (is_provider_configuration(c) or is_module_call(c))}


GATED = """
variable "create" {
  type    = bool
  default = false
}
resource "aws_s3_bucket" "optional" {
  count  = var.create ? 1 : 0
  bucket = "optional-${count.index}"
}
"""


def test_a_literal_zero_and_an_empty_literal_map_stay_absent() -> None:
    text = """
locals {
  enabled = false
}
resource "aws_s3_bucket" "zero" {
  count = 0
}
resource "aws_s3_bucket" "none" {
  for_each = {}
}
resource "aws_s3_bucket" "local" {
  count = local.enabled ? 1 : 0
}
"""
    change_set = changeset_from_sources({"main.tf": text})
    assert changes(change_set) == {}
    assert sum("count or for_each is empty, so there is nothing to review" in n for n in change_set.coverage.notes) == 3


def test_tfvars_false_stays_absent() -> None:
    change_set = changeset_from_sources({"main.tf": GATED, "terraform.tfvars": "create = false\n"})
    assert changes(change_set) == {}


def test_a_default_false_leaves_one_conditional_instance_named_as_a_plan_names_it() -> None:
    change_set = changeset_from_sources({"main.tf": GATED})
    found = changes(change_set)
    assert list(found) == ["aws_s3_bucket.optional[0]"]
    bucket = found["aws_s3_bucket.optional[0]"]
    assert bucket.condition == ("var.create",)
    assert bucket.after == {"bucket": "optional-0"}  # count.index bound to 0
    assert bucket.location is not None
    assert bucket.location.line == 6
    assert (
        "aws_s3_bucket.optional (main.tf:6): count or for_each is empty only by the default of var.create; "
        "reviewed as one conditional instance aws_s3_bucket.optional[0]"
    ) in change_set.coverage.notes


def test_a_for_each_empty_by_default_is_one_conditional_object_at_the_config_address() -> None:
    text = """
variable "buckets" {
  type    = map(string)
  default = {}
}
variable "enabled" {
  default = false
}
resource "aws_s3_bucket" "each" {
  for_each = var.buckets
  bucket   = each.value
}
resource "aws_s3_bucket" "switched" {
  for_each = var.enabled ? toset(["a"]) : toset([])
  bucket   = "switched-${each.key}"
}
"""
    found = changes(changeset_from_sources({"main.tf": text}))
    assert list(found) == ["aws_s3_bucket.each", "aws_s3_bucket.switched"]
    assert found["aws_s3_bucket.each"].condition == ("var.buckets",)
    assert found["aws_s3_bucket.each"].after_unknown == {"bucket": True}  # each.* unknown, as before plan
    assert found["aws_s3_bucket.switched"].condition == ("var.enabled",)


def test_a_gate_that_tfvars_close_stays_closed_whatever_the_default_beside_it() -> None:
    text = """
variable "feature" {
  default = false
}
variable "allowed" {
  default = true
}
resource "aws_s3_bucket" "both" {
  count = var.feature && var.allowed ? 1 : 0
}
"""
    assert changes(changeset_from_sources({"main.tf": text, "terraform.tfvars": "allowed = false\n"})) == {}
    assert list(changes(changeset_from_sources({"main.tf": text}))) == ["aws_s3_bucket.both[0]"]


MODULE = """
variable "enabled" {
  default = true
}
variable "versioning" {
  default = false
}
resource "aws_s3_bucket" "this" {
  count  = var.enabled ? 1 : 0
  bucket = "b"
}
resource "aws_s3_bucket_versioning" "this" {
  count  = var.enabled && var.versioning ? 1 : 0
  bucket = aws_s3_bucket.this[0].id
  versioning_configuration {
    status = "Enabled"
  }
}
"""


def test_module_arguments_fix_a_module_and_a_root_default_reaches_into_it() -> None:
    root = """
variable "create_logs" {
  default = false
}
module "off" {
  source  = "./modules/s3"
  enabled = false
}
module "gated" {
  source  = "./modules/s3"
  enabled = var.create_logs
}
"""
    change_set = changeset_from_sources({"main.tf": root, "modules/s3/main.tf": MODULE})
    found = changes(change_set)
    # `off`: its argument is the value; `gated`: the root's default opens the bucket, while the versioning's
    # `var.versioning`, which no call sets, keeps its default: the call fixes it, nothing outside can
    assert list(found) == ["module.gated.aws_s3_bucket.this[0]"]
    assert found["module.gated.aws_s3_bucket.this[0]"].condition == ("var.create_logs",)
    assert "module.gated.aws_s3_bucket_versioning.this: count or for_each is empty, so there is nothing to review" in (
        change_set.coverage.notes
    )


def test_the_condition_names_the_default_that_gates_not_the_defaults_beside_it() -> None:
    text = """
variable "create" {
  default = true
}
variable "create_url" {
  default = false
}
locals {
  create = var.create
}
resource "aws_lambda_function_url" "this" {
  count              = local.create && var.create_url ? 1 : 0
  authorization_type = "NONE"
}
"""
    found = changes(changeset_from_sources({"main.tf": text}))
    assert found["aws_lambda_function_url.this[0]"].condition == ("var.create_url",)


def test_a_module_call_gated_by_a_default_makes_everything_inside_it_conditional() -> None:
    root = """
variable "create" {
  default = false
}
module "bucket" {
  source     = "./modules/s3"
  count      = var.create ? 1 : 0
  versioning = true
}
"""
    change_set = changeset_from_sources({"main.tf": root, "modules/s3/main.tf": MODULE})
    found = changes(change_set)
    assert list(found) == [
        "module.bucket[0].aws_s3_bucket.this[0]",
        "module.bucket[0].aws_s3_bucket_versioning.this[0]",
    ]
    assert {c.condition for c in found.values()} == {("var.create",)}
    assert any(
        n.startswith("module.bucket (main.tf:5): count or for_each is empty only") for n in change_set.coverage.notes
    )


def test_findings_on_a_conditional_resource_say_so() -> None:
    rules = load_rules_for(frozenset({"aws_s3_bucket"}))
    findings = review(changeset_from_sources({"main.tf": GATED}), rules, Policy()).findings
    assert findings
    assert all(f.address == "aws_s3_bucket.optional[0]" for f in findings)
    suffix = " (conditional: created only when var.create is set; its default leaves it out)"
    assert all(f.message.endswith(suffix) for f in findings)


def test_a_companion_gated_off_by_default_does_not_count_for_a_bucket_every_caller_gets() -> None:
    text = """
variable "versioning" {
  default = false
}
resource "aws_s3_bucket" "always" {
  bucket = "always"
}
resource "aws_s3_bucket_versioning" "always" {
  count  = var.versioning ? 1 : 0
  bucket = aws_s3_bucket.always.id
  versioning_configuration {
    status = "Enabled"
  }
}
"""
    rules = [rule for rule in load_rules_for(frozenset({"aws_s3_bucket"})) if rule.id == "TFR-AWS-011"]
    findings = review(changeset_from_sources({"main.tf": text}), rules, Policy()).findings
    assert [(f.rule_id, f.address) for f in findings] == [("TFR-AWS-011", "aws_s3_bucket.always")]
    assert "conditional" not in findings[0].message  # the bucket itself is unconditional
    # a caller setting var.versioning gets the versioning: then (tfvars) the bucket is versioned
    turned_on = changeset_from_sources({"main.tf": text, "terraform.tfvars": "versioning = true\n"})
    assert review(turned_on, rules, Policy()).findings == []


def test_a_companion_under_the_same_gate_counts_for_its_conditional_bucket() -> None:
    root = """
module "bucket" {
  source     = "./modules/s3"
  enabled    = true
  versioning = true
}
variable "create" {
  default = false
}
module "gated" {
  source     = "./modules/s3"
  enabled    = var.create
  versioning = true
}
"""
    rules = [rule for rule in load_rules_for(frozenset({"aws_s3_bucket"})) if rule.id == "TFR-AWS-011"]
    change_set = changeset_from_sources({"main.tf": root, "modules/s3/main.tf": MODULE})
    assert "module.gated.aws_s3_bucket_versioning.this[0]" in changes(change_set)
    assert review(change_set, rules, Policy()).findings == []


def test_a_value_built_from_the_gate_is_unknown_in_the_conditional_instance() -> None:
    text = """
variable "not_encrypted" {
  default = false
}
variable "node_type" {
  default = "dc2.large"
}
resource "aws_redshift_cluster" "main" {
  count     = var.not_encrypted ? 1 : 0
  encrypted = !var.not_encrypted
  node_type = var.node_type
}
"""
    cluster = changes(changeset_from_sources({"main.tf": text}))["aws_redshift_cluster.main[0]"]
    # where the cluster exists, var.not_encrypted is not its default: `encrypted` is not known to be true
    assert cluster.after == {"node_type": "dc2.large"}
    assert cluster.after_unknown == {"encrypted": True}


SQL_SERVER = """
variable "audit" {
  default = false
}
variable "server_id" {
  type = string
}
resource "azurerm_mssql_server" "always" {
  name                = "always"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}
resource "azurerm_mssql_server_extended_auditing_policy" "optional" {
  count     = var.audit ? 1 : 0
  server_id = var.server_id
}
"""


def test_an_unlinked_policy_gated_off_by_default_does_not_silence_a_server_every_caller_gets() -> None:
    """TFR-AZU-234 stays silent when some auditing policy's server is known only after apply (it may be this
    server's); one that exists only when a caller sets var.audit is not there in the default configuration."""
    rules = [rule for rule in load_rules_for(frozenset({"azurerm_mssql_server"})) if rule.id == "TFR-AZU-234"]
    findings = review(changeset_from_sources({"main.tf": SQL_SERVER}), rules, Policy()).findings
    assert [(f.rule_id, f.address) for f in findings] == [("TFR-AZU-234", "azurerm_mssql_server.always")]
    # the policy there whatever the caller sets (tfvars): the rule cannot tell its server, and stays silent
    turned_on = changeset_from_sources({"main.tf": SQL_SERVER, "terraform.tfvars": "audit = true\n"})
    assert review(turned_on, rules, Policy()).findings == []


def test_json_variable_files_terraform_loads_by_itself_are_values_too() -> None:
    """`terraform.tfvars.json` and `*.auto.tfvars.json` are loaded like their HCL forms (after them, by name)."""
    assert changes(changeset_from_sources({"main.tf": GATED, "terraform.tfvars.json": '{"create": false}'})) == {}
    turned_on = changeset_from_sources({"main.tf": GATED, "x.auto.tfvars.json": '{"create": true}'})
    assert changes(turned_on)["aws_s3_bucket.optional[0]"].condition == ()
    # terraform.tfvars, then terraform.tfvars.json, then the auto files by name: the last one read wins
    files = {
        "main.tf": GATED,
        "terraform.tfvars": "create = true\n",
        "terraform.tfvars.json": '{"create": false}',
        "a.auto.tfvars.json": '{"create": true}',
        "b.auto.tfvars": "create = false\n",
    }
    assert changes(changeset_from_sources(files)) == {}
    # a prod.tfvars.json is read only with -var-file: not a value here
    other = changeset_from_sources({"main.tf": GATED, "prod.tfvars.json": '{"create": false}'})
    assert changes(other)["aws_s3_bucket.optional[0]"].condition == ("var.create",)


def test_a_json_variable_file_that_is_not_an_object_is_skipped_and_said() -> None:
    change_set = changeset_from_sources({"main.tf": GATED, "terraform.tfvars.json": '["create"]'})
    assert changes(change_set)["aws_s3_bucket.optional[0]"].condition == ("var.create",)
    assert [path for path, _ in change_set.coverage.files_skipped] == ["terraform.tfvars.json"]


def test_each_value_of_a_for_each_over_a_root_default_carries_that_default() -> None:
    """`each.value` of `for_each = var.buckets` is built from var.buckets' default as much as
    `var.buckets["logs"]` is: a module argument taken from it leaves the module's feature conditional, not absent."""
    root = """
variable "buckets" {
  default = { logs = { versioning = false } }
}
module "each" {
  source     = "./m"
  for_each   = var.buckets
  versioning = each.value.versioning
}
module "direct" {
  source     = "./m"
  versioning = var.buckets["logs"].versioning
}
module "fixed" {
  source     = "./m"
  for_each   = { logs = { versioning = false } }
  versioning = each.value.versioning
}
"""
    child = """
variable "versioning" {}
resource "aws_s3_bucket_versioning" "v" {
  count  = var.versioning ? 1 : 0
  bucket = "b"
}
"""
    found = changes(changeset_from_sources({"main.tf": root, "m/main.tf": child}))
    assert {address: change.condition for address, change in found.items()} == {
        'module.each["logs"].aws_s3_bucket_versioning.v[0]': ("var.buckets",),
        "module.direct.aws_s3_bucket_versioning.v[0]": ("var.buckets",),
    }


def test_a_for_iterator_inside_such_an_instance_carries_no_default() -> None:
    root = """
variable "buckets" {
  default = { logs = {} }
}
module "each" {
  source     = "./m"
  for_each   = var.buckets
  versioning = [for on in [false] : on][0]
}
"""
    child = """
variable "versioning" {}
resource "aws_s3_bucket_versioning" "v" {
  count  = var.versioning ? 1 : 0
  bucket = "b"
}
"""
    assert changes(changeset_from_sources({"main.tf": root, "m/main.tf": child})) == {}
