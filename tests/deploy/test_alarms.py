"""deploy/aws/alarms.tf.json against the alert table, row by row: one alarm per alert, none extra, with the
threshold, period and escalation topic the row asks for (docs/adr/0190-cloudwatch-alarms.md)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tfreview.ops.alert_table import AlertRule, load_alert_table, parse_alert_table
from tfreview.ops.cloudwatch import PUBLISHED, PUBLISHED_METRIC, Unmappable, alarm_for, rollups
from tfreview.ops.cloudwatch_terraform import alarms_text, resource_name
from tfreview.ops.metric_catalogue import BY_NAME

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "deploy" / "aws"
RUNBOOK_BASE = "https://github.com/tfreview/tfreview/blob/main/docs/runbooks"  # the Makefile's RUNBOOK_BASE
TABLE = load_alert_table()
NATIVE = {"service-unreachable": "AWS/Route53", "backup-stale": "AWS/Backup", "http-5xx-ratio": "AWS/ApiGateway"}
OPERATORS = {
    ">": "GreaterThanThreshold",
    ">=": "GreaterThanOrEqualToThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}


def committed() -> dict[str, dict[str, Any]]:
    document = json.loads((MODULE / "alarms.tf.json").read_text(encoding="utf-8"))
    return dict(document["resource"]["aws_cloudwatch_metric_alarm"])


def test_the_committed_alarms_are_current() -> None:
    current = (MODULE / "alarms.tf.json").read_text(encoding="utf-8")
    assert current == alarms_text(TABLE, RUNBOOK_BASE), "run `make docs` (deploy/aws/alarms.tf.json is generated)"


def test_every_alert_has_exactly_one_alarm_and_there_is_no_other() -> None:
    alarms = committed()
    by_alert = [alarm["tags"]["alert_id"] for alarm in alarms.values()]
    assert sorted(by_alert) == sorted(rule.id for rule in TABLE)
    assert set(alarms) == {resource_name(rule.id) for rule in TABLE}


@pytest.mark.parametrize("rule", list(TABLE), ids=lambda rule: rule.id)
def test_each_alarm_matches_its_row(rule: AlertRule) -> None:
    alarm = committed()[resource_name(rule.id)]
    condition = rule.condition
    topics = "level_us_east_1" if alarm.get("provider") == "aws.us_east_1" else "level"
    topic = f'${{aws_sns_topic.{topics}["{rule.level}"].arn}}'
    assert alarm["alarm_actions"] == [topic]
    assert alarm["ok_actions"] == [topic]
    assert alarm["tags"]["level"] == str(rule.level)
    assert alarm["tags"]["severity"] == rule.severity
    assert alarm["alarm_name"] == f"${{var.name}}-{rule.id}"
    assert rule.summary in alarm["alarm_description"]
    assert f"/{rule.id}.md" in alarm["alarm_description"]
    assert alarm["datapoints_to_alarm"] == alarm["evaluation_periods"]
    period = alarm.get("period") or alarm["metric_query"][0]["metric"][0]["period"]
    namespaces = {alarm.get("namespace")} | {
        q["metric"][0]["namespace"] for q in alarm.get("metric_query", []) if "metric" in q
    }
    namespaces.discard(None)
    if rule.id in NATIVE:
        assert namespaces == {NATIVE[rule.id]}
        assert alarm["tags"]["source"] == "aws"
        return
    assert namespaces == {"tfreview"}
    if rule.id in PUBLISHED:  # the watchdog function writes the row's own number: the row's own comparison
        assert alarm["metric_name"] == PUBLISHED_METRIC
        assert alarm["dimensions"] == {"alert_id": rule.id}
        assert (alarm["comparison_operator"], alarm["threshold"]) == (OPERATORS[condition.op], condition.threshold)
        assert period == 60
        assert alarm["evaluation_periods"] == max(1, math.ceil(rule.for_seconds / 60))
        return
    kind = condition.kind
    if kind in ("rate", "increase", "ratio"):
        window = condition.window_seconds
        assert period == window
        assert alarm["evaluation_periods"] == 1 + math.ceil(rule.for_seconds / window)
        assert alarm["comparison_operator"] == OPERATORS[condition.op]
        expected = condition.threshold * (window if kind == "rate" else 1)
        if condition.metric.endswith("_bucket"):  # the percentile rank, in percent
            expected = condition.threshold * 100
            le = dict(condition.selector.labels)["le"]
            assert alarm["extended_statistic"] == f"PR(:{float(le):g})"
        assert alarm["threshold"] == pytest.approx(expected)
        metric_names = {alarm.get("metric_name")} | {
            q["metric"][0]["metric_name"] for q in alarm.get("metric_query", []) if "metric" in q
        }
        metric_names.discard(None)
        assert metric_names == {condition.metric.removesuffix("_bucket")}
    elif kind == "value":
        assert (alarm["comparison_operator"], alarm["threshold"]) == (OPERATORS[condition.op], condition.threshold)
        assert (period, alarm["statistic"], alarm["metric_name"]) == (60, "Maximum", condition.metric)
    else:  # age, absent: nothing written for the row's age (and its `for`): missing data breaches
        assert (alarm["comparison_operator"], alarm["threshold"], alarm["statistic"]) == (
            "LessThanThreshold",
            1,
            "SampleCount",
        )
        span = rule.for_seconds + (int(condition.threshold) if kind == "age" else 0)
        assert period * alarm["evaluation_periods"] == max(60, math.ceil(span / 60) * 60)
        assert alarm["treat_missing_data"] == "breaching"


def test_a_selection_reads_the_rollup_of_exactly_its_labels() -> None:
    alarm = alarm_for(TABLE.by_id("oidc-rejection-ratio"))
    numerator = [dict(m.dimensions) for m in alarm.metrics[:-1]]
    assert numerator == [{"method": "oidc", "outcome": o} for o in ("invalid", "expired", "unavailable")]
    assert dict(alarm.metrics[-1].dimensions) == {"method": "oidc"}
    assert alarm.expression == "SUM([FILL(m1, 0), FILL(m2, 0), FILL(m3, 0)]) / m4"
    everything = alarm_for(TABLE.by_id("admin-action-burst"))
    assert everything.metrics[0].dimensions == ()
    assert BY_NAME["tfreview_admin_actions_total"].label_names


ROW = """
[[alert]]
id = "odd"
scenario = "flood"
summary = "x"
severity = "high"
level = 2
response_minutes = 5
channels = ["page"]
for_seconds = 0
[alert.condition]
"""


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        (
            'kind = "increase"\nmetric = "tfreview_admin_actions_total"\nlabel_patterns = { action = "a.*" }\n'
            'window_seconds = 300\nop = ">"\nthreshold = 1',
            "free-form label action",
        ),
        ('kind = "increase"\nmetric = "tfreview_jobs_total"\nwindow_seconds = 90\nop = ">"\nthreshold = 1', "90 s"),
        ('kind = "value"\nmetric = "tfreview_advisor_breaker_open"\nop = ">"\nthreshold = 2', "several gauges"),
        ('kind = "increase"\nmetric = "tfreview_jobs_total"\nwindow_seconds = 300\nop = "=="\nthreshold = 1', "=="),
    ],
)
def test_a_row_cloudwatch_cannot_read_is_refused_with_its_reason(condition: str, reason: str) -> None:
    table = parse_alert_table(ROW + condition)
    with pytest.raises(Unmappable, match=reason):
        alarm_for(table.rules[0])
    assert rollups(table) == {}  # the EMF lines still go out: the export is where the row is refused


def test_the_published_ids_are_the_catalogue_values_of_alert_id() -> None:
    assert set(BY_NAME[PUBLISHED_METRIC].allowed("alert_id")) == set(PUBLISHED)
    assert {rule.id for rule in TABLE} >= PUBLISHED


def test_the_cli_writes_the_same_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "alerts", "export", "--format", "cloudwatch", str(tmp_path),
         "--runbook-base", RUNBOOK_BASE],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "alarms.tf.json").read_text(encoding="utf-8") == alarms_text(TABLE, RUNBOOK_BASE)


def test_each_emf_metric_an_alarm_reads_is_a_rollup_the_emf_line_declares() -> None:
    """The functions' EMF line for a series the alarm selects declares exactly the alarm's dimension set."""
    from tfreview.ops.emf import EmfRecorder

    checked = 0
    for rule in TABLE:
        alarm = alarm_for(rule)
        if alarm.source != "emf":
            continue
        for ref in alarm.metrics:
            spec = BY_NAME[ref.name]
            wanted = dict(ref.dimensions)
            labels = {name: wanted.get(name, values[0] if values else "x") for name, values in spec.labels}
            lines: list[str] = []
            recorder = EmfRecorder(write=lines.append, now_ms=lambda: 0)
            if spec.kind == "counter":
                recorder.count(ref.name, **labels)
            elif spec.kind == "histogram":
                recorder.observe(ref.name, 0.1, **labels)
            else:
                recorder.set(ref.name, 1.0, **labels)
            (line,) = lines
            declared = json.loads(line)["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
            assert sorted(wanted) in declared, (rule.id, ref.name, sorted(wanted), declared)
            checked += 1
    assert checked >= 40


def test_an_export_into_a_file_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    taken = tmp_path / "alarms"
    taken.write_text("a file, not a directory", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tfreview", "alerts", "export", "--format", "cloudwatch", str(taken)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"{taken}: cannot write the export there" in done.stderr
    assert "Traceback" not in done.stderr
