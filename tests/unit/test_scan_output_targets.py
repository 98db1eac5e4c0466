"""Where `tfreview scan` writes: two reports never share one file, and a full stdout is said in one line.

- `-o json -o sarif --output-file r --output-file r` wrote the JSON report, then the SARIF one over it: exit 0
  and one of the two reports the user asked for silently gone (also when the two names are spelled apart);
- a report to a stdout that cannot take it (`> /dev/full`: a full disk) ended in "internal error: OSError …
  (rerun with --debug)", exit 3, where the same report to `--output-file /dev/full` says "cannot write: No space
  left on device", exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview.cli import main

PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "corpus" / "tfjson__120_basic__plan.json"
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


@pytest.mark.parametrize("second", ["report", "./report", "sub/../report"])
def test_two_formats_to_one_file_are_refused_before_anything_is_written(
    tmp_path: Path, second: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    argv = ["scan", str(PLAN), "-o", "json", "-o", "sarif", "--output-file", "report", "--output-file", second]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error == (
        f"tfreview: error: --output-file {second} is also the file of -o json: one file holds one report; "
        "give each format its own file\n"
    )
    assert not (tmp_path / "report").exists()


def test_the_same_stream_twice_is_still_two_reports_on_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(PLAN), "-o", "text", "-o", "github", "--output-file", "-", "--output-file", "-"]) == 0
    assert "Verdict: PASS" in capsys.readouterr().out


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is a Linux device")
def test_a_full_stdout_is_one_line_and_an_input_or_output_error() -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "tfreview", "scan", str(PLAN), "-o", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
            env=_ENV,
        )
    assert done.stderr.decode() == "tfreview: error: stdout: cannot write: No space left on device\n"
    assert done.returncode == 2


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_json_report_printed_to_a_ci_log_writes_no_workflow_command(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub's runner reads the older `##[command]` anywhere in a line of a step's output: a bucket named
    `##[add-mask]…` printed in `scan -o json` (a CI log) was a command. Written `#\\u0023[`, the same string."""
    import json

    name = "x##[add-mask]y"
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": f'aws_s3_bucket.b["{name}"]',
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "b",
                "index": name,
                "change": {"actions": ["create"], "before": None, "after": {"bucket": name, "acl": "public-read"}},
            }
        ],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    assert main(["scan", str(tmp_path / "plan.json"), "-o", fmt]) == 1
    out = capsys.readouterr().out
    assert "##[" not in out
    assert f'aws_s3_bucket.b[\\"{name}\\"]' in json.dumps(json.loads(out), ensure_ascii=False)
