"""The `tfreview` command line.

Exit codes (documented in docs/reference/cli.md):
  0  no counted finding at or above the threshold (or --soft-fail)
  1  findings at or above the threshold
  2  usage, configuration or input error
  3  internal error (rerun with --debug for the traceback)
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tfreview import __version__
from tfreview.core.errors import ConfigError, InputError, TfreviewError

if TYPE_CHECKING:
    from tfreview.advisor.settings import AdvisorSettings
    from tfreview.core.findings import Review
    from tfreview.core.plan import ChangeSet
    from tfreview.core.policy import Policy
    from tfreview.core.rules import Rule

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMATS = ("text", "json", "sarif", "junit", "markdown", "github")
ADVISOR_CHOICES = ("none", "builtin", "openai", "anthropic", "bedrock", "chain")
_PROGRESS_THRESHOLD = 5_000  # resources; below this the review is instant


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"tfreview: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tfreview", description="Review Terraform and OpenTofu changes.")
    parser.add_argument("--version", action="version", version=f"tfreview {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    scan = commands.add_parser("scan", help="review a plan JSON file or a directory of .tf files")
    _add_input_arguments(scan)
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

    scan.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE")
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

    baseline = commands.add_parser("baseline", help="record today's findings")
    baseline_commands = baseline.add_subparsers(dest="baseline_command", required=True, parser_class=_Parser)
    create = baseline_commands.add_parser("create", help="write a baseline of the current findings")
    _add_input_arguments(create)
    create.add_argument("-f", "--file", default=".tfreview-baseline.json", help="where to write it")

    rules = commands.add_parser("rules", help="the rule library")
    rule_commands = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    listing = rule_commands.add_parser("list", help="list every rule")
    listing.add_argument("-o", "--output", choices=("text", "json"), default="text")
    listing.add_argument(
        "--provider",
        choices=("aws", "azure", "gcp", "change"),
        metavar="PROVIDER",
        help="only this provider: aws, azure, gcp, change",
    )
    show = rule_commands.add_parser("show", help="show one rule")
    show.add_argument("id", help="rule id, long id, or a Checkov/Trivy id")
    _add_service_commands(commands)
    return parser


def _add_service_commands(commands: Any) -> None:
    """The service's commands; their code is imported only when one of them runs (`scan` stays fast)."""
    serve = commands.add_parser(
        "serve",
        help="run the service: API and webhooks, plus the worker pool and scheduler unless --no-worker",
        description="Settings come from TFREVIEW_* environment variables (docs/howto/run-the-service.md). "
        "On SQLite (the default, inside --data-dir) the schema is upgraded first and the durability "
        "settings are checked; the service refuses to start without them.",
    )
    serve.add_argument("--host", help="address to listen on (default: TFREVIEW_SERVER__HOST or 127.0.0.1)")
    serve.add_argument("--port", type=_port, help="port to listen on, 0 for any free port (default: 8080)")
    serve.add_argument("--no-worker", action="store_true", help="API and webhooks only (scaled mode)")
    serve.add_argument("--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)")

    worker = commands.add_parser("worker", help="run a worker pool only, no API (scaled mode, shared PostgreSQL)")
    worker.add_argument("--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)")

    db = commands.add_parser("db", help="the service's database")
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    upgrade = db_commands.add_parser("upgrade", help="create or migrate the schema to the latest version (Alembic)")
    upgrade.add_argument("--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)")

    tokens = commands.add_parser("tokens", help="API tokens: create, list, revoke")
    token_commands = tokens.add_subparsers(dest="tokens_command", required=True, parser_class=_Parser)
    create = token_commands.add_parser("create", help="create a token and print its secret (shown once)")
    create.add_argument("--tenant", required=True, help="the tenant it is bound to, e.g. github:123 or spacelift:acme")
    create.add_argument("--scope", required=True, choices=("read", "write", "admin"), help="what it may do")
    create.add_argument("--name", required=True, help="a label to recognise it by")
    create.add_argument("--expires-in-days", type=int, metavar="D", help="expire after D days (default: never)")
    listing = token_commands.add_parser("list", help="list tokens (never their secrets)")
    listing.add_argument("--tenant", help="only this tenant's tokens")
    revoke = token_commands.add_parser("revoke", help="revoke a token; it stops working at once")
    revoke.add_argument("id", help="the token id (from `tokens list`)")
    for command in (create, listing, revoke):
        command.add_argument(
            "--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)"
        )

    reconcile = commands.add_parser(
        "reconcile",
        help="catch up once on what webhooks missed (failed GitHub deliveries, unreviewed PRs, Spacelift runs)",
        description="Runs the reconcilers that `serve` and `worker` run on a schedule, once, in the foreground. "
        "Without a flag every configured reconciler runs. Exit 0 when every reconciler ran, 2 when one asked "
        "for is not configured, 3 when one failed (GitHub or Spacelift unreachable).",
    )
    reconcile.add_argument(
        "--github-deliveries", action="store_true", help="redeliver failed GitHub App webhook deliveries (≤ 3 days)"
    )
    reconcile.add_argument(
        "--github-pull-requests",
        action="store_true",
        help="enqueue a review for every open pull request whose head commit has none",
    )
    reconcile.add_argument(
        "--spacelift", action="store_true", help="enqueue the Spacelift runs of the configured stacks never reviewed"
    )
    reconcile.add_argument(
        "--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)"
    )

    submit = commands.add_parser(
        "submit",
        help="send a plan JSON to a tfreview service for review (the Spacelift after_plan hook)",
        description="POST the plan to <url>/api/v1/plans. Exit 0 when accepted (the review URL is printed), "
        "2 when refused (4xx: the problem is printed), 3 when the service cannot be reached after 3 tries.",
    )
    submit.add_argument("plan", help="plan JSON (`terraform show -json PLANFILE`), '-' for stdin")
    submit.add_argument("--url", help="the service's base URL (default: $TFREVIEW_URL)")
    submit.add_argument(
        "--token-env", default="TFREVIEW_TOKEN", metavar="VAR", help="environment variable holding the API token"
    )
    submit.add_argument(
        "--spacelift-env", action="store_true", help="read stack, run, commit and repository from Spacelift's run"
    )
    submit.add_argument("--repository", metavar="OWNER/REPO", help="the repository the plan was made from")
    submit.add_argument("--commit", metavar="SHA", help="the commit the plan was made from")
    submit.add_argument("--pull-request", type=int, metavar="N", help="the pull request number")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 0 and 65535, got {port}")
    return port


