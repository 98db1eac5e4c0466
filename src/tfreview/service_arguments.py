"""The arguments of the service's commands (`serve`, `worker`, `db`, `tokens`, `reconcile`, `submit`), added to
`tfreview.cli`'s parser; `tfreview.service_commands` runs them."""

from __future__ import annotations

import argparse
from typing import Any

from tfreview.scan_arguments import given_path


def add_service_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
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
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=parser_class)
    upgrade = db_commands.add_parser("upgrade", help="create or migrate the schema to the latest version (Alembic)")
    upgrade.add_argument("--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)")

    _add_token_commands(commands, parser_class)
    _add_secret_commands(commands, parser_class)

    reconcile = commands.add_parser(
        "reconcile",
        help="catch up once on what webhooks missed (failed GitHub deliveries, unreviewed PRs, Spacelift runs) "
        "and check the GitHub App's permissions",
        description="Runs the reconcilers that `serve` and `worker` run on a schedule, once, in the foreground. "
        "Without a flag every configured reconciler runs. Exit 0 when every reconciler ran, 2 when one asked "
        "for is not configured, 3 when one failed (GitHub or Spacelift unreachable).",
    )
    reconcile.add_argument(
        "--github-permissions",
        action="store_true",
        help="check every installation's App permissions (a missing one or an extra write one is a warning)",
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
        description="POST the plan to <url>/api/v1/plans. Exit 0 when accepted (the review's page URL is printed), "
        "2 when refused (4xx: the problem is printed), 3 when the service cannot be reached after 3 tries. "
        "With --wait: wait for the review, print its verdict, and exit like `scan` (0 pass or warn, 1 fail, "
        "3 when the review failed or did not finish within --timeout).",
    )
    submit.add_argument(
        "plan", type=given_path, help="plan JSON (`terraform show -json PLANFILE`), '-' for stdin"
    )  # `submit "$PLAN"` with the variable unset: a usage error naming the argument, as `scan` has it
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
    submit.add_argument("--wait", action="store_true", help="wait for the review and exit with its verdict")
    submit.add_argument(
        "--timeout", type=float, default=900.0, metavar="S", help="with --wait: give up after S seconds (default 900)"
    )

    from tfreview.ops_cli.ai_commands import add_ai_commands
    from tfreview.ops_cli.block_commands import add_commands as add_block_commands
    from tfreview.ops_cli.commands import add_ops_commands
    from tfreview.ops_cli.data_commands import add_commands as add_data_commands
    from tfreview.ops_cli.incident_commands import add_commands as add_incident_commands

    add_ops_commands(commands)
    add_incident_commands(commands, parser_class)
    add_ai_commands(commands, parser_class)
    add_block_commands(commands, parser_class)
    add_data_commands(commands, parser_class)


def _add_token_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    tokens = commands.add_parser("tokens", help="API tokens: create, list, revoke, revoke-all")
    token_commands = tokens.add_subparsers(dest="tokens_command", required=True, parser_class=parser_class)
    create = token_commands.add_parser("create", help="create a token and print its secret (shown once)")
    create.add_argument(
        "--tenant",
        required=True,
        help="the tenant it is bound to, e.g. github:123 or spacelift:acme (printable ASCII; GitHub and Spacelift "
        "tenants are stored in lower case, as their webhooks name them)",
    )
    create.add_argument("--scope", required=True, choices=("read", "write", "admin"), help="what it may do")
    create.add_argument("--name", required=True, help="a label to recognise it by")
    create.add_argument("--expires-in-days", type=int, metavar="D", help="expire after D days (default: never)")
    listing = token_commands.add_parser("list", help="list tokens (never their secrets)")
    listing.add_argument("--tenant", help="only this tenant's tokens")
    revoke = token_commands.add_parser("revoke", help="revoke a token; it stops working at once")
    revoke.add_argument("id", help="the token id (from `tokens list`)")
    revoke_all = token_commands.add_parser(
        "revoke-all", help="revoke every token of a tenant (of one scope with --scope): a compromise response"
    )
    revoke_all.add_argument("--tenant", required=True, help="the tenant, e.g. github:123 or spacelift:acme")
    revoke_all.add_argument("--scope", choices=("read", "write", "admin"), help="only the tokens of this scope")
    for command in (create, listing, revoke, revoke_all):
        command.add_argument(
            "--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)"
        )


def _add_secret_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    secrets = commands.add_parser("secrets", help="the service's secrets: status (never values), rotate")
    secret_commands = secrets.add_subparsers(dest="secrets_command", required=True, parser_class=parser_class)
    status = secret_commands.add_parser("status", help="kinds, versions, sources, ages, expiries, last use")
    rotate = secret_commands.add_parser("rotate", help="walk a rotation and verify it (docs/howto/rotate-secrets.md)")
    rotate.add_argument(
        "kind", choices=("github-webhook", "spacelift-webhook", "api-token", "github-app-key", "model-key")
    )
    rotate.add_argument("--overlap-hours", type=float, default=24.0, help="how long the old version stays valid")
    rotate.add_argument("--token", metavar="ID", help="api-token: the id of the token to rotate")
    rotate.add_argument("--account", help="spacelift-webhook: the account whose secret is rotated")
    for command in (status, rotate):
        command.add_argument(
            "--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)"
        )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 0 and 65535, got {port}")
    return port
