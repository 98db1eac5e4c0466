"""Files users pass for a plan that are not one get a line that says what they are and what to run.

`terraform plan -json` (and `tofu plan -json`) write the machine-readable UI stream, one JSON message a line, not
the plan; `terragrunt run-all show -json` writes one plan per module, one after another. Both read "invalid JSON
at line 2, column 1: unexpected content after document": true, and no help. One UI message alone read as "a JSON
object with keys @level, @message, …".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.cli import main

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "real17" / "tfplanformat__sensitive.json"
UI_VERSION = (
    '{"@level":"info","@message":"Terraform 1.9.8","@module":"terraform.ui",'
    '"@timestamp":"2026-12-06T22:00:00.000000Z","terraform":"1.9.8","type":"version","ui":"1.2"}'
)
UI_CHANGE = (
    '{"@level":"info","@message":"aws_s3_bucket.b: Plan to create","@module":"terraform.ui",'
    '"change":{"resource":{"addr":"aws_s3_bucket.b","resource_type":"aws_s3_bucket"},"action":"create"},'
    '"type":"planned_change"}'
)


def _error(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> str:
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    assert main(["scan", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err.count("\n") == 1
    return captured.err


@pytest.mark.parametrize("text", [f"{UI_VERSION}\n{UI_CHANGE}\n", f"{UI_VERSION}\n"], ids=["stream", "one-message"])
def test_the_ui_stream_of_plan_json_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    error = _error(tmp_path, capsys, text)
    assert "`terraform plan -json`" in error
    assert "terraform show -json" in error
    assert "unexpected content" not in error


def test_plans_one_after_another_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = PLAN.read_text(encoding="utf-8")
    lines = plan.count("\n")
    error = _error(tmp_path, capsys, plan + plan)
    assert "more than one JSON document" in error
    assert f"line {lines + 1}" in error
    assert "one at a time" in error


def test_one_plan_is_still_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "-o", "json", str(PLAN)]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["destroys"] == 1


def test_a_cdktf_stack_says_its_json_is_not_read_and_what_to_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cdktf synth` writes Terraform as JSON (`cdktf.out/stacks/<name>/cdk.tf.json`), which HCL mode does not read:
    the folder read "no .tf files in … or below", as if it held no Terraform at all."""
    stack = tmp_path / "cdktf.out" / "stacks" / "app"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps({"resource": {"aws_s3_bucket": {"b": {"bucket": "b"}}}}))
    assert main(["scan", str(tmp_path / "cdktf.out")]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "cdk.tf.json" in captured.err
    assert "terraform show -json" in captured.err


UI_LIST_FOUND = (
    '{"@level":"info","@message":"list.aws_instance.all: Result found","@module":"terraform.ui",'
    '"list_resource_found":{"address":"list.aws_instance.all","display_name":"i-0abc","identity":{"id":"i-0abc"},'
    '"resource_type":"aws_instance"},"type":"list_resource_found"}'
)


def test_the_stream_of_terraform_query_json_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Terraform 1.14's `terraform query -json` (list resources, `.tfquery.hcl`) writes the same UI stream; it lists
    existing objects and changes nothing, and was named `terraform plan -json` (review21)."""
    error = _error(tmp_path, capsys, f"{UI_VERSION}\n{UI_LIST_FOUND}\n")
    assert "`terraform query -json`" in error
    assert "`terraform plan -json`" not in error
