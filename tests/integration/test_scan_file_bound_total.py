"""ADR 0587 says a scan reads at most MAX_SCAN_FILES Terraform files; it bounded each folder and the root walk, not
the scan (review17b, ADR 0604): module folders the walk does not count (hidden ones, `./.m1`; folders outside the
scanned one) were read past the bound, 60,001 files parsed from two hidden module folders of 30,000; and a module
shared by several roots was read (and parsed) again for each, 72,003 reads in a tree of 24,003 files. Every file a
scan reads now counts against one bound, a module read again for another root counted again (ADR 0604)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview import cli
from tfreview.parsing import file_bound

BOUND = 20


def _files(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"f{n}.tf").write_bytes(b"")


def _calls(folder: Path, *sources: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(f'module "m{n}" {{\n  source = "{source}"\n}}\n' for n, source in enumerate(sources))
    (folder / "main.tf").write_text(text, encoding="utf-8")


@pytest.fixture
def small_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_bound, "MAX_SCAN_FILES", BOUND)


def _refusal(where: str) -> str:
    return (
        f"tfreview: error: scanning {where} reads more than {BOUND:,} Terraform files (.tf, .tfvars) with the modules "
        f"it calls (a module again for each root that calls it): a scan reads at most {BOUND:,} (scan a folder that "
        "holds fewer)"
    )


def _main(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.chdir(cwd)
    return cli.main(["scan", *args])


@pytest.mark.usefixtures("small_bound")
def test_hidden_module_folders_count_towards_the_scans_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _files(tmp_path / "tree" / ".m1", 12)  # the walk does not enter hidden folders: it counted 1 file
    _files(tmp_path / "tree" / ".m2", 12)
    _calls(tmp_path / "tree", "./.m1", "./.m2")
    assert _main(tmp_path, monkeypatch, "tree", "--output-file", "report.txt") == 2
    err = capsys.readouterr().err
    assert err.strip() == _refusal("tree")
    assert not (tmp_path / "report.txt").exists()


@pytest.mark.usefixtures("small_bound")
def test_module_folders_outside_the_scanned_one_count_towards_the_scans_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _files(tmp_path / "modules" / "a", 15)
    _files(tmp_path / "modules" / "b", 15)
    _calls(tmp_path / "envs" / "prod", "../../modules/a", "../../modules/b")
    assert _main(tmp_path, monkeypatch, "envs/prod", "-o", "text") == 2
    assert capsys.readouterr().err.strip() == _refusal("envs/prod")


@pytest.mark.usefixtures("small_bound")
def test_a_module_read_again_for_each_root_counts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _files(tmp_path / "tree" / "modules" / "shared", 8)
    for root in ("r1", "r2", "r3"):
        _calls(tmp_path / "tree" / "envs" / root, "../../modules/shared")
    # 11 files in the tree: within the bound; 27 reads (3 roots, each 1 + 8): past it
    assert _main(tmp_path, monkeypatch, "tree", "-o", "text") == 2
    assert capsys.readouterr().err.strip() == _refusal("tree")


@pytest.mark.usefixtures("small_bound")
def test_reads_up_to_the_bound_scan_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _files(tmp_path / "tree" / "modules" / "shared", 5)
    for root in ("r1", "r2", "r3"):
        _calls(tmp_path / "tree" / "envs" / root, "../../modules/shared")
    (tmp_path / "tree" / "envs" / "r3" / "extra.tf").write_bytes(b"")  # 6 + 6 + 8 = exactly 20 reads
    (tmp_path / "tree" / "envs" / "r3" / "more.tf").write_bytes(b"")
    assert _main(tmp_path, monkeypatch, "tree", "-o", "text") == 0
    out = capsys.readouterr().out
    assert out.count("Verdict: PASS") == 3, out


def test_a_real_scan_of_two_hidden_module_folders_stops_at_the_bound(tmp_path: Path) -> None:
    # from the outside, at the real bound: two hidden module folders of 25,001 files (the walk counted main.tf only)
    half = file_bound.MAX_SCAN_FILES // 2 + 1
    _files(tmp_path / "tree" / ".m1", half)
    _files(tmp_path / "tree" / ".m2", half)
    _calls(tmp_path / "tree", "./.m1", "./.m2")
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", "tree", "--output-file", "report.txt"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"tfreview: error: scanning tree reads more than {file_bound.MAX_SCAN_FILES:,}")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "report.txt").exists()
