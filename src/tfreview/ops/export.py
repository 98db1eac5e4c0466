"""`tfreview alerts export`: the alert table as Prometheus alerting rules and an Alertmanager routing tree.

    tfreview-rules.yml       one rule group: every table row (PromQL from `promql.expression`) and the
                             SLO burn-rate alerts (`slo.BURN_WINDOWS`)
    tfreview-rules.test.yml  `promtool test rules` unit tests: each alert fires on series made to
                             trip it, and stays silent on quiet ones (`rule_tests`)
    alertmanager.yml         routes by escalation level, then by channel; receivers named
                             `<level>-<channel>` for the operator to fill in (PagerDuty, Slack, e-mail…)

Every alert carries the labels `alert_id`, `scenario`, `severity`, `level`, `channels` and the
annotations `summary`, `runbook_url`, `response_minutes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tfreview.ops import yaml_text
from tfreview.ops.alert_table import CHANNELS, LEVELS, AlertTable
from tfreview.ops.prometheus_alerts import ExportedAlert, alert_name, runbook_url, slo_alerts, table_alerts
from tfreview.ops.rule_tests import tests_document
from tfreview.ops.slo import Slo
from tfreview.plumbing.whole_files import write_whole

RULES_FILE = "tfreview-rules.yml"
TESTS_FILE = "tfreview-rules.test.yml"
ALERTMANAGER_FILE = "alertmanager.yml"
GROUP = "tfreview"
EVALUATION_INTERVAL = "1m"

__all__ = [
    "ALERTMANAGER_FILE",
    "RULES_FILE",
    "TESTS_FILE",
    "ExportedAlert",
    "alert_name",
    "alertmanager_document",
    "rules_document",
    "runbook_url",
    "slo_alerts",
    "table_alerts",
    "write_export",
]


def rules_document(alerts: Iterable[ExportedAlert]) -> dict[str, yaml_text.Node]:
    return {"groups": [{"name": GROUP, "interval": EVALUATION_INTERVAL, "rules": [a.rule() for a in alerts]}]}


def alertmanager_document() -> dict[str, yaml_text.Node]:
    """Routes by `level` (1 automated … 4 management), then by channel (`continue` so an alert with
    several channels reaches each); resolved notifications on; receivers left for the operator to fill."""
    routes: list[yaml_text.Node] = []
    receivers: list[yaml_text.Node] = [{"name": "default"}]
    for level, who in LEVELS.items():
        children: list[yaml_text.Node] = []
        for channel in CHANNELS:
            name = f"level-{level}-{who}-{channel}"
            receivers.append({"name": name})
            children.append({"receiver": name, "matchers": [f'channels=~".*{channel}.*"'], "continue": True})
        routes.append(
            {
                "receiver": f"level-{level}-{who}-{CHANNELS[0]}" if level > 1 else "default",
                "matchers": [f'level="{level}"'],
                "routes": children,
                **({"repeat_interval": "1h"} if level >= 2 else {}),
            }
        )
    return {
        "route": {
            "receiver": "default",
            "group_by": ["alertname", "alert_id", "burn"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": routes,
        },
        "inhibit_rules": [
            {
                "source_matchers": ['alert_id="service-unreachable"'],
                "target_matchers": ['alert_id!="service-unreachable"'],
                "equal": [],
            }
        ],
        "receivers": receivers,
    }


def write_export(
    directory: Path, table: AlertTable, slos: Iterable[Slo], runbook_base: str, *, with_tests: bool = True
) -> list[Path]:
    """Write the files into `directory` (created); the paths written, rules first."""
    slos = tuple(slos)
    alerts = table_alerts(table, runbook_base) + slo_alerts(slos, runbook_base)
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / RULES_FILE, directory / ALERTMANAGER_FILE]
    write_whole(written[0], yaml_text.dump(rules_document(alerts)))
    write_whole(written[1], yaml_text.dump(alertmanager_document()))
    if with_tests:
        path = directory / TESTS_FILE
        write_whole(path, yaml_text.dump(tests_document(table, slos, runbook_base, RULES_FILE)))
        written.append(path)
    return written
