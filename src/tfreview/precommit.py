"""The pre-commit hook (`.pre-commit-hooks.yaml`): review the Terraform directories a commit touches.

    repos:
      - repo: https://github.com/tfreview/tfreview
        rev: v0.1.0
        hooks:
          - id: tfreview
            args: [--fail-on, high]

pre-commit passes the staged Terraform files (`.tf`, `.tofu`, `.tfvars`, and their `.json` forms).
Each directory holding one is reviewed once — only the changed root modules, never the whole
repository — as a change from `HEAD` (`tfreview scan DIR --base HEAD`): what the commit introduces
fails it, what was already there is listed but does not block (unless `fail_on_existing`). In a
repository without a commit yet, the directories are reviewed whole. `.tfreview.toml` is found upward
from each directory as with `tfreview scan`. Exit code: the highest of the reviews' (0, 1, 2, 3).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".tfvars.json")


def changed_roots(files: Iterable[str]) -> list[str]:
    """The directories of the Terraform files given, once each, in order; others are ignored."""
    roots: dict[str, None] = {}
    for name in files:
        if name.endswith(TERRAFORM_SUFFIXES):
            roots[str(Path(name).parent)] = None
    return list(roots)


def has_head(directory: Path) -> bool:
    """Whether the repository holding `directory` has a commit to compare with."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
            cwd=directory,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tfreview pre-commit hook", description="Review the Terraform directories of the staged files."
    )
    parser.add_argument("files", nargs="*", help="staged files (pre-commit passes them)")
    parser.add_argument("--base", default="HEAD", help="git ref the change is reviewed from; 'none': whole directories")
    parser.add_argument("--fail-on", metavar="SEVERITY", help="threshold: critical, high, medium, low, info")
    parser.add_argument("--config", metavar="FILE", help="a .tfreview.toml (default: found upward from each directory)")
    parser.add_argument("--skip-rule", action="append", default=[], metavar="ID", help="do not run this rule")
    parser.add_argument("-o", "--output", default="text", choices=("text", "markdown", "json"), help="output format")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from tfreview.cli import main as cli

    args = _parser().parse_args(argv)
    roots = changed_roots(args.files)
    if not roots:
        return 0
    base = None if args.base.lower() == "none" or not has_head(Path.cwd()) else args.base
    options = ["--no-color", "-o", args.output]
    if base is not None:
        options += ["--base", base]
    if args.fail_on:
        options += ["--fail-on", args.fail_on]
    if args.config:
        options += ["--config", args.config]
    for rule in args.skip_rule:
        options += ["--skip-rule", rule]
    worst = 0
    for root in roots:
        if not any(Path(root).glob("*.tf")):
            continue  # only variable files changed where no module lives: nothing to review here
        print(f"tfreview: {root}" + (f" (the change from {base})" if base else ""), flush=True)
        worst = max(worst, cli(["scan", root, *options]))
    return worst


if __name__ == "__main__":
    sys.exit(main())
