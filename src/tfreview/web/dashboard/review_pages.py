"""`/reviews` (filters, search by address or rule, keyset pages) and `/reviews/<id>` with its downloads and
the redacted plan. Scoped like the API: another tenant's review is 404, exactly like a missing one."""

from __future__ import annotations

import io
import json
import re
import tarfile
from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tfreview.core.errors import InputError
from tfreview.core.severity import Severity
from tfreview.identity.authenticator import visible_tenant
from tfreview.ports.records import Principal, ReviewStatus, StoredReview
from tfreview.ports.review_codec import report_document
from tfreview.render.markdown import render_markdown
from tfreview.render.sarif import render_sarif
from tfreview.web.dashboard.pages import PageError, dashboard_of, finish, render, signed_in
from tfreview.web.dashboard.review_view import SECTION_LIMIT, github_web_url, review_view, source_label

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
PLAN_SHOWN_BYTES = 2 * 1024 * 1024  # the plan page shows at most this much of the redacted plan
_REVIEW_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_FORMATS = {
    "json": ("application/json", "json"),
    "sarif": ("application/sarif+json", "sarif"),
    "md": ("text/markdown; charset=utf-8", "md"),
}
Text = Annotated[str, Query(max_length=200)]


@router.get("/reviews")
def reviews_page(
    request: Request,
    q: Text = "",
    repository: Text = "",
    stack_id: Text = "",
    verdict: Text = "",
    status: Text = "",
    severity: Text = "",
    source: Text = "",
    since: Text = "",
    until: Text = "",
    cursor: Annotated[str, Query(max_length=512)] = "",
) -> Response:
    principal = signed_in(request)
    form = {
        "q": q.strip(),
        "repository": repository.strip(),
        "stack_id": stack_id.strip(),
        "verdict": verdict,
        "status": status,
        "severity": severity,
        "source": source,
        "since": since,
        "until": until,
    }
    services = dashboard_of(request).services
    error = None
    items: list[StoredReview] = []
    next_cursor = None
    try:
        page = services.reviews.list(
            visible_tenant(principal),
            filters=review_filters(form),
            limit=PAGE_SIZE,
            cursor=cursor or None,
            with_report=False,
        )
        items, next_cursor = page.items, page.next_cursor
    except InputError as exc:
        error = str(exc)
    kept = {k: v for k, v in form.items() if v}
    return render(
        request,
        "reviews.html",
        status=400 if error else 200,
        title="Reviews",
        form=form,
        error=error,
        rows=[(review, source_label(review.source)) for review in items],
        next_url=f"/reviews?{urlencode({**kept, 'cursor': next_cursor})}" if next_cursor else None,
        first_url=f"/reviews?{urlencode(kept)}" if cursor else None,
        verdicts=("pass", "warn", "fail"),
        statuses=[s.value for s in ReviewStatus],
        severities=[s.value for s in reversed(Severity)],
        sources=("github", "spacelift", "api"),
    )


def review_filters(form: dict[str, str]) -> dict[str, str]:
    """The store's filters from the form (dates are whole UTC days; `until` includes its day)."""
    filters: dict[str, str] = {}
    for name, key in (("q", "finding"), ("repository", "repository"), ("stack_id", "stack_id")):
        if form[name]:
            filters[key] = form[name]
    for name, allowed in (
        ("verdict", ("pass", "warn", "fail")),
        ("status", tuple(s.value for s in ReviewStatus)),
        ("severity", tuple(s.value for s in Severity)),
        ("source", ("github", "spacelift", "api")),
    ):
        if form[name]:
            if form[name] not in allowed:
                raise InputError(f"{name}: {form[name]!r} is not one of {', '.join(allowed)}")
            filters[name] = form[name]
    if form["since"]:
        filters["since"] = datetime.combine(_day(form["since"], "since"), time()).isoformat() + "+00:00"
    if form["until"]:
        end = _day(form["until"], "until") + timedelta(days=1)
        filters["until"] = datetime.combine(end, time()).isoformat() + "+00:00"
    return filters


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{name}: {text!r} is not a date like 2026-01-31") from None


@router.get("/reviews/{review_id}")
def review_page(request: Request, review_id: str, all: bool = False) -> Response:
    principal = signed_in(request)
    stored = _review(request, principal, review_id)
    settings = dashboard_of(request).services.settings
    view = review_view(
        stored, github_web=github_web_url(settings.github_app.api_url), limit=None if all else SECTION_LIMIT
    )
    return render(request, "review.html", title=f"Review {stored.id}", view=view, refresh=view.waiting)


@router.get("/reviews/{review_id}/report.{fmt}")
def review_download(request: Request, review_id: str, fmt: str) -> Response:
    principal = signed_in(request)
    if fmt not in _FORMATS:
        raise PageError(404, f"There is no {fmt!r} download; choose JSON, SARIF or Markdown.")
    stored = _review(request, principal, review_id)
    if stored.report is None:
        raise PageError(409, f"Review {stored.id} is {stored.status.value}: there is no report to download yet.")
    media, suffix = _FORMATS[fmt]
    reports = dashboard_of(request).services.reports
    try:  # rendered once per stored document (ADR 0340)
        body = reports.rendered(stored, fmt, lambda: _download(stored, fmt))
    except InputError as exc:
        raise PageError(409, f"The stored report cannot be rendered again: {exc}") from None
    response = Response(body, media_type=media)
    response.headers["Content-Disposition"] = f'attachment; filename="tfreview-{stored.id}.{suffix}"'
    return finish(request, response)


def _download(stored: StoredReview, fmt: str) -> bytes:
    """The body of a report download: the JSON output format, SARIF or Markdown of a stored review."""
    if fmt == "json":
        assert stored.report is not None  # only a review with a report is downloaded
        return json.dumps(report_document(stored.report), indent=2, sort_keys=True).encode()
    review = stored.review()
    assert review is not None  # it has a report
    return (render_sarif(review) if fmt == "sarif" else render_markdown(review, max_chars=10_000_000)).encode()


@router.get("/reviews/{review_id}/plan")
def plan_page(request: Request, review_id: str) -> Response:
    principal = signed_in(request)
    stored = _review(request, principal, review_id)
    services = dashboard_of(request).services
    found = services.plans.get(stored.plan_id) if stored.plan_id else None
    if found is None:
        raise PageError(
            404, "This review has no uploaded plan (GitHub and Spacelift reviews read theirs at the source)."
        )
    content, kind, _metadata = found
    return render(
        request,
        "plan.html",
        title=f"Plan of review {stored.id}",
        stored=stored,
        kind=kind,
        size=len(content),
        text=_plan_text(content, kind),
        clipped=len(content) > PLAN_SHOWN_BYTES,
    )


def _plan_text(content: bytes, kind: str) -> str:
    if kind != "tarball":
        shown = content[:PLAN_SHOWN_BYTES]
        try:
            return json.dumps(json.loads(shown), indent=2) if len(content) <= PLAN_SHOWN_BYTES else shown.decode()
        except (ValueError, UnicodeDecodeError):
            return shown.decode("utf-8", errors="replace")
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as archive:
            return "\n".join(f"{m.size:>10,}  {m.name}" for m in archive.getmembers()[:2000])
    except (tarfile.TarError, OSError):
        return "(the stored tarball cannot be listed)"


def _review(request: Request, principal: Principal, review_id: str) -> StoredReview:
    services = dashboard_of(request).services
    stored = services.reviews.get(review_id, visible_tenant(principal)) if _REVIEW_ID.match(review_id) else None
    if stored is None:
        raise PageError(404, f"Review {review_id[:64]} was not found.")
    return stored
