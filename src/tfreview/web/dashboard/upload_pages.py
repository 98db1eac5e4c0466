"""`/upload`: a plan JSON or a tarball of .tf files from the browser, checked and stored like
`POST /api/v1/plans`, then the browser lands on the review's page (which refreshes until it is done)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tfreview.core.errors import InputError
from tfreview.core.links import review_page_path
from tfreview.ports.records import Scope, SourceInfo
from tfreview.web.dashboard.pages import PageError, check_csrf, dashboard_of, redirect, render, signed_in
from tfreview.web.request_audit import record_action
from tfreview.web.uploads import accept, check_upload

router = APIRouter(include_in_schema=False)
_FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields around the file


@router.get("/upload")
def upload_page(request: Request) -> Response:
    signed_in(request, Scope.WRITE)
    return render(request, "upload.html", title="Upload a plan", limit=_limit(request))


@router.post("/upload")
async def upload(
    request: Request,
    plan: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    principal = signed_in(request, Scope.WRITE)
    check_csrf(request, csrf)
    if principal.tenant_id is None:
        raise PageError(400, "An operator credential spans every tenant; sign in with a tenant's credential to upload.")
    limit = _limit(request)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + _FORM_OVERHEAD:
        raise PageError(413, f"The file is larger than this service accepts ({limit:,} bytes).")
    body = await plan.read(limit + 1)
    if len(body) > limit:
        raise PageError(413, f"The file is larger than this service accepts ({limit:,} bytes).")
    if not body:
        raise PageError(400, "Choose a plan JSON (terraform show -json) or a .tar.gz of .tf files to upload.")
    kind = "tarball" if body[:2] == b"\x1f\x8b" or body[257:262] == b"ustar" else "plan"
    services = dashboard_of(request).services
    try:
        await run_in_threadpool(check_upload, body, kind, limit)
        review_id, created = await run_in_threadpool(
            accept,
            services,
            principal.tenant_id,
            body,
            kind,
            {"source": "api", "via": "dashboard"},
            SourceInfo(kind="api"),
            datetime.now(UTC),
        )
    except InputError as exc:
        return render(request, "upload.html", status=422, title="Upload a plan", limit=limit, error=str(exc))
    if created:  # a repeat changed nothing
        detail = {"tenant": principal.tenant_id, "kind": kind, "source": "dashboard"}
        await run_in_threadpool(
            record_action, request, "plan.upload", actor=principal.subject, target=f"review:{review_id}", detail=detail
        )
    return redirect(request, review_page_path(review_id))


def _limit(request: Request) -> int:
    return dashboard_of(request).services.settings.api.max_upload_bytes
