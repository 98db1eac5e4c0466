"""`tfreview scan DIR` of a tree with more Terraform files than a scan reads (ADR 0587): 200,000 tiny `.tf` files
were all listed, read and parsed (about 1 s of CPU and 7 MB per 1,000 on the reference machine): a pull request
chose how long the CI job ran and how much memory it took. Past MAX_SCAN_FILES the scan is refused before any file
is read: one line naming the folder and the bound, exit 2, no traceback, no report file written. A module folder
outside the scanned one is held to the same bound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview import cli
from tfreview.parsing import file_bound
from tfreview.parsing.file_bound import MAX_SCAN_FILES


def _files(folder: Path, count: int, suffix: str = ".tf") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"f{n}{suffix}").write_bytes(b"")


def _scan(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )


def test_a_tree_past_the_bound_is_refused_before_any_file_is_read(tmp_path: Path) -> None:
    half = MAX_SCAN_FILES // 2
    _files(tmp_path / "tree" / "a", half)
    _files(tmp_path / "tree" / "b" / "c", MAX_SCAN_FILES - half - 1)
    (tmp_path / "tree" / "b" / "terraform.tfvars").write_bytes(b"")  # variable files count too
    (tmp_path / "tree" / "b" / "extra.auto.tfvars").write_bytes(b"")
    done = _scan(tmp_path, "tree", "-o", "sarif", "--output-file", "report.sarif")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"tfreview: error: tree holds more than {MAX_SCAN_FILES:,} Terraform files (.tf, .tfvars): a scan reads at "
        f"most {MAX_SCAN_FILES:,} (scan a folder that holds fewer)"
    )
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tree"]  # no report, no partial file


def test_a_tree_exactly_at_the_bound_is_scanned_as_ever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the tree above, at a bound of 20 (the comparisons read file_bound.MAX_SCAN_FILES when they run): one file past
    # it refused, exactly at it scanned. At the real bound this scan parsed 50,000 files in a process: ~16 CPU-s and
    # 60-90 s at load 6, for the same comparison (ADR 0749)
    bound = 20
    monkeypatch.setattr(file_bound, "MAX_SCAN_FILES", bound)
    monkeypatch.chdir(tmp_path)
    _files(tmp_path / "tree" / "a", bound // 2)
    _files(tmp_path / "tree" / "b" / "c", bound - bound // 2 - 1)
    (tmp_path / "tree" / "b" / "terraform.tfvars").write_bytes(b"")
    (tmp_path / "tree" / "b" / "extra.auto.tfvars").write_bytes(b"")
    assert cli.main(["scan", "tree", "-o", "sarif", "--output-file", "report.sarif"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"tfreview: error: tree holds more than {bound} Terraform files (.tf, .tfvars): a scan reads at most {bound} "
        "(scan a folder that holds fewer)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tree"]
    (tmp_path / "tree" / "b" / "extra.auto.tfvars").unlink()  # exactly at the bound: scanned as ever
    assert cli.main(["scan", "tree", "-o", "text"]) == 0
    assert "Verdict: PASS" in capsys.readouterr().out


@pytest.fixture
def bound(monkeypatch: pytest.MonkeyPatch) -> int:
    """A bound of 20 for the scan run in this process (`cli.main`): each comparison reads file_bound.MAX_SCAN_FILES
    when it runs, so 21 files meet the same check 50,001 did — without writing 50,001 files, committing them to git
    and starting a scan process for them (20-30 s at load 6 each, ADR 0749). The real bound is met from the outside
    by the tree above and by test_scan_file_bound_total's hidden module folders."""
    monkeypatch.setattr(file_bound, "MAX_SCAN_FILES", 20)
    return 20


def test_a_called_module_folder_past_the_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bound: int
) -> None:
    _files(tmp_path / "modules" / "big", bound + 1)
    prod = tmp_path / "envs" / "prod"
    prod.mkdir(parents=True)
    (prod / "main.tf").write_text('module "big" {\n  source = "../../modules/big"\n}\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["scan", "envs/prod", "--output-file", "report.txt"]) == 2
    err = capsys.readouterr().err
    assert f"../../modules/big holds more than {bound} Terraform files" in err
    assert "Traceback" not in err
    assert not (tmp_path / "report.txt").exists()


def test_a_base_revision_past_the_bound_is_refused_before_a_file_of_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bound: int
) -> None:
    # `--base REF` reads the base's files one `git show` each: 50,001 of them was most of an hour
    repo = tmp_path / "repo"
    _files(repo / "infra", bound + 1)

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=120)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "base")
    for path in (repo / "infra").iterdir():
        path.unlink()
    (repo / "infra" / "main.tf").write_text('variable "x" {}\n', encoding="utf-8")
    monkeypatch.chdir(repo)
    assert cli.main(["scan", "infra", "--base", "HEAD", "--output-file", "report.txt"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tfreview: error: . at HEAD holds more than {bound} Terraform files"), err
    assert "Traceback" not in err
    assert not (repo / "report.txt").exists()
