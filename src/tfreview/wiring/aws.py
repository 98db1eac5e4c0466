"""The services on AWS: every store port the DynamoDB table and SQS queue hold, from `dynamodb://` and `sqs://` URLs.

    TFREVIEW_DATABASE__URL=dynamodb://<table>?region=<region>[&endpoint=<url>]
    TFREVIEW_QUEUE__URL=sqs://<queue name>  (or sqs://https://<queue url>; its DLQ is "<queue>-dlq")

Reviews, deliveries (intake), jobs (queue), tokens, tenants, plans and publish locks are on DynamoDB/SQS
(docs/adr/0150, 0151); so are the operations' state (docs/adr/0195): the incidents and the watchdog's lease
(exactly one evaluator among every Lambda), the operator controls (pause-ai, open-breaker), the door's block
list and the hash-chained audit log. The queue signals' snapshot is computed through the ports. Credentials
come from the default AWS chain (the Lambda role); none is ever part of these URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from tfreview.core.errors import ConfigError
from tfreview.ops.signals import QueueSignals, memory_queue_signals
from tfreview.plumbing.clock import Clock, utcnow
from tfreview.ports.service import HealthCheck
from tfreview.publish.log import LogPublisher
from tfreview.service.report_cache import ReportCache
from tfreview.settings import Settings
from tfreview.store.health import DatabaseCheck, QueueCheck

if TYPE_CHECKING:
    from tfreview.wiring import WiredServices


def is_aws(settings: Settings) -> bool:
    """True when the database URL names a DynamoDB table (the AWS adapters)."""
    return settings.database.url.startswith("dynamodb:")


def build_aws_services(
    settings: Settings, *, clock: Clock | None = None, loopback_only: bool = False, emf: bool | None = None
) -> WiredServices:
    """The services on the AWS adapters (`tfreview.wiring.build_services` calls this for a dynamodb:// URL).
    `loopback_only`: tests refuse any endpoint off this machine. `emf`: metrics as CloudWatch Embedded Metric
    Format lines on stdout instead of Prometheus (default: when running in AWS Lambda)."""
    import dataclasses
    import os

    from tfreview.identity.factory import build_authenticator
    from tfreview.plumbing.http import outbound_client
    from tfreview.store.aws.connection import target_from_urls
    from tfreview.store.aws.reviews import DynamoReviewStore
    from tfreview.store.aws.stores import aws_stores
    from tfreview.wiring import (
        Closers,
        WiredServices,
        _cached,
        _expose,
        advisor_status,
        build_prometheus,
        build_review_advisor,
        build_sources,
    )
    from tfreview.wiring.door import build_door
    from tfreview.wiring.integrations import wire_integrations
    from tfreview.wiring.ops import wire_ops

    if settings.queue.url is None:
        raise ConfigError("a dynamodb:// database needs its SQS queue: set TFREVIEW_QUEUE__URL=sqs://<queue name>")
    target = target_from_urls(settings.database.url, settings.queue.url)
    if loopback_only:
        target = dataclasses.replace(target, loopback_only=True)
    now = clock or utcnow
    stores = aws_stores(target, settings.worker, clock=now, outbox_sent_days=settings.notify.outbox_retention_days)
    prometheus = build_prometheus(settings)
    controls = stores.controls
    closers: list[Callable[[], None]] = []
    # JWKS and sign-in: each exchange ends within the timeout whole, env proxies honoured (ADR 0508, 0513)
    http = outbound_client(timeout=settings.auth.jwks_timeout_seconds)
    closers.append(http.close)
    authenticator, jwks = build_authenticator(settings.auth, stores.tokens, http, prometheus, stores.tenants)
    health: list[HealthCheck] = [DatabaseCheck(stores.table.probe_write), QueueCheck(stores.queue)]
    if jwks is not None:
        health.append(jwks)
    sign_in = None
    if settings.auth.oidc_issuer and settings.auth.oidc_client_id:
        from tfreview.identity.sign_in import OidcSignIn

        sign_in = OidcSignIn(settings.auth, http)
    from tfreview.store.aws.token_budgets import DynamoTokenBudget

    budget = DynamoTokenBudget(stores.table, settings.advisor.daily_tokens_per_tenant)  # one for every container
    advisor = build_review_advisor(settings, prometheus, _cached(settings, controls, now), budget)
    services = WiredServices(
        settings=settings,
        clock=now,
        publish_locks=stores.publish_locks,
        intake=stores.intake,
        reviews=stores.reviews,
        queue=stores.queue,
        tokens=stores.tokens,
        tenants=stores.tenants,
        plans=stores.plans,
        publisher=LogPublisher(),
        authenticator=authenticator,
        sources=build_sources(stores.plans),
        health_checks=tuple(health),
        closers=Closers(closers),
        audit=stores.audit,
        advisor=advisor,
        advisor_status=advisor_status(advisor),
        reports=ReportCache(settings.api.report_cache_bytes),
        sign_in=sign_in,
    )
    deadline = timedelta(seconds=settings.worker.review_deadline_seconds)

    open_reviews = DynamoReviewStore(stores.reviews.table, clock=now, open_index=True)  # g2, not g3 (ADR 0633)

    def signals() -> QueueSignals:
        return memory_queue_signals(stores.queue, open_reviews, now(), deadline)

    if emf if emf is not None else bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")):
        from tfreview.ops.emf import EmfRecorder

        services = dataclasses.replace(services, metrics=EmfRecorder())  # nothing scrapes /metrics in Lambda: 404
    elif prometheus is not None:
        services = _expose(services, prometheus, signals)
    services = wire_integrations(services)
    door = build_door(services, stores.blocks, signals, stores.leases)
    services = dataclasses.replace(services, door=door)
    services.closers.add(door.close)  # its reads and writes end before the stores close
    return wire_ops(services, stores.incidents, stores.leases, clock=now, controls=controls, outbox=stores.outbox)
