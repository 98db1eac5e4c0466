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
from dataclasses import dataclass
from pathlib import Path

from tfreview.ops import yaml_text
from tfreview.ops.alert_table import CHANNELS, LEVELS, AlertRule, AlertTable
from tfreview.ops.promql import duration, expression
from tfreview.ops.slo import BURN_WINDOWS, Slo

RULES_FILE = "tfreview-rules.yml"
TESTS_FILE = "tfreview-rules.test.yml"
ALERTMANAGER_FILE = "alertmanager.yml"
GROUP = "tfreview"
EVALUATION_INTERVAL = "1m"


@dataclass(frozen=True, slots=True)
class ExportedAlert:
    """One Prometheus alerting rule (several for an SLO: one per burn window)."""

    alert: str  # the Prometheus alert name (CamelCase of the id: alert names must be metric-name shaped)
    expr: str
    for_seconds: int
    labels: dict[str, str]
    annotations: dict[str, str]

    def rule(self) -> dict[str, yaml_text.Node]:
        found: dict[str, yaml_text.Node] = {"alert": self.alert, "expr": self.expr}
        if self.for_seconds:
            found["for"] = duration(self.for_seconds)
        found["labels"] = dict(self.labels)
        found["annotations"] = dict(self.annotations)
        return found


def alert_name(alert_id: str) -> str:
    """`intake-db-errors` → `TfreviewIntakeDbErrors`."""
    return "Tfreview" + "".join(part.capitalize() for part in alert_id.split("-"))


def runbook_url(alert_id: str, base: str) -> str:
    return f"{base.rstrip('/')}/{alert_id}.md"


def table_alerts(table: AlertTable, runbook_base: str) -> list[ExportedAlert]:
    return [_exported(rule, runbook_base) for rule in table]


def _exported(rule: AlertRule, runbook_base: str) -> ExportedAlert:
    return ExportedAlert(
        alert=alert_name(rule.id),
        expr=expression(rule.condition),
        for_seconds=rule.for_seconds,
        labels={
            "alert_id": rule.id,
            "scenario": rule.scenario,
            "severity": rule.severity,
            "level": str(rule.level),
            "channels": ",".join(rule.channels),
            **({"action": rule.action} if rule.action else {}),
        },
        annotations={
            "summary": rule.summary,
            "runbook_url": runbook_url(rule.id, runbook_base),
            "response_minutes": str(rule.response_minutes),
        },
    )


def slo_alerts(slos: Iterable[Slo], runbook_base: str) -> list[ExportedAlert]:
    found = []
    for slo in slos:
        for burn in BURN_WINDOWS:
            found.append(
                ExportedAlert(
                    alert=slo.alert_name,
                    expr=slo.burn_expression(burn),
                    for_seconds=burn.for_seconds,
                    labels={
                        "alert_id": slo.alert_id,
                        "scenario": "high-error-rate" if slo.id == "webhook-acceptance" else "high-latency",
                        "severity": burn.severity,
                        "level": str(burn.level),
                        "channels": burn.channel,
                        "burn": burn.name,
                    },
                    annotations={
                        "summary": f"SLO {slo.id} ({slo.summary}): error budget burning {burn.factor:g}× too fast "
                        f"over {duration(burn.long_seconds)} and {duration(burn.short_seconds)}",
                        "runbook_url": runbook_url(slo.alert_id, runbook_base),
                        "response_minutes": "15" if burn.channel == "page" else "1440",
                    },
                )
            )
    return found


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
    from tfreview.ops.rule_tests import tests_document

    slos = tuple(slos)
    alerts = table_alerts(table, runbook_base) + slo_alerts(slos, runbook_base)
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / RULES_FILE, directory / ALERTMANAGER_FILE]
    written[0].write_text(yaml_text.dump(rules_document(alerts)), encoding="utf-8")
    written[1].write_text(yaml_text.dump(alertmanager_document()), encoding="utf-8")
    if with_tests:
        path = directory / TESTS_FILE
        path.write_text(yaml_text.dump(tests_document(table, slos, runbook_base, RULES_FILE)), encoding="utf-8")
        written.append(path)
    return written
