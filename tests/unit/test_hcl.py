"""HCL source → ChangeSet: values in plan shape, unknowns masked, modules followed, base/head compared."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tfreview.core.errors import InputError
from tfreview.core.plan import ChangeSet, Location, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.core.values import UNKNOWN, PartlyKnownJson, lookup, unknown_paths
from tfreview.parsing.hcl import changeset_from_sources, load_directory
from tfreview.rules import load_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "hcl"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "hcl"
FIXTURE_DIRS = sorted({p.parent for p in SHARED.rglob("*.tf")}) if SHARED.is_dir() else []


def by_address(change_set: ChangeSet) -> dict[str, ResourceChange]:
    return {change.address: change for change in change_set.changes}


def after(change: ResourceChange, path: str) -> Any:
    return lookup(change.after, change.after_unknown, path)


@pytest.mark.skipif(not FIXTURE_DIRS, reason="the shared HCL fixtures are not beside the project")
@pytest.mark.parametrize("directory", FIXTURE_DIRS, ids=lambda d: str(d.relative_to(SHARED)))
def test_every_shared_fixture_parses_with_file_and_line(directory: Path) -> None:
    change_set = load_directory(directory)
    assert change_set.source == "hcl"
    assert list(change_set.coverage.files_skipped) == []
    # a folder with no resource of its own (only data sources, or only registry modules) has
    # nothing to review; one whose resources all vanish must say why in a coverage note
    declares = any(re.search(r'^resource\s+"', p.read_text(), re.M) for p in directory.glob("*.tf"))
    assert change_set.changes or change_set.coverage.notes or not declares
    for change in change_set.changes:
        assert change.actions == ("create",)
        assert change.location is not None
        assert (directory / change.location.file).is_file()
        assert 1 <= change.location.line <= (change.location.end_line or 0)


def test_variables_tfvars_and_locals_resolve() -> None:
    changes = by_address(load_directory(DATA / "values"))
    bucket = changes["aws_s3_bucket.logs"]
    assert bucket.after["bucket"] == "app-prod-logs"  # local built from a variable default
    assert bucket.after["tags"] == {"Environment": "prod", "Team": "platform", "Name": "app-prod"}
    assert bucket.after["force_destroy"] is False
    assert "lifecycle" not in bucket.after
    assert bucket.prevent_destroy is True
    assert bucket.location == Location("main.tf", 10, 18)
    versioning = changes["aws_s3_bucket_versioning.logs"]
    assert versioning.after["versioning_configuration"] == [{"status": "Enabled"}]  # nested block, conditional
    assert versioning.prevent_destroy is False
    logs = changes["aws_cloudwatch_log_group.app[1]"]  # count = 2: two instances, count.index bound in each
    assert logs.after == {"name": "/app/1", "retention_in_days": 90}  # tfvars beats the default; depends_on dropped
    assert "aws_cloudwatch_log_group.app" not in changes


def test_jsonencode_gives_the_json_terraform_writes() -> None:
    policy = by_address(load_directory(DATA / "values"))["aws_iam_policy.read_logs"].after["policy"]
    assert policy == (
        '{"Statement":[{"Action":["s3:GetObject"],"Effect":"Allow","Resource":"arn:aws:s3:::app-prod-logs/*"}],'
        '"Version":"2012-10-17"}'
    )
    text = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ b = 2.0, a = "<&>" })\n}\n'
    encoded = changeset_from_sources({"main.tf": text}).changes[0].after["policy"]
    assert encoded == '{"a":"\\u003c\\u0026\\u003e","b":2}'
    assert json.loads(encoded) == {"a": "<&>", "b": 2}


def test_heredoc_policy_with_blanks_after_the_closing_marker() -> None:
    """Checkov's KMS fixture closes heredocs with `POLICY  `; Terraform accepts it, so do we."""
    changes = by_address(load_directory(DATA / "checkov_kms_wildcard_principal"))
    document = json.loads(changes["aws_kms_key.fail_2"].after["policy"])
    assert document["Statement"][0]["Principal"] == "*"


