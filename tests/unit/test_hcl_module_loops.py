"""A module that calls itself, directly or through others, is read once and noted, not followed: Terraform
loops on such a configuration, and `tfreview scan DIR` followed it to the depth bound, each level multiplying
the calls (two `source = "./"` calls are 2^16 module instances; the scan never ended)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.cli import main

BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'


def _scan(directory: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = main(["scan", "--soft-fail", "-o", "json", str(directory)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert isinstance(report, dict)
    return report


def _addresses(report: dict[str, object]) -> set[str]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return {finding["address"] for finding in findings}


def _notes(report: dict[str, object]) -> list[str]:
    coverage = report["coverage"]
    assert isinstance(coverage, dict)
    notes = coverage["notes"]
    assert isinstance(notes, list)
    return notes


def test_a_module_calling_its_own_directory_twice_is_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "main.tf").write_text('module "a" {\n  source = "./"\n}\nmodule "b" {\n  source = "./"\n}\n' + BUCKET)
    report = _scan(tmp_path, capsys)
    assert _addresses(report) == {"aws_s3_bucket.b"}
    assert _notes(report) == [
        f"module.{name}: module source './' is '.', a module on its own call path (a module source loop); not followed"
        for name in ("a", "b")
    ]


def test_a_loop_through_another_module_stops_where_it_closes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "main.tf").write_text('module "a" {\n  source = "./a"\n}\n')
    (tmp_path / "a" / "main.tf").write_text(
        'module "b1" {\n  source = "../b"\n}\nmodule "b2" {\n  source = "../b"\n}\n' + BUCKET
    )
    (tmp_path / "b" / "main.tf").write_text('module "a" {\n  source = "../a"\n}\n')
    report = _scan(tmp_path, capsys)
    assert _addresses(report) == {"module.a.aws_s3_bucket.b"}
    assert _notes(report) == [
        f"module.a.module.{name}.module.a: module source '../a' is 'a', a module on its own call path "
        "(a module source loop); not followed"
        for name in ("b1", "b2")
    ]


def test_the_same_module_called_from_two_places_is_still_read_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "main.tf").write_text(BUCKET)
    (tmp_path / "main.tf").write_text(
        'module "x" {\n  source = "./common"\n}\nmodule "y" {\n  source = "./common"\n}\n'
    )
    report = _scan(tmp_path, capsys)
    assert _addresses(report) >= {"module.x.aws_s3_bucket.b", "module.y.aws_s3_bucket.b"}
    assert not any("loop" in note for note in _notes(report))


def test_a_loop_through_a_symbolic_link_is_not_followed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`self -> .` in the module's folder, called twice: the same directory on disk under another name, which
    was followed to the depth bound (2^16 module instances, a report of more than 1 GB)."""
    (tmp_path / "self").symlink_to(".")
    (tmp_path / "main.tf").write_text(
        'module "a" {\n  source = "./self"\n}\nmodule "b" {\n  source = "./self"\n}\n' + BUCKET
    )
    report = _scan(tmp_path, capsys)
    assert _addresses(report) == {"aws_s3_bucket.b"}
    assert _notes(report) == [
        f"module.{name}: module source './self' is 'self', a module on its own call path (a module source loop); "
        "not followed"
        for name in ("a", "b")
    ]


def test_a_folder_reached_through_a_symbolic_link_from_elsewhere_is_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "main.tf").write_text(BUCKET)
    (tmp_path / "linked").symlink_to("shared")
    calls = 'module "x" {\n  source = "./shared"\n}\nmodule "y" {\n  source = "./linked"\n}\n'
    (tmp_path / "main.tf").write_text(calls)
    report = _scan(tmp_path, capsys)
    assert _addresses(report) >= {"module.x.aws_s3_bucket.b", "module.y.aws_s3_bucket.b"}
    assert not any("loop" in note for note in _notes(report))
