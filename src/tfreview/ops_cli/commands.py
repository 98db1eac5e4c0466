"""`tfreview alerts export|list` and `tfreview slo`: the operator's commands over the alert table and SLOs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tfreview.settings import Settings

DEFAULT_RUNBOOK_BASE = "docs/runbooks"  # the repository path; pass --runbook-base with where you publish them
EXIT_OK = 0


def add_ops_commands(commands: Any) -> None:
    alerts = commands.add_parser("alerts", help="the alert table: export it to Prometheus/Alertmanager, list it")
    alert_commands = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    export = alert_commands.add_parser(
        "export",
        help="write Prometheus rules (with SLO burn-rate alerts), their promtool tests and an Alertmanager tree",
        description="Writes tfreview-rules.yml, tfreview-rules.test.yml and alertmanager.yml into DIR. Check them "
        "with `promtool check rules DIR/tfreview-rules.yml` and `promtool test rules DIR/tfreview-rules.test.yml`. "
        "With --format cloudwatch, writes DIR/alarms.tf.json instead (CloudWatch alarms for deploy/aws).",
    )
    export.add_argument("directory", metavar="DIR", help="where to write the files (created when missing)")
    export.add_argument(
        "--runbook-base",
        metavar="URL",
        default=DEFAULT_RUNBOOK_BASE,
        help="where the runbooks are published (default: the repository path docs/runbooks); runbook_url = URL/<id>.md",
    )
    export.add_argument("--no-tests", action="store_true", help="do not write the promtool test file")
    export.add_argument(
        "--format",
        choices=("prometheus", "cloudwatch"),
        default="prometheus",
        help="prometheus (default): the files above; cloudwatch: alarms.tf.json, one CloudWatch alarm per alert "
        "row as Terraform JSON (what deploy/aws/ holds: `tfreview alerts export --format cloudwatch deploy/aws`)",
    )
    alert_commands.add_parser("list", help="one line per alert: id, scenario, severity, level, channels, summary")
    slo = commands.add_parser(
        "slo",
        help="service level objectives: attainment and error budget left, from stored history",
        description="Time to review is computed from the stored reviews of the last slo.window_days days; the "
        "objectives measured only by Prometheus (webhook acceptance, rules latency) are shown with their PromQL.",
    )
    slo.add_argument("--data-dir", metavar="DIR", help="where the SQLite database lives (default: .tfreview-data)")


def run_ops_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "slo":
        from tfreview.ops_cli.slo_report import print_slo_report

        return print_slo_report(settings)
    from tfreview.ops.alert_table import load_alert_table

    table = load_alert_table()
    if args.alerts_command == "list":
        for rule in table:
            channels = ",".join(rule.channels)
            print(f"{rule.id}\t{rule.scenario}\t{rule.severity}\tL{rule.level}\t{channels}\t{rule.summary}")
        return EXIT_OK
    from tfreview.core.errors import InputError

    directory = Path(args.directory)
    try:
        if args.format == "cloudwatch":
            from tfreview.ops.cloudwatch_terraform import write_alarms

            print(write_alarms(directory, table, args.runbook_base))
            return EXIT_OK
        from tfreview.ops.export import write_export
        from tfreview.ops.slo import service_levels

        written = write_export(
            directory, table, service_levels(settings.slo), args.runbook_base, with_tests=not args.no_tests
        )
    except OSError as exc:  # DIR is a file, or not writable: a usage error, not an internal one
        raise InputError(f"cannot write the export there: {exc.strerror}", path=str(directory)) from None
    for path in written:
        print(path)
    return EXIT_OK
