"""`tfreview drill SCENARIO` (signature-flood, silence, db-locked): the rehearsal's command line.

    tfreview drill signature-flood --embedded             a throw-away `serve` on a compressed clock
    TFREVIEW_DRILL_TOKEN=… tfreview drill signature-flood --url https://tfreview.example.com

Exit codes: 0 the alert fired and its incident opened within the row's response-time target, the failure
signal stopped within it after the recovery, and the incident resolved by the time its row's mechanics
allow (ADR 0528); 1 it did not (the report says what); 2 usage errors (no target, no operator token, no
metrics token with --url, a scenario that needs the webhook secret or the database file without them, an
incident of the group already active, a token the incidents API or /metrics refuses); 3 the service
cannot be reached; 130 interrupted (the injection is stopped first).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfreview.core.errors import ConfigError

if TYPE_CHECKING:
    from tfreview.ops_cli.drill_run import ScenarioDrill
    from tfreview.ops_cli.drill_scenarios import Scenario
    from tfreview.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130
DEFAULT_TIMEOUT_SECONDS = 600.0
SCENARIO_NAMES = ("signature-flood", "silence", "db-locked", "jwks-down", "provider-down")


def add_scenario_parsers(drill_sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    for name in SCENARIO_NAMES:
        command = drill_sub.add_parser(
            name,
            help=f"rehearse {name}: inject it, watch the alert fire and the incident open, recover, verify",
            description="Writes a Markdown and a JSON drill report with time to detect and time to recover "
            "against the alert's response-time target (docs/howto/drills.md).",
        )
        where = command.add_mutually_exclusive_group(required=True)
        where.add_argument("--url", help="a running service; needs an operator token (TFREVIEW_DRILL_TOKEN)")
        where.add_argument(
            "--embedded", action="store_true", help="start a throw-away `serve` in a temporary directory"
        )
        command.add_argument("--token-file", metavar="FILE", help="the operator token, read from a file")
        command.add_argument(
            "--scale",
            type=float,
            help="the alert table's time scale: --embedded runs with it (default: the scenario's, about a minute); "
            "--url: the service's TFREVIEW_WATCHDOG__TIME_SCALE (default 1)",
        )
        command.add_argument("--notify", action="store_true", help="embedded: keep TFREVIEW_NOTIFY__* (a test channel)")
        command.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS, help="seconds per phase")
        command.add_argument("--report", metavar="FILE", help="the Markdown report (JSON beside it)")
        command.add_argument("--data-dir", metavar="DIR", help="where reports go by default (DATA_DIR/drills)")


def run_scenario_drill(args: argparse.Namespace, settings: Settings) -> int:
    import httpx

    from tfreview.ops_cli.drill_scenarios import SCENARIOS

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll is noise here
    scenario = SCENARIOS[args.drill_command]
    if not args.timeout > 0:
        raise ConfigError("--timeout must be a positive number of seconds")
    if args.embedded:
        return _embedded(args, settings, scenario)
    if args.notify:
        raise ConfigError("--notify belongs to --embedded (a running service notifies as it is configured)")
    scale = _scale(args.scale if args.scale is not None else 1.0)
    if scenario.embedded_only:
        raise ConfigError(f"drill {scenario.name} runs --embedded only: the drill takes down a provider it runs itself")
    token = _token(args)
    metrics_token = settings.metrics.token.get_secret_value() if settings.metrics.token else ""
    if not metrics_token:
        raise ConfigError(
            "drill --url reads the failure signal from the service's /metrics: set TFREVIEW_METRICS__TOKEN "
            "to the service's metrics token"
        )
    secret = _newest_secret(settings)
    if scenario.needs_secret and secret is None:
        raise ConfigError(f"drill {scenario.name} signs deliveries: set TFREVIEW_GITHUB__WEBHOOK_SECRETS")
    sqlite_path = _sqlite_path(settings)
    if scenario.needs_sqlite and sqlite_path is None:
        raise ConfigError(
            f"drill {scenario.name} locks the service's SQLite file: run it where TFREVIEW_DATABASE__URL names it"
        )
    with httpx.Client(base_url=args.url.rstrip("/"), timeout=30.0) as http:
        from tfreview.ops_cli.drill_run import POLL_SECONDS
        from tfreview.ops_cli.drill_scenarios import DrillTarget
        from tfreview.ops_cli.drill_signal import Mechanics
        from tfreview.ops_cli.drill_watch import ApiIncidents, MetricsScrape

        target = DrillTarget(args.url, http, secret, sqlite_path)
        watchdog = settings.watchdog
        mechanics = Mechanics(watchdog.keep_firing_seconds, watchdog.interval_seconds, POLL_SECONDS)
        watch = (ApiIncidents(http, token), MetricsScrape(http, metrics_token), mechanics)
        return _rehearse(args, settings, scenario, target, watch, mode="url", scale=scale)


def _embedded(args: argparse.Namespace, settings: Settings, scenario: Scenario) -> int:
    import httpx

    from tfreview.ops_cli.drill_issuer import DrillIssuer
    from tfreview.ops_cli.drill_model import DrillModel
    from tfreview.ops_cli.drill_run import POLL_SECONDS
    from tfreview.ops_cli.drill_scenarios import DrillTarget
    from tfreview.ops_cli.drill_service import WATCHDOG_INTERVAL_SECONDS, embedded_service, keep_firing_seconds
    from tfreview.ops_cli.drill_signal import Mechanics
    from tfreview.ops_cli.drill_watch import MetricsScrape, StoreIncidents
    from tfreview.store.database import Database

    scale = _scale(scenario.embedded_scale if args.scale is None else args.scale)
    with contextlib.ExitStack() as stack:
        issuer = stack.enter_context(DrillIssuer()) if scenario.name == "jwks-down" else None
        model = stack.enter_context(DrillModel()) if scenario.name == "provider-down" else None
        extra = {**(issuer.environment() if issuer else {}), **(model.environment() if model else {})}
        service = stack.enter_context(
            embedded_service(scale, notify=args.notify, extra=extra, worker=model is not None)
        )
        database = Database(f"sqlite:///{service.database_path}", pool_size=1)
        try:
            with httpx.Client(base_url=service.url, timeout=30.0) as http:
                target = DrillTarget(service.url, http, service.github_secret, service.database_path, issuer, model)
                if model is not None:
                    target.api_token = _drill_token(database)
                mechanics = Mechanics(keep_firing_seconds(scale), WATCHDOG_INTERVAL_SECONDS, POLL_SECONDS)
                watch = (StoreIncidents(database), MetricsScrape(http, service.metrics_token), mechanics)
                return _rehearse(args, settings, scenario, target, watch, mode="embedded", scale=scale)
        finally:
            database.close()


def _rehearse(
    args: argparse.Namespace,
    settings: Settings,
    scenario: Scenario,
    target: Any,
    watch: tuple[Any, Any, Any],
    *,
    mode: str,
    scale: float,
) -> int:
    """`watch`: how the drill reads the incidents, the metrics, and the watchdog's timing."""
    from tfreview.ops.alert_table import load_alert_table
    from tfreview.ops.time_scale import scaled_table
    from tfreview.ops_cli.drill_report import write_reports
    from tfreview.ops_cli.drill_run import new_drill, rehearse

    table = scaled_table(load_alert_table(), scale)
    rule = table.by_id(scenario.alert_id)
    group = [r for r in table if r.scenario == rule.scenario]
    drill = new_drill(scenario, rule, url=target.url, mode=mode, scale=scale)
    print(f"drill {scenario.name}: {scenario.description} → alert {rule.id} (target {rule.response_minutes} min)")
    view, metrics, mechanics = watch
    rehearse(
        scenario, rule, target, view, drill, timeout_seconds=args.timeout, metrics=metrics, group=group,
        mechanics=mechanics,
    )  # fmt: skip
    path = Path(args.report) if args.report else _default_report(settings, scenario.name, drill.started_at)
    json_path = write_reports(drill, path)
    _print(drill)
    print(f"drill report: {path} (and {json_path.name})")
    if drill.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if drill.passed else EXIT_FAILED


