"""AWS Lambda entry points (a driver, like `serve` and `worker`), configured by the same TFREVIEW_* settings:

    tfreview.lambda_handlers.http        API Gateway HTTP API v2 events → the FastAPI app (API, webhooks, dashboard)
    tfreview.lambda_handlers.worker      SQS batches of the job queue → jobs, with partial batch failure reporting
    tfreview.lambda_handlers.reaper      EventBridge schedule → expired leases, review deadlines, the DLQ
    tfreview.lambda_handlers.reconcile   EventBridge schedule → every configured reconciler once
    tfreview.lambda_handlers.watchdog    EventBridge schedule → one evaluation of the alert table, and the values
                                         of the rows the CloudWatch alarms read from it (alarm_values),
                                         the IP blocks into the WAF IP set (waf_sync), and the notifications
                                         due in the table's outbox — those a recycled container owed (ADR 0711)

Services are built once per container (cold start) and kept for its later invocations; a build that fails (a
secret store or setting unreadable) is not kept: the HTTP function answers 503 problem+json with Retry-After
(one log line, no traceback, no setting's value) and the next invocation builds again. A warm container has
no thread between invocations and gets no SIGHUP: the HTTP function re-reads the webhook secret versions (and
the metrics token) on its first invocation past `secrets.reload_seconds`, as `serve` does on its interval, so
a revoked secret stops working without a cold start (K1, ADR 0541). Backups need no
function: DynamoDB point-in-time recovery and AWS Backup take them (deploy/aws, docs/adr/0155).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from tfreview.lambda_handlers.asgi import HttpAdapter, refusal
from tfreview.service.container import Services
from tfreview.service.secret_reload import SecretReloader
from tfreview.settings import Settings


class _Container:
    """What one Lambda container keeps between invocations: the services and the HTTP adapter."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.services: Services | None = None
        self.http: HttpAdapter | None = None
        self.reloader: SecretReloader | None = None  # the HTTP function's, made with its adapter
        self.reload_due = math.inf  # time.monotonic() of its next secret reload


_kept = _Container()
logger = logging.getLogger("tfreview.lambda")
RETRY_AFTER_SECONDS = 5
BLOCK_WRITE_SECONDS = 5.0  # how long an invocation waits for the block it earned to be written (ADR 0581)
# the watchdog function sends the outbox's due notifications for at most this long (a turn under way ends first);
# what is owed to a later turn, or claimed by another container, is left to a later minute (ADR 0712)
NOTIFY_DRAIN_SECONDS = 20.0


class ColdStartFailed(RuntimeError):
    """The services could not be built; its text is the cause's first line, scrubbed (a pydantic error would
    print the offending setting's value, a secret's among them, in the traceback Lambda logs)."""


def services() -> Services:
    """The container's services, built on first use from the environment's settings; ColdStartFailed when the
    build fails (nothing is kept: the next invocation builds again)."""
    with _kept.lock:
        if _kept.services is None:
            from tfreview.setting_variables import refuse_unknown_variables
            from tfreview.wiring import build_services
            from tfreview.worker.errors import reason_of

            try:
                refuse_unknown_variables(os.environ)  # a misspelt setting is not left to its default (ADR 0564)
                _kept.services = build_services(Settings())
            except Exception as exc:
                raise ColdStartFailed(f"the services could not be built: {reason_of(exc)}") from None
        return _kept.services


def reset(built: Services | None = None) -> None:
    """Forget (or replace, in tests) the container's services and HTTP adapter."""
    with _kept.lock:
        if _kept.http is not None:
            _kept.http.close()
        _kept.services, _kept.http = built, None
        _kept.reloader, _kept.reload_due = None, math.inf


def worker_id(context: Any) -> str:
    request = getattr(context, "aws_request_id", None) or "local"
    return f"lambda:{os.environ.get('AWS_LAMBDA_LOG_STREAM_NAME', 'local')}:{request}"


def remaining_seconds(context: Any) -> Callable[[], float] | None:
    """The seconds left to the invocation (the Lambda context's `get_remaining_time_in_millis`), None without."""
    left = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(left):
        return None
    return lambda: float(left()) / 1000.0


