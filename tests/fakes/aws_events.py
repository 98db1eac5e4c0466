"""Lambda event shapes as AWS hands them to the functions (tests and benchmarks/lambda_cold_start.py).

Light on purpose: the cold-start benchmark builds its first event with it before anything else is imported.
"""

from __future__ import annotations

import uuid
from typing import Any


def http_event(
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
    query: str = "",
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, with the JWT authorizer's context when `claims` is given;
    `query`: the raw query string (already URL-encoded, without "?")."""
    context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "abc123",
        "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
        "domainPrefix": "abc123",
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.10", "userAgent": "t"},
        "requestId": uuid.uuid4().hex,
        "routeKey": "$default",
        "stage": "$default",
        "time": "03/Dec/2026:13:00:00 +0000",
        "timeEpoch": 1796302800000,
    }
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": context["domainName"], **(headers or {})},
        "requestContext": context,
        "body": body.decode(),
        "isBase64Encoded": False,
    }
