"""Plans from newer Terraform (1.10–1.14) and OpenTofu (1.10), hand-written after the format's source
(tests/data/plans/newer/PROVENANCE.md), through real `tfreview scan` processes in every output format and a real
`tfreview serve` upload (ADRs 0517, 0518): a forget is not a destroy and resolves nothing, deferred changes,
action invocations, unknown top-level keys and unknown action strings are said in the coverage notes, and an
errored plan is refused (exit 2, 422) with nothing written."""

from __future__ import annotations

import json
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.door_requests import request, upload_plan
from tests.integration.served import Served, serving, write_token
from tests.integration.test_serve_process import tfreview

NEWER = Path(__file__).resolve().parents[1] / "data" / "plans" / "newer"
LIFECYCLE = NEWER / "terraform_1_14_lifecycle.json"
WRITE_ONLY = NEWER / "terraform_1_11_write_only.json"
ERRORED = NEWER / "terraform_1_14_errored.json"
FUTURE = NEWER / "opentofu_1_10_future.json"
FORMATS = ("text", "json", "sarif", "junit", "markdown", "github")
WAIT = 60.0  # a bound on a loaded CI machine, not a threshold


def _scan(tmp_path: Path, plan: Path, fmt: str, *extra: str) -> tuple[int, str, str]:
    out = tmp_path / "out" / f"{plan.stem}.{fmt}"
    out.parent.mkdir(exist_ok=True)
    done = tfreview("scan", str(plan), "-o", fmt, "--output-file", str(out), "--no-color", *extra)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, out.read_text(encoding="utf-8") if out.exists() else "", done.stderr


