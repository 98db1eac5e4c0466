"""The alert table: the packaged file loads, covers every scenario, and bad rows fail naming row and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfreview.core.errors import ConfigError
from tfreview.ops.alert_table import SCENARIOS, Selector, load_alert_table, parse_alert_table
from tfreview.ops.metric_catalogue import CATALOGUE

GOOD_ROW = """
[[alert]]
id = "intake-db-errors"
scenario = "database-disruption"
summary = "Intake answers 503"
severity = "critical"
level = 2
response_minutes = 10
channels = ["page"]
action = "shed-load"
for_seconds = 120
[alert.condition]
kind = "ratio"
metric = "tfreview_http_responses_total"
labels = { route = "webhook", status = "503" }
denominator_metric = "tfreview_http_responses_total"
denominator_labels = { route = "webhook" }
window_seconds = 300
op = ">"
threshold = 0.05
"""


def test_the_packaged_table_covers_every_scenario_of_issue_10() -> None:
    table = load_alert_table()
    assert table.scenarios() == set(SCENARIOS)
    assert len({rule.id for rule in table}) == len(table)


def test_a_row_reads_into_typed_fields() -> None:
    rule = parse_alert_table(GOOD_ROW).by_id("intake-db-errors")
    assert (rule.severity, rule.level, rule.response_minutes, rule.channels) == ("critical", 2, 10, ("page",))
    assert (rule.action, rule.for_seconds, rule.runbook) == ("shed-load", 120, "docs/runbooks/intake-db-errors.md")
    condition = rule.condition
    assert condition.kind == "ratio"
    assert condition.selector == Selector(
        "tfreview_http_responses_total", (("route", "webhook"), ("status", "503")), ()
    )
    assert condition.denominator == Selector("tfreview_http_responses_total", (("route", "webhook"),), ())
    assert (condition.window_seconds, condition.op, condition.threshold) == (300, ">", 0.05)
    assert condition.holds(0.06)
    assert not condition.holds(0.05)


def test_selection_matches_exact_labels_and_anchored_patterns() -> None:
    selector = Selector("m_total", (("route", "api"),), (("status", "5.."),))
    assert selector.selects("m_total", {"route": "api", "status": "503"})
    assert not selector.selects("m_total", {"route": "api", "status": "5030"})
    assert not selector.selects("m_total", {"route": "webhook", "status": "503"})
    assert not selector.selects("other_total", {"route": "api", "status": "503"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('severity = "critical"', 'severity = "urgent"'), 'alert "intake-db-errors": severity must be one of'),
        (("level = 2", "level = 5"), 'alert "intake-db-errors": level must be 1, 2, 3 or 4, got 5'),
        (('channels = ["page"]', 'channels = ["pager"]'), "channels: unknown channel 'pager'"),
        (('action = "shed-load"', 'action = "reboot"'), "action must be one of"),
        (('op = ">"', 'op = "=>"'), 'alert "intake-db-errors": condition: op must be one of'),
        (('kind = "ratio"', 'kind = "mean"'), "condition: kind must be one of"),
        (('metric = "tfreview_http_responses_total"', 'metric = "tfreview_nope_total"'), "not in the metric catalogue"),
        (('route = "webhook", status', 'road = "webhook", status'), "labels.road: tfreview_http_responses_total has"),
        (('route = "webhook", status', 'route = "nowhere", status'), "labels.route: 'nowhere' is not a value"),
        (("window_seconds = 300", "window_seconds = 5"), "window_seconds must be at least 60"),
        (("threshold = 0.05", 'threshold = "high"'), "threshold must be a number"),
        (('id = "intake-db-errors"', 'id = "Intake_DB"'), "alert #1: id must be kebab-case"),
        (("for_seconds = 120", "for_seconds = 120\nescalate = true"), "unknown key(s): escalate"),
    ],
)
def test_a_bad_row_fails_naming_the_row_and_the_key(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD_ROW
    with pytest.raises(ConfigError) as caught:
        parse_alert_table(GOOD_ROW.replace(old, new, 1))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_kind_specific_keys_are_refused_where_they_mean_nothing() -> None:
    absent = GOOD_ROW.replace('kind = "ratio"', 'kind = "absent"')
    with pytest.raises(ConfigError, match="denominator_\\* keys belong to kind ratio only"):
        parse_alert_table(absent)
    value = "\n".join(line for line in absent.splitlines() if not line.startswith("denominator"))
    with pytest.raises(ConfigError, match="window_seconds belongs to rate, increase and ratio"):
        parse_alert_table(value)
    value = "\n".join(line for line in value.splitlines() if not line.startswith("window"))
    with pytest.raises(ConfigError, match="op and threshold are not used by kind absent"):
        parse_alert_table(value)


def test_duplicates_bad_toml_and_unreadable_files_fail_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match='alert "intake-db-errors" is defined twice'):
        parse_alert_table(GOOD_ROW + GOOD_ROW)
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_alert_table("[[alert]\n")
    with pytest.raises(ConfigError, match="no \\[\\[alert\\]\\] rows"):
        parse_alert_table("")
    with pytest.raises(ConfigError, match="cannot read the alert table"):
        load_alert_table(tmp_path / "missing.toml")


def test_histogram_series_are_selected_by_their_suffixes() -> None:
    row = GOOD_ROW.replace(
        'metric = "tfreview_http_responses_total"\nlabels = { route = "webhook", status = "503" }',
        'metric = "tfreview_http_request_duration_seconds_bucket"\nlabels = { route = "webhook", le = "1.0" }',
    ).replace(
        'denominator_metric = "tfreview_http_responses_total"',
        'denominator_metric = "tfreview_http_request_duration_seconds_count"',
    )
    rule = parse_alert_table(row).by_id("intake-db-errors")
    assert rule.condition.metric == "tfreview_http_request_duration_seconds_bucket"
    with pytest.raises(ConfigError, match="not in the metric catalogue"):
        parse_alert_table(row.replace("_seconds_bucket", "_seconds", 1))


def test_the_catalogue_names_are_unique_and_prometheus_shaped() -> None:
    names = [spec.name for spec in CATALOGUE]
    assert len(names) == len(set(names))
    for spec in CATALOGUE:
        assert spec.name.startswith("tfreview_")
        assert spec.name.endswith("_total") == (spec.kind == "counter"), spec.name
        assert (spec.kind == "histogram") == bool(spec.buckets), spec.name
