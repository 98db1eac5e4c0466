"""A real `tfreview serve`'s /metrics shows, before anything failed, every counter series an alert reads over
time (`increase`, `rate`, `ratio`) at 0 — so Prometheus sees the first failure as an increase (a series that
appears at 1 has none: `increase(...) > 0` never fired for a process's first expired secret, revoked token, lost
delivery...). Then a forged delivery moves its series from that 0 to 1. ADR 0614.
"""

from __future__ import annotations

from pathlib import Path

from tests.integration.door_requests import delivery, request
from tests.integration.served import Served, child_env, serving
from tfreview.ops.alert_table import load_alert_table
from tfreview.ops.metric_catalogue import BY_NAME
from tfreview.ops.zero_series import zero_series
from tfreview.wiring.ops import alerted_label_values

TOKEN = "zero-series-canary-7c1e"
NAMED = (  # the alerts r17-alerts suspected, and others that fire on one event
    'tfreview_webhook_expired_secret_used_total{source="github"}',
    'tfreview_webhook_expired_secret_used_total{source="spacelift"}',
    'tfreview_auth_attempts_total{method="token",outcome="revoked"}',
    'tfreview_auth_attempts_total{method="oidc",outcome="revoked"}',
    'tfreview_deliveries_lost_total{reason="redeliveries_exhausted",source="github"}',
    'tfreview_notifier_failures_total{notifier="pagerduty"}',
    'tfreview_jobs_total{kind="review",outcome="dead_lettered"}',
    'tfreview_audit_mismatches_total{table="database"}',
    'tfreview_reconciler_caught_up_total{reconciler="github-deliveries"}',
    'tfreview_db_errors_total{kind="connect"}',
    'tfreview_webhook_signature_failures_total{source="github"}',
    "tfreview_advisor_all_down_total",
)


def _metrics(served: Served) -> dict[str, float]:
    answer = request(served.port, "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status == 200
    values: dict[str, float] = {}
    for line in answer.body.decode().splitlines():
        if line and not line.startswith("#"):
            series, _, value = line.rpartition(" ")
            values[series] = float(value)
    return values


def _text(name: str, labels: tuple[tuple[str, str], ...]) -> str:
    """The exposition's series text; a histogram by its `_count` (every bucket is made with it)."""
    shown = f"{name}_count" if BY_NAME[name].kind == "histogram" else name
    inner = ",".join(f'{key}="{value}"' for key, value in sorted(labels))
    return f"{shown}{{{inner}}}" if inner else shown


def test_serve_shows_the_alerted_series_at_zero_before_any_failure(tmp_path: Path) -> None:
    env = child_env(TFREVIEW_METRICS__TOKEN=TOKEN)
    wanted = [_text(name, labels) for name, labels in zero_series(load_alert_table(), alerted_label_values()).series]
    with serving(tmp_path / "data", env=env) as served:
        before = _metrics(served)
        body, headers = delivery(1, 1, secret="not-the-secret")  # a forged signature: one failure
        forged = request(served.port, "POST", "/webhooks/github", body=body, headers=headers)
        after = _metrics(served)

    assert {series: before.get(series) for series in NAMED} == dict.fromkeys(NAMED, 0.0)
    assert [series for series in wanted if series not in before] == []  # at 0 unless something happened already
    assert forged.status == 401
    assert after['tfreview_webhook_signature_failures_total{source="github"}'] == 1.0


def test_serve_with_a_model_provider_shows_its_error_series_at_zero(tmp_path: Path) -> None:
    """`ai-provider-errors` reads `tfreview_advisor_calls_total{outcome=~"error|timeout"}` per `provider/model`:
    before, those series appeared at the first failure, already at 1, so the burst that began an outage was not a
    rate at all. Now each configured provider's error and timeout series is at 0 from start (ADR 0634)."""
    providers = '[{"provider": "openai", "model": "gpt-canary", "base_url": "http://127.0.0.1:9/v1"}]'
    env = child_env(
        TFREVIEW_METRICS__TOKEN=TOKEN, TFREVIEW_ADVISOR__NAME="openai", TFREVIEW_ADVISOR__PROVIDERS=providers
    )
    with serving(tmp_path / "data", env=env) as served:
        before = _metrics(served)
    for outcome in ("error", "timeout"):
        assert before.get(f'tfreview_advisor_calls_total{{outcome="{outcome}",provider="openai/gpt-canary"}}') == 0.0
