"""`tfreview scan DIR` on a repository of several root modules (issue 12 §4, docs/adr/0215-root-modules.md)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.github_code_scanning import upload_problems
from tfreview.cli import main
from tfreview.integrations.github.workflow import step_outputs
from tfreview.parsing.terraform_roots import find_roots
from tfreview.render.json_report import json_schema
from tfreview.render.stored_report import review_from_report

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "hcl" / "corpus"

BUCKET = """
variable "acl" {}
variable "queues" {}
resource "aws_s3_bucket_acl" "b" {
  bucket = "x"
  acl    = var.acl
}
resource "aws_sqs_queue" "q" {
  for_each = var.queues
}
"""


def repository(tmp_path: Path) -> Path:
    """envs/prod and envs/dev call modules/bucket; prod also calls a registry module."""
    files = {
        "modules/bucket/main.tf": BUCKET,
        "envs/prod/main.tf": 'module "bucket" {\n  source = "../../modules/bucket"\n  acl    = "private"\n}\n'
        'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n}\n',
        "envs/dev/main.tf": 'module "bucket" {\n  source   = "../../modules/bucket"\n  for_each = toset(["a", "b"])\n'
        '  acl      = "public-read"\n}\n',
        ".terraform/modules/vpc/main.tf": 'resource "aws_vpc" "v" {}\n',  # downloaded copies are not roots
    }
    for name, text in files.items():
        path = tmp_path / "repo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "repo"


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", *args, "--path-prefix", "repo"])
    out, err = capsys.readouterr()
    return code, out, err


def test_roots_are_the_directories_no_other_directory_calls(tmp_path: Path) -> None:
    layout = find_roots(repository(tmp_path))
    assert layout.directories == ("envs/dev", "envs/prod", "modules/bucket")
    assert layout.roots == ("envs/dev", "envs/prod")
    assert layout.callers == {"modules/bucket": ("envs/dev", "envs/prod")}


def test_json_reports_each_root_and_the_worst_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scan(capsys, str(repository(tmp_path)), "-o", "json")
    document = json.loads(out)
    Draft202012Validator(json_schema()).validate(document)  # a review document: the Action's step reads it
    assert code == 1  # the worst root: dev fails
    assert document["verdict"] == "fail"
    assert document["summary"]["findings"]["introduced"] == 2  # all roots together
    assert step_outputs(review_from_report(document), exit_code=code, sarif_file=None)["high"] == "2"
    roots = {r["root"]: r for r in document["roots"]}
    assert list(roots) == ["envs/dev", "envs/prod"]
    assert (roots["envs/dev"]["verdict"], roots["envs/prod"]["verdict"]) == ("fail", "pass")
    addresses = sorted(f["address"] for f in roots["envs/dev"]["findings"])
    assert addresses == ['module.bucket["a"].aws_s3_bucket_acl.b', 'module.bucket["b"].aws_s3_bucket_acl.b']
    assert {f["location"]["file"] for f in roots["envs/dev"]["findings"]} == {"repo/modules/bucket/main.tf"}
    notes = roots["envs/prod"]["coverage"]["notes"]
    assert any("module.vpc" in n and "registry source 'terraform-aws-modules/vpc/aws' not reviewed" in n for n in notes)
    # a note names the module's file from the repository root, as findings do, not `../../modules/…`
    assert any(
        n.startswith("module.bucket.aws_sqs_queue.q (repo/modules/bucket/main.tf:8): instances unknown until plan")
        for n in notes
    )


def test_sarif_junit_markdown_and_text_name_the_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(repository(tmp_path))
    _, out, _ = scan(capsys, folder, "-o", "sarif")
    assert upload_problems(out, tmp_path) == []  # what GitHub code scanning accepts (at most 20 runs a file)
    (run,) = json.loads(out)["runs"]
    assert [r["properties"]["root"] for r in run["results"]] == ["envs/dev", "envs/dev"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {
        "repo/modules/bucket/main.tf"
    }
    assert run["properties"]["roots"] == [
        {"root": "envs/dev", "verdict": "fail"},
        {"root": "envs/prod", "verdict": "pass"},
    ]
    _, out, _ = scan(capsys, folder, "-o", "junit")
    suites = ET.fromstring(out.split("\n", 1)[1]).findall("testsuite")
    assert {s.get("name", "").split(":")[0] for s in suites} == {"envs/dev", "envs/prod"}
    _, out, _ = scan(capsys, folder, "-o", "markdown")
    assert "## Root `envs/dev`" in out
    assert "## Root `envs/prod`" in out
    assert out.startswith("**2 root modules reviewed, 2 findings; verdict FAIL (failing: envs/dev)**")
    code, out, _ = scan(capsys, folder, "--soft-fail")
    assert code == 0
    assert "=== root envs/dev ===" in out
    assert "=== root envs/prod ===" in out


def test_a_folder_that_is_one_root_gives_the_single_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = repository(tmp_path) / "envs" / "dev"
    _, out, _ = scan(capsys, str(folder), "-o", "json")
    document = json.loads(out)
    assert "roots" not in document
    assert len(document["findings"]) == 2


def test_modules_only_reached_through_a_cycle_are_reviewed_as_roots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, other in (("a", "b"), ("b", "a")):
        path = tmp_path / "cycle" / name / "main.tf"
        path.parent.mkdir(parents=True)
        path.write_text(
            f'module "{other}" {{\n  source = "../{other}"\n  count  = 0\n}}\n'
            f'resource "aws_s3_bucket_acl" "{name}" {{\n  bucket = "x"\n  acl    = "public-read"\n}}\n',
            encoding="utf-8",
        )
    assert find_roots(tmp_path / "cycle").roots == ()
    code, out, _ = scan(capsys, str(tmp_path / "cycle"), "-o", "json")
    roots = json.loads(out)["roots"]
    assert code == 1
    assert [r["root"] for r in roots] == ["a", "b"]  # neither is a root; a's call to b has count 0
    assert all("no root module's review reached it" in " ".join(r["coverage"]["notes"]) for r in roots)


def test_no_terraform_anywhere_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty" / "docs").mkdir(parents=True)
    code, out, err = scan(capsys, str(tmp_path / "empty"))
    assert code == 2
    assert out == ""
    assert "no .tf files in" in err
    assert "Traceback" not in err


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared HCL corpus is not beside the project")
def test_module_repositories_are_reviewed_through_their_examples() -> None:
    """The 12 module repositories: every example is a root; a module its examples call by path is not."""
    found = {repo.name: find_roots(repo) for repo in sorted(CORPUS.iterdir()) if repo.is_dir()}
    assert len(found) == 12
    assert sum(len(layout.roots) for layout in found.values()) == 211
    vpc = found["terraform-aws-vpc"]
    assert "." not in vpc.roots  # examples call it with source = "../../"
    assert all(root.startswith("examples/") for root in vpc.roots)
    assert "modules/vpc-endpoints" in vpc.callers
    # the GKE examples call the module from the registry, so the repository's own module is a root
    assert "." in found["terraform-google-kubernetes-engine"].roots


def test_outside_any_repository_paths_start_at_the_scanned_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No git root and not under the current directory: each root's files are named from DIR, so a
    module shared by two roots reads `modules/bucket/main.tf`, never `../../main.tf`."""
    code = main(["scan", str(repository(tmp_path)), "-o", "json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    files = {f["location"]["file"] for r in document["roots"] for f in r["findings"]}
    assert files == {"modules/bucket/main.tf"}


def test_a_root_that_does_not_parse_is_named_from_the_scanned_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every root has its `main.tf`: the refusal named `main.tf` alone, and the reader could not tell which root's
    file to fix (the report of --allow-parse-errors already said `envs/b/main.tf`)."""
    for name, text in {
        "envs/a/main.tf": 'resource "aws_s3_bucket" "a" {}\n',
        "envs/b/main.tf": 'resource "aws_s3_bucket" "b" {\n  acl =\n}\n',
        "envs/c/main.tf": 'module "m" {\n  source = "../../modules/m"\n}\n',
        "modules/m/main.tf": 'resource "aws_s3_bucket" "m" {\n  acl = [\n}\n',
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "report.json"
    assert main(["scan", str(tmp_path), "-o", "json", "--output-file", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("tfreview: error: 1 file could not be parsed and was not reviewed: envs/b/main.tf (line 2")
    assert len(error.splitlines()) == 1
    assert not out.exists()
    (tmp_path / "envs/b/main.tf").write_text('resource "aws_s3_bucket" "b" {}\n', encoding="utf-8")
    assert main(["scan", str(tmp_path)]) == 2  # the module's file, named from the scanned folder too
    assert "was not reviewed: modules/m/main.tf (line 3" in capsys.readouterr().err