def _add_input_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("path", help="plan JSON file (`terraform show -json`), '-' for stdin, or a directory")
    command.add_argument(
        "--base", metavar="DIR_OR_GIT_REF", help="review PATH (a directory) as a change from this directory or git ref"
    )
    command.add_argument(
        "--source", metavar="DIR", help="for a plan: the .tf files to read suppressions and file/line from"
    )
    command.add_argument(
        "--allow-parse-errors",
        action="store_true",
        help="review what parses when a .tf file does not (default: exit 2, since an unread file would pass)",
    )
    command.add_argument("--config", metavar="FILE", help="a .tfreview.toml (default: found upward from PATH)")
    command.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of internal errors"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    collecting = gc.isenabled()
    if collecting and args.command in ("scan", "baseline"):
        # A review builds millions of small acyclic objects (the plan's values, then findings), freed by
        # reference counting; cyclic collection passes over them only cost time — more than parsing the
        # plan at 50k resources. Collection is switched back on when the command returns.
        gc.disable()
    try:
        return _run(args)
    finally:
        if collecting:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "scan":
            return _scan(args)
        if args.command == "baseline":
            return _baseline(args)
        if args.command == "rules":
            return _rules(args)
        from tfreview.service_commands import run_service_command

        return run_service_command(args)
    except (InputError, ConfigError) as exc:
        print(f"tfreview: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TfreviewError as exc:
        print(f"tfreview: error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("tfreview: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"tfreview: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr
        )
        return EXIT_INTERNAL


def _config_path(args: argparse.Namespace) -> Path | None:
    from tfreview.config import find_config

    if args.config:
        return Path(args.config)
    if getattr(args, "source", None):  # a plan's source folder holds the repository's settings
        found = find_config(Path(args.source))
        if found is not None:
            return found
    return find_config(Path(args.path) if args.path != "-" else Path.cwd())


def _policy(args: argparse.Namespace) -> Policy:
    from dataclasses import replace

    from tfreview.config import load_policy
    from tfreview.core.severity import Severity
    from tfreview.scan_guards import refuse_unknown_rules

    config = _config_path(args)
    policy = load_policy(config)
    refuse_unknown_rules(policy, f"{config}: " if config else "")
    changes: dict[str, Any] = {}
    if getattr(args, "fail_on", None):
        try:
            changes["fail_on"] = Severity.parse(args.fail_on)
        except ValueError as exc:
            raise ConfigError(f"--fail-on: {exc}") from None
    if getattr(args, "fail_on_uncovered", False):
        changes["fail_on_uncovered"] = True
    if getattr(args, "skip_rule", None):
        changes["disabled_rules"] = policy.disabled_rules | frozenset(args.skip_rule)
    if getattr(args, "rule", None):
        changes["only_rules"] = frozenset(args.rule)
    from tfreview.core.policy import Policy

    skip, only = getattr(args, "skip_rule", None) or (), getattr(args, "rule", None) or ()
    flags = Policy(disabled_rules=frozenset(skip), only_rules=frozenset(only) or None)
    refuse_unknown_rules(flags, "", {"rules.disable": "--skip-rule", "rules.only": "--rule"})
    if getattr(args, "baseline", None):
        from tfreview.baseline import load_baseline

        changes["baseline"] = load_baseline(Path(args.baseline))
        changes["baseline_source"] = args.baseline
    return replace(policy, **changes) if changes else policy


def _review(args: argparse.Namespace, *, progress: bool) -> tuple[Review, list[Rule]]:
    from tfreview.core.review import review
    from tfreview.parsing.inputs import load_change_set
    from tfreview.rules import load_rules
    from tfreview.scan_guards import refuse_unparsed

    policy = _policy(args)
    rules = load_rules()
    if progress:
        _progress(f"reading {args.path}")
    change_set = load_change_set(args.path, base=args.base, source=args.source)
    if progress and len(change_set.changes) >= _PROGRESS_THRESHOLD:
        _progress(f"reviewing {len(change_set.changes):,} resource changes with {len(rules)} rules")
    result = review(change_set, rules, policy)
    refuse_unparsed(result, allowed=args.allow_parse_errors)
    advisor_name = _advisor_name(args)
    if advisor_name != "none":
        result = _with_advice(advisor_name, args, change_set, result)
    if progress:
        _progress("")
    return result, rules


def _advisor_name(args: argparse.Namespace) -> str:
    """--advisor, else `[advisor] name` in .tfreview.toml, else TFREVIEW_ADVISOR__NAME, else none (rules only)."""
    if getattr(args, "advisor", None):
        return str(args.advisor)
    from tfreview.config import load_advisor_overrides

    name = load_advisor_overrides(_config_path(args)).get("name") or os.environ.get("TFREVIEW_ADVISOR__NAME")
    return str(name or "none").lower()


def _with_advice(name: str, args: argparse.Namespace, change_set: ChangeSet, result: Review) -> Review:
    from tfreview.advisor.factory import build_advisor
    from tfreview.advisor.merge import apply_advice
    from tfreview.config import load_advisor_overrides
    from tfreview.core.ports import AdviceContext

    settings = _advisor_settings(load_advisor_overrides(_config_path(args)))
    advisor = build_advisor(name, settings)
    advice = advisor.advise(AdviceContext(change_set, tuple(result.findings), result.coverage))
    return apply_advice(result, advice, ai_can_fail=settings.ai_can_fail)


def _advisor_settings(overrides: dict[str, Any]) -> AdvisorSettings:
    """The environment's advisor settings (TFREVIEW_ADVISOR__…) with the repository's overrides on top."""
    from pydantic import ValidationError

    from tfreview.settings import Settings

    try:
        base = Settings().advisor
        return base.model_validate({**base.model_dump(), **overrides})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"advisor settings: {problems}") from None


