"""`tfreview alerts export`: promtool accepts the rules, and every alert's generated unit tests pass.

promtool comes from Debian's `prometheus` package (`make tools` installs it; CI runs it). Where it
cannot be installed the promtool tests skip saying so; the structural tests below run everywhere.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tfreview.cli import main
from tfreview.ops import rule_tests, yaml_text
from tfreview.ops.alert_table import load_alert_table, parse_alert_table
from tfreview.ops.export import ALERTMANAGER_FILE, RULES_FILE, TESTS_FILE, alert_name, write_export
from tfreview.ops.promql import duration, expression
from tfreview.ops.settings import SloSettings
from tfreview.ops.slo import service_levels

_VENV_PROMTOOL = Path(sys.executable).parent / "promtool"  # where `make tools` puts it
PROMTOOL = str(_VENV_PROMTOOL) if _VENV_PROMTOOL.exists() else shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool is not installed: `make tools` extracts it from Debian's prometheus package (needs apt)",
)


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("export")
    assert main(["alerts", "export", str(directory), "--runbook-base", "https://runbooks.example/rb"]) == 0
    return directory


@needs_promtool
def test_promtool_accepts_the_rules_file(exported: Path) -> None:
    checked = promtool("check", "rules", RULES_FILE, cwd=exported)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    table = load_alert_table()
    assert f"SUCCESS: {len(table) + 3 * 3} rules found" in checked.stdout


@needs_promtool
def test_promtool_unit_tests_pass_for_every_alert(exported: Path) -> None:
    """Every generated unit test, run by promtool against its alert's rule as exported. promtool evaluates every rule
    of its rule files at every step: the whole file (52 rules) under the backup-stale tests' 1,621 steps alone cost
    ~29 s of CPU, one rule 0.5 s. So each alert's tests run against a rule file holding that alert's rules only,
    parsed from the exported file (no rule reads another's result: no recording rules, no `ALERTS`); promtool
    still checks the whole file (test_promtool_accepts_the_rules_file)."""
    rules_file = yaml.safe_load((exported / RULES_FILE).read_text(encoding="utf-8"))
    ((group,),) = (rules_file["groups"],)
    assert not [r for r in group["rules"] if "record" in r or "ALERTS" in r["expr"]]
    document = yaml.safe_load((exported / TESTS_FILE).read_text(encoding="utf-8"))
    tests_by_alert: dict[str, list[dict[str, object]]] = {}
    for test in document["tests"]:
        ((checked,),) = (test["alert_rule_test"],)
        tests_by_alert.setdefault(checked["alertname"], []).append(test)
    names: list[str] = []
    for alert, tests in sorted(tests_by_alert.items()):
        rules = [r for r in group["rules"] if r["alert"] == alert]
        assert rules, alert
        (exported / f"{alert}.rules.yml").write_text(yaml_text.dump({"groups": [{**group, "rules": rules}]}))
        one = {**document, "rule_files": [f"{alert}.rules.yml"], "tests": tests}
        (exported / f"{alert}.test.yml").write_text(yaml_text.dump(one))
        names.append(f"{alert}.test.yml")
    assert sum(len(tests) for tests in tests_by_alert.values()) == len(document["tests"])
    tested = promtool("test", "rules", *names, cwd=exported)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.count("SUCCESS") == len(names), tested.stdout


def test_the_written_test_file_covers_every_alert(exported: Path) -> None:
    text = (exported / TESTS_FILE).read_text()
    for rule in load_alert_table():
        assert f'"name": "{rule.id} fires"' in text
        assert f'"name": "{rule.id} stays quiet"' in text
        if rule.condition.kind == "increase":  # a series that exists at 0 from start fires on its first events
            assert f'"name": "{rule.id} fires on the first events after a scrape at 0"' in text
    for slo in service_levels(SloSettings()):
        assert f'"name": "SLO {slo.id} burns its budget"' in text


@needs_promtool
def test_a_rule_that_drifts_from_its_table_row_fails_its_promtool_test(exported: Path, tmp_path: Path) -> None:
    rules = (exported / RULES_FILE).read_text().replace("> 0.05", "> 1.5", 1)  # intake-db-errors can never fire
    (tmp_path / RULES_FILE).write_text(rules)
    table = parse_alert_table(_row_text("intake-db-errors"))
    document = rule_tests.tests_document(table, (), "https://runbooks.example/rb", RULES_FILE)
    (tmp_path / TESTS_FILE).write_text(yaml_text.dump(document))
    tested = promtool("test", "rules", TESTS_FILE, cwd=tmp_path)
    assert tested.returncode != 0
    assert "intake-db-errors fires" in tested.stdout + tested.stderr


def test_the_export_writes_labels_annotations_and_a_routing_tree_by_level(exported: Path) -> None:
    rules = (exported / RULES_FILE).read_text()
    assert '"alert": "TfreviewIntakeDbErrors"' in rules
    assert '"runbook_url": "https://runbooks.example/rb/intake-db-errors.md"' in rules
    assert '"alert": "SloWebhookAcceptanceBudgetBurn"' in rules
    routes = (exported / ALERTMANAGER_FILE).read_text()
    for level in ('level=\\"1\\"', 'level=\\"2\\"', 'level=\\"3\\"', 'level=\\"4\\"'):
        assert level in routes
    assert '"name": "level-2-on-call-page"' in routes


def test_promql_follows_the_documented_reduction_per_kind() -> None:
    table = load_alert_table()
    assert expression(table.by_id("intake-db-errors").condition) == (
        'sum(rate(tfreview_http_responses_total{route="webhook",status="503"}[5m])) / '
        'sum(rate(tfreview_http_responses_total{route="webhook"}[5m])) > 0.05'
    )
    assert expression(table.by_id("http-5xx-ratio").condition).startswith(
        'sum(rate(tfreview_http_responses_total{status=~"5.."}[5m]))'
    )
    assert expression(table.by_id("service-unreachable").condition) == 'absent(tfreview_build_info{role="serve"})'
    assert expression(table.by_id("watchdog-heartbeat-stale").condition) == (
        "time() - max(tfreview_watchdog_heartbeat_timestamp_seconds > 0) > 180"
    )
    assert expression(table.by_id("queue-backlog").condition) == 'sum(tfreview_queue_jobs{state="queued"}) > 500'
    assert [duration(s) for s in (90, 300, 3600, 86400, 259200)] == ["90s", "5m", "1h", "1d", "3d"]
    assert alert_name("ai-all-providers-down") == "TfreviewAiAllProvidersDown"


def test_label_values_are_escaped_in_promql() -> None:
    row = load_alert_table().by_id("http-5xx-ratio")
    text = (
        f'[[alert]]\nid = "x"\nscenario = "flood"\nsummary = "s"\nseverity = "low"\nlevel = 1\n'
        f'response_minutes = 1\nchannels = ["chat"]\nfor_seconds = 0\n[alert.condition]\nkind = "increase"\n'
        f'metric = "tfreview_admin_actions_total"\nlabels = {{ action = "a\\"b" }}\nwindow_seconds = 60\n'
        f'op = ">"\nthreshold = {row.condition.threshold}\n'
    )
    condition = parse_alert_table(text).by_id("x").condition
    assert 'action="a\\"b"' in expression(condition)


def test_an_slo_target_off_the_histogram_buckets_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_env = {"TFREVIEW_SLO__TIME_TO_REVIEW_SECONDS": "601"}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings_env.items():
            patch.setenv(key, value)
        assert main(["alerts", "export", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "slo.time_to_review_seconds must be one of the histogram's buckets" in err
    assert err.count("\n") == 1


def test_write_export_without_tests(tmp_path: Path) -> None:
    written = write_export(tmp_path, load_alert_table(), service_levels(SloSettings()), "rb", with_tests=False)
    assert [p.name for p in written] == [RULES_FILE, ALERTMANAGER_FILE]


def _row_text(alert_id: str) -> str:
    """One row of the packaged alerts.toml, as TOML text."""
    from importlib import resources

    text = resources.files("tfreview.ops").joinpath("alerts.toml").read_text()
    rows = text.split("[[alert]]")
    [row] = [r for r in rows if f'id = "{alert_id}"' in r]
    return "[[alert]]" + row.split("\n# ---")[0]


@needs_promtool
def test_ai_provider_errors_fires_on_a_first_burst_only_when_its_series_start_at_0(exported: Path) -> None:
    """ADR 0634: a provider that fails right after start — 4 errors and 2 successes in its first minute, then
    nothing. Its series at 0 from start (what serve now exports per configured provider): the burst's ratio is
    4/6 and the alert fires. Appearing with their first events (before): no rate, no alert."""
    from tfreview.ops.prometheus_alerts import table_alerts

    (alert,) = [
        a
        for a in table_alerts(load_alert_table(), "https://runbooks.example/rb")
        if a.labels["alert_id"] == "ai-provider-errors"
    ]
    series = 'tfreview_advisor_calls_total{provider="openai/gpt-canary",outcome="%s"}'
    fires = {"exp_labels": dict(alert.labels), "exp_annotations": dict(alert.annotations)}

    def case(name: str, first: str, expected: list[yaml_text.Node]) -> yaml_text.Node:
        return {
            "name": name,
            "interval": "1m",
            "input_series": [
                {"series": series % "error", "values": f"{first} 4+0x20"},
                {"series": series % "ok", "values": f"{first} 2+0x20"},
            ],
            "alert_rule_test": [{"eval_time": "8m", "alertname": alert.alert, "exp_alerts": expected}],
        }

    document: dict[str, yaml_text.Node] = {
        "rule_files": [RULES_FILE],
        "evaluation_interval": "1m",
        "tests": [
            case("series at 0 from start: the first burst fires", "0", [fires]),
            case("series appearing with the first events: quiet (why they must start at 0)", "_", []),
        ],
    }
    (exported / "ai-first-burst.test.yml").write_text(yaml_text.dump(document))
    tested = promtool("test", "rules", "ai-first-burst.test.yml", cwd=exported)
    assert tested.returncode == 0, tested.stdout + tested.stderr
