"""POST /webhooks/github: verify, dedupe on X-GitHub-Delivery, store, answer fast (GitHub wants 2xx in 10 s)."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from tfreview.core.errors import AuthError
from tfreview.service.intake import accept_delivery_async
from tfreview.web import github_events
from tfreview.web.bodies import read_body, require_media_type
from tfreview.web.context import clock_of, services_of
from tfreview.web.door_keeper import note_failure, tenant_delivery
from tfreview.web.github_events import Outcome
from tfreview.web.models import ProblemOut, WebhookAnswer
from tfreview.web.problems import BadRequest
from tfreview.web.repeated_headers import sole_header
from tfreview.web.signature_metrics import signature_refused, signed_delivery
from tfreview.web.signatures import matching_versions, refusal, sole

router = APIRouter(tags=["webhooks"])

_PROBLEMS: dict[int | str, dict[str, object]] = {
    status: {"model": ProblemOut, "description": text}
    for status, text in {
        400: "missing or repeated GitHub headers",
        401: "bad or missing signature",
        413: "body too large",
        415: "not application/json",
        422: "not the event it claims to be",
        503: "storage unavailable (Retry-After)",
    }.items()
}


@router.post(
    "/webhooks/github",
    response_model=WebhookAnswer,
    status_code=202,
    responses={200: {"model": WebhookAnswer, "description": "ping, ignored event or duplicate delivery"}, **_PROBLEMS},
    summary="Receive a GitHub webhook delivery",
)
async def github_webhook(request: Request) -> Response:
    services = services_of(request)
    settings = services.settings.github
    require_media_type(request, ("application/json",))
    body = await read_body(request, settings.max_body_bytes)
    now = clock_of(request)()
    given = request.headers.getlist("x-hub-signature-256")
    signature = sole(given)
    matched = matching_versions(signature, body, settings.webhook_secrets, now)
    if not matched:
        signature_refused(services, "github", signature, body, settings.webhook_secrets, now)
        note_failure(request, "signature")
        raise AuthError(refusal("X-Hub-Signature-256", given))
    signed_delivery(services, "github", now, matched, settings.webhook_secrets)
    # a repeated one is refused, not resolved: which value is the delivery's? (docs/adr/0534)
    event_name = sole_header(request, "X-GitHub-Event", "GitHub")
    delivery_id = sole_header(request, "X-GitHub-Delivery", "GitHub")
    if not event_name:
        raise BadRequest("the X-GitHub-Event header is missing")
    if not delivery_id or github_events.DELIVERY_ID.fullmatch(delivery_id) is None:
        raise BadRequest("the X-GitHub-Delivery header is missing or not a delivery id")
    event = github_events.normalise(event_name, body, review_drafts=settings.review_drafts, delivery=delivery_id)
    if event.outcome is Outcome.PING:
        return _answer(200, "pong")
    if event.outcome is Outcome.UNHANDLED or event.tenant is None:
        return _answer(200, "ignored", detail=event.reason)
    tenant_delivery(services, event.tenant.id)
    job = event.job if event.outcome is Outcome.REVIEW else None  # its pull request head names this delivery
    # on the event loop: no thread hop; the write is grouped with its neighbours' (store/intake_writer.py)
    result = await accept_delivery_async(
        services,
        source="github",
        key=delivery_id,
        event=event.event,
        tenant=event.tenant,
        body=body,
        received_at=now,
        job=job,
        review_source=event.source,
    )
    if not result.created:
        return _answer(200, "duplicate", delivery=result.delivery.id)
    if event.outcome is Outcome.IGNORED:
        return _answer(200, "ignored", delivery=result.delivery.id, detail=event.reason)
    return _answer(202, "accepted", delivery=result.delivery.id, review=result.review_id)


def _answer(
    code: int, status: str, *, delivery: int | None = None, review: str | None = None, detail: str | None = None
) -> Response:
    """A `WebhookAnswer` (the route's declared model) as JSON without its None fields, in the model's field order:
    the bytes JSONResponse would send, built with orjson and no model instance (ADR 0437)."""
    body: dict[str, object] = {"status": status}
    if delivery is not None:
        body["delivery"] = delivery
    if review is not None:
        body["review"] = review
    if detail is not None:
        body["detail"] = detail
    return Response(orjson.dumps(body), status_code=code, media_type="application/json")