def _progress(text: str) -> None:
    sys.stderr.write(f"\r\033[K{text}…" if text else "\r\033[K")
    sys.stderr.flush()


def _scan(args: argparse.Namespace) -> int:
    from tfreview.core.review import exit_code
    from tfreview.render import render
    from tfreview.scan_guards import in_repository

    formats: list[str] = args.output or ["text"]
    files: list[str] = args.output_file or []
    if len(files) > len(formats):
        raise ConfigError(f"{len(files)} --output-file given for {len(formats)} -o format(s); pair them in order")
    interactive = sys.stderr.isatty()
    result, rules = _review(args, progress=interactive)
    result, plan_path = in_repository(result, args.path, args.source, args.path_prefix)
    by_id = {r.id: r for r in rules}
    for index, fmt in enumerate(formats):
        target = files[index] if index < len(files) else "-"
        to_terminal = target == "-" and sys.stdout.isatty()
        color = to_terminal and not args.no_color and not os.environ.get("NO_COLOR")
        text = render(fmt, result, by_id, color=color, plan_path=plan_path)
        if target == "-":
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        else:
            _write(Path(target), text)
    sys.stdout.flush()
    return exit_code(result, soft_fail=args.soft_fail)


def _write(path: Path, text: str) -> None:
    """Write whole or not at all: a temporary file renamed into place."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", path=str(path)) from None


def _baseline(args: argparse.Namespace) -> int:
    from tfreview.baseline import baseline_document

    result, _ = _review(args, progress=sys.stderr.isatty())
    _write(Path(args.file), baseline_document(result))
    count = sum(1 for f in result.findings if f.status.value != "resolved")
    print(f"baseline of {count} finding(s) written to {args.file}")
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from tfreview.render.rules import rule_text, rules_json, rules_text
    from tfreview.rules import find_rules, load_rules

    if args.rules_command == "show":
        found = find_rules(args.id)
        if not found:
            raise ConfigError(f"no rule named {args.id}; see `tfreview rules list`")
        if len(found) > 1:  # a peer id several of our rules cover: show them all, not the first
            print(f"{args.id} is covered by {len(found)} rules: {', '.join(r.id for r in found)}\n")
        print("\n\n".join(rule_text(rule) for rule in found))
        return EXIT_OK
    rules = load_rules()
    if args.provider:
        rules = [r for r in rules if r.provider == args.provider]
    print(rules_json(rules) if args.output == "json" else rules_text(rules))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
