"""An empty path on the command line is refused, never read as the current directory or as "not given".

A CI step writes `tfreview scan "$PLAN"`; with the variable unset, `scan ''` reviewed the current directory as
Terraform source instead (a pass, exit 0, over something nobody asked for); `--base ''` compared the current
directory with PATH; `--config ''` and `--baseline ''` were dropped without a word (the repository's settings
found upward instead, every baselined finding reported); `--output-file ''` and `baseline create -f ''` said
".: cannot write: Is a directory"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfreview.cli import main

PLAN = str(Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus" / "tfjson__120_basic__plan.json")
ROOT = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["scan", ""], "path"),
        (["scan", "--base", "", "."], "--base"),
        (["scan", "--source", "", PLAN], "--source"),
        (["scan", "--config", "", PLAN], "--config"),
        (["scan", "--baseline", "", PLAN], "--baseline"),
        (["scan", "-o", "json", "--output-file", "", PLAN], "--output-file"),
        (["baseline", "create", "-f", "", PLAN], "-f/--file"),
        (["baseline", "create", ""], "path"),
        (["submit", "--url", "http://127.0.0.1:9", ""], "plan"),  # "cannot read: No such file or directory"
    ],
)
def test_an_empty_path_is_a_usage_error(
    argv: list[str], name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(ROOT, encoding="utf-8")  # what `scan ''` reviewed instead
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[-1].endswith(
        f"error: argument {name}: an empty path (a variable that is not set?)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.tf"]  # nothing written


def test_stdin_and_stdout_are_still_dashes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "-o", "json", "--output-file", "-", PLAN]) == 0
    assert capsys.readouterr().out.startswith("{")
