"""The blast radius of destroys and replaces (issue 12 §5), on a real Terraform 1.11 plan and on HCL trees.

tests/data/plans/blast/plan.json is `terraform show -json` of a real plan (builtin `terraform_data`
resources, so no provider download): `terraform_data.db` is replaced (its `triggers_replace` changed) and
feeds `module.app` through a module input; `terraform_data.queue` is deleted, and `terraform_data.alarm`
depended on it before the change (the prior state says so; the new configuration no longer does).
"""

from __future__ import annotations

import json
from pathlib import Path

from tfreview.core.blast import BlastRadius, blast_radius, node_kind
from tfreview.core.plan import ChangeSet, ResourceChange
from tfreview.core.policy import Policy
from tfreview.core.review import review
from tfreview.parsing.hcl import load_change
from tfreview.parsing.plan_json import load_plan
from tfreview.render.json_report import json_schema, render_json
from tfreview.render.markdown import render_markdown
from tfreview.render.stored_report import review_from_report
from tfreview.rules import load_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "plans" / "blast"


def _plan() -> ChangeSet:
    return load_plan((DATA / "plan.json").read_bytes(), "plan.json")


def test_a_replace_names_what_depends_on_it_through_a_module_input_and_the_outputs_that_expose_it() -> None:
    radius = blast_radius(_plan())
    db = radius["terraform_data.db"]
    assert db.dependents == (
        "module.app.terraform_data.server[0]",
        "module.app.terraform_data.server[1]",
        "module.app.terraform_data.dns",
    )
    assert (db.total, db.direct) == (3, 2)
    assert db.exposed_by == ("module.app", "output.db_id")


def test_a_delete_takes_its_dependents_from_the_prior_state_when_the_configuration_no_longer_says() -> None:
    radius = blast_radius(_plan())
    assert radius["terraform_data.queue"] == BlastRadius(
        dependents=("terraform_data.alarm",), total=1, direct=1, exposed_by=()
    )
    assert "terraform_data.unrelated" not in radius


def test_the_walk_stops_at_the_depth_asked() -> None:
    assert blast_radius(_plan(), depth=1)["terraform_data.db"].total == 2


def test_every_output_carries_it_and_the_stored_report_reads_it_back() -> None:
    result = review(_plan(), load_rules(), Policy())
    document = json.loads(render_json(result))
    from jsonschema import Draft202012Validator

    Draft202012Validator(json_schema()).validate(document)
    assert document["summary"]["blast_radius"] == 4
    by_address = {c["address"]: c for c in document["changes"]}
    assert by_address["terraform_data.db"]["blast_radius"]["total"] == 3
    assert by_address["terraform_data.alarm"]["blast_radius"] is None
    back = review_from_report(document)
    assert [c.blast for c in back.changes] == [c.blast for c in result.changes]
    markdown = render_markdown(result)
    assert "replacing it also touches **3** resources: `module.app.terraform_data.server[0]`" in markdown
    assert "2 destroys (touching 4 resources)" in markdown


def test_an_old_stored_report_without_it_still_reads() -> None:
    document = json.loads(render_json(review(_plan(), load_rules(), Policy())))
    for change in document["changes"]:
        del change["blast_radius"]
    del document["summary"]["blast_radius"]
    assert all(c.blast is None for c in review_from_report(document).changes)


def test_hcl_change_mode_finds_the_dependents_of_a_deleted_resource_in_the_base(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for root in (base, head):
        root.mkdir()
    (base / "main.tf").write_text(
        'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n'
        'resource "aws_cloudwatch_metric_alarm" "depth" {\n  alarm_name = "depth"\n'
        "  dimensions = { QueueName = aws_sqs_queue.jobs.name }\n}\n"
        'resource "aws_lambda_event_source_mapping" "worker" {\n  event_source_arn = aws_sqs_queue.jobs.arn\n'
        '  function_name = "worker"\n}\n'
    )
    (head / "main.tf").write_text(
        'resource "aws_cloudwatch_metric_alarm" "depth" {\n  alarm_name = "depth"\n}\n'
        'resource "aws_lambda_event_source_mapping" "worker" {\n  event_source_arn = "arn:aws:sqs:eu-west-1:1:x"\n'
        '  function_name = "worker"\n}\n'
    )
    radius = blast_radius(load_change(base, head))
    assert radius["aws_sqs_queue.jobs"].dependents == (
        "aws_cloudwatch_metric_alarm.depth",
        "aws_lambda_event_source_mapping.worker",
    )


def test_nodes_are_told_apart() -> None:
    assert node_kind("module.a.module.b.output.x") == "output"
    assert node_kind("module.a.var.x") == "input"
    assert node_kind('module.a["k"].aws_s3_bucket.b') == "resource"


def test_no_graph_no_radius_and_a_cycle_ends() -> None:
    a = ResourceChange("aws_x.a", "aws_x", "a", ("delete",), before={})
    b = ResourceChange("aws_x.b", "aws_x", "b", ("no-op",), before={}, after={})
    assert blast_radius(ChangeSet(changes=[a, b])) == {}
    cyclic = ChangeSet(changes=[a, b], dependencies={"aws_x.a": ("aws_x.b",), "aws_x.b": ("aws_x.a",)})
    assert blast_radius(cyclic)["aws_x.a"].dependents == ("aws_x.b",)
