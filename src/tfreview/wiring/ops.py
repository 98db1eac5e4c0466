"""Operations wiring (docs/adr/0065-incidents-and-notifiers.md): the incident store and the watchdog's lease
on the same database; one notifier per configured destination (settings.notify: Slack, PagerDuty, SNS,
SMTP, the signed webhook); the watchdog over the packaged alert table unless settings.watchdog.enabled is
false. Called by `build_services` and `build_memory_services` (tfreview.wiring)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from tfreview.core.errors import ConfigError
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.settings import Settings

if TYPE_CHECKING:
    import httpx

    from tfreview.ops.controls import Controls
    from tfreview.ops.incidents import Incidents, Leases
    from tfreview.ops.notify.message import Notifier
    from tfreview.ops.notify.outbox import NotifyOutbox
    from tfreview.ops.secret_uses import SecretUses
    from tfreview.ops.watchdog import SampleSource
    from tfreview.wiring import WiredServices

logger = logging.getLogger("tfreview.wiring")


def wire_ops(
    services: WiredServices,
    incidents: Incidents,
    leases: Leases,
    *,
    clock: Clock = utcnow,
    http: httpx.Client | None = None,
    source: SampleSource | None = None,
    sleep: Callable[[float], None] | None = None,
    sns_client: object | None = None,
    controls: Controls | None = None,
    outbox: NotifyOutbox | None = None,
    secret_uses: SecretUses | None = None,
) -> WiredServices:
    """`services` with `ops`: the incident store, the dispatcher over the configured notifiers (draining `outbox`
    when the store has one) and (unless disabled) the watchdog and its health check. `http`, `source`, `sleep`
    and `sns_client` are for tests."""
    import socket
    import time
    from datetime import timedelta

    from tfreview.ops.actions import Actions
    from tfreview.ops.alert_table import load_alert_table
    from tfreview.ops.controls import ACTION_CONTROLS, ActionControls, MemoryControls
    from tfreview.ops.notify.delivery import RetryPolicy
    from tfreview.ops.notify.dispatcher import Dispatcher
    from tfreview.ops.notify.outbox import OutboxRetention
    from tfreview.ops.secret_uses import MemorySecretUses, ThrottledSecretUses
    from tfreview.ops.services import OpsServices, WatchdogCheck
    from tfreview.ops.time_scale import scaled_table
    from tfreview.ops.watchdog import Watchdog, WatchdogConfig
    from tfreview.wiring.door import door_actions

    settings = services.settings
    notify = settings.notify
    client = http
    if client is None:  # notifier outcomes are counted by the dispatcher (tfreview_notifier_failures_total)
        from tfreview.plumbing.http import outbound_client

        client = outbound_client(timeout=notify.timeout_seconds)  # each POST ends within it (ADR 0498)
        services.closers.add(client.close)
    recorder = services.metrics

    def on_outcome(notifier: str, event: str, ok: bool) -> None:
        if not ok:
            recorder.count("tfreview_notifier_failures_total", notifier=notifier)

    dispatcher = Dispatcher(
        build_notifiers(settings, client, sns_client=sns_client),
        incidents,
        public_url=settings.server.public_url,
        policy=RetryPolicy(
            notify.attempts,
            notify.backoff_base_seconds,
            notify.backoff_cap_seconds,
            notify.max_retry_after_seconds,
            notify.timeout_seconds,  # one attempt's longest: an outbox turn ends before its claim (ADR 0643)
        ),
        sleep=sleep or time.sleep,
        on_outcome=on_outcome,
        # the store's (SQL, DynamoDB: ADR 0711): written with the incident change, sent at least once; memory: none,
        # the dispatcher's own in this process (ADR 0657)
        outbox=outbox,
        owner=sender_name(socket.gethostname()),
        retention=OutboxRetention(notify.outbox_retention_days, notify.outbox_unsent_retention_days),
        clock=clock,  # the in-process outbox's, without the store's (ADR 0657)
    )
    services.closers.add(dispatcher.close)
    uses = ThrottledSecretUses(secret_uses if secret_uses is not None else MemorySecretUses(), in_background=True)
    services.closers.add(uses.close)  # before the database closes (last added, first closed)
    watchdog_settings = settings.watchdog
    acting = ActionControls(
        controls if controls is not None else MemoryControls(clock=clock),
        timedelta(minutes=watchdog_settings.action_hold_minutes),
        clock=clock,
    )
    ops = OpsServices(
        incidents,
        leases,
        dispatcher,
        heartbeat_stale_seconds=watchdog_settings.heartbeat_stale_seconds,
        controls=acting,
        secret_uses=uses,
    )
    if watchdog_settings.enabled:
        if source is None:
            source = _metric_source(services)
        ops.watchdog = Watchdog(
            scaled_table(load_alert_table(), watchdog_settings.time_scale),
            source,
            incidents,
            leases,
            dispatcher,
            # the level-1 actions this build performs: the shared AI controls and the door's
            Actions({**{action: acting.handler(action) for action in ACTION_CONTROLS}, **door_actions(services)}),
            owner=f"{socket.gethostname()}:{os.getpid()}:{id(services):x}",
            config=WatchdogConfig(
                interval_seconds=watchdog_settings.interval_seconds,
                lease_seconds=watchdog_settings.lease_seconds,
                keep_firing_seconds=watchdog_settings.keep_firing_seconds,
                skip=frozenset(watchdog_settings.skip),
                heartbeat_stale_seconds=watchdog_settings.heartbeat_stale_seconds,
                escalation_channels={k: tuple(v) for k, v in watchdog_settings.escalation_channels.items()},
            ),
            clock=clock,
            on_heartbeat=lambda at: recorder.set("tfreview_watchdog_heartbeat_timestamp_seconds", at),
            on_resolved=lambda incident: ops.lift_actions(incident.id),
            suppressions=ai_pause_suppressions(acting.controls, watchdog_settings.interval_seconds, clock),
        )
        check = WatchdogCheck(leases, watchdog_settings.heartbeat_stale_seconds, clock=clock)
        return replace(services, ops=ops, health_checks=(*services.health_checks, check))
    return replace(services, ops=ops)


def sender_name(host: str) -> str:
    """The dispatcher's name on its outbox claims, "host:pid;pidns=…;start=…": a sender of this host, in this pid
    namespace, whose pid is gone or reused is known dead (its claims released at once); one of another namespace — a
    container with the same host name — is not (ADR 0747). In a Lambda container the host is the container's log stream
    too: containers may share a host name and a pid, and one must never take a live container's claim for a dead
    process's (ADR 0711)."""
    from tfreview.ops.notify.outbox import local_pid_space, owner_name

    stream = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "").strip()
    return owner_name(f"{host}/{stream}" if stream else host, os.getpid(), local_pid_space())


