"""POST /api/v1/plans: upload a plan JSON (or a tarball of .tf files) for review.

This is what a Spacelift `after_plan` hook (or any CI job) calls with `terraform show -json`
output. The body is validated BEFORE anything is stored; the plan store redacts what it keeps.
The upload is idempotent: the same bytes with the same metadata answer 200 with the same review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tfreview.core.errors import InputError
from tfreview.core.links import review_api_path, review_page_path
from tfreview.ports.records import Principal, SourceInfo
from tfreview.web.bodies import read_body, require_media_type
from tfreview.web.context import Writer, clock_of, services_of
from tfreview.web.models import ProblemOut, UploadAnswer
from tfreview.web.request_audit import record_action
from tfreview.web.tarballs import check_tarball

if TYPE_CHECKING:
    from datetime import datetime

    from tfreview.service.container import Services

router = APIRouter(tags=["plans"])

PLAN_TYPES = ("application/json",)
TARBALL_TYPES = ("application/gzip", "application/x-gzip", "application/x-tar")
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"


@router.post(
    "/api/v1/plans",
    response_model=UploadAnswer,
    status_code=202,
    responses={
        200: {"model": UploadAnswer, "description": "the same upload was accepted before"},
        **{s: {"model": ProblemOut} for s in (400, 401, 403, 413, 415, 422, 503)},
    },
    summary="Upload a plan JSON or a tarball of .tf files for review",
)
async def upload_plan(
    request: Request,
    principal: Writer,
    source: Annotated[Literal["api", "spacelift"], Query()] = "api",
    repository: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")] = None,
    commit_sha: Annotated[str | None, Query(pattern=r"^[0-9a-f]{7,64}$")] = None,
    pull_request: Annotated[int | None, Query(ge=1, le=2**31)] = None,
    stack_id: Annotated[str | None, Query(pattern=_ID)] = None,
    run_id: Annotated[str | None, Query(pattern=_ID)] = None,
    account: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")] = None,
) -> JSONResponse:
    services = services_of(request)
    limit = services.settings.api.max_upload_bytes
    media = require_media_type(request, PLAN_TYPES + TARBALL_TYPES)
    tenant_id = _tenant_of(principal)
    body = await read_body(request, limit)
    kind = "plan" if media in PLAN_TYPES else "tarball"
    await run_in_threadpool(check_upload, body, kind, limit)
    metadata: dict[str, Any] = {
        key: value
        for key, value in {
            "source": source,
            "repository": repository,
            "commit_sha": commit_sha,
            "pull_request": pull_request,
            "stack_id": stack_id,
            "run_id": run_id,
            "account": account,
        }.items()
        if value is not None
    }
    info = SourceInfo(
        kind=source,
        repository=repository,
        pull_request=pull_request,
        commit_sha=commit_sha,
        stack_id=stack_id,
        run_id=run_id,
        account=account,
    )
    review_id, created = await run_in_threadpool(
        accept, services, tenant_id, body, kind, metadata, info, clock_of(request)()
    )
    if created:  # a repeat changed nothing
        detail = {"tenant": tenant_id, "kind": kind, "source": source}
        await run_in_threadpool(
            record_action, request, "plan.upload", actor=principal.subject, target=f"review:{review_id}", detail=detail
        )
    answer = UploadAnswer(
        review=review_id,
        url=review_api_path(review_id),
        page_url=review_page_path(review_id),
        status="accepted" if created else "duplicate",
    )
    return JSONResponse(answer.model_dump(), status_code=202 if created else 200)


def _tenant_of(principal: Principal) -> str:
    if principal.tenant_id is None:
        raise InputError("an upload needs a credential bound to a tenant; an operator credential spans every tenant")
    return principal.tenant_id


def check_upload(body: bytes, kind: str, limit: int) -> None:
    """InputError unless `body` is a plan JSON (`kind` "plan") or a tarball of .tf files ("tarball")."""
    if kind == "plan":
        from tfreview.parsing.plan_json import load_plan  # at the first upload, on its thread (ADR 0753)

        load_plan(body, "upload")
    else:
        check_tarball(body, limit)


def accept(
    services: Services,
    tenant_id: str,
    body: bytes,
    kind: str,
    metadata: dict[str, Any],
    info: SourceInfo,
    received_at: datetime,
) -> tuple[str, bool]:
    """`service.uploads.accept_upload`, imported at the first upload on the thread that runs it, not at every start:
    the plan and HCL parsers, the rule index and the report renderer it brings are an upload's alone (ADR 0753)."""
    from tfreview.service.uploads import accept_upload

    return accept_upload(services, tenant_id, body, kind, metadata, info, received_at)