def _scan_every_format(tmp_path: Path, plan: Path, *extra: str) -> tuple[int, dict[str, str], str]:
    """One `tfreview scan` writing every format, each to its own file (`-o F --output-file P`, repeated): a process
    per format cost 6 starts for the same review (ADR 0630). The exit code, each format's text, stderr."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    paths = {fmt: out / f"{plan.stem}-all.{fmt}" for fmt in FORMATS}
    argv = [arg for fmt, path in paths.items() for arg in ("-o", fmt, "--output-file", str(path))]
    done = tfreview("scan", str(plan), *argv, "--no-color", *extra)
    assert "Traceback" not in done.stderr, done.stderr
    texts = {fmt: path.read_text(encoding="utf-8") if path.exists() else "" for fmt, path in paths.items()}
    return done.returncode, texts, done.stderr


def _scan_text(plan: Path) -> str:
    done = tfreview("scan", str(plan), "-o", "json", "--soft-fail")
    assert done.returncode == 0, done.stderr
    return done.stdout


def _json_review(tmp_path: Path, plan: Path) -> dict[str, object]:
    code, text, stderr = _scan(tmp_path, plan, "json")
    assert code == 0, stderr  # findings below the default threshold (high) in every valid fixture
    review = json.loads(text)
    assert isinstance(review, dict)
    return review


@pytest.mark.parametrize("plan", [LIFECYCLE, WRITE_ONLY, FUTURE], ids=lambda p: p.stem)
def test_every_newer_plan_is_reviewed_in_every_format(tmp_path: Path, plan: Path) -> None:
    code, texts, stderr = _scan_every_format(tmp_path, plan)
    assert code == 0, stderr
    for fmt, text in texts.items():
        assert text.strip(), f"{fmt}: nothing written"
        if fmt in ("json", "sarif"):
            json.loads(text)
        elif fmt == "junit":
            ET.fromstring(text)


def test_a_forget_is_no_destroy_and_resolves_nothing(tmp_path: Path) -> None:
    review = _json_review(tmp_path, LIFECYCLE)
    summary = review["summary"]
    assert isinstance(summary, dict)
    assert summary["changes"] == {"create": 1, "forget": 2, "update": 1}
    assert summary["destroys"] == 0
    assert summary["blast_radius"] == 0
    findings = review["findings"]
    assert isinstance(findings, list)
    forgotten = {"aws_db_instance.legacy", "aws_s3_bucket.archive[0]"}
    on_forgotten = [(f["rule_id"], f["status"]) for f in findings if f["address"] in forgotten]
    # only the forget rule speaks of them: the object is kept as it was, so none of its findings is "resolved"
    assert sorted(on_forgotten) == [("TFR-CHG-006", "introduced"), ("TFR-CHG-006", "introduced")]
    assert not [f for f in findings if f["status"] == "resolved"]
    assert not [f for f in findings if str(f["rule_id"]).startswith("TFR-CHG-00") and f["rule_id"] != "TFR-CHG-006"]


def test_a_forget_fails_no_threshold_a_destroy_would(tmp_path: Path) -> None:
    """The same stateful object deleted instead of forgotten fails the default threshold; forgotten, it passes."""
    deleted = json.loads(FUTURE.read_text())
    for entry in deleted["resource_changes"]:
        if entry["address"] == "aws_db_instance.old":
            entry["change"]["actions"] = ["delete"]
    as_delete = tmp_path / "deleted.json"
    as_delete.write_text(json.dumps(deleted))
    assert _scan(tmp_path, as_delete, "text")[0] == 1
    assert _scan(tmp_path, FUTURE, "text")[0] == 0


def test_sections_not_reviewed_are_said_in_every_format_that_has_notes(tmp_path: Path) -> None:
    notes = _json_review(tmp_path, LIFECYCLE)["coverage"]["notes"]  # type: ignore[index]
    assert notes == [
        "1 change Terraform deferred to a later plan was not reviewed (it is not part of this apply): "
        "aws_db_instance.replica[*] (instance_count_unknown)",
        "1 action invocation (Terraform `action` blocks) that this apply runs was not reviewed: "
        "action.aws_lambda_invoke.warm (after_update of aws_instance.app)",
        "1 action invocation (Terraform `action` blocks) that a later apply runs was not reviewed: "
        "action.aws_lambda_invoke.notify (after_create of aws_db_instance.replica[*])",
    ]
    for fmt in ("text", "sarif"):
        assert "aws_db_instance.replica[*] (instance_count_unknown)" in _scan(tmp_path, LIFECYCLE, fmt)[1], fmt
    assert r"aws\_db\_instance.replica\[\*\] \(instance\_count\_unknown\)" in _scan(tmp_path, LIFECYCLE, "markdown")[1]


def test_unknown_keys_and_actions_are_noted_not_fatal(tmp_path: Path) -> None:
    review = _json_review(tmp_path, FUTURE)
    assert review["coverage"]["notes"] == [  # type: ignore[index]
        "the plan has a top-level key tfreview does not know, not reviewed: `some_future_section`",
        "resource_changes: 1 change with actions tfreview does not know, reviewed as the actions it holds suggest: "
        'aws_s3_bucket.strange ["teleport"] as no-op',
    ]
    # a provider from a host other than the registry is kept as written
    assert "widget_thing" in review["coverage"]["uncovered_types"]  # type: ignore[index]


def test_an_unknown_action_beside_delete_is_taken_for_a_destroy(tmp_path: Path) -> None:
    """As the format asks of its readers: a list holding `delete` deletes, whatever else it holds."""
    plan = json.loads(FUTURE.read_text())
    for entry in plan["resource_changes"]:
        if entry["address"] == "aws_db_instance.old":
            entry["change"]["actions"] = ["delete", "archive"]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(plan))
    code, text, _ = _scan(tmp_path, path, "json")
    review = json.loads(text)
    assert code == 1
    assert review["summary"]["destroys"] == 1
    assert 'aws_db_instance.old ["delete", "archive"] as delete' in review["coverage"]["notes"][1]


def test_write_only_arguments_are_not_a_missing_or_plaintext_password(tmp_path: Path) -> None:
    review = _json_review(tmp_path, WRITE_ONLY)
    findings = review["findings"]
    assert isinstance(findings, list)
    about_passwords = [f for f in findings if "password" in json.dumps(f).lower() or "secret" in str(f["rule_id"])]
    assert about_passwords == []
    assert review["coverage"]["notes"] == []  # type: ignore[index]


def test_an_errored_plan_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    for fmt in FORMATS:
        code, _, stderr = _scan(tmp_path, ERRORED, fmt)
        assert code == 2, (fmt, stderr)
        assert not (tmp_path / "out" / f"{ERRORED.stem}.{fmt}").exists(), fmt
        assert "the plan errored (`errored: true`)" in stderr
        assert "(1 resource change)" in stderr


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("newer") / "data"
    token = write_token(data, "newer")
    with serving(data) as running:
        running.token = token
        yield running


def _settled(served: Served, review: str) -> dict[str, object]:
    deadline = time.monotonic() + WAIT
    while True:
        found = request(
            served.port, "GET", f"/api/v1/reviews/{review}", headers={"Authorization": f"Bearer {served.token}"}
        ).json()
        if found.get("status") not in ("queued", "in_progress", "running", "pending", None):
            return found
        if time.monotonic() > deadline:
            return found
        time.sleep(0.1)


@pytest.mark.parametrize("plan", [LIFECYCLE, WRITE_ONLY, FUTURE], ids=lambda p: p.stem)
def test_a_newer_plan_upload_is_reviewed_to_the_end(served: Served, plan: Path) -> None:
    status, answer = upload_plan(served, plan.read_bytes(), f"newer-{plan.stem}")
    assert status == 202, answer
    review = _settled(served, str(answer["review"]))
    assert review["status"] == "completed", review
    assert review["verdict"] == "warn", review
    report = review["report"]
    assert isinstance(report, dict)
    expected = json.loads(_scan_text(plan))["coverage"]["notes"]
    assert report["coverage"]["notes"] == expected  # the service says what was not reviewed, as scan does
    assert "Traceback" not in served.log()


def test_an_errored_plan_upload_is_one_precise_422(served: Served) -> None:
    status, problem = upload_plan(served, ERRORED.read_bytes(), "newer-errored")
    assert status == 422, problem
    assert "the plan errored (`errored: true`)" in str(problem["detail"]), problem
    assert "Traceback" not in served.log()


WRITE_ONLY_LITERAL = "Kx8!vQ2#rTm5Lp9z-canary"  # a literal written into a write-only argument


def test_a_literal_in_a_write_only_argument_is_flagged_and_never_shown(tmp_path: Path) -> None:
    """HCL mode: the literal is in the source. Plan mode: the change holds null, the configuration the literal."""
    source = tmp_path / "infra"
    source.mkdir()
    (source / "main.tf").write_text(
        'resource "aws_db_instance" "main" {\n  identifier = "main"\n  engine = "postgres"\n'
        f'  password_wo = "{WRITE_ONLY_LITERAL}"\n  password_wo_version = 1\n}}\n'
    )
    plan = json.loads(WRITE_ONLY.read_text())
    resources = plan["configuration"]["root_module"]["resources"]
    resources[0]["expressions"]["password_wo"] = {"constant_value": WRITE_ONLY_LITERAL}
    as_plan = tmp_path / "literal.json"
    as_plan.write_text(json.dumps(plan))
    for target in (source, as_plan):
        code, texts, stderr = _scan_every_format(tmp_path, target, "--advisor", "builtin")
        assert code == 1, (target, stderr)  # HIGH: at the default threshold
        assert WRITE_ONLY_LITERAL not in stderr, target
        for fmt, text in texts.items():
            assert "TFR-TF-002" in text, (target, fmt)
            assert WRITE_ONLY_LITERAL not in text, (target, fmt)


_DATABASE = (
    'resource "aws_db_instance" "{name}" {{\n  identifier = "legacy"\n  engine = "postgres"\n'
    "  storage_encrypted = true\n  deletion_protection = true\n}}\n"
)


def _git(repository: Path, *argv: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *argv],
        cwd=repository,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("head", "changes", "destroys", "code"),
    [
        (  # Terraform 1.7 / OpenTofu 1.9: the object is kept, Terraform forgets it
            "removed {\n  from = aws_db_instance.legacy\n  lifecycle {\n    destroy = false\n  }\n}\n",
            {"forget": 1},
            0,
            0,
        ),
        (  # the same block that destroys: a destroy it is
            "removed {\n  from = aws_db_instance.legacy\n  lifecycle {\n    destroy = true\n  }\n}\n",
            {"delete": 1},
            1,
            1,
        ),
        (  # Terraform 1.1: renamed, the object keeps its state under the new address
            _DATABASE.format(name="main")
            + "moved {\n  from = aws_db_instance.legacy\n  to = aws_db_instance.main\n}\n",
            {},
            0,
            0,
        ),
    ],
    ids=["removed-kept", "removed-destroyed", "moved"],
)
def test_removed_and_moved_blocks_in_a_change_between_commits(
    tmp_path: Path, head: str, changes: dict[str, int], destroys: int, code: int
) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    _git(repository, "init", "-q")
    (repository / "main.tf").write_text(_DATABASE.format(name="legacy"))
    _git(repository, "add", "main.tf")
    _git(repository, "commit", "-qm", "base")
    (repository / "main.tf").write_text(head)
    done = tfreview("scan", "--base", "HEAD", str(repository), "-o", "json")
    assert done.returncode == code, done.stderr
    review = json.loads(done.stdout)
    assert review["summary"]["changes"] == changes
    assert review["summary"]["destroys"] == destroys
    resolved = [f["rule_id"] for f in review["findings"] if f["status"] == "resolved"]
    assert (resolved == []) is (destroys == 0)  # a kept or renamed object resolves nothing; a destroyed one does


def test_the_builtin_reviewer_calls_a_forget_no_destructive_change(tmp_path: Path) -> None:
    code, text, stderr = _scan(tmp_path, LIFECYCLE, "text", "--advisor", "builtin")
    assert code == 0, stderr
    forget_lines = [line for line in text.splitlines() if "TFR-CHG-006" in line and line.lstrip().startswith("- ")]
    assert len(forget_lines) == 2, text
    assert all("state change, nothing destroyed" in line for line in forget_lines), forget_lines
    assert "destructive change" not in text
