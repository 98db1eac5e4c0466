"""POST /webhooks/spacelift: run-state notifications from a notification policy's webhook rule.

Spacelift retries (at most 3 times) only on 5xx and disables a webhook after 10 failures in a row,
so the status classes are a contract: our own faults (storage down, a bug) answer 5xx so the
delivery comes again; the sender's faults (bad signature, body, staleness) answer 4xx.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tfreview.core.errors import AuthError
from tfreview.ports.records import RunStateVersion
from tfreview.service.container import Services
from tfreview.service.intake import Accepted, accept_delivery_async
from tfreview.web import spacelift_events
from tfreview.web.bodies import read_body, require_media_type
from tfreview.web.context import clock_of, services_of
from tfreview.web.door_keeper import note_failure, tenant_delivery
from tfreview.web.models import ProblemOut, WebhookAnswer
from tfreview.web.problems import BadRequest
from tfreview.web.signature_metrics import signature_refused, signed_delivery
from tfreview.web.signatures import bound_to, matching_versions, refusal, sole
from tfreview.web.spacelift_events import SpaceliftEvent

router = APIRouter(tags=["webhooks"])
_MAX_STAMP = 253_402_300_799  # 9999-12-31T23:59:59Z, the last instant datetime can show

_PROBLEMS: dict[int | str, dict[str, object]] = {
    status: {"model": ProblemOut, "description": text}
    for status, text in {
        400: "stale or future timestamp",
        401: "bad or missing signature",
        403: "signed with a secret bound to another Spacelift account",
        413: "body too large",
        415: "not application/json",
        422: "not a run-state notification",
        500: "our fault: Spacelift retries",
        503: "storage unavailable (Retry-After): Spacelift retries",
    }.items()
}


@router.post(
    "/webhooks/spacelift",
    response_model=WebhookAnswer,
    status_code=202,
    responses={200: {"model": WebhookAnswer, "description": "duplicate or ignored notification"}, **_PROBLEMS},
    summary="Receive a Spacelift notification-policy webhook",
)
async def spacelift_webhook(request: Request) -> JSONResponse:
    services = services_of(request)
    settings = services.settings.spacelift
    require_media_type(request, ("application/json",))
    body = await read_body(request, settings.max_body_bytes)
    now = clock_of(request)()
    given = request.headers.getlist("x-signature-256")
    signature = sole(given)
    versions = settings.webhook_secrets
    matched = matching_versions(signature, body, versions, now)
    if not matched:
        signature_refused(services, "spacelift", signature, body, versions, now)
        note_failure(request, "signature")
        raise AuthError(refusal("X-Signature-256", given))
    event = spacelift_events.normalise(body)
    if not bound_to(matched, event.account, services.settings.spacelift_api.account):
        # a valid secret of another account: its holder may not write into this account's tenant (ADR 0121)
        services.metrics.count("tfreview_webhook_signature_failures_total", source="spacelift")
        raise AuthError(f"the secret that signed this notification does not serve account {event.account}", status=403)
    signed_delivery(services, "spacelift", now, matched, versions)
    if event.timestamp is not None:
        moment = now if now.tzinfo else now.replace(tzinfo=UTC)
        skew = abs(moment.timestamp() - event.timestamp)
        if skew > settings.timestamp_tolerance_seconds:
            stamp = (
                datetime.fromtimestamp(event.timestamp, UTC).isoformat()
                if event.timestamp < _MAX_STAMP
                else "far future"
            )
            raise BadRequest(
                f"the notification's timestamp ({stamp}) is more than "
                f"{settings.timestamp_tolerance_seconds} s from now; refusing a stale or replayed delivery"
            )
    # on the event loop, as the GitHub route: a delivery waiting for the store holds no thread (docs/adr/0535)
    result = await _store(services, event, body, now)
    if not result.created:
        return _answer(200, WebhookAnswer(status="duplicate", delivery=result.delivery.id))
    if not event.reviewable:
        detail = f"state {event.state} has no plan to review" if event.state else "internal error notification stored"
        return _answer(200, WebhookAnswer(status="ignored", delivery=result.delivery.id, detail=detail))
    return _answer(202, WebhookAnswer(status="accepted", delivery=result.delivery.id, review=result.review_id))


async def _store(services: Services, event: SpaceliftEvent, body: bytes, now: datetime) -> Accepted:
    tenant = event.tenant
    tenant_delivery(services, tenant.id)
    run_state = None
    if event.run_id is not None and event.state is not None and event.state_version is not None:
        # keeps the highest stateVersion; an equal or older one writes nothing (idempotent on redelivery)
        run_state = RunStateVersion(event.run_id, event.state, event.state_version)
    job = event.job() if event.reviewable else None
    return await accept_delivery_async(
        services,
        source="spacelift",
        key=event.dedupe_key,
        event=event.event,
        tenant=tenant,
        body=body,
        received_at=now,
        job=job,
        review_source=event.source,
        run_state=run_state,  # tenant, run state, delivery, job and review: one transaction
    )


def _answer(status: int, answer: WebhookAnswer) -> JSONResponse:
    return JSONResponse(answer.model_dump(exclude_none=True), status_code=status)