def test_unknown_values_land_in_the_mask_and_rules_stay_silent() -> None:
    changes = by_address(load_directory(DATA / "values"))
    group = changes["aws_security_group.web"]
    assert group.after_unknown["vpc_id"] is True  # a variable without default
    assert "vpc_id" not in group.after
    egress = [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["10.0.0.0/8"]}]
    assert after(group, "egress") == egress  # a dynamic block over a variable's default, expanded
    logs = changes["aws_cloudwatch_log_group.app[0]"]
    assert after(logs, "kms_key_id") is UNKNOWN  # a data source
    assert after(logs, "name") == "/app/0"  # count.index of the instance
    write = changes["aws_iam_policy.write_logs"]
    policy = after(write, "policy")  # jsonencode of an object holding an unknown ARN: partly known (ADR 0635)
    assert isinstance(policy, PartlyKnownJson)
    assert unknown_paths(policy.document) == [("Statement", "0", "Resource")]
    assert '"Resource":"(known after apply)"' in policy

    text = """
variable "admin_cidr" {}
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = [var.admin_cidr]
  security_group_id = aws_security_group.web.id
}
"""
    change = changeset_from_sources({"main.tf": text}).changes[0]
    assert change.after["cidr_blocks"] == [None]
    assert change.after_unknown["cidr_blocks"] == [True]
    ssh = [rule for rule in load_rules() if rule.id == "TFR-AWS-012"]
    assert review(changeset_from_sources({"main.tf": text}), ssh, Policy()).findings == []
    opened = text.replace("[var.admin_cidr]", '["0.0.0.0/0"]')
    assert len(review(changeset_from_sources({"main.tf": opened}), ssh, Policy()).findings) == 1


def test_references_name_resources_and_data_sources() -> None:
    changes = by_address(load_directory(DATA / "values"))
    assert changes["aws_s3_bucket_versioning.logs"].references == {"bucket": ("aws_s3_bucket.logs",)}
    assert changes["aws_iam_policy.write_logs"].references == {"policy": ("aws_s3_bucket.logs",)}
    assert changes["aws_cloudwatch_log_group.app[0]"].references == {"kms_key_id": ("data.aws_kms_key.logs",)}
    assert changes["aws_security_group.web"].references == {}  # `egress.value` is the dynamic iterator
    assert "data.aws_kms_key.logs" not in changes  # data sources are not changes


def test_local_modules_are_followed_with_their_addresses() -> None:
    change_set = load_directory(DATA / "modules")
    changes = by_address(change_set)
    assert set(changes) == {
        "aws_s3_bucket.root",
        "module.assets.aws_s3_bucket.this",
        "module.assets.module.log.aws_s3_bucket_logging.this",
        # the module calls themselves, read as pseudo resources for the rules on module sources (ADR 0431)
        "module.assets",
        "module.assets.module.log",
        "module.vpc",
    }
    vpc = changes["module.vpc"]
    assert (vpc.type, vpc.after, vpc.location) == (
        "module",
        {"source": "terraform-aws-modules/vpc/aws", "version": "5.0.0"},
        Location("main.tf", 6, 9),
    )
    assert changes["module.assets.module.log"].module_address == "module.assets"
    bucket = changes["module.assets.aws_s3_bucket.this"]
    assert bucket.after == {"bucket": "assets-prod"}  # the module argument sets the variable
    assert bucket.module_address == "module.assets"
    assert bucket.location == Location("modules/bucket/main.tf", 5, 7)
    logging = changes["module.assets.module.log.aws_s3_bucket_logging.this"]
    assert logging.module_address == "module.assets.module.log"
    assert logging.after_unknown == {"bucket": True}
    assert logging.references == {"bucket": ("module.assets.aws_s3_bucket.this",)}  # carried through the argument
    assert list(change_set.coverage.files_parsed) == [
        "main.tf",
        "modules/bucket/main.tf",
        "modules/bucket/modules/log/main.tf",
    ]
    assert any("module.vpc" in note and "not followed" in note for note in change_set.coverage.notes)


BASE = """
resource "aws_s3_bucket" "kept" {
  bucket = "kept"
}
resource "aws_s3_bucket" "changed" {
  bucket = "changed"
  acl    = "private"
}
resource "aws_s3_bucket" "gone" {
  bucket = "gone"
  lifecycle {
    prevent_destroy = true
  }
}
resource "aws_kms_key" "moved_key" {
  policy = aws_iam_policy.a.policy
}
"""

HEAD = """
resource "aws_s3_bucket" "kept" {
  # a new comment and new spacing change nothing
  bucket    =    "kept"
}
resource "aws_s3_bucket" "changed" {
  bucket = "changed"
  acl    = "public-read"
}
resource "aws_s3_bucket" "new" {
  bucket = "new"
}
resource "aws_kms_key" "moved_key" {
  policy = aws_iam_policy.b.policy
}
"""


