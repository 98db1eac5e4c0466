"""The alert table's rows and the SLOs' burn-rate alerts as Prometheus alerting rules: what `export` writes
into `tfreview-rules.yml` and what `rule_tests` writes the `promtool` unit tests of."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tfreview.ops import yaml_text
from tfreview.ops.alert_table import AlertRule, AlertTable
from tfreview.ops.promql import duration, expression
from tfreview.ops.slo import BURN_WINDOWS, Slo


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
