"""The `outcome` label of tfreview_upstream_requests_total, from what an outbound call ended with.

One classification for every outbound client (GitHub, Spacelift, the JWKS issuer, model providers):
the network alerts (upstream-connect-errors) count connect errors and timeouts the same everywhere.
"""

from __future__ import annotations

import httpx

from tfreview.ops.recorder import Recorder


def upstream_outcome(error: BaseException | None, status: int | None = None) -> str:
    """ok | client_error | server_error | rate_limited | connect_error | timeout."""
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, httpx.TransportError):  # refused, reset, DNS, TLS: the network or the host
        return "connect_error"
    if status is None:
        return "ok" if error is None else "client_error"
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "ok"


class CountingTransport(httpx.BaseTransport):
    """An httpx transport that counts every request it carries under one `upstream` label (wiring wraps
    the GitHub and Spacelift clients' transports with it)."""

    def __init__(self, inner: httpx.BaseTransport, metrics: Recorder, upstream: str) -> None:
        self._inner = inner
        self._metrics = metrics
        self._upstream = upstream

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._inner.handle_request(request)
        except httpx.TransportError as exc:
            outcome = upstream_outcome(exc)
            self._metrics.count("tfreview_upstream_requests_total", upstream=self._upstream, outcome=outcome)
            raise
        outcome = upstream_outcome(None, response.status_code)
        self._metrics.count("tfreview_upstream_requests_total", upstream=self._upstream, outcome=outcome)
        return response

    def close(self) -> None:
        self._inner.close()