def test_change_mode_compares_base_and_head() -> None:
    change_set = changeset_from_sources({"main.tf": HEAD}, base={"main.tf": BASE}, label="pr-1")
    assert change_set.label == "pr-1"
    changes = by_address(change_set)
    assert {address: c.actions for address, c in changes.items()} == {
        "aws_s3_bucket.kept": ("no-op",),
        "aws_s3_bucket.changed": ("update",),
        "aws_s3_bucket.new": ("create",),
        "aws_s3_bucket.gone": ("delete",),
        "aws_kms_key.moved_key": ("update",),  # both unknown, but the expression changed
    }
    assert changes["aws_s3_bucket.changed"].before == {"bucket": "changed", "acl": "private"}
    assert changes["aws_s3_bucket.changed"].after == {"bucket": "changed", "acl": "public-read"}
    assert changes["aws_s3_bucket.new"].before is None
    gone = changes["aws_s3_bucket.gone"]
    assert gone.after is None
    assert gone.before == {"bucket": "gone"}
    assert gone.prevent_destroy is True  # what the removed configuration said


def test_without_base_everything_is_created() -> None:
    change_set = changeset_from_sources({"main.tf": BASE})
    assert {c.actions for c in change_set.changes} == {("create",)}
    assert all(c.before is None for c in change_set.changes)


def test_a_syntax_error_skips_that_file_and_reviews_the_others() -> None:
    change_set = load_directory(DATA / "broken")
    assert [c.address for c in change_set.changes] == ["aws_ebs_volume.data"]
    assert list(change_set.coverage.files_parsed) == ["good.tf"]
    [(path, reason)] = change_set.coverage.files_skipped
    assert path == "bad.tf"
    assert reason.startswith("line 3: ")


def test_syntax_error_in_sources_names_the_line() -> None:
    change_set = changeset_from_sources({"a.tf": 'resource "x_y" "z" {\n  a = "unterminated\n}\n', "b.tf": ""})
    [(path, reason)] = change_set.coverage.files_skipped
    assert path == "a.tf"
    assert reason.startswith("line 2")
    assert list(change_set.coverage.files_parsed) == ["b.tf"]


def test_bad_paths_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_directory(tmp_path / "missing")
    with pytest.raises(InputError, match=f"no \\.tf files in {re.escape(str(tmp_path))}"):
        load_directory(tmp_path)
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    with pytest.raises(InputError, match=r"subdirectories with \.tf files: stack"):
        load_directory(tmp_path)


def test_functions_and_operators_on_known_values() -> None:
    text = """
locals {
  zones = ["a", "b"]
}
resource "aws_thing" "t" {
  joined   = join(",", local.zones)
  first    = local.zones[0]
  count_ok = length(local.zones)
  subnet   = cidrsubnet("10.0.0.0/16", 8, 1)
  sum      = 2 * 3 + 1
  upper    = upper("x")
  escaped  = "$${literal} \\"q\\""
  either   = var.missing == null ? "a" : "b"
}
"""
    change = changeset_from_sources({"main.tf": text}).changes[0]
    assert change.after == {
        "joined": "a,b",
        "first": "a",
        "count_ok": 2,
        "sum": 7,
        "upper": "X",
        "escaped": '${literal} "q"',
        "subnet": "10.0.1.0/24",  # evaluated since ADR 0758
    }
    assert change.after_unknown == {"either": True}  # unknown condition


def test_collection_functions_on_known_values() -> None:
    text = """
variable "versioning" {
  default = {}
}
locals {
  tags = { team = "core", env = "prod" }
}
resource "aws_thing" "t" {
  keys      = keys(local.tags)
  values    = values(local.tags)
  size      = length("abc")
  team      = lookup(local.tags, "team", "none")
  owner     = lookup(local.tags, "owner", "none")
  missing   = lookup(local.tags, "owner")
  has_prod  = contains(values(local.tags), "prod")
  bad_keys  = keys("not a map")
  of_var    = length(var.unknown_list)
}
resource "aws_s3_bucket_versioning" "off" {
  count  = length(keys(var.versioning)) > 0 ? 1 : 0
  bucket = "b"
}
"""
    # tfvars set the empty map (a default would leave the versioning conditional, not absent: ADR 0360)
    change_set = changeset_from_sources({"main.tf": text, "terraform.tfvars": "versioning = {}"})
    assert [c.address for c in change_set.changes] == ["aws_thing.t"]  # count of an empty map's keys is 0
    change = change_set.changes[0]
    assert change.after == {
        "keys": ["env", "team"],
        "values": ["prod", "core"],
        "size": 3,
        "team": "core",
        "owner": "none",
        "has_prod": True,
    }
    # a key that is absent without a default, a wrong argument, an unknown argument: known only after apply
    assert change.after_unknown == {"missing": True, "bad_keys": True, "of_var": True}