def ai_pause_suppressions(controls: Controls, ttl_seconds: float, clock: Clock) -> dict[str, Callable[[], str | None]]:
    """ADR 0205: while the AI is paused on purpose (`tfreview ai pause`, or an incident's `pause-ai`), reviews
    completing without AI are the pause working, not an incident: `reviews-without-ai` is held off."""
    from tfreview.ops.controls import AI_PAUSED, CachedControls

    cached = CachedControls(controls, ttl_seconds=ttl_seconds, clock=clock, monotonic=lambda: clock().timestamp())

    def paused() -> str | None:
        control = cached.active(AI_PAUSED)
        if control is None:
            return None
        return f"AI paused by {control.set_by} until {control.until.isoformat(timespec='seconds')} ({control.reason})"

    return {"reviews-without-ai": paused}


def _metric_source(services: WiredServices) -> SampleSource:
    """The scrape of this host's metrics (the /metrics text) when metrics are on; else nothing (the watchdog
    then sees only its own heartbeat, and says so)."""
    from tfreview.ops.metrics import PrometheusRecorder
    from tfreview.ops.samples import exposition_samples, registry_samples

    if isinstance(services.metrics, PrometheusRecorder):
        return registry_samples(services.metrics.samples)
    if services.exposition is not None:
        return exposition_samples(services.exposition)
    logger.warning("watchdog: metrics are off (TFREVIEW_METRICS__ENABLED=false): no alert of the table can fire")
    return list


