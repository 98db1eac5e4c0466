"""The service's commands (`serve`, `worker`, `db upgrade`, `tokens`, `reconcile`, `submit`), run by `tfreview.cli`.

Imported only when one of them runs, so `tfreview scan` never pays for FastAPI, SQLAlchemy or httpx.
Errors follow the CLI's exit codes: 2 for usage, configuration and input errors (one line),
3 for internal errors and an unreachable service.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tfreview.core.errors import ConfigError, InputError, UpstreamError
from tfreview.ops.log_format import apply_log_format
from tfreview.ops_cli.actor import cli_actor
from tfreview.plumbing import start_collection
from tfreview.plumbing.log_lines import configure_logging
from tfreview.plumbing.secret_references import check_resolvable
from tfreview.setting_variables import not_json, refuse_unknown_variables
from tfreview.settings import Settings
from tfreview.store.setup import (
    is_sql,
    is_sqlite,
    prepare_database,
    prepare_for_command,
    redacted_url,
    require_current_schema,
)

if TYPE_CHECKING:
    from tfreview.service.secret_rotation import Rotation

TOKEN_SECRET_PREFIX = "tfr_"  # what every API token secret starts with (store/token_secrets.py)
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INTERNAL = 3
DEFAULT_DATA_DIR = ".tfreview-data"
DATABASE_FILE = "tfreview.db"


def run_service_command(args: argparse.Namespace) -> int:
    if args.command == "submit":
        return _submit(args)
    if args.command == "probe":
        from tfreview.ops_cli.incident_commands import run_probe

        return run_probe(args)
    settings = load_settings(data_dir=getattr(args, "data_dir", None))
    configure_logging(settings.log_level)
    apply_log_format(settings.log_format, settings.log_level)
    if args.command in ("serve", "worker") or settings.log_level == "DEBUG":
        return _run_command(args, settings)
    # the wiring's start-up lines (which notifiers, which integrations; "no notifier configured") are for the
    # processes that run the watchdog: a one-shot command's stderr holds its own answer or its one error line
    wiring = logging.getLogger("tfreview.wiring")
    level = wiring.level
    wiring.setLevel(logging.ERROR)
    try:
        return _run_command(args, settings)
    finally:
        wiring.setLevel(level)  # an in-process caller (a test, a wrapper) keeps its logging as it was


def _run_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        from tfreview.serving import serve

        return serve(
            settings, host=args.host, port=args.port, worker=not args.no_worker, reload_settings=_reloader(args)
        )
    if args.command == "worker":
        from tfreview.worker.process import run_worker_process

        if is_sqlite(settings.database.url):
            # a worker beside `serve` on the same machine: same file, same checks
            prepare_database(settings.database.url, settings.database.busy_timeout_ms)
        elif is_sql(settings.database.url):  # scaled: the operator migrates (ADR 0375)
            require_current_schema(settings.database.url, settings.database.busy_timeout_ms)
        return run_worker_process(settings, reload_settings=_reloader(args), keep_signal_handlers=True)
    if args.command == "db":
        prepare_database(settings.database.url, settings.database.busy_timeout_ms)
        print(f"database schema is up to date ({redacted_url(settings.database.url)})")
        return EXIT_OK
    if args.command == "reconcile":
        start_collection.resume()  # its work grows with the open pull requests and jobs (ADR 0752)
        return _reconcile(args, settings)
    if args.command in ("alerts", "slo"):
        from tfreview.ops_cli.commands import run_ops_command

        return run_ops_command(args, settings)
    if args.command == "block":
        from tfreview.ops_cli.block_commands import run_blocks

        return run_blocks(args, settings)
    if args.command in ("backup", "audit", "audit-log", "drill"):
        from tfreview.ops_cli.data_commands import run_data_command

        start_collection.resume()  # its work grows with the database (ADR 0752)
        return run_data_command(args, settings)
    if args.command == "incidents":
        from tfreview.ops_cli.incident_commands import run_incidents

        return run_incidents(args, settings)
    if args.command == "ai":
        from tfreview.ops_cli.ai_commands import run_ai

        return run_ai(args, settings)
    if args.command == "secrets":
        return _secrets(args, settings)
    return _tokens(args, settings)


# --- settings ------------------------------------------------------------------------------------


def _reloader(args: argparse.Namespace) -> Callable[[], Settings]:
    """How a long-running command builds its settings again when secrets are reloaded (SIGHUP, interval)."""
    data_dir = getattr(args, "data_dir", None)
    return lambda: load_settings(data_dir=data_dir)


def load_settings(*, data_dir: str | None = None) -> Settings:
    """Settings from the environment; `--data-dir` overrides the data directory, and the SQLite
    database lives inside it unless TFREVIEW_DATABASE__URL names another database."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    refuse_unknown_variables(os.environ)  # a misspelt setting is not left to its default (ADR 0564)
    try:
        settings = Settings()
    except ValidationError as exc:
        raise ConfigError(settings_problem(exc)) from None
    except (SettingsError, RecursionError) as exc:  # a value that is not valid JSON where a list or object is
        # expected; pydantic-settings reads JSON with the standard library: `[[[[…` past its depth is a RecursionError
        name = not_json(os.environ)
        if name is not None:
            raise ConfigError(
                f"invalid settings: {name} is not valid JSON (lists and objects are JSON: '[\"10.0.0.0/8\"]')"
            ) from None
        if isinstance(exc, RecursionError):  # no variable's JSON is nested so: not ours to explain
            raise
        field = str(exc).split('"')[1] if str(exc).count('"') >= 2 else "?"
        raise ConfigError(
            f"invalid settings: a TFREVIEW_{field.upper()}__* variable is not valid JSON (lists and objects are JSON)"
        ) from None
    check_resolvable(settings.secret_references())
    directory = data_dir or settings.server.data_dir or DEFAULT_DATA_DIR
    server = settings.server.model_copy(update={"data_dir": directory})
    database = settings.database
    if "url" not in database.model_fields_set:
        path = Path(directory).expanduser().resolve() / DATABASE_FILE
        database = database.model_copy(update={"url": f"sqlite:///{path}"})
    return settings.model_copy(update={"server": server, "database": database})


