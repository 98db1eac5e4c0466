"""The `tfreview` command line.

Exit codes (documented in docs/reference/cli.md):
  0  no counted finding at or above the threshold (or --soft-fail)
  1  findings at or above the threshold
  2  usage, configuration or input error
  3  internal error (rerun with --debug for the traceback)
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from tfreview import __version__
from tfreview.core.errors import ConfigError, InputError, TfreviewError
from tfreview.scan_arguments import add_input_arguments, add_scan_command, given_path, parse_scan
from tfreview.scan_output import emit, refuse_shared_files, write_whole
from tfreview.service_arguments import add_service_commands

if TYPE_CHECKING:
    from tfreview.advisor.settings import AdvisorSettings
    from tfreview.config import RepositoryConfig
    from tfreview.core.findings import Review
    from tfreview.core.plan import ChangeSet
    from tfreview.core.policy import Policy
    from tfreview.core.rules import Rule

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
PATH_SHOWN = 200  # characters of a refused path an error line shows (a name too long is what it says)
_SCAN_COMMANDS = frozenset({"scan", "baseline", "rules", "completion", None})  # the others: service commands
_PROGRESS_THRESHOLD = 5_000  # resources; below this the review is instant
# What a scan run as its own process keeps until it leaves with os._exit (ADR 0315): the plan's document, the
# change set and the review, millions of small objects that freeing one by one on the way out would only cost
# time. Filled only through `run`, the process's entry point; an in-process caller of `main` frees them as usual.
_HELD: list[object] = []


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"tfreview: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tfreview", description="Review Terraform and OpenTofu changes.")
    parser.add_argument("--version", action="version", version=f"tfreview {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    add_scan_command(commands)

    baseline = commands.add_parser("baseline", help="record today's findings")
    baseline_commands = baseline.add_subparsers(dest="baseline_command", required=True, parser_class=_Parser)
    create = baseline_commands.add_parser("create", help="write a baseline of the current findings")
    add_input_arguments(create)
    create.add_argument("-f", "--file", type=given_path, default=".tfreview-baseline.json", help="where to write it")

    rules = commands.add_parser("rules", help="the rule library")
    rule_commands = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    listing = rule_commands.add_parser("list", help="list every rule")
    listing.add_argument("-o", "--output", choices=("text", "json"), default="text")
    listing.add_argument(
        "--provider",
        choices=("aws", "azure", "gcp", "kubernetes", "terraform", "change"),
        metavar="PROVIDER",
        help="only this provider: aws, azure, gcp, kubernetes, terraform, change",
    )
    show = rule_commands.add_parser("show", help="show one rule")
    show.add_argument("id", help="rule id, long id, or a Checkov/Trivy id")
    add_service_commands(commands, _Parser)
    completion = commands.add_parser("completion", help="print the shell completion script (bash, zsh, fish)")
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell to complete in")
    return parser


def main(argv: Sequence[str] | None = None, *, leave: bool = False) -> int:
    """Run one command (`argv`, else the process's own arguments) and return its exit code. With `leave` (only
    `run`, the process's entry point) a scan leaves the process with os._exit once its reports are written and
    flushed; without it `main` always returns, so a caller in the same process (a wrapper, a test harness with
    `sys.argv` set) is never ended under its feet (ADR 0345)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["--version"]:  # what argparse's version action prints, without building the parser
        out = _Stdout(sys.stdout)
        try:
            out.write(f"tfreview {__version__}\n")
            out.flush()
        except InputError as exc:  # `> /dev/full` was a traceback
            print(f"tfreview: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except BrokenPipeError:
            pass
        return EXIT_OK
    from tfreview.plumbing import start_collection
    from tfreview.plumbing.record_code import install  # here: `--version` above reads and defines nothing

    service = next((a for a in arguments if not a.startswith("-")), None) not in _SCAN_COMMANDS
    if service:  # no collector pass over the start-up's imports and services: on once built (ADR 0752)
        start_collection.pause()
        from tfreview.plumbing.httpx_cli import leave_out

        leave_out()  # httpx without its command-line client's click, rich and pygments (ADR 0753)
    try:
        # the records' methods compiled once per install, not in every process (ADR 0468); a service command's
        # own cache holds the service's records too (ADR 0668)
        install(service=service)
        return _command(arguments, leave=leave)
    finally:
        start_collection.resume()  # a one-shot command's, or a usage error's (argparse's SystemExit)


def _command(arguments: list[str], *, leave: bool) -> int:
    args = parse_scan(arguments) or build_parser().parse_args(arguments)
    if args.command in ("serve", "worker"):
        from tfreview.plumbing.held_hangup import hold

        hold()  # a SIGHUP (reload secrets) while it starts is remembered, not fatal (ADR 0640)
    args.hold = leave and args.command == "scan"
    scanning = gc.isenabled() and args.command in ("scan", "baseline")  # off already: `python -m tfreview`'s pause
    if scanning:
        # A review builds millions of small acyclic objects (the plan's values, then findings), freed by
        # reference counting; cyclic collection passes over them only cost time — more than parsing the
        # plan at 50k resources. Collection is switched back on when the command returns.
        gc.disable()
    original = sys.stdout
    sys.stdout = cast(TextIO, _Stdout(original))
    try:
        code = _run(args)
        if _HELD:  # collection stays off: switched on, it would first walk all that is held (0.14 s at 10k)
            code = _leave(code)  # returns only when the process cannot leave at once
    finally:
        sys.stdout = original
        if scanning:
            gc.enable()
    return code


class _Stdout:
    """sys.stdout while a command runs: what the stream refuses (a closed descriptor, `>&-`; a full disk behind
    `> file`) is the command's one-line InputError, exit 2, as `scan` says it — not an internal error's
    AttributeError or OSError (exit 3), and not a `print` that silently writes nowhere with exit 0."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def _open(self) -> TextIO:
        if self._stream is None:
            raise InputError("cannot write: standard output is closed", path="stdout")
        return self._stream

    def write(self, text: str) -> int:
        stream = self._open()
        try:
            return stream.write(text)
        except BrokenPipeError:
            raise  # the reader has gone (`| head`): nothing to say (`_run`)
        except OSError as exc:
            raise _unwritable(exc) from None

    def flush(self) -> None:
        if self._stream is None:
            return  # nothing was written
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _unwritable(exc) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    @property
    def encoding(self) -> str:
        return self._stream.encoding if self._stream is not None else "utf-8"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._open(), name)


def _unwritable(exc: OSError) -> InputError:
    from tfreview.scan_output import unwritable

    return unwritable(exc)


def run() -> int:
    """The process's entry point (the `tfreview` script, `python -m tfreview`): `main` allowed to leave the
    process at once after a scan (ADR 0315)."""
    return main(leave=True)


def _leave(code: int) -> int:
    """Leave the process now with `code`, as the interpreter's own exit would but without freeing the heap
    object by object: the standard streams flushed, the exit handlers run. A stream that cannot be flushed
    (a closed pipe), a thread still running, or a profiler or tracer watching (cProfile writes its profile
    after `main` returns) leaves it to the interpreter's exit as before."""
    import threading  # here, not at the top: `tfreview --version` stays lean

    if sys.getprofile() is not None or sys.gettrace() is not None or threading.active_count() > 1:
        return code
    # In Py_Finalize's order: the exit handlers first (logging's flush; what they write must not be lost in a
    # buffer), then the standard streams. The handlers are cleared once run, so a fallback does not rerun them.
    atexit._run_exitfuncs()  # private but stable since 3.0
    if threading.active_count() > 1:  # a handler started a thread: the interpreter waits for it
        return code
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: the descriptor was closed when the process started (`>&-`)
                stream.flush()
    except (OSError, ValueError):
        return code
    os._exit(code)


def _keeping(args: argparse.Namespace, fmt: str) -> dict[str, Any]:
    """`keep=_HELD` for the JSON report's document when this run holds what it made (ADR 0466), else nothing."""
    return {"keep": _HELD} if fmt == "json" and getattr(args, "hold", False) else {}


def _hold(args: argparse.Namespace, *objects: object) -> None:
    """Keep `objects` until the process leaves, when this run is one (see `_HELD`)."""
    if getattr(args, "hold", False):
        _HELD.extend(objects)


def _run(args: argparse.Namespace) -> int:
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # here, not at the interpreter's exit: a full disk is this command's error line
        return code
    except (InputError, ConfigError) as exc:
        print(f"tfreview: error: {_printable(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except TfreviewError as exc:
        print(f"tfreview: error: {_printable(exc)}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("tfreview: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            raise
        refused = _refused_path(exc)
        if refused is not None:
            print(f"tfreview: error: {refused}", file=sys.stderr)
            return EXIT_USAGE
        print(
            # the first line only: a failed query's text goes on with its SQL and parameters (a token's hash, a
            # stored payload), which are for --debug, not for a log that keeps stderr
            f"tfreview: internal error: {type(exc).__name__}: {(_printable(exc).splitlines() or [''])[0]} "
            "(rerun with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "scan":
        return _scan(args)
    if args.command == "baseline":
        return _baseline(args)
    if args.command == "rules":
        return _rules(args)
    if args.command == "completion":
        from tfreview.completion import completion_script

        sys.stdout.write(completion_script(args.shell, build_parser()))
        return EXIT_OK
    from tfreview.service_commands import run_service_command

    return run_service_command(args)


def _refused_path(exc: BaseException) -> str | None:
    """`<file>: <why>` for an OSError the system raised about a file it names (`[Errno 36] File name too long`, a
    loop of links, a folder it may not enter: the path given for PATH, --base, --source, --config or --output-file,
    or one found under it): the command's input, exit 2 — it was an internal error, exit 3 (review25). None for any
    other error, a connection's included."""
    if not isinstance(exc, OSError) or isinstance(exc, ConnectionError) or exc.filename is None:
        return None
    from tfreview.render.digest import clean

    name = clean(os.fsdecode(exc.filename))
    shown = name if len(name) <= PATH_SHOWN else name[: PATH_SHOWN - 1] + "…"
    return f"{shown}: {exc.strerror or type(exc).__name__}"


def _printable(exc: BaseException) -> str:
    """An error's text without control characters: it names files, folders and settings of the repository
    under review, and a file named `\x1b]0;…\x07a.tf` wrote its escape sequences to the reader's terminal."""
    from tfreview.render.digest import clean

    return clean(str(exc))


def _config_path(args: argparse.Namespace) -> Path | None:
    from tfreview.config import find_config

    if args.config:
        return Path(args.config)
    if getattr(args, "source", None):  # a plan's source folder holds the repository's settings
        found = find_config(Path(args.source))
        if found is not None:
            return found
    return find_config(Path(args.path) if args.path != "-" else Path.cwd())


def _repository_config(args: argparse.Namespace) -> RepositoryConfig:
    """The `.tfreview.toml` of this run, found and read once (policy and advisor overrides)."""
    from tfreview.config import load_repository_config

    return load_repository_config(_config_path(args))


def _policy(args: argparse.Namespace, repository: RepositoryConfig) -> Policy:
    from dataclasses import replace

    from tfreview.core.severity import Severity
    from tfreview.scan_guards import refuse_unknown_rules

    config, policy = repository.path, repository.policy
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
    from tfreview.parsing.inputs import load_change_set
    from tfreview.rules import load_rules_for
    from tfreview.scan_guards import refuse_unparsed

    repository = _repository_config(args)
    policy = _policy(args, repository)
    if progress:
        _progress(f"reading {args.path}")
    held: list[object] | None = [] if getattr(args, "hold", False) else None
    change_set = load_change_set(args.path, base=args.base, source=args.source, keep=held)
    _hold(args, change_set, *(held or ()))
    refuse_unparsed(change_set.coverage.files_skipped, allowed=args.allow_parse_errors)  # before any AI call
    rules = load_rules_for(change_set.resource_types())  # only the rules of the types the change holds
    if progress and len(change_set.changes) >= _PROGRESS_THRESHOLD:
        _progress(f"reviewing {len(change_set.changes):,} resource changes with {len(rules)} rules")
    if progress and (advisor_name := _advisor_name(args, repository)) != "none":
        _progress(f"reviewing with {len(rules)} rules, then asking the {advisor_name} AI reviewer")
    result = _assess(args, change_set, rules, policy, repository)
    if progress:
        _progress("")
    return result, rules


def _advisor_name(args: argparse.Namespace, repository: RepositoryConfig) -> str:
    """--advisor, else `[advisor] name` in .tfreview.toml, else TFREVIEW_ADVISOR__NAME, else none (rules only)."""
    if getattr(args, "advisor", None):
        return str(args.advisor)
    name = repository.advisor.get("name") or os.environ.get("TFREVIEW_ADVISOR__NAME")
    return str(name or "none").lower()


def _assess(
    args: argparse.Namespace, change_set: ChangeSet, rules: list[Rule], policy: Policy, repository: RepositoryConfig
) -> Review:
    """The rules, then the advisor named by --advisor / .tfreview.toml / the environment: the service's own path."""
    name = _advisor_name(args, repository)
    if name == "none":  # rules only: what `assess` runs without an advisor, without importing the service
        from tfreview.core.review import review

        return review(change_set, rules, policy, keep=_HELD if getattr(args, "hold", False) else None)
    from tfreview.advisor.factory import build_advisor
    from tfreview.service.assessment import assess

    settings = _advisor_settings(dict(repository.advisor))
    advisor = build_advisor(name, settings)
    return assess(change_set, rules, policy, advisor, ai_can_fail=settings.ai_can_fail, strict_config=True).review


def _advisor_settings(overrides: dict[str, Any]) -> AdvisorSettings:
    """The environment's advisor settings (TFREVIEW_ADVISOR__…) with the repository's overrides on top. Only the
    advisor's section is read: a CI job's environment may carry service settings the scan has no use for (and
    that the service alone refuses: a public URL without its scheme, a blank secret, an unresolvable reference)."""
    from pydantic import ValidationError

    from tfreview.settings import AdvisorOnlySettings

    try:
        base = AdvisorOnlySettings().advisor
        return base.model_validate({**base.model_dump(), **overrides})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"advisor settings: {problems}") from None


def _progress(text: str) -> None:
    sys.stderr.write(f"\r\033[K{text}…" if text else "\r\033[K")
    sys.stderr.flush()


def _scan(args: argparse.Namespace) -> int:
    from tfreview.core.review import exit_code
    from tfreview.render import render, render_pieces
    from tfreview.scan_guards import in_repository

    formats: list[str] = args.output or ["text"]
    files: list[str] = args.output_file or []
    if len(files) > len(formats):
        raise ConfigError(f"{len(files)} --output-file given for {len(formats)} -o format(s); pair them in order")
    refuse_shared_files(formats, files)
    if sys.stderr is not None:  # a misspelt TFREVIEW_ADVISOR__NAME would leave the scan without its AI review
        from tfreview.setting_variables import warn_unknown_variables

        warn_unknown_variables(os.environ, sys.stderr)
    interactive = sys.stderr is not None and sys.stderr.isatty()  # None: closed at start (`2>&-`)
    if args.path != "-" and args.base is None and Path(args.path).is_dir():
        return _scan_roots(args, formats, files, interactive)
    result, rules = _review(args, progress=interactive)
    _hold(args, result)
    result, plan_path = in_repository(result, args.path, args.source, args.path_prefix)
    _hold(args, result)
    by_id = {r.id: r for r in rules}
    emit(
        args,
        formats,
        files,
        lambda fmt, color: render(fmt, result, by_id, color=color, plan_path=plan_path),
        bytes_of=lambda fmt, color: render_pieces(
            fmt, result, by_id, color=color, plan_path=plan_path, **_keeping(args, fmt)
        ),
    )
    return exit_code(result, soft_fail=args.soft_fail)


def _scan_roots(args: argparse.Namespace, formats: list[str], files: list[str], interactive: bool) -> int:
    """A directory: each root module under it reviewed on its own (one root: the report it always was)."""
    from tfreview.core.review import exit_code
    from tfreview.render.roots import render_roots
    from tfreview.rules import load_rules_for
    from tfreview.scan_roots import review_roots

    repository = _repository_config(args)
    policy = _policy(args, repository)
    used: dict[str, Rule] = {}

    def assess(change_set: ChangeSet) -> Review:
        rules = load_rules_for(change_set.resource_types())
        used.update((r.id, r) for r in rules)
        return _assess(args, change_set, rules, policy, repository)

    progress = _progress if interactive else None
    roots = review_roots(
        Path(args.path),
        assess,
        allow_parse_errors=args.allow_parse_errors,
        path_prefix=args.path_prefix,
        progress=progress,
    )
    if interactive:
        _progress("")
    emit(args, formats, files, lambda fmt, color: render_roots(fmt, roots, used, color=color))
    return max(exit_code(r.review, soft_fail=args.soft_fail) for r in roots)


def _baseline(args: argparse.Namespace) -> int:
    from tfreview.baseline import baseline_document

    result, _ = _review(args, progress=sys.stderr is not None and sys.stderr.isatty())
    write_whole(Path(args.file), baseline_document(result))
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
