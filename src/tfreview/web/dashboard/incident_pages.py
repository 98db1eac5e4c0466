"""Incidents (operators: scope `admin` without a tenant, like /api/v1/incidents): the list, one incident
with its timeline, acknowledge and resolve behind CSRF-checked forms, the post-incident report as a
Markdown download. The actions are `tfreview.ops.incident_admin`'s, the same as the CLI's and the API's:
acknowledging stops the escalation and tells the paged notifiers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tfreview.core.errors import InputError
from tfreview.ops import incident_admin
from tfreview.ops.incidents import LEVEL_NAMES, Incident, IncidentStatus
from tfreview.ops.report import render_report
from tfreview.ops.services import OpsServices
from tfreview.ports.records import Principal, Scope
from tfreview.web.dashboard.ops_pages import PAGE_SIZE, Cursor, act
from tfreview.web.dashboard.pages import PageError, check_csrf, dashboard_of, redirect, render, signed_in
from tfreview.web.request_audit import record_action

router = APIRouter(include_in_schema=False)
STATUSES = ("", *(s.value for s in IncidentStatus))


def operator_ops(request: Request) -> tuple[Principal, OpsServices]:
    """The signed-in operator and the service's ops; 403 for a tenant's admin, 404 when ops are off."""
    principal = signed_in(request, Scope.ADMIN)
    if principal.tenant_id is not None:
        raise PageError(
            403, "Incidents and alerts concern the whole service: an operator (admin, no tenant) sees them."
        )
    ops = dashboard_of(request).services.ops
    if ops is None:
        raise PageError(404, "Incidents are not enabled in this service.")
    return principal, ops


@router.get("/ops/incidents")
def incidents_page(
    request: Request, status: Annotated[str, Query(max_length=16)] = "", cursor: Cursor = ""
) -> Response:
    _, ops = operator_ops(request)
    if status not in STATUSES:
        raise PageError(400, f"Unknown incident status {status!r}.")
    try:
        page = ops.incidents.list(status=status or None, limit=PAGE_SIZE, cursor=cursor or None)
    except InputError as exc:
        raise PageError(400, str(exc)) from None
    query = {"status": status} if status else {}
    return render(
        request,
        "incidents.html",
        title="Incidents",
        chosen=status,
        statuses=STATUSES,
        incidents=page.items,
        next_url=f"/ops/incidents?{urlencode({**query, 'cursor': page.next_cursor})}" if page.next_cursor else None,
        notice=request.query_params.get("done"),
    )


@router.get("/ops/incidents/{incident_id}")
def incident_page(request: Request, incident_id: int) -> Response:
    _, ops = operator_ops(request)
    incident = _incident(ops, incident_id)
    events = [
        (event, ", ".join(f"{k}: {v}" for k, v in sorted(event.detail.items()) if k != "samples"))
        for event in ops.incidents.events(incident_id)
    ]
    return render(
        request,
        "incident.html",
        title=f"Incident {incident.id}",
        incident=incident,
        level_name=LEVEL_NAMES.get(incident.level, "?"),
        events=events,
        notice=request.query_params.get("done"),
    )


@router.post("/ops/incidents/{incident_id}/ack")
def acknowledge(request: Request, incident_id: int, csrf: Annotated[str, Form(max_length=256)] = "") -> Response:
    principal, ops = operator_ops(request)
    check_csrf(request, csrf)
    act(lambda: incident_admin.acknowledge(ops, incident_id, f"dashboard:{principal.subject}"))
    record_action(request, "incident.ack", actor=principal.subject, target=f"incident:{incident_id}")
    done = f"Incident {incident_id} is acknowledged: its escalation stopped."
    return redirect(request, f"/ops/incidents/{incident_id}?{urlencode({'done': done})}")


@router.post("/ops/incidents/{incident_id}/resolve")
def resolve(request: Request, incident_id: int, csrf: Annotated[str, Form(max_length=256)] = "") -> Response:
    principal, ops = operator_ops(request)
    check_csrf(request, csrf)
    act(lambda: incident_admin.resolve(ops, incident_id, f"dashboard:{principal.subject}"))
    record_action(request, "incident.resolve", actor=principal.subject, target=f"incident:{incident_id}")
    return redirect(
        request, f"/ops/incidents/{incident_id}?{urlencode({'done': f'Incident {incident_id} is resolved.'})}"
    )


@router.get("/ops/incidents/{incident_id}/report.md")
def report(request: Request, incident_id: int) -> Response:
    _, ops = operator_ops(request)
    incident = _incident(ops, incident_id)
    services = dashboard_of(request).services
    now = datetime.now(UTC)
    impact = incident_admin.read_impact(services.intake, services.reviews, incident, now)
    text = render_report(incident, ops.incidents.events(incident_id), impact, now)
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="incident-{incident_id}.md"'},
    )


def _incident(ops: OpsServices, incident_id: int) -> Incident:
    found = ops.incidents.get(incident_id)
    if found is None:
        raise PageError(404, f"Incident {incident_id} not found.")
    return found
