"""The audit log over the API (issue 11): `GET /api/v1/audit-log` (newest first) and
`GET /api/v1/audit-log/verify` (the hash chain recomputed). Like incidents, it concerns the whole service:
scope `admin` and no tenant (an operator credential); a tenant's admin gets 403."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from tfreview.core.errors import AuthError
from tfreview.ports.records import Principal
from tfreview.web.context import Admin, ServicesDep
from tfreview.web.models import ProblemOut

router = APIRouter(prefix="/api/v1/audit-log", tags=["audit"])
_ERRORS: dict[int | str, dict[str, object]] = {s: {"model": ProblemOut} for s in (401, 403, 422, 503)}


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    prev_hash: str
    row_hash: str


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None = None


class ChainOut(BaseModel):
    intact: bool
    checked: int  # entries verified (before the broken one, if any)
    broken_id: int | None = None
    problem: str = ""


def _operator(principal: Principal) -> None:
    if principal.tenant_id is not None:
        raise AuthError(
            "the audit log concerns the whole service: an operator credential (admin, no tenant) is needed", status=403
        )


@router.get("", response_model=AuditPage, responses=_ERRORS, summary="The audit log, newest first")
def list_audit_log(
    principal: Admin,
    services: ServicesDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> AuditPage:
    _operator(principal)
    page = services.audit.list(action=action, limit=min(limit, services.settings.api.page_size_max), cursor=cursor)
    items = [
        AuditEntryOut(
            id=e.id,
            at=e.at,
            actor=e.actor,
            action=e.action,
            target=e.target,
            detail=dict(e.detail),
            prev_hash=e.prev_hash,
            row_hash=e.row_hash,
        )
        for e in page.items
    ]
    return AuditPage(items=items, next_cursor=page.next_cursor)


@router.get("/verify", response_model=ChainOut, responses=_ERRORS, summary="Verify the audit log's hash chain")
def verify_audit_log(principal: Admin, services: ServicesDep) -> ChainOut:
    _operator(principal)
    check = services.audit.verify()
    return ChainOut(intact=check.intact, checked=check.checked, broken_id=check.broken_id, problem=check.problem)
