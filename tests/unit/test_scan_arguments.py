"""`tfreview scan` parsed without the whole command tree: the same namespace as the full parser, and every
error, help and usage still the full parser's (`tfreview.scan_arguments.parse_scan`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tfreview import __version__
from tfreview.cli import build_parser, main
from tfreview.scan_arguments import parse_scan

_CLEAN = [
    ["scan", "plan.json"],
    ["scan", "-"],
    ["scan", "plan.json", "-o", "json", "-o", "sarif", "--output-file", "r.json", "--output-file", "-"],
    ["scan", "dir", "--base", "main", "--source", "src", "--allow-parse-errors", "--config", "c.toml", "--debug"],
    ["scan", "p.json", "--fail-on", "high", "--soft-fail", "--fail-on-uncovered", "--baseline", "b.json"],
    ["scan", "p.json", "--skip-rule", "TFR-AWS-001", "--skip-rule", "CKV_AWS_20", "--rule", "x", "--no-color"],
    ["scan", "p.json", "--advisor", "builtin", "--path-prefix", "infra"],
    ["scan", "p.json", "--soft", "--no-c", "--adv", "none"],  # abbreviations, as argparse allows them
    ["scan", "--", "-odd-name.json"],
]


@pytest.mark.parametrize("argv", _CLEAN, ids=" ".join)
def test_a_clean_scan_command_line_parses_to_the_full_parsers_namespace(argv: list[str]) -> None:
    assert parse_scan(argv) == build_parser().parse_args(argv)


_ANSWERED_BY_THE_FULL_PARSER = [
    [],
    ["--version"],
    ["rules", "list"],
    ["scan"],
    ["scan", "-h"],
    ["scan", "p.json", "--h"],
    ["scan", "p.json", "--help"],
    ["scan", "p.json", "-o", "yaml"],
    ["scan", "p.json", "--bogus"],
    ["scan", "p.json", "extra"],
    ["scan", "p.json", "--advisor", "nobody"],
    ["scan", "p.json", "--version"],
    ["--debug", "scan", "p.json"],
]


@pytest.mark.parametrize("argv", _ANSWERED_BY_THE_FULL_PARSER, ids=lambda a: " ".join(a) or "(none)")
def test_anything_else_is_left_to_the_full_parser_and_nothing_is_printed(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert parse_scan(argv) is None
    assert capsys.readouterr() == ("", "")


def test_errors_and_help_are_the_full_parsers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["scan", "p.json", "--bogus"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: tfreview [-h] [--version] [--debug]")  # the top-level usage, every command
    assert "{scan,baseline,rules," in err
    assert err.endswith("tfreview: error: unrecognized arguments: --bogus\n")
    with pytest.raises(SystemExit) as exited:
        main(["scan", "-h"])
    assert exited.value.code == 0
    scan_help = capsys.readouterr().out
    assert scan_help.startswith("usage: tfreview scan [-h] [--base DIR_OR_GIT_REF]")
    assert "--advisor NAME" in scan_help


def test_version_is_what_argparse_printed() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "--version"], capture_output=True, text=True, check=False, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"tfreview {__version__}\n", "")
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--version"])
    assert exited.value.code == 0
