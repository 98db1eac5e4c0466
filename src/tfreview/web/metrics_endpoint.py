"""GET /metrics: the Prometheus text format, for a scraper holding `metrics.token` (bearer).

Not in the OpenAPI document (it is the Prometheus text format, not part of the JSON API). Unset token
(or metrics disabled): 404, so an unconfigured service exposes nothing. A wrong or missing token: 401
with `WWW-Authenticate: Bearer`. The comparison is constant-time; the token never reaches a log or a
response.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tfreview.core.errors import AuthError, NotFound
from tfreview.ops.metrics import CONTENT_TYPE
from tfreview.web.context import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response, include_in_schema=False)  # text, not the JSON API
def metrics(request: Request, services: ServicesDep) -> Response:
    token = services.settings.metrics.token
    if services.exposition is None or token is None or not token.get_secret_value():
        raise NotFound("metrics are not exposed: set TFREVIEW_METRICS__TOKEN to scrape /metrics")
    if len(request.headers.getlist("authorization")) > 1:  # which is the scraper's? (ADR 0762; a token may hold ",")
        raise AuthError("the Authorization header was sent more than once: a request carries one credential")
    presented = request.headers.get("authorization", "")
    expected = f"Bearer {token.get_secret_value()}"
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise AuthError("GET /metrics needs the bearer token of metrics.token")
    return Response(services.exposition(), media_type=CONTENT_TYPE)