def settings_problem(exc: object) -> str:
    """One line naming each bad setting as its environment variable, without its value (it may be a secret)."""
    errors = exc.errors(include_input=False, include_url=False)  # type: ignore[attr-defined]  # a pydantic ValidationError, imported lazily
    parts = []
    for error in errors[:5]:
        path = "__".join(str(part) for part in error["loc"] if not isinstance(part, int))
        if not path:  # the whole model's check (setting_bounds): its text names each variable itself
            parts.append(str(error["msg"]).removeprefix("Value error, "))
            continue
        parts.append(f"TFREVIEW_{path.upper()}: {error['msg']}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "invalid settings: " + "; ".join(parts) + more


# --- tokens --------------------------------------------------------------------------------------


def _tokens(args: argparse.Namespace, settings: Settings) -> int:
    from tfreview.identity import token_admin
    from tfreview.wiring import build_token_services

    if args.tokens_command == "create" and args.expires_in_days is not None and args.expires_in_days < 1:
        raise ConfigError("--expires-in-days must be at least 1")  # before the database is touched
    if args.tokens_command == "revoke" and args.id.startswith(TOKEN_SECRET_PREFIX):  # never echoed back: a secret
        raise ConfigError("`tokens revoke` takes the token's id (first column of `tokens list`), not its secret")
    # only `tokens create` may make the first database (before `serve`); the others read or change one
    prepare_for_command(
        settings.database.url, settings.database.busy_timeout_ms, create=args.tokens_command == "create"
    )
    services = build_token_services(settings)  # the token and audit stores only (ADR 0701)
    try:
        tokens = services.tokens
        if args.tokens_command == "create":
            token, secret = token_admin.create_token(
                tokens, args.tenant, args.scope, args.name, expires_in_days=args.expires_in_days
            )
            expiry = token.expires_at.isoformat(timespec="seconds") if token.expires_at else "never"
            services.audit.record(
                "token.create",
                actor=cli_actor(),
                target=f"token:{token.id}",
                detail={"tenant": token.tenant_id, "scope": token.scope.value, "name": token.name},
            )
            print(
                f"created token {token.id} for {token.tenant_id} (scope {token.scope.value}, expires {expiry}); "
                "the secret below is shown only once — store it now (e.g. as TFREVIEW_TOKEN):",
                file=sys.stderr,
            )
            try:
                print(secret, flush=True)
            except (InputError, OSError) as exc:  # stdout closed, full, or its reader gone: nobody has the secret
                token_admin.revoke_token(tokens, token.id)
                services.audit.record("token.revoke", actor=cli_actor(), target=f"token:{token.id}")
                reason = str(exc) if isinstance(exc, InputError) else "stdout: its reader has gone"
                raise InputError(
                    f"{reason}: the secret of token {token.id} was never shown, so it was revoked at once; "
                    "create the token again with a writable stdout"
                ) from None
            return EXIT_OK
        if args.tokens_command == "list":
            found = token_admin.list_tokens(tokens, args.tenant)
            sys.stdout.write(token_admin.format_tokens(found, datetime.now(UTC)))
            return EXIT_OK
        if args.tokens_command == "revoke-all":
            revoked = token_admin.revoke_all_tokens(tokens, args.tenant, args.scope)
            services.audit.record(
                "token.revoke_all",
                actor=cli_actor(),
                target=f"tenant:{args.tenant}",
                detail={"scope": args.scope or "all", "revoked": list(revoked)},
            )
            which = f"{args.scope} tokens" if args.scope else "tokens"
            ids = ", ".join(revoked) if revoked else "none were live"
            print(
                f"revoked {len(revoked)} {which} of {args.tenant} ({ids}); requests with them are refused from now on"
            )
            return EXIT_OK
        if not token_admin.revoke_token(tokens, args.id):
            raise InputError(f"no token {args.id}; see `tfreview tokens list`")
        services.audit.record("token.revoke", actor=cli_actor(), target=f"token:{args.id}")
        print(f"revoked token {args.id}; requests with it are refused from now on")
        return EXIT_OK
    finally:
        services.close()


# --- secrets -------------------------------------------------------------------------------------


def _audit_best_effort(settings: Settings, action: str, target: str, detail: dict[str, object]) -> None:
    """An audit entry for a command that does not otherwise touch the database (a webhook secret's rotation
    lives in a file): recorded when the database can take it, else one line says it was not. The command's own work
    is done by then, and what it must show (a new secret, shown only once) comes after: a database that is
    missing, not tfreview's or not upgraded must cost the entry, never the secret (a traceback here used to lose it).
    A local SQLite database is brought to the current schema first, as every other command that writes it does; a
    SQLite file that does not exist is never created for the entry (run without --data-dir, the command would make a
    fresh database in the current directory and record the rotation there, where nobody looks: ADR 0533)."""
    from tfreview.store.database import normalise_url
    from tfreview.wiring import build_token_services

    log = logging.getLogger("tfreview.audit")
    try:
        if is_sqlite(settings.database.url):
            database = normalise_url(settings.database.url).database or ""
            if database in ("", ":memory:") or not Path(database).expanduser().is_file():
                log.warning(
                    "audit log: %s not recorded (no SQLite database at %s: pass the service's --data-dir or "
                    "TFREVIEW_DATABASE__URL)",
                    action,
                    database or "(memory)",
                )
                return
            prepare_database(settings.database.url, settings.database.busy_timeout_ms)
        services = build_token_services(settings)  # the audit store is what it uses (ADR 0701)
    except Exception as exc:  # the rotation is done; only its audit entry is missing
        log.warning("audit log: %s not recorded (%s)", action, type(exc).__name__)
        return
    try:
        services.audit.record(action, actor=cli_actor(), target=target, detail=detail)
    except Exception as exc:
        log.warning("audit log: %s not recorded (%s)", action, type(exc).__name__)
    finally:
        services.close()


def _secrets(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import timedelta

    from tfreview.service import secret_rotation
    from tfreview.service.secret_status import format_rows, secret_rows
    from tfreview.wiring import build_services

    now = datetime.now(UTC)
    if args.secrets_command == "rotate" and args.kind in secret_rotation.WEBHOOK_KINDS:
        if not 0 < args.overlap_hours <= 24 * 90:
            raise ConfigError("--overlap-hours must be more than 0 and at most 2160 (90 days)")
        overlap = timedelta(hours=args.overlap_hours)
        rotation = secret_rotation.rotate_webhook(args.kind, settings, _reloader(args), now, overlap, args.account)
        _audit_best_effort(settings, "secret.rotate", args.kind, {"account": args.account or ""})
        try:
            return _print_rotation(rotation)
        except (InputError, OSError) as exc:  # nobody has the new secret: its version would be the only one left
            if rotation.undo is None:
                raise
            rotation.undo()
            _audit_best_effort(settings, "secret.rotate.undo", args.kind, {"account": args.account or ""})
            reason = str(exc) if isinstance(exc, InputError) else "stdout: its reader has gone"
            raise InputError(
                f"{reason}: the new {args.kind} secret was never shown, so the rotation was undone (the versions "
                "document is as it was); rotate again with a writable stdout"
            ) from None
    if args.secrets_command == "rotate" and args.kind in secret_rotation.MANUAL_KINDS:
        return _print_rotation(secret_rotation.rotate_by_hand(args.kind, settings))
    if args.secrets_command == "rotate" and not args.token:
        raise ConfigError("`secrets rotate api-token` needs --token ID (the first column of `tokens list`)")
    if args.secrets_command == "rotate" and args.token.startswith(TOKEN_SECRET_PREFIX):
        raise ConfigError("--token takes the token's id (first column of `tokens list`), not its secret")
    prepare_for_command(settings.database.url, settings.database.busy_timeout_ms)
    services = build_services(settings)
    try:
        if args.secrets_command == "status":
            uses = services.ops.secret_uses.last_uses() if services.ops and services.ops.secret_uses else None
            sys.stdout.write(format_rows(secret_rows(settings, services.tokens.list(), now, uses)))
            return EXIT_OK
        rotation = secret_rotation.rotate_api_token(services.tokens, args.token, now)
        services.audit.record(
            "secret.rotate", actor=cli_actor(), target=f"token:{args.token}", detail={"kind": args.kind}
        )
        try:
            return _print_rotation(rotation)
        except (InputError, OSError) as exc:  # stdout closed, full, or its reader gone: nobody has the new secret
            from tfreview.identity import token_admin

            new_id = rotation.token_id or ""
            token_admin.revoke_token(services.tokens, new_id)
            services.audit.record("token.revoke", actor=cli_actor(), target=f"token:{new_id}")
            reason = str(exc) if isinstance(exc, InputError) else "stdout: its reader has gone"
            raise InputError(
                f"{reason}: the secret of token {new_id} was never shown, so it was revoked at once; token "
                f"{args.token} is left as it was: rotate again with a writable stdout"
            ) from None
    finally:
        services.close()


def _print_rotation(rotation: Rotation) -> int:
    for check in rotation.checks:
        print(f"verified: {check}", file=sys.stderr)
    if rotation.new_secret is not None:
        print(f"new {rotation.kind} secret below, shown only once — store it now:", file=sys.stderr)
        print(rotation.new_secret, flush=True)
    for number, step in enumerate(rotation.steps, 1):
        print(f"step {number}: {step}", file=sys.stderr)
    return EXIT_OK


# --- reconcile ----------------------------------------------------------------------------------

RECONCILE_FLAGS = {
    "github_permissions": "github-permissions",
    "github_deliveries": "github-deliveries",
    "github_pull_requests": "github-pull-requests",
    "spacelift": "spacelift-runs",
}


def _reconcile(args: argparse.Namespace, settings: Settings) -> int:
    """Run the chosen reconcilers once (all configured ones without a flag); one summary line each."""
    from tfreview.wiring import build_services
    from tfreview.worker.scheduler import run_reconciler

    wanted = [name for flag, name in RECONCILE_FLAGS.items() if getattr(args, flag, False)]
    prepare_for_command(settings.database.url, settings.database.busy_timeout_ms)
    services = build_services(settings)
    try:
        names = set(RECONCILE_FLAGS.values())
        available = {r.name: r for r in services.reconcilers if r.name in names}
        missing = [name for name in wanted if name not in available]
        if missing:
            github = missing[0].startswith("github")
            prefix, doc = ("GITHUB_APP", "github-app.md") if github else ("SPACELIFT_API", "spacelift.md")
            raise ConfigError(f"reconciler {missing[0]} is not configured: set TFREVIEW_{prefix}__* (docs/howto/{doc})")
        chosen = [available[name] for name in wanted] if wanted else list(available.values())
        if not chosen:
            raise ConfigError("no reconciler is configured: set up the GitHub App or the Spacelift API first")
        failed = 0
        for reconciler in chosen:
            result = run_reconciler(reconciler, services.metrics)
            if result.catch_up is None:
                failed += 1
                print(f"{result.name}: failed: {result.error}", file=sys.stderr)
            else:
                print(f"{result.name}: {result.catch_up.summary()}", flush=True)
                failed += 1 if result.catch_up.errors else 0  # a partial failure is still a failure (exit 3)
        return EXIT_INTERNAL if failed else EXIT_OK
    finally:
        services.close()


# --- submit --------------------------------------------------------------------------------------


def _submit(args: argparse.Namespace) -> int:
    from tfreview.submit import read_plan, read_token, spacelift_metadata, submit_plan

    environ = dict(os.environ)
    url = args.url or environ.get("TFREVIEW_URL", "")
    if not url:
        raise ConfigError("no service URL: pass --url or set TFREVIEW_URL")
    token = read_token(environ, args.token_env)
    plan = read_plan(args.plan, stdin=sys.stdin.buffer.read if sys.stdin is not None else None)
    metadata: dict[str, str] = spacelift_metadata(environ) if args.spacelift_env else {"source": "api"}
    if args.repository:
        metadata["repository"] = args.repository
    if args.commit:
        metadata["commit_sha"] = args.commit
    if args.pull_request is not None:
        if args.pull_request <= 0:
            raise ConfigError("--pull-request must be a positive number")
        metadata["pull_request"] = str(args.pull_request)
    if args.wait and not 0 < args.timeout <= 86_400:
        raise ConfigError("--timeout must be between 0 and 86400 seconds")
    result = submit_plan(url, plan, token, metadata)
    what = "already submitted" if result.duplicate else "accepted for review"
    print(f"plan {what}: {result.review_url or '(the service returned no review id)'}", flush=True)
    if not args.wait:
        return EXIT_OK
    if result.review_id is None:
        raise UpstreamError("the service returned no review id to wait for")
    return _wait(url, result.review_id, token, args.timeout)


def _wait(url: str, review_id: str, token: str, timeout: float) -> int:
    from tfreview.submit import wait_for_review

    terminal = sys.stderr.isatty()

    def show(status: str, waited: float) -> None:
        if terminal:  # a progress line on a terminal only: piped output stays clean
            sys.stderr.write(f"\r\033[Kreview {status.replace('_', ' ')} ({waited:.0f} s)…")
            sys.stderr.flush()

    outcome = wait_for_review(url, review_id, token, timeout=timeout, on_status=show)
    if terminal:
        sys.stderr.write("\r\033[K")
    if not outcome.finished:
        print(f"review {review_id}: {outcome.summary}", file=sys.stderr)
        return EXIT_INTERNAL
    if outcome.status == "failed":
        print(f"review {review_id} failed: {outcome.summary}", file=sys.stderr)
        return EXIT_INTERNAL
    print(f"verdict: {(outcome.verdict or 'unknown').upper()} — {outcome.summary}")
    return EXIT_FINDINGS if outcome.verdict == "fail" else EXIT_OK
