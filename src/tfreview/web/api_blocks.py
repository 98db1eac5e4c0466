"""Blocked sources (issue 11): list, add and remove blocks. Operators only (the admin scope across tenants):
a block shuts a source out of every tenant's service.

    GET    /api/v1/blocks              the blocks in force
    POST   /api/v1/blocks              {"source": "ip:203.0.113.9", "minutes": 60, "reason": "…"} → 201
    DELETE /api/v1/blocks/{source}     lift (and forget) a block → 204; 404 when the source has none
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from tfreview.core.errors import AuthError, InputError, NotFound
from tfreview.door.door import Door
from tfreview.ports.records import Principal
from tfreview.service.container import Services
from tfreview.web.context import Admin, ServicesDep
from tfreview.web.models import ProblemOut, RecordOut

router = APIRouter(prefix="/api/v1", tags=["admin"])
_ERRORS: dict[int | str, dict[str, object]] = {s: {"model": ProblemOut} for s in (401, 403, 404, 422)}
Source = Annotated[str, Path(min_length=4, max_length=200, description="ip:ADDRESS or token:HASH16")]


class BlockOut(RecordOut):
    source: str
    kind: str
    reason: str
    created_by: str
    blocked_at: datetime
    expires_at: datetime
    strikes: int


class BlockList(BaseModel):
    items: list[BlockOut]


class BlockIn(BaseModel):
    source: str = Field(min_length=4, max_length=200, description="ip:ADDRESS or token:HASH16")
    minutes: float = Field(gt=0, le=525_600, description="how long the block lasts")
    # no control character: a NUL cannot be stored in PostgreSQL's text (its driver raised, a 500), a newline would
    # forge a line in the log that says why (review19a)
    reason: str = Field(default="blocked by an operator", min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$")


def _door(principal: Principal, services: Services) -> Door:
    if principal.tenant_id is not None:
        raise AuthError(
            "blocks apply to every tenant: only an operator (admin across tenants) manages them", status=403
        )
    if services.door is None:
        raise NotFound("this service has no door (blocks are not available)")
    return services.door


@router.get("/blocks", response_model=BlockList, responses=_ERRORS, summary="List the blocks in force")
def list_blocks(principal: Admin, services: ServicesDep) -> BlockList:
    return BlockList(items=[BlockOut.of(b) for b in _door(principal, services).guard.active()])


@router.post("/blocks", response_model=BlockOut, status_code=201, responses=_ERRORS, summary="Block a source")
def add_block(body: BlockIn, principal: Admin, services: ServicesDep) -> BlockOut:
    door = _door(principal, services)
    try:
        block = door.guard.block(body.source, body.reason, by=f"admin {principal.subject}", seconds=body.minutes * 60)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    services.metrics.count("tfreview_admin_actions_total", action="block_add")
    return BlockOut.of(block)


@router.delete("/blocks/{source}", status_code=204, responses=_ERRORS, summary="Lift a block")
def remove_block(source: Source, principal: Admin, services: ServicesDep) -> Response:
    if not _door(principal, services).guard.unblock(source, by=f"admin {principal.subject}"):
        raise NotFound(f"{source} is not blocked")
    services.metrics.count("tfreview_admin_actions_total", action="block_remove")
    return Response(status_code=204)
