"""The arguments of `tfreview scan`, and a parser of `scan` alone for the common case (`tfreview.cli`).

Building the whole command tree (the service's and operators' commands, ~55 parsers) costs more CPU than
reviewing a small plan; `parse_scan` parses a `scan` command line with a parser of `scan` only, and gives up
(None) on anything it would answer with an error or help, so that the full parser answers it exactly as
it always did.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, NoReturn

FORMATS = ("text", "json", "sarif", "junit", "markdown", "github")
ADVISOR_CHOICES = ("none", "builtin", "openai", "anthropic", "bedrock", "chain")


def given_path(value: str) -> str:
    """A path argument as written, unless empty: `tfreview scan "$PLAN"` with the variable unset read `''` as the
    current directory (a review of something nobody asked for), and an empty `--config` or `--baseline` as not
    given at all."""
    if not value:
        raise argparse.ArgumentTypeError("an empty path (a variable that is not set?)")
    return value


def add_scan_command(commands: Any) -> None:
    """`scan` and its arguments, on the `commands` of a parser (`add_subparsers`)."""
    scan = commands.add_parser("scan", help="review a plan JSON file or a directory of .tf files")
    add_input_arguments(scan)
    scan.add_argument(
        "-o",
        "--output",
        action="append",
        choices=FORMATS,
        metavar="FORMAT",
        help=f"output format, repeatable: {', '.join(FORMATS)} (default: text)",
    )
    scan.add_argument(
        "--output-file",
        action="append",
        type=given_path,
        metavar="FILE",
        help="write the matching -o format to FILE (in the order given); '-' is stdout",
    )
    scan.add_argument(
        "--path-prefix",
        metavar="PATH",
        help="the scanned folder's path in the repository, for file paths in sarif, github and junit output "
        "(default: found from the git root, else the current directory)",
    )
    scan.add_argument("--fail-on", metavar="SEVERITY", help="threshold: critical, high, medium, low, info")
    scan.add_argument("--soft-fail", action="store_true", help="always exit 0 when the review ran")
    scan.add_argument(
        "--fail-on-uncovered",
        action="store_true",
        help="fail when a reviewed resource is of a type no rule checks (also: fail_on_uncovered in .tfreview.toml)",
    )

    scan.add_argument("--baseline", type=given_path, metavar="FILE", help="report only findings not recorded in FILE")
    scan.add_argument(
        "--skip-rule",
        action="append",
        default=[],
        metavar="ID",
        help="do not run this rule (id, long id, Checkov or Trivy id); repeatable",
    )
    scan.add_argument("--rule", action="append", default=[], metavar="ID", help="run only these rules; repeatable")
    scan.add_argument("--no-color", action="store_true", help="no ANSI colours (also: NO_COLOR=1)")
    scan.add_argument(
        "--advisor",
        metavar="NAME",
        choices=ADVISOR_CHOICES,
        help="add an AI review: builtin (offline), openai, anthropic, bedrock, chain, or none "
        "(default: [advisor] name in .tfreview.toml, else TFREVIEW_ADVISOR__NAME, else none)",
    )


def add_input_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "path",
        type=given_path,
        help="plan JSON file (`terraform show -json`), '-' for stdin, or a directory (scan: each root module under it)",
    )
    command.add_argument(
        "--base",
        type=given_path,
        metavar="DIR_OR_GIT_REF",
        help="review PATH (a directory) as a change from this directory or git ref",
    )
    command.add_argument(
        "--source",
        type=given_path,
        metavar="DIR",
        help="for a plan: the .tf files to read suppressions and file/line from",
    )
    command.add_argument(
        "--allow-parse-errors",
        action="store_true",
        help="review what parses when a .tf file does not: the verdict is then at least warn (default: exit 2)",
    )
    command.add_argument(
        "--config", type=given_path, metavar="FILE", help="a .tfreview.toml (default: found upward from PATH)"
    )
    command.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of internal errors"
    )


class _GiveUp(Exception):
    """The scan-only parser met something the full parser must answer (an error, help)."""


class _ScanOnly(argparse.ArgumentParser):
    """Never writes or exits: whatever it would say (an error, help, usage), the full parser says instead."""

    def error(self, message: str) -> NoReturn:
        raise _GiveUp(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _GiveUp(message or "")

    def _print_message(self, message: str, file: Any = None) -> None:
        raise _GiveUp(message)

    def _get_formatter(self) -> argparse.HelpFormatter:
        """A formatter of a fixed width: this parser never shows what it formats (argparse formats to check an
        argument's metavar), and the default width is read by `shutil.get_terminal_size`, whose import (shutil,
        bz2, lzma) cost a scan ~6.6 M instructions."""
        return argparse.HelpFormatter(prog=self.prog, width=100)


def parse_scan(argv: Sequence[str]) -> argparse.Namespace | None:
    """`argv` parsed when it is a `scan` command line that parses cleanly, else None (use the full parser).

    The namespace is the full parser's: the same top-level options (`--debug`) and the same `scan` arguments."""
    if not argv or argv[0] != "scan":
        return None
    parser = _ScanOnly(prog="tfreview", add_help=True)
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_ScanOnly)
    add_scan_command(commands)
    try:
        return parser.parse_args(argv)
    except _GiveUp:
        return None
