"""`zero_series`: the label sets an `increase`/`rate`/`ratio` row reads, bounded, made at 0 by the recorder."""

from __future__ import annotations

from tfreview.advisor.settings import AdvisorSettings, ProviderSettings
from tfreview.ops.alert_table import load_alert_table, parse_alert_table
from tfreview.ops.metrics import PrometheusRecorder
from tfreview.ops.zero_series import READ_OVER_TIME, zero_series
from tfreview.service.github_reconcilers import DeliveryReconciler, PermissionCheck, PullRequestReconciler
from tfreview.service.spacelift_reconciler import SpaceliftRunReconciler
from tfreview.settings import Settings
from tfreview.store.integrity import AUDITED
from tfreview.wiring.ops import ALERTED_AUDIT_TABLES, ALERTED_RECONCILERS, alerted_label_values


def test_every_row_read_over_time_has_its_series_made_except_free_form_ones_nobody_knows() -> None:
    table = load_alert_table()
    found = zero_series(table, alerted_label_values())
    assert found.not_enumerable == ("ai-provider-errors",)  # provider/model comes from the settings
    for rule in table:
        if rule.condition.kind not in READ_OVER_TIME or rule.id in found.not_enumerable:
            continue
        chosen = rule.condition.selector
        base = chosen.metric.removesuffix("_bucket").removesuffix("_count")
        without_le = {k: v for k, v in chosen.labels if k != "le"}
        assert any(
            name == base and all(dict(labels).get(k) == v for k, v in without_le.items())
            for name, labels in found.series
        ), rule.id
    assert len(found.series) <= 120  # bounded: the alerted label sets, not every combination


def test_a_bounded_label_is_enumerated_and_a_free_form_one_only_from_what_is_known() -> None:
    row = """
[[alert]]
id = "x-first"
scenario = "flood"
summary = "s"
severity = "low"
level = 2
response_minutes = 60
channels = ["ticket"]
for_seconds = 0
[alert.condition]
kind = "increase"
metric = "{metric}"
window_seconds = 300
op = ">"
threshold = 0
"""
    bounded = parse_alert_table(row.replace("{metric}", "tfreview_webhook_expired_secret_used_total"))
    assert zero_series(bounded).series == (
        ("tfreview_webhook_expired_secret_used_total", (("source", "github"),)),
        ("tfreview_webhook_expired_secret_used_total", (("source", "spacelift"),)),
    )
    free = parse_alert_table(row.replace("{metric}", "tfreview_admin_actions_total"))
    assert zero_series(free).not_enumerable == ("x-first",)
    known = {"tfreview_admin_actions_total": {"action": ("job_retry",)}}
    assert zero_series(free, known).series == (("tfreview_admin_actions_total", (("action", "job_retry"),)),)


def test_the_recorder_shows_them_at_zero_before_anything_is_counted() -> None:
    recorder = PrometheusRecorder(strict=True)
    recorder.start_at_zero(zero_series(load_alert_table(), alerted_label_values()).series)
    samples = {(name, tuple(sorted(labels.items()))): value for name, labels, value in recorder.samples()}
    assert samples[("tfreview_auth_attempts_total", (("method", "token"), ("outcome", "revoked")))] == 0.0
    assert samples[("tfreview_webhook_expired_secret_used_total", (("source", "github"),))] == 0.0
    assert samples[("tfreview_review_latency_seconds_count", (("status", "completed"),))] == 0.0


def test_the_known_values_are_the_codes_own() -> None:
    reconcilers = (PermissionCheck, DeliveryReconciler, PullRequestReconciler, SpaceliftRunReconciler)
    assert tuple(reconciler.name for reconciler in reconcilers) == ALERTED_RECONCILERS
    assert (*AUDITED, "references", "database") == ALERTED_AUDIT_TABLES


def _with_models(name: str) -> Settings:
    models = [ProviderSettings(provider="openai", model="gpt-a"), ProviderSettings(provider="anthropic", model="c-b")]
    return Settings().model_copy(update={"advisor": AdvisorSettings(name=name, providers=models)})


def test_the_configured_models_error_series_are_made_and_the_ai_row_is_then_enumerable() -> None:
    found = zero_series(load_alert_table(), alerted_label_values(_with_models("chain")))
    assert found.not_enumerable == ()
    made = {labels for name, labels in found.series if name == "tfreview_advisor_calls_total"}
    assert made == {
        (("provider", provider), ("outcome", outcome))
        for provider in ("openai/gpt-a", "anthropic/c-b")
        for outcome in ("error", "timeout")
    }


def test_the_builtin_reviewer_calls_no_model_and_makes_no_series_for_one() -> None:
    found = zero_series(load_alert_table(), alerted_label_values(_with_models("builtin")))
    assert found.not_enumerable == ("ai-provider-errors",)
    assert not [name for name, _labels in found.series if name == "tfreview_advisor_calls_total"]
