"""The command line: exit codes, formats, bad input as one clear line, and no secret in any output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
BAD = ROOT / "tests" / "data" / "bad"
CANARIES = ("hunter2-canary-not-shown",)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_demo_plan_fails_on_what_it_introduces(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "scan", str(DEMO / "plan.json"), "--source", str(DEMO))
    assert code == 1, err
    assert "aws_security_group_rule.bastion_ssh" in out
    assert "aws_db_instance.orders" in out  # the replaced database is impossible to miss
    assert out.index("ntroduced") < out.index("xisting") if "xisting" in out else True


def test_soft_fail_and_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "scan", str(DEMO / "plan.json"), "--soft-fail")[0] == 0
    assert run(capsys, "scan", str(DEMO / "plan.json"), "--rule", "TFR-AWS-051")[0] == 0


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown", "github"])
def test_every_format_and_no_canary_leaks(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, _ = run(capsys, "scan", str(DEMO / "plan.json"), "--source", str(DEMO), "-o", fmt)
    assert code == 1
    assert out.strip()
    for canary in CANARIES:
        assert canary not in out


def test_several_formats_to_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sarif, report = tmp_path / "r.sarif", tmp_path / "r.json"
    code, out, _ = run(
        capsys,
        "scan",
        str(DEMO / "plan.json"),
        "-o",
        "sarif",
        "--output-file",
        str(sarif),
        "-o",
        "json",
        "--output-file",
        str(report),
        "-o",
        "text",
    )
    assert code == 1
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    document = json.loads(report.read_text())
    assert document["verdict"] == "fail"
    assert all("references" in f for f in document["findings"])
    assert "aws_security_group_rule.bastion_ssh" in out


def test_json_findings_carry_status_and_references(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "scan", str(DEMO / "plan.json"), "-o", "json")
    findings = json.loads(out)["findings"]
    ssh = [f for f in findings if f["address"] == "aws_security_group_rule.bastion_ssh"]
    assert ssh
    assert ssh[0]["status"] == "introduced"
    assert "CKV_AWS_24" in ssh[0]["references"]


def test_suppressions_from_source_dir(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "scan", str(DEMO / "plan.json"), "--source", str(DEMO), "-o", "json")
    suppressed = json.loads(out)["suppressed"]
    assert any(s["address"] == "aws_s3_bucket.site" and s["rule_id"] == "TFR-AWS-010" for s in suppressed)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (BAD / "tfplan", "binary plan file"),
        (BAD / "truncated.json", "truncated"),
        (BAD / "terraform.tfstate", "Terraform state file"),
        (BAD / "missing.json", "no such file or directory"),
        (ROOT / "README.md", "not JSON"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], path: Path, expected: str) -> None:
    code, out, err = run(capsys, "scan", str(path))
    assert code == 2
    assert expected in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert out == ""


def test_bad_config_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / ".tfreview.toml"
    config.write_text('fail_on = "severe"\n')
    code, _, err = run(capsys, "scan", str(DEMO / "plan.json"), "--config", str(config))
    assert code == 2
    assert "fail_on: unknown severity 'severe'" in err
    config.write_text("[[suppress]]\nrule = 'TFR-AWS-001'\n")
    code, _, err = run(capsys, "scan", str(DEMO / "plan.json"), "--config", str(config))
    assert code == 2
    assert "`reason` is required" in err


def test_config_found_upward_applies(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".tfreview.toml").write_text('fail_on = "critical"\n[rules]\ndisable = ["CKV_AWS_62"]\n')
    nested = tmp_path / "env" / "prod"
    nested.mkdir(parents=True)
    shutil.copy(DEMO / "plan.json", nested / "plan.json")
    _, out, _ = run(capsys, "scan", str(nested / "plan.json"), "-o", "json")
    document = json.loads(out)
    assert document["fail_on"] == "critical"
    assert not any("CKV_AWS_62" in f["references"] for f in document["findings"])


def test_unknown_rule_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scan", str(DEMO / "plan.json"), "--rule", "NOPE-1")
    assert code == 2
    assert "unknown rule(s) NOPE-1" in err
    with pytest.raises(SystemExit) as exited:
        main(["scan", str(DEMO / "plan.json"), "-o", "yaml"])
    assert exited.value.code == 2


def test_baseline_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, out, _ = run(capsys, "baseline", "create", str(DEMO / "plan.json"), "-f", str(baseline))
    assert code == 0
    assert "written to" in out
    code, out, _ = run(capsys, "scan", str(DEMO / "plan.json"), "--baseline", str(baseline), "-o", "json")
    document = json.loads(out)
    assert [f for f in document["findings"] if f["status"] != "resolved"] == []
    assert code == 0


def test_rules_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "list", "-o", "json")
    rules = json.loads(out)
    assert code == 0
    assert len(rules) >= 60
    assert all("references" in r for r in rules)
    code, out, _ = run(capsys, "rules", "show", "CKV_AWS_24")
    assert code == 0
    assert "TFR-AWS-012" in out
    assert run(capsys, "rules", "show", "NOPE")[0] == 2


def test_hcl_directory_with_a_syntax_error_reviews_the_rest(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "good.tf").write_text('resource "aws_ebs_volume" "v" {\n  size = 10\n  encrypted = false\n}\n')
    (tmp_path / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n}\n')
    assert run(capsys, "scan", str(tmp_path), "-o", "json")[0] == 2  # an unread file is not a pass
    code, out, _ = run(capsys, "scan", str(tmp_path), "-o", "json", "--allow-parse-errors")
    document = json.loads(out)
    assert code == 1
    assert any(f["address"] == "aws_ebs_volume.v" for f in document["findings"])
    skipped = document["coverage"]["files_skipped"]
    assert skipped
    assert "broken.tf" in json.dumps(skipped)


def test_change_mode_against_a_git_ref(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    git = ["git", "-C", str(tmp_path), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (tmp_path / "main.tf").write_text('resource "aws_ebs_volume" "old" {\n  size = 10\n  encrypted = false\n}\n')
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (tmp_path / "main.tf").write_text(
        'resource "aws_ebs_volume" "old" {\n  size = 20\n  encrypted = false\n}\n'
        'resource "aws_ebs_volume" "new" {\n  size = 10\n  encrypted = false\n}\n'
    )
    code, out, _ = run(capsys, "scan", "--base", "HEAD", str(tmp_path), "-o", "json")
    status = {f["address"]: f["status"] for f in json.loads(out)["findings"] if f["rule_id"] == "TFR-AWS-018"}
    assert status == {"aws_ebs_volume.old": "existing", "aws_ebs_volume.new": "introduced"}
    assert code == 1


def test_no_traceback_from_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", str(BAD / "tfplan")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr.startswith("tfreview: error: ")
    assert "terraform show -json" in result.stderr
    assert "Traceback" not in result.stderr


def test_builtin_advisor_adds_a_labelled_summary_and_changes_no_finding(capsys: pytest.CaptureFixture[str]) -> None:
    _, plain, _ = run(capsys, "scan", str(DEMO / "plan.json"), "-o", "json")
    code, advised, _ = run(capsys, "scan", str(DEMO / "plan.json"), "-o", "json", "--advisor", "builtin")
    assert code == 1
    with_advice, without = json.loads(advised), json.loads(plain)
    assert with_advice["findings"] == without["findings"]
    assert with_advice["verdict"] == without["verdict"]
    assert with_advice["advice"]["source"] == "builtin"
    assert "not a language model" in with_advice["advice"]["summary"]
    assert without["advice"] is None


def test_advisor_from_the_repository_config_and_its_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / ".tfreview.toml"
    config.write_text('[advisor]\nname = "builtin"\n')
    _, out, _ = run(capsys, "scan", str(DEMO / "plan.json"), "-o", "json", "--config", str(config))
    assert json.loads(out)["advice"]["source"] == "builtin"
    config.write_text('[advisor]\napi_key = "sk-should-not-live-here"\n')
    code, _, err = run(capsys, "scan", str(DEMO / "plan.json"), "--config", str(config))
    assert code == 2
    assert "unknown key(s) api_key" in err
    assert "sk-should-not-live-here" not in err
    code, _, err = run(capsys, "scan", str(DEMO / "plan.json"), "--advisor", "anthropic")
    assert code == 2
    assert "no anthropic model is configured" in err


def test_a_review_that_could_not_read_a_file_is_no_pass(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # ADR 0556: with nothing found in what was read, an unread file still keeps the verdict from `pass`
    (tmp_path / "good.tf").write_text('resource "null_resource" "n" {\n  triggers = { a = "b" }\n}\n')
    code, out, _ = run(capsys, "scan", str(tmp_path), "-o", "json")
    assert (code, json.loads(out)["verdict"]) == (0, "pass")
    (tmp_path / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n}\n')
    code, out, _ = run(capsys, "scan", str(tmp_path), "-o", "json", "--allow-parse-errors")
    assert (code, json.loads(out)["verdict"]) == (0, "warn")  # said, not failed: exit 0 as for any warning


def test_a_file_skipped_at_head_and_in_base_is_one_file_not_reviewed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`scan --base`: a file that does not parse on both sides was two entries ("2 files could not be parsed":
    `main.tf (…)`, `main.tf (in base: …)`); it is one file, its reasons in one entry."""
    head, base = tmp_path / "head", tmp_path / "base"
    for side in (head, base):
        side.mkdir()
        (side / "good.tf").write_text('resource "aws_ebs_volume" "v" {\n  size = 10\n}\n')
        (side / "same.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n')
    (head / "other.tf").write_text('resource "aws_s3_bucket" "c" {\n  bucket = \n}\n')
    (base / "other.tf").write_text('resource "aws_s3_bucket" "c" {\n')
    unexpected_end = "unexpected end of file (column 1)"
    code, _, err = run(capsys, "scan", str(head), "--base", str(base))
    assert code == 2
    assert err.startswith("tfreview: error: 2 files could not be parsed and were not reviewed: "), err
    assert f"same.tf (line 3: {unexpected_end}; in base too)" in err
    code, out, _ = run(capsys, "scan", str(head), "--base", str(base), "-o", "json", "--allow-parse-errors")
    entries = json.loads(out)["coverage"]["files_skipped"]
    skipped = {Path(entry["file"]).name: entry["reason"] for entry in entries}
    assert len(entries) == 2
    assert skipped["same.tf"] == f"line 3: {unexpected_end}; in base too"
    head_reason, base_reason = skipped["other.tf"].split("; in base: ")
    assert head_reason.startswith("line 2: ")
    assert base_reason == f"line 2: {unexpected_end}"
