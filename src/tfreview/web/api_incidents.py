"""Incidents over the API: list, show (with the timeline), acknowledge, resolve, the post-incident report.

Incidents are about the whole service, not one tenant: the caller needs the `admin` scope AND no tenant
(an operator token or OIDC subject); a tenant's admin gets 403.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from tfreview.core.errors import AuthError, NotFound
from tfreview.ops import incident_admin
from tfreview.ops.incidents import IncidentStatus
from tfreview.ops.report import render_report
from tfreview.ops.services import OpsServices
from tfreview.ports.records import Principal
from tfreview.service.container import Services
from tfreview.web.context import Admin, ServicesDep
from tfreview.web.models import ProblemOut
from tfreview.web.request_audit import record_action

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])
_ERRORS: dict[int | str, dict[str, object]] = {s: {"model": ProblemOut} for s in (401, 403, 404, 422, 503)}
IncidentId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class IncidentOut(BaseModel):
    id: int
    group: str
    alert: str
    scenario: str
    severity: str
    summary: str
    status: IncidentStatus
    level: int
    response_minutes: int
    channels: list[str]
    action: str | None = None
    opened_at: datetime
    escalate_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None


class IncidentEventOut(BaseModel):
    at: datetime
    kind: str
    detail: dict[str, Any]


class IncidentPage(BaseModel):
    items: list[IncidentOut]
    next_cursor: str | None = None


class IncidentDetail(IncidentOut):
    timeline: list[IncidentEventOut]


def _ops(principal: Principal, services: Services) -> OpsServices:
    if principal.tenant_id is not None:
        raise AuthError(
            "incidents concern the whole service: an operator credential (admin, no tenant) is needed", status=403
        )
    if services.ops is None:
        raise NotFound("incidents are not enabled in this service")
    return services.ops


@router.get("", response_model=IncidentPage, responses=_ERRORS, summary="List incidents, newest first")
def list_incidents(
    principal: Admin,
    services: ServicesDep,
    status: Annotated[IncidentStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> IncidentPage:
    ops = _ops(principal, services)
    page = ops.incidents.list(
        status=status.value if status else None, limit=min(limit, services.settings.api.page_size_max), cursor=cursor
    )
    return IncidentPage(
        items=[IncidentOut(**incident_admin.incident_document(i)) for i in page.items], next_cursor=page.next_cursor
    )


@router.get("/{incident_id}", response_model=IncidentDetail, responses=_ERRORS, summary="An incident and its timeline")
def show_incident(incident_id: IncidentId, principal: Admin, services: ServicesDep) -> IncidentDetail:
    ops = _ops(principal, services)
    incident = incident_admin.get_incident(ops, incident_id)
    timeline = [IncidentEventOut(**incident_admin.event_document(e)) for e in ops.incidents.events(incident_id)]
    return IncidentDetail(**incident_admin.incident_document(incident), timeline=timeline)


@router.post(
    "/{incident_id}/ack", response_model=IncidentOut, responses=_ERRORS, summary="Acknowledge (stops escalation)"
)
def acknowledge_incident(
    request: Request, incident_id: IncidentId, principal: Admin, services: ServicesDep
) -> IncidentOut:
    ops = _ops(principal, services)
    incident = incident_admin.acknowledge(ops, incident_id, f"api:{principal.subject}")
    record_action(request, "incident.ack", actor=principal.subject, target=f"incident:{incident_id}")
    return IncidentOut(**incident_admin.incident_document(incident))


@router.post("/{incident_id}/resolve", response_model=IncidentOut, responses=_ERRORS, summary="Resolve by hand")
def resolve_incident(request: Request, incident_id: IncidentId, principal: Admin, services: ServicesDep) -> IncidentOut:
    ops = _ops(principal, services)
    incident = incident_admin.resolve(ops, incident_id, f"api:{principal.subject}")
    record_action(request, "incident.resolve", actor=principal.subject, target=f"incident:{incident_id}")
    return IncidentOut(**incident_admin.incident_document(incident))


class IncidentReport(BaseModel):
    incident_id: int
    markdown: str  # the same text as `tfreview incidents report ID`


@router.get(
    "/{incident_id}/report",
    response_model=IncidentReport,
    responses=_ERRORS,
    summary="The post-incident report (Markdown, in JSON)",
)
def incident_report(incident_id: IncidentId, principal: Admin, services: ServicesDep) -> IncidentReport:
    ops = _ops(principal, services)
    incident = incident_admin.get_incident(ops, incident_id)
    now = datetime.now(UTC)
    impact = incident_admin.read_impact(services.intake, services.reviews, incident, now)
    return IncidentReport(
        incident_id=incident_id, markdown=render_report(incident, ops.incidents.events(incident_id), impact, now)
    )