def http(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    try:
        built = services()
    except ColdStartFailed as exc:  # answered as `serve` answers a store it cannot reach; the SQS batch fails whole
        logger.error("http: %s; answering 503", exc)
        detail = f"the service cannot take this request right now; retry after {RETRY_AFTER_SECONDS} seconds"
        path = str(event.get("rawPath") or "") if isinstance(event, dict) else ""
        return refusal(503, detail, path, {"retry-after": str(RETRY_AFTER_SECONDS)})
    if _kept.http is None:
        from tfreview.web.app import create_app

        _kept.http = HttpAdapter(create_app(built))
    _reload_secrets_when_due(built)
    answer = _kept.http(event)
    if built.door is not None:  # a block this request earned is written before the container may be frozen
        built.door.guard.wait_for_writes(BLOCK_WRITE_SECONDS)  # (ADR 0581); bounded: the answer is ready
    return answer


def _reload_secrets_when_due(built: Services) -> None:
    """Re-read the secret references once `secrets.reload_seconds` have passed (0: never, as without SIGHUP)."""
    interval = built.settings.secrets.reload_seconds
    if interval <= 0:
        return
    now = time.monotonic()
    with _kept.lock:
        if _kept.reloader is None:  # the services were just built: their secrets are fresh
            _kept.reloader, _kept.reload_due = SecretReloader(built.settings, Settings, built.metrics), now + interval
            return
        if now < _kept.reload_due:
            return
        _kept.reload_due = now + interval
        reloader = _kept.reloader
    reloader.reload()  # never raises: a document that cannot be read keeps the secrets in force


def worker(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    from tfreview.lambda_handlers.sqs_batch import handle_batch

    return handle_batch(services(), event, worker_id(context), remaining_seconds(context))


def _scheduled(event: dict[str, Any]) -> None:
    if event.get("detail-type") != "Scheduled Event" or event.get("source") != "aws.events":
        raise ValueError("this function runs on an EventBridge schedule (detail-type 'Scheduled Event')")


def reaper(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    from tfreview.worker.reaper import Reaper

    _scheduled(event)
    sweep = Reaper(services()).run_once()
    return {"reaped": sweep.reaped, "requeued": sweep.requeued, "failed": sweep.failed, "repaired": sweep.repaired}


def reconcile(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    from tfreview.worker.scheduler import run_reconciler

    _scheduled(event)
    built = services()
    results = [run_reconciler(r, built.metrics) for r in built.reconcilers]
    return {"reconcilers": [{"name": r.name, "ok": r.error is None} for r in results]}


def watchdog(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    from tfreview.lambda_handlers.alarm_values import publish
    from tfreview.lambda_handlers.waf_sync import sync_blocks

    _scheduled(event)
    built = services()
    answer: dict[str, Any] = {"evaluated": False}
    if built.ops is not None and built.ops.watchdog is not None:
        result = built.ops.watchdog.tick()
        answer = {"evaluated": result.evaluated, "errors": list(result.errors)}
    answer["published"] = sorted(publish(built))  # what the CloudWatch alarms of deploy/aws read (docs/adr/0190)
    answer["waf_blocks"] = sync_blocks(built)  # after the tick: its block-source action may have placed one
    answer["notifications_pending"] = send_notifications(built, remaining_seconds(context))
    return answer


def send_notifications(built: Services, left: Callable[[], float] | None = None) -> bool | None:
    """Send the outbox's due notifications — this tick's, and those a container recycled by AWS owed (ADR 0711) —
    before the container may be frozen: whether some remain (owed to a later turn: a later minute sends them); None
    without a durable outbox. Never raises: the store's failure is logged, the next minute tries again."""
    if built.ops is None or not built.ops.dispatcher.durable:
        return None
    timeout = NOTIFY_DRAIN_SECONDS if left is None else min(NOTIFY_DRAIN_SECONDS, max(0.0, left() / 2))
    try:
        return not built.ops.dispatcher.send_due(timeout)
    except Exception as exc:
        logger.warning("watchdog: notification outbox not drained (%s); next minute", type(exc).__name__)
        return True
