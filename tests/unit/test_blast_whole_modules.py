"""The blast radius through references to a whole module (`module.db`, `module.db[0]`, `values(module.db)`,
`depends_on = [module.db]`), in plan mode and HCL mode alike (issue 12 §5, found by review21).

tests/data/plans/blast_modules/plan.json is `terraform show -json` of a real Terraform 1.11 plan of the tree
beside it (builtin `terraform_data`, no provider download), applied with `rev = "v1"` and planned with
`-var rev=v2`: the database of each of the three calls of `./db` (`module.db`, `module.dbs[0]` by `count`,
`module.keyed["k"]` by `for_each`) is replaced. The module's only output is the whole resource
(`value = terraform_data.this`); the root's outputs take whole module instances, and `terraform_data.after_db`
has `depends_on = [module.db]`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tfreview.core.blast import BlastRadius, blast_radius, node_kind
from tfreview.core.plan import ChangeSet, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import load_change
from tfreview.parsing.plan_configuration import read_configuration
from tfreview.parsing.plan_json import load_plan
from tfreview.render.markdown import render_markdown
from tfreview.rules import load_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "plans" / "blast_modules"

EXPECTED = {
    "module.db.terraform_data.this": BlastRadius(
        dependents=("terraform_data.after_db",), total=1, direct=1, exposed_by=("module.db", "output.whole")
    ),
    "module.dbs[0].terraform_data.this": BlastRadius(exposed_by=("module.dbs", "output.indexed", "output.splat")),
    'module.keyed["k"].terraform_data.this': BlastRadius(exposed_by=("module.keyed", "output.keyed", "output.values")),
}


def _plan() -> ChangeSet:
    return load_plan((DATA / "plan.json").read_bytes(), "plan.json")


def test_plan_mode_outputs_and_depends_on_that_take_a_whole_module_expose_and_depend_on_its_resources() -> None:
    radius = blast_radius(_plan())
    assert radius == EXPECTED
    assert "terraform_data.unrelated" not in radius


def test_hcl_mode_agrees_with_the_plan(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(DATA, base, ignore=shutil.ignore_patterns("*.json"))
    shutil.copytree(DATA, head, ignore=shutil.ignore_patterns("*.json"))
    # the head drops the database: each of the three instances is deleted, and what took it is in the base
    (head / "db" / "main.tf").write_text('variable "rev" {\n  type = string\n}\n')
    radius = blast_radius(load_change(base, head))
    assert radius == EXPECTED


def test_a_whole_module_node_passes_through_without_counting_as_a_hop() -> None:
    assert node_kind("module.db") == "module"
    assert node_kind('module.a["k"].module.b') == "module"
    assert blast_radius(_plan(), depth=1)["module.db.terraform_data.this"].total == 1


def test_depends_on_a_module_reaches_the_resources_of_the_modules_it_calls() -> None:
    inner = {"resources": [{"address": "aws_x.db", "mode": "managed", "type": "aws_x", "name": "db"}]}
    configuration = {
        "root_module": {
            "resources": [{"address": "aws_y.after", "mode": "managed", "depends_on": ["module.a"]}],
            "module_calls": {"a": {"module": {"module_calls": {"b": {"module": inner}}}}},
        }
    }
    graph = read_configuration(configuration).dependencies
    assert graph["aws_y.after"] == ("module.a.module.b.aws_x.db",)
    inner_db = ResourceChange("module.a.module.b.aws_x.db", "aws_x", "db", ("delete",), before={})
    after = ResourceChange("aws_y.after", "aws_y", "after", ("no-op",), before={}, after={})
    radius = blast_radius(ChangeSet(changes=[inner_db, after], dependencies=graph))
    assert radius["module.a.module.b.aws_x.db"].dependents == ("aws_y.after",)


def test_the_pr_comment_line_keeps_its_form() -> None:
    markdown = render_markdown(review(_plan(), load_rules(), Policy()))
    assert "replacing it also touches **1** resource: `terraform_data.after_db`" in markdown


def test_hcl_mode_follows_module_outputs_and_depends_on_as_a_plan_does(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for root in (base, head):
        (root / "db").mkdir(parents=True)
        (root / "db" / "main.tf").write_text('output "endpoint" {\n  value = "db.internal"\n}\n')
    (base / "db" / "main.tf").write_text(
        'resource "aws_db_instance" "main" {\n  engine = "postgres"\n}\n'
        'output "endpoint" {\n  value = aws_db_instance.main.endpoint\n}\n'
    )
    root = (
        'module "db" {\n  source = "./db"\n}\n'
        'resource "aws_ssm_parameter" "host" {\n  name = "host"\n  value = module.db.endpoint\n}\n'
        'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n'
        'resource "aws_lambda_function" "worker" {\n  function_name = "w"\n  depends_on = [aws_sqs_queue.jobs]\n}\n'
    )
    (base / "main.tf").write_text(root)
    (head / "main.tf").write_text(root.replace('resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n', ""))
    radius = blast_radius(load_change(base, head))
    assert radius["module.db.aws_db_instance.main"] == BlastRadius(
        dependents=("aws_ssm_parameter.host",), total=1, direct=1, exposed_by=("module.db",)
    )
    assert radius["aws_sqs_queue.jobs"].dependents == ("aws_lambda_function.worker",)
