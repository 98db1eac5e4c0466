"""Every metric tfreview exposes, defined once: name, kind, help, labels (and the allowed label values).

Pure data (standard library only): `tfreview.ops.metrics` registers these with prometheus-client,
`docs/reference/metrics.md` is generated from them, the alert table is checked against them and the
watchdog reads series by these names. Names are append-only (STYLE.md habit 10): add, deprecate, remove.

Kinds:
    counter     only goes up; exported with the `_total` suffix that the name already carries
    gauge       set by the process that knows the value (`multiprocess` tells how processes combine)
    histogram   observations in `buckets` (seconds unless the name says otherwise)
    collected   a gauge computed at scrape time from the database (queue depth, ages): one truth for
                every process, read only by the process that answers /metrics
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MetricKind = Literal["counter", "gauge", "histogram", "collected"]
GaugeMode = Literal["livemax", "max", "min", "livesum", "mostrecent"]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)
REVIEW_BUCKETS = (1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0)


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One metric. `labels` maps each label name to its allowed values (empty tuple: free-form but bounded,
    e.g. a provider name from the settings); recorders refuse values outside a non-empty list."""

    name: str
    kind: MetricKind
    help: str
    labels: tuple[tuple[str, tuple[str, ...]], ...] = ()
    buckets: tuple[float, ...] = ()
    multiprocess: GaugeMode = "livemax"  # gauges only: how values of several worker processes combine
    unit: str = ""

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.labels)

    def allowed(self, label: str) -> tuple[str, ...]:
        return dict(self.labels)[label]


ROUTES = ("webhook", "upload", "api", "admin", "health", "metrics", "other")
SOURCES = ("github", "spacelift")
UPSTREAMS = ("github", "spacelift", "jwks", "model")
REVIEW_STATES = ("completed", "completed_without_ai", "failed")
UPSTREAM_OUTCOMES = ("ok", "client_error", "server_error", "rate_limited", "connect_error", "timeout")

