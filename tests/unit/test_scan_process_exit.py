"""`tfreview scan` as its own process leaves with os._exit once its reports are written (ADR 0315): the same
reports, the same exit codes and the same messages as the command run in-process, which frees as always."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tfreview import cli

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
# a logging handler's buffer is flushed by the exit handlers the fast exit still runs
_LOGGING_AT_EXIT = """
import logging, sys
from tfreview.cli import run
handler = logging.StreamHandler(sys.stderr)
handler.terminator = ""
logging.getLogger("probe").addHandler(handler)
logging.getLogger("probe").warning("logged before the scan")
import atexit
atexit.register(lambda: sys.stdout.write("exit handler ran\\n"))
sys.exit(run())
"""


# PYTHONUNBUFFERED (set in some CI shells) would write every report through at once and hide what os._exit
# loses from a buffer: the processes here run with the streams buffered, as for a user.
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def _process(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", *argv], capture_output=True, input=stdin, timeout=120, check=False, env=_ENV
    )


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (("scan", str(DEMO / "plan.json"), "-o", "json"), 1),
        (("scan", str(DEMO / "plan.json"), "-o", "sarif", "--soft-fail"), 0),
        (("scan", str(DEMO / "plan.json"), "-o", "markdown", "--source", str(DEMO)), 1),
        (("scan", str(DEMO / "plan.json"), "-o", "text", "--rule", "TFR-AWS-051"), 0),
        (("scan", str(ROOT / "tests" / "data" / "bad" / "truncated.json")), 2),
        (("scan", str(ROOT / "tests" / "data" / "bad" / "no-such-plan.json"), "-o", "json"), 2),
    ],
)
def test_a_scan_process_says_what_the_command_says_in_process(
    argv: tuple[str, ...], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    done = _process(*argv)
    assert done.returncode == code, done.stderr
    assert cli.main(list(argv)) == code
    captured = capsys.readouterr()
    assert done.stdout.decode() == captured.out
    assert done.stderr.decode() == captured.err
    assert cli._HELD == []  # an in-process run keeps nothing: its caller frees the review as usual


def test_reports_written_to_files_and_stdout_are_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = DEMO / "plan.json"
    json_file, sarif_file = tmp_path / "r.json", tmp_path / "r.sarif"
    done = _process(
        *("scan", str(plan), "-o", "json", "-o", "sarif", "-o", "markdown"),
        *("--output-file", str(json_file), "--output-file", str(sarif_file)),
    )
    assert done.returncode == 1, done.stderr
    inside = tmp_path / "inside"
    inside.mkdir()
    assert (
        cli.main(
            [
                *("scan", str(plan), "-o", "json", "-o", "sarif", "-o", "markdown"),
                *("--output-file", str(inside / "r.json"), "--output-file", str(inside / "r.sarif")),
            ]
        )
        == 1
    )
    assert json_file.read_bytes() == (inside / "r.json").read_bytes()
    assert sarif_file.read_bytes() == (inside / "r.sarif").read_bytes()
    assert done.stdout.decode() == capsys.readouterr().out  # the markdown report, flushed whole before the exit
    assert done.stdout.rstrip().endswith(b"</details>")
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_plan_on_stdin_and_a_report_to_a_pipe() -> None:
    plan = (DEMO / "plan.json").read_bytes()
    done = _process("scan", "-", "-o", "json", "--soft-fail", stdin=plan)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(b"}")  # the whole document, not a buffer cut short by os._exit


def test_exit_handlers_still_run(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LOGGING_AT_EXIT, "scan", str(DEMO / "plan.json"), "-o", "json", "--soft-fail"],
        capture_output=True,
        env=_ENV,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(b"exit handler ran\n")
    assert b"logged before the scan" in done.stderr


def test_a_profiled_scan_leaves_through_the_interpreter_so_the_profile_is_written(tmp_path: Path) -> None:
    profile = tmp_path / "scan.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "tfreview", "scan", str(DEMO / "plan.json")],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr  # cProfile swallows the SystemExit of `main`'s code
    assert profile.stat().st_size > 0


def _closed(descriptor: int, *argv: str) -> subprocess.CompletedProcess[bytes]:
    """`tfreview …` with standard descriptor `descriptor` closed from the start (`>&-`, `2>&-`)."""
    shell = f'exec "$@" {descriptor}>&-'
    return subprocess.run(
        ["sh", "-c", shell, "sh", sys.executable, "-m", "tfreview", *argv],
        capture_output=True,
        timeout=120,
        check=False,
        env=_ENV,
    )


def test_a_scan_with_stdout_closed_writes_its_files_and_says_the_verdict(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    done = _closed(1, "scan", str(DEMO / "plan.json"), "-o", "json", "--output-file", str(report))
    assert (done.returncode, done.stderr) == (1, b"")  # the verdict; no traceback, no error for a stdout not used
    assert json.loads(report.read_bytes())["findings"]


def test_a_scan_with_stderr_closed_still_writes_its_report(tmp_path: Path) -> None:
    done = _closed(2, "scan", str(DEMO / "plan.json"), "-o", "json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["findings"]  # the whole report, no error message written in its place


_IN_PROCESS = """
import sys
from tfreview.cli import main
sys.argv = ["tfreview", "scan", sys.argv[1], "-o", "json", "--output-file", sys.argv[2]]
code = main()
print(f"the caller goes on after main() returned {code}")
"""


def test_main_called_in_process_without_argv_returns_to_its_caller(tmp_path: Path) -> None:
    # `main()` reading sys.argv is what a wrapper or a harness calls in its own process: it must return
    report = tmp_path / "r.json"
    done = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS, str(DEMO / "plan.json"), str(report)],
        capture_output=True,
        timeout=120,
        check=False,
        env=_ENV,
    )
    assert (done.returncode, done.stdout) == (0, b"the caller goes on after main() returned 1\n"), done.stderr
    assert json.loads(report.read_bytes())["findings"]