def _print(drill: ScenarioDrill) -> None:
    from tfreview.ops_cli.drill_report import summary_line

    print(summary_line(drill))
    for problem in drill.problems:
        print(f"problem: {problem}", file=sys.stderr)


def _drill_token(database: Any) -> str:
    """A write token of the drill's tenant in the embedded database (it uploads the plans to review)."""
    from tfreview.identity.token_admin import create_token
    from tfreview.store.tokens import SqlTokens

    _, secret = create_token(SqlTokens(database), "github:990000001", "write", "tfreview-drill")
    return secret


def _scale(scale: float) -> float:
    if not 0 < scale <= 1:
        raise ConfigError(f"--scale must be in (0, 1], got {scale:g}")
    return scale


def _token(args: argparse.Namespace) -> str:
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read --token-file: {exc.strerror}") from None
    else:
        token = os.environ.get("TFREVIEW_DRILL_TOKEN", "").strip()
    if not token:
        raise ConfigError("drill --url needs an operator token: TFREVIEW_DRILL_TOKEN or --token-file")
    return token


def _newest_secret(settings: Settings) -> str | None:
    versions = settings.github.webhook_secrets
    return versions[-1].value.get_secret_value() if versions else None


def _sqlite_path(settings: Settings) -> Path | None:
    url = settings.database.url
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    return path if path.exists() else None


def _default_report(settings: Settings, name: str, at: datetime) -> Path:
    return Path(settings.server.data_dir).expanduser().resolve() / "drills" / f"{name}-{at:%Y%m%dT%H%M%SZ}.md"