CATALOGUE: tuple[MetricSpec, ...] = (
    # --- the process ----------------------------------------------------------------------------
    MetricSpec(
        "tfreview_build_info",
        "gauge",
        "1 while a tfreview process runs; `version` and `role` (serve, worker) as labels",
        labels=(("version", ()), ("role", ("serve", "worker", "reconcile"))),
        multiprocess="livemax",
    ),
    # --- HTTP and intake ------------------------------------------------------------------------
    MetricSpec(
        "tfreview_http_responses_total",
        "counter",
        "HTTP responses by route group and status code (every response, errors included)",
        labels=(("route", ROUTES), ("status", ())),
    ),
    MetricSpec(
        "tfreview_http_request_duration_seconds",
        "histogram",
        "Time from request start to the last response byte, by route group",
        labels=(("route", ROUTES),),
        buckets=LATENCY_BUCKETS,
        unit="seconds",
    ),
    MetricSpec(
        "tfreview_intake_deliveries_total",
        "counter",
        "Webhook deliveries and uploads by source and outcome (accepted and queued, duplicate, ignored)",
        labels=(("source", (*SOURCES, "api")), ("outcome", ("accepted", "duplicate", "ignored"))),
    ),
    MetricSpec(
        "tfreview_webhook_signature_failures_total",
        "counter",
        "Webhook deliveries refused because their signature (or timestamp) did not verify",
        labels=(("source", SOURCES),),
    ),
    MetricSpec(
        "tfreview_webhook_expired_secret_used_total",
        "counter",
        "Deliveries signed with a secret version past its not_after (refused): a leaked or stale secret",
        labels=(("source", SOURCES),),
    ),
    MetricSpec(
        "tfreview_webhook_last_delivery_timestamp_seconds",
        "gauge",
        "Unix time of the last accepted (signed) delivery per source; silence shows as a growing age",
        labels=(("source", SOURCES),),
        multiprocess="max",
        unit="seconds",
    ),
    # --- authentication and administration ------------------------------------------------------
    MetricSpec(
        "tfreview_auth_attempts_total",
        "counter",
        "API authentication attempts by method and outcome (ok, missing, invalid, expired, revoked, forbidden)",
        labels=(
            ("method", ("token", "oidc", "none")),
            ("outcome", ("ok", "missing", "invalid", "expired", "revoked", "forbidden", "unavailable")),
        ),
    ),
    MetricSpec(
        "tfreview_admin_actions_total",
        "counter",
        "Administrative actions performed through the API (token create/revoke, requeue, ...)",
        labels=(("action", ()),),
    ),
    MetricSpec(
        "tfreview_jwks_fetches_total",
        "counter",
        "JWKS fetches from the OIDC issuer by outcome",
        labels=(("outcome", ("ok", "error", "timeout")),),
    ),
    MetricSpec(
        "tfreview_jwks_consecutive_failures",
        "gauge",
        "Failed JWKS refreshes in a row (0 after a success); cached keys stay in service meanwhile",
        multiprocess="max",
    ),
    MetricSpec(
        "tfreview_jwks_last_success_timestamp_seconds",
        "gauge",
        "Unix time of the last successful JWKS fetch (absent until the first one)",
        multiprocess="max",
        unit="seconds",
    ),
    # --- outbound systems -----------------------------------------------------------------------
    MetricSpec(
        "tfreview_upstream_requests_total",
        "counter",
        "Outbound requests to GitHub, Spacelift, the JWKS issuer and model providers, by outcome",
        labels=(("upstream", UPSTREAMS), ("outcome", UPSTREAM_OUTCOMES)),
    ),
    MetricSpec(
        "tfreview_publish_failures_total",
        "counter",
        "Review publications (PR comment, check run, Spacelift run comment) that failed",
        labels=(("target", ("github", "spacelift", "log")),),
    ),
    MetricSpec(
        "tfreview_reconciler_runs_total",
        "counter",
        "Reconciler runs by reconciler and outcome (ok, error)",
        labels=(("reconciler", ()), ("outcome", ("ok", "error"))),
    ),
    MetricSpec(
        "tfreview_deliveries_lost_total",
        "counter",
        "Failed webhook deliveries the service never stored and will not get again, by source and reason:"
        " redelivery_refused (GitHub refused the redelivery for good, 4xx), redeliveries_exhausted (failed every"
        " redelivery asked); each once",
        labels=(("source", SOURCES), ("reason", ("redelivery_refused", "redeliveries_exhausted"))),
    ),
    MetricSpec(
        "tfreview_github_secondary_limit_capped_total",
        "counter",
        "GitHub secondary rate-limit refusals whose wait reached an hour (refused again and again, each wait doubled"
        " up to the one-hour cap): nothing of that kind is sent to GitHub for the hour",
    ),
    MetricSpec(
        "tfreview_reconciler_caught_up_total",
        "counter",
        "Deliveries, pull requests or runs that a reconciler found missed and caught up",
        labels=(("reconciler", ()),),
    ),
    # --- database -------------------------------------------------------------------------------
    MetricSpec(
        "tfreview_db_errors_total",
        "counter",
        "Database operations that failed, by kind (connect, locked, other)",
        labels=(("kind", ("connect", "locked", "other")),),
    ),
    MetricSpec(
        "tfreview_db_commit_duration_seconds",
        "histogram",
        "Time to commit a write transaction (intake, job claim and completion)",
        buckets=LATENCY_BUCKETS,
        unit="seconds",
    ),
    # --- queue, jobs and reviews ----------------------------------------------------------------
    MetricSpec(
        "tfreview_jobs_total",
        "counter",
        "Finished job attempts by kind and outcome: succeeded, retried, failed (permanent error: dead at once),"
        " dead_lettered (out of attempts), lease_lost (result discarded), waiting (back in the queue for a"
        " dependency: not counted as an attempt)",
        labels=(
            ("kind", ()),
            ("outcome", ("succeeded", "retried", "failed", "dead_lettered", "lease_lost", "waiting")),
        ),
    ),
    MetricSpec(
        "tfreview_job_retries_total",
        "counter",
        "Job attempts that failed and go back to the queue for another, by kind and reason: store (the database was"
        " unavailable), upstream (GitHub, Spacelift, a model provider failed), timeout, connection, unexpected",
        labels=(("kind", ()), ("reason", ("store", "upstream", "timeout", "connection", "unexpected"))),
    ),
    MetricSpec(
        "tfreview_job_duration_seconds",
        "histogram",
        "Time a worker spent on one job attempt",
        labels=(("kind", ()),),
        buckets=JOB_BUCKETS,
        unit="seconds",
    ),
    MetricSpec(
        "tfreview_reaper_actions_total",
        "counter",
        "What the reaper did: expired leases returned to the queue, overdue reviews re-queued or failed",
        labels=(("action", ("lease_expired", "review_requeued", "review_failed")),),
    ),
    MetricSpec(
        "tfreview_reviews_finished_total",
        "counter",
        "Reviews that reached a final state, by status (completed_without_ai: an advisor is set but gave nothing)",
        labels=(("status", REVIEW_STATES),),
    ),
    MetricSpec(
        "tfreview_review_latency_seconds",
        "histogram",
        "Time from the delivery's arrival to the review's final state (time to review)",
        labels=(("status", REVIEW_STATES),),
        buckets=REVIEW_BUCKETS,
        unit="seconds",
    ),
    MetricSpec(
        "tfreview_review_rules_duration_seconds",
        "histogram",
        "Time the rules part of one review took (parsing excluded, AI excluded): the rules-only latency SLO",
        buckets=LATENCY_BUCKETS,
        unit="seconds",
    ),
    MetricSpec(
        "tfreview_queue_jobs",
        "collected",
        "Jobs in the queue by state (queued, running, dead), read from the database at scrape time; every dead job"
        " until it is retried or purged (a count the database keeps as jobs change state)",
        labels=(("state", ("queued", "running", "dead")),),
    ),
    MetricSpec(
        "tfreview_queue_oldest_age_seconds",
        "collected",
        "Age of the oldest job waiting to run (0 when none), read from the database at scrape time",
        unit="seconds",
    ),
    MetricSpec(
        "tfreview_reviews_past_deadline",
        "collected",
        "Reviews still pending or in progress past their deadline, read from the database at scrape time",
    ),
    # --- the advisor chain ----------------------------------------------------------------------
    MetricSpec(
        "tfreview_advisor_calls_total",
        "counter",
        "Model provider calls by provider and outcome (ok, error, timeout, refused)",
        labels=(("provider", ()), ("outcome", ("ok", "error", "timeout", "refused"))),
    ),
    MetricSpec(
        "tfreview_advisor_tokens_total",
        "counter",
        "Model tokens the providers reported, by provider and kind (input, output): what the tenants' daily token "
        "budgets spend",
        labels=(("provider", ()), ("kind", ("input", "output"))),
    ),
    MetricSpec(
        "tfreview_advisor_breaker_open",
        "gauge",
        "1 while a provider's circuit breaker is open in this process, else 0",
        labels=(("provider", ()),),
        multiprocess="livemax",
    ),
    MetricSpec(
        "tfreview_advisor_breaker_opened_total",
        "counter",
        "Times a provider's circuit breaker opened",
        labels=(("provider", ()),),
    ),
    MetricSpec(
        "tfreview_advisor_all_down_total",
        "counter",
        "Reviews for which every provider of the chain was down (the review completes without AI)",
    ),
    MetricSpec(
        "tfreview_advisor_budget_exhausted_total",
        "counter",
        "Reviews that got no AI part because the token/cost budget was exhausted",
    ),
    # --- operations (fed by the watchdog, backups, audits and blocks) ---------------------------
    MetricSpec(
        "tfreview_alert_value",
        "gauge",
        "On AWS Lambda: the number an alert row compares, evaluated by the watchdog function from data only it reads "
        "(the queue snapshot, the secrets); its CloudWatch alarm watches this (docs/adr/0190-cloudwatch-alarms.md)",
        labels=(
            ("alert_id", ("queue-backlog", "queue-oldest-job-age", "reviews-past-deadline", "secret-near-expiry")),
        ),
        multiprocess="mostrecent",
    ),
    MetricSpec(
        "tfreview_watchdog_heartbeat_timestamp_seconds",
        "gauge",
        "Unix time of the watchdog's last evaluation (dead-man's switch)",
        multiprocess="max",
        unit="seconds",
    ),
    MetricSpec(
        "tfreview_notifier_failures_total",
        "counter",
        "Alert notifications that failed after their retries, by notifier",
        labels=(("notifier", ("sns", "pagerduty", "slack", "email", "webhook")),),
    ),
    MetricSpec(
        "tfreview_audit_mismatches_total",
        "counter",
        "Stored rows whose content hash or references did not match during an audit",
        labels=(("table", ()),),
    ),
    MetricSpec(
        "tfreview_backup_last_success_timestamp_seconds",
        "gauge",
        "Unix time of the last verified backup",
        multiprocess="max",
        unit="seconds",
    ),
    MetricSpec(
        "tfreview_blocked_sources",
        "gauge",
        "Sources (addresses, tokens) blocked right now after repeated failures",
        multiprocess="max",
    ),
    MetricSpec(
        "tfreview_metric_label_rejections_total",
        "counter",
        "Metric calls dropped because their name or a label value is not in the catalogue (a bug; logged once)",
        labels=(("metric", ()),),
    ),
    MetricSpec(
        "tfreview_rate_limited_total",
        "counter",
        "Requests over a rate limit, by scope (ip and token: answered 429; tenant: signed deliveries, still accepted)",
        labels=(("scope", ("ip", "token", "tenant")),),
    ),
    MetricSpec(
        "tfreview_source_blocks_total",
        "counter",
        "Blocks placed on a source, by kind (ip, token) and by whom (auto: repeated failures, action, admin)",
        labels=(("kind", ("ip", "token")), ("by", ("auto", "action", "admin"))),
    ),
    MetricSpec(
        "tfreview_secret_expiry_timestamp_seconds",
        "gauge",
        "Unix time at which the newest version of a secret expires (not_after), by kind",
        labels=(("secret", ("github_webhook", "spacelift_webhook", "api_token", "model_key", "github_app_key")),),
        multiprocess="min",
        unit="seconds",
    ),
    MetricSpec(
        "tfreview_secret_reloads_total",
        "counter",
        "Secret reloads (SIGHUP or the interval) by outcome: unchanged, changed, or error (the old values are kept)",
        labels=(("outcome", ("unchanged", "changed", "error")),),
    ),
    MetricSpec(
        "tfreview_secret_reload_consecutive_failures",
        "gauge",
        "Secret reloads failed in a row (0 at start and after a reload that worked): the old secrets, revoked"
        " ones included, are still accepted meanwhile",
        multiprocess="max",
    ),
)

BY_NAME: dict[str, MetricSpec] = {spec.name: spec for spec in CATALOGUE}


def spec(name: str) -> MetricSpec:
    """The catalogue entry for `name` (KeyError: not a tfreview metric)."""
    return BY_NAME[name]
