"""The blast radius through a whole module passed into another module through a variable (`module "app" { db =
module.db }`, used inside app), and through a data source that a `depends_on = [module.m]` reaches, in plan mode and
HCL mode alike (issue 12 §5; ADR 0700 left both out of HCL mode).

tests/data/plans/blast_passed_modules/plan.json is `terraform show -json` of a real Terraform 1.11.4 plan of the tree
beside it (builtin `terraform_data` and `terraform_remote_state`, no provider download; `reader/peer.tfstate` is the
empty state the data source reads), applied with `rev = "v1"` and planned with `-var rev=v2`: `module.db`'s resource
and the root's `terraform_data.peer` are replaced. `module.app` takes the whole `module.db` (and its output `name`)
through variables and hands the whole module on to `module.app.module.inner`, which Terraform's plan updates too;
`module.reader` holds only a data source reading `terraform_data.peer`, and `terraform_data.after_reader` has
`depends_on = [module.reader]`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tfreview.core.blast import BlastRadius, blast_radius
from tfreview.core.plan import ChangeSet
from tfreview.parsing.hcl import load_change
from tfreview.parsing.plan_json import load_plan

DATA = Path(__file__).resolve().parents[1] / "data" / "plans" / "blast_passed_modules"

THROUGH_APP = BlastRadius(
    dependents=(
        "module.app.module.inner.terraform_data.deep",
        "module.app.terraform_data.uses_db",
        "module.app.terraform_data.uses_name",
    ),
    total=3,
    direct=3,
    exposed_by=("module.app", "module.db"),
)
THROUGH_READER = BlastRadius(
    dependents=("module.reader.data.terraform_remote_state.peer", "terraform_data.after_reader"), total=2, direct=1
)


def _plan() -> ChangeSet:
    return load_plan((DATA / "plan.json").read_bytes(), "plan.json")


def _hcl_change(tmp_path: Path, removed: dict[str, tuple[str, str]]) -> ChangeSet:
    """The fixture's tree as the base, and as the head with each text in `removed` (file → (old, new)) replaced."""
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(DATA, base, ignore=shutil.ignore_patterns("*.json"))
    shutil.copytree(DATA, head, ignore=shutil.ignore_patterns("*.json"))
    for name, (old, new) in removed.items():
        text = (head / name).read_text()
        assert old in text
        (head / name).write_text(text.replace(old, new))
    return load_change(base, head)


def test_plan_mode_follows_a_whole_module_passed_through_a_variable() -> None:
    assert blast_radius(_plan())["module.db.terraform_data.this"] == THROUGH_APP


def test_hcl_mode_follows_a_whole_module_passed_through_a_variable_as_the_plan_does(tmp_path: Path) -> None:
    db = 'resource "terraform_data" "this" {\n  triggers_replace = var.rev\n  input            = "orders"\n}\n'
    change = _hcl_change(tmp_path, {"db/main.tf": (db, "")})
    assert blast_radius(change)["module.db.terraform_data.this"] == THROUGH_APP


def test_plan_mode_reaches_a_data_source_through_depends_on_a_module() -> None:
    radius = blast_radius(_plan())
    assert radius["terraform_data.peer"] == THROUGH_READER
    assert "terraform_data.unrelated" not in radius


def test_hcl_mode_reaches_a_data_source_through_depends_on_a_module_as_the_plan_does(tmp_path: Path) -> None:
    peer = 'resource "terraform_data" "peer" {\n  triggers_replace = var.rev\n  input            = "peer"\n}\n'
    change = _hcl_change(tmp_path, {"main.tf": (peer, "")})
    assert blast_radius(change)["terraform_data.peer"] == THROUGH_READER


def test_hcl_mode_passes_a_module_output_through_a_variable_of_a_module_instance(tmp_path: Path) -> None:
    (tmp_path / "base" / "db").mkdir(parents=True)
    (tmp_path / "base" / "app").mkdir()
    (tmp_path / "base" / "db" / "main.tf").write_text(
        'resource "aws_db_instance" "main" {\n  engine = "postgres"\n}\n'
        'output "endpoint" {\n  value = aws_db_instance.main.endpoint\n}\n'
    )
    (tmp_path / "base" / "app" / "main.tf").write_text(
        'variable "host" {}\nresource "aws_ssm_parameter" "host" {\n  name  = "host"\n  value = var.host\n}\n'
    )
    (tmp_path / "base" / "main.tf").write_text(
        'module "db" {\n  source = "./db"\n}\n'
        'module "app" {\n  source   = "./app"\n  for_each = toset(["a", "b"])\n  host     = module.db.endpoint\n}\n'
    )
    shutil.copytree(tmp_path / "base", tmp_path / "head")
    (tmp_path / "head" / "db" / "main.tf").write_text('output "endpoint" {\n  value = "gone"\n}\n')
    radius = blast_radius(load_change(tmp_path / "base", tmp_path / "head"))
    assert radius["module.db.aws_db_instance.main"] == BlastRadius(
        dependents=('module.app["a"].aws_ssm_parameter.host', 'module.app["b"].aws_ssm_parameter.host'),
        total=2,
        direct=2,
        exposed_by=("module.db",),
    )


def test_hcl_mode_reads_a_data_source_from_its_syntax_where_a_local_ends_the_chain_as_in_a_plan(tmp_path: Path) -> None:
    bucket = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
    rest = (
        "locals {\n  arn = aws_s3_bucket.b.arn\n}\n"
        'data "aws_iam_policy_document" "direct" {\n  statement {\n    resources = [aws_s3_bucket.b.arn]\n  }\n}\n'
        'data "aws_iam_policy_document" "via_local" {\n  statement {\n    resources = [local.arn]\n  }\n}\n'
    )
    (tmp_path / "base").mkdir()
    (tmp_path / "head").mkdir()
    (tmp_path / "base" / "main.tf").write_text(bucket + rest)
    (tmp_path / "head" / "main.tf").write_text(rest.replace("aws_s3_bucket.b.arn", '"gone"'))
    radius = blast_radius(load_change(tmp_path / "base", tmp_path / "head"))
    assert radius["aws_s3_bucket.b"] == BlastRadius(
        dependents=("data.aws_iam_policy_document.direct",), total=1, direct=1
    )