def test_hcl2_is_not_imported_by_importing_the_package() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tfreview.parsing.plan_json, tfreview.parsing.enrich, tfreview.parsing.hcl; "
        "print('hcl2' in sys.modules, 'lark' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False False"


def test_a_resource_switched_off_by_count_is_not_reviewed() -> None:
    text = """
variable "create" {
  default = false
}
resource "aws_s3_bucket" "off" {
  count = var.create ? 1 : 0
  acl   = "public-read"
}
resource "aws_s3_bucket" "none" {
  for_each = {}
}
resource "aws_s3_bucket" "on" {
  count = var.create ? 0 : 2
}
"""
    # tfvars say `create = false`: the value Terraform uses, so `off` is absent (its default alone would leave
    # it conditional, reviewed once: ADR 0360, tests/unit/test_hcl_conditional.py)
    change_set = changeset_from_sources({"main.tf": text, "terraform.tfvars": "create = false"})
    assert [c.address for c in change_set.changes] == ["aws_s3_bucket.on[0]", "aws_s3_bucket.on[1]"]
    assert any("aws_s3_bucket.off" in note for note in change_set.coverage.notes)


@pytest.mark.parametrize(
    ("directory", "rule_id", "must_flag"),
    [
        ("checkov_iam_star_resource", "TFR-AWS-032", "aws_iam_policy.fail"),  # jsonencode(...)
        ("checkov_kms_wildcard_principal", "TFR-AWS-035", "aws_kms_key.fail_2"),  # heredoc JSON
        ("checkov_s3_any_principal", "TFR-AWS-008", "aws_s3_bucket_policy.fail"),  # concat(jsondecode(data...))
    ],
)
def test_checkov_fixtures_through_real_rules(directory: str, rule_id: str, must_flag: str) -> None:
    rules = [rule for rule in load_rules() if rule.id == rule_id]
    result = review(load_directory(DATA / directory), rules, Policy())
    flagged = {f.address for f in result.findings}
    assert result.diagnostics == []
    assert must_flag in flagged
    assert not {address for address in flagged if ".pass" in address}


def test_expressions_that_resolve_and_those_that_stay_unknown() -> None:
    text = """
variable "m" {
  default = { a = { b = "deep" }, "k-1" = 2 }
}
resource "aws_x" "y" {
  a = var.m.a.b
  b = var.m["k-1"]
  c = aws_instance.web[*].id
  e = "%{ if var.m.a.b == "deep" }yes%{ endif }"
  f = <<-EOT
    indented ${var.m.a.b}
      more
    EOT
  g = { (var.m.a.b) = 1, "lit" = true }
  o = [for s in aws_subnet.private : s.id]
  r = module.vpc.vpc_id
  s = <<EOF
{"x": "$${escaped}", "y": "${var.m.a.b}"}
EOF
  dynamic "setting" {
    for_each = var.m
    iterator = it
    content {
      name  = it.value
      other = aws_iam_role.r.arn
    }
  }
}
"""
    change_set = changeset_from_sources({"main.tf": text})
    assert list(change_set.coverage.notes) == []
    [change] = change_set.changes
    assert change.after == {
        "a": "deep",
        "b": 2,
        "f": "indented deep\n  more\n",
        "g": {"deep": 1, "lit": True},
        "s": '{"x": "${escaped}", "y": "deep"}\n',
        "setting": [{"name": {"b": "deep"}}, {"name": 2}],  # dynamic over var.m: one block per key, in key order
    }
    assert change.after_unknown == {"c": True, "e": True, "o": True, "r": True, "setting": [{"other": True}] * 2}
    assert change.references == {
        "c": ("aws_instance.web",),
        "o": ("aws_subnet.private",),  # not `s`, the for iterator
        "setting": ("aws_iam_role.r",),  # not `it`, the dynamic iterator
    }
