"""The audit entries a request leaves (A11, ADR 0540): one per change it made, one per credential refused.

    record_action(request, "plan.upload", actor=principal.subject, target=f"review:{id}", detail={...})
    record_refusal(request, method="token", reason="invalid")   # never the credential itself

An entry names the actor, the action, the object, the tenant (in `detail`) and the request id. A failing
audit write never turns an answer into a 500: the change stands, the log line says its entry is missing.
A request without any credential is no refusal here (the metrics count it): only an attempt on a
credential is, and a source's attempts stop at the door once they earn a block (door.blocks).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import Request

from tfreview.plumbing.log_lines import escape
from tfreview.service.container import Services
from tfreview.web.door_keeper import CLIENT_IP

logger = logging.getLogger("tfreview.web.audit")

ANONYMOUS = "anonymous"  # the actor of a refused credential: who it claims to be is not believed


def record_action(
    request: Request, action: str, *, actor: str, target: str, detail: Mapping[str, object] | None = None
) -> None:
    """One entry for a change this request made (call it once the change is made)."""
    _record(request, action, actor, target, {**(detail or {}), "request_id": _request_id(request)})


def record_refusal(request: Request, *, method: str, reason: str, actor: str = ANONYMOUS) -> None:
    """One `auth.failure` entry for a credential this request presented and that was refused (401/403)."""
    address = getattr(request.state, CLIENT_IP, None) or (request.client.host if request.client else "unknown")
    detail = {"method": method, "reason": reason, "address": address, "request_id": _request_id(request)}
    # the path is the caller's text: escaped onto one line, as the request log writes it (no terminal escapes,
    # no line breaks in `tfreview audit-log`)
    _record(request, "auth.failure", actor, f"{request.method} {escape(request.url.path)}", detail)


def _record(request: Request, action: str, actor: str, target: str, detail: dict[str, object]) -> None:
    services: Services = request.app.state.services
    try:
        services.audit.record(action, actor=actor, target=target, detail=detail)
    except Exception as exc:  # the answer stands (a refusal stays 401, a change stays made); the entry is missing
        logger.error("audit log: could not record %s on %s (%s)", action, target[:200], type(exc).__name__)


def _request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "-"))
