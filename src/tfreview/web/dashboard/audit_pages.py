"""The audit log and the blocks in force (operators only, like /api/v1/audit-log and /api/v1/blocks).

/ops/audit lists the hash-chained audit log newest first (filter by action) and says whether the chain
verifies; /ops/blocks lists the blocks of the door and lifts one behind a CSRF-checked form (recorded
like the API's `DELETE /api/v1/blocks/{source}`).
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tfreview.core.errors import InputError
from tfreview.web.dashboard.incident_pages import operator_ops
from tfreview.web.dashboard.ops_pages import PAGE_SIZE, Cursor
from tfreview.web.dashboard.pages import PageError, check_csrf, dashboard_of, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/ops/audit")
def audit_page(request: Request, action: Annotated[str, Query(max_length=64)] = "", cursor: Cursor = "") -> Response:
    operator_ops(request)
    services = dashboard_of(request).services
    try:
        page = services.audit.list(action=action or None, limit=PAGE_SIZE, cursor=cursor or None)
    except InputError as exc:
        raise PageError(400, str(exc)) from None
    check = services.audit.verify()
    query = {"action": action} if action else {}
    rows = [(e, json.dumps(e.detail, sort_keys=True, default=str) if e.detail else "") for e in page.items]
    return render(
        request,
        "audit.html",
        title="Audit log",
        action=action,
        rows=rows,
        check=check,
        next_url=f"/ops/audit?{urlencode({**query, 'cursor': page.next_cursor})}" if page.next_cursor else None,
    )


@router.get("/ops/blocks")
def blocks_page(request: Request) -> Response:
    operator_ops(request)
    door = dashboard_of(request).services.door
    return render(
        request,
        "blocks.html",
        title="Blocks",
        door=door is not None,
        blocks=door.guard.active() if door is not None else [],
        notice=request.query_params.get("done"),
    )


@router.post("/ops/blocks/lift")
def lift_block(
    request: Request,
    source: Annotated[str, Form(min_length=4, max_length=200)],
    csrf: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    principal, _ = operator_ops(request)
    check_csrf(request, csrf)
    services = dashboard_of(request).services
    if services.door is None:
        raise PageError(404, "This service has no door: there are no blocks.")
    if not services.door.guard.unblock(source, by=f"admin {principal.subject}"):
        raise PageError(404, f"{source} is not blocked.")
    services.metrics.count("tfreview_admin_actions_total", action="block_remove")
    return redirect(request, f"/ops/blocks?{urlencode({'done': f'The block of {source} is lifted.'})}")