def build_notifiers(settings: Settings, http: httpx.Client, *, sns_client: object | None = None) -> list[Notifier]:
    """One notifier per configured destination (settings.notify); ConfigError on half a configuration."""
    from tfreview.ops.notify.pagerduty import PagerDutyNotifier
    from tfreview.ops.notify.slack import SlackNotifier
    from tfreview.ops.notify.smtp import SmtpNotifier
    from tfreview.ops.notify.sns import SnsNotifier
    from tfreview.ops.notify.webhook import WebhookNotifier

    notify = settings.notify
    found: list[Notifier] = []

    if notify.slack.webhook_url is not None:
        found.append(
            SlackNotifier(
                http,
                notify.slack.webhook_url.get_secret_value(),
                channels=frozenset(notify.slack.channels),
                levels=frozenset(notify.slack.levels),
            )
        )
    if notify.pagerduty.routing_key is not None:
        found.append(
            PagerDutyNotifier(
                http,
                notify.pagerduty.routing_key.get_secret_value(),
                source=settings.server.public_url,
                events_url=notify.pagerduty.events_url,
                channels=frozenset(notify.pagerduty.channels),
                levels=frozenset(notify.pagerduty.levels),
            )
        )
    if notify.sns.topic_arn:
        found.append(
            SnsNotifier(
                notify.sns.topic_arn,
                region=notify.sns.region or _arn_region(notify.sns.topic_arn),
                endpoint_url=notify.sns.endpoint_url,
                timeout_seconds=notify.timeout_seconds,
                client=sns_client,
                channels=frozenset(notify.sns.channels),
                levels=frozenset(notify.sns.levels),
            )
        )
    smtp = notify.smtp
    if smtp.host:
        if not smtp.recipients:
            raise ConfigError(
                "notify.smtp.host is set but notify.smtp.recipients is empty (TFREVIEW_NOTIFY__SMTP__RECIPIENTS)"
            )
        found.append(
            SmtpNotifier(
                smtp.host,
                smtp.port,
                sender=smtp.sender,
                recipients=tuple(smtp.recipients),
                security=smtp.security,
                username=smtp.username,
                password=smtp.password.get_secret_value() if smtp.password is not None else None,
                timeout_seconds=notify.timeout_seconds,
                channels=frozenset(smtp.channels),
                levels=frozenset(smtp.levels),
            )
        )
    if notify.webhook.url:
        if notify.webhook.secret is None:
            raise ConfigError("notify.webhook.url is set without notify.webhook.secret: receivers could not verify it")
        found.append(
            WebhookNotifier(
                http,
                notify.webhook.url,
                notify.webhook.secret.get_secret_value(),
                channels=frozenset(notify.webhook.channels),
                levels=frozenset(notify.webhook.levels),
            )
        )
    if found:
        logger.info("notifiers: %s", ", ".join(f"{n.name} ({'+'.join(sorted(n.channels))})" for n in found))
    else:
        logger.warning("no notifier configured: incidents are recorded but nobody is told (docs/howto/alerts.md)")
    return found


def _arn_region(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None


ALERTED_ADMIN_ACTIONS = (
    "create_token",
    "tokens_revoke_all",
    "delivery_requeue",
    "delivery_redeliver",
    "job_retry",
    "block_add",
    "block_remove",
)
ALERTED_STATUSES = ("500", "503")  # the 5xx statuses tfreview answers itself (an error, the door shedding load)
# the scheduled reconcilers' `name`s and the audit's tables (store.integrity: AUDITED, its Mismatch tables and
# "database"), spelled here so that a process start does not import the store and the reconcilers for them
# (a Lambda cold start); tests/unit/ops/test_zero_series.py holds them equal to the code's
ALERTED_RECONCILERS = ("github-permissions", "github-deliveries", "github-pull-requests", "spacelift-runs")
ALERTED_AUDIT_TABLES = ("deliveries", "reviews", "plans", "jobs", "references", "database")


def alerted_label_values(settings: Settings | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """The values of free-form labels the code records, for `zero_series` (ADR 0614): what the alerts read
    exists at 0 from start. A value missing here only delays that series' first alert by a scrape. With
    `settings`, the configured model providers too (`ai-provider-errors`, ADR 0634)."""
    from tfreview.advisor.factory import provider_keys
    from tfreview.ports.job_types import JobKind

    providers = provider_keys(settings) if settings is not None else ()
    return {
        **({"tfreview_advisor_calls_total": {"provider": providers}} if providers else {}),
        "tfreview_jobs_total": {"kind": tuple(kind.value for kind in JobKind)},
        "tfreview_reconciler_caught_up_total": {"reconciler": ALERTED_RECONCILERS},
        "tfreview_audit_mismatches_total": {"table": ALERTED_AUDIT_TABLES},
        "tfreview_admin_actions_total": {"action": ALERTED_ADMIN_ACTIONS},
        "tfreview_http_responses_total": {"status": ALERTED_STATUSES},
    }
