"""`/`, `/signin` (OIDC authorization code + PKCE, or an API token), `/signin/callback`, `/signout`."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tfreview.core.errors import AuthError, UpstreamError
from tfreview.identity.authenticator import visible_tenant
from tfreview.identity.sign_in import Pkce
from tfreview.web.context import credential_method
from tfreview.web.dashboard.pages import (
    PageError,
    auth_page_error,
    check_csrf,
    dashboard_of,
    redirect,
    render,
    replace_session,
    safe_next,
    session_of,
    set_cookie,
    viewer,
)
from tfreview.web.dashboard.sessions import SIGN_IN_COOKIE, SIGN_IN_SECONDS
from tfreview.web.door_keeper import note_failure
from tfreview.web.request_audit import record_action, record_refusal
from tfreview.web.request_log import LOG_NOTE

router = APIRouter(include_in_schema=False)
Next = Annotated[str | None, Query(max_length=2048)]


@router.get("/")
def home(request: Request) -> Response:
    return redirect(request, "/reviews" if viewer(request) is not None else "/signin")


@router.get("/signin")
def sign_in_page(request: Request, next: Next = None) -> Response:
    if viewer(request) is not None:
        return redirect(request, safe_next(next))
    oidc = dashboard_of(request).services.sign_in is not None
    return render(request, "signin.html", next=safe_next(next), oidc=oidc, title="Sign in")


@router.post("/signin/token")
def sign_in_with_token(
    request: Request,
    token: Annotated[str, Form(max_length=4096)] = "",
    csrf: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/reviews",
) -> Response:
    check_csrf(request, csrf)
    dashboard = dashboard_of(request)
    try:
        principal = dashboard.services.authenticator.authenticate(f"Bearer {token.strip()}")
        visible_tenant(principal)
    except AuthError as exc:
        request.scope.setdefault("state", {})[LOG_NOTE] = f"sign-in refused: {exc}"  # on the request's one line
        offered = token.strip()
        method = credential_method(f"Bearer {offered}")
        dashboard.services.metrics.count("tfreview_auth_attempts_total", method=method, outcome=exc.reason)
        if exc.status == 401 and offered:  # a guess, as on the API: toward a block of the address and the token
            note_failure(request, "credential", offered)
        if offered:
            record_refusal(request, method=method, reason=exc.reason)
        oidc = dashboard.services.sign_in is not None
        return render(
            request, "signin.html", status=exc.status, next=safe_next(next), oidc=oidc, error=str(exc), title="Sign in"
        )
    token_id = principal.subject.removeprefix("token:") if principal.kind == "token" else None
    detail = {"method": "token", "tenant": principal.tenant_id or "*"}
    record_action(request, "sign_in", actor=principal.subject, target="dashboard", detail=detail)
    replace_session(request, dashboard.signer.signed_in(principal, token_id=token_id))
    return redirect(request, safe_next(next))


@router.get("/signin/oidc")
def start_oidc(request: Request, next: Next = None) -> Response:
    dashboard = dashboard_of(request)
    provider = dashboard.services.sign_in
    if provider is None:
        raise PageError(404, "Single sign-on is not configured on this service; sign in with an API token.")
    pkce = Pkce.new()
    state = secrets.token_urlsafe(24)
    try:
        target = provider.authorization_url(redirect_uri=_callback(request), state=state, challenge=pkce.challenge)
    except UpstreamError as exc:
        raise PageError(503, f"The identity provider cannot be reached now ({exc}). Try again shortly.") from None
    flight = {"state": state, "verifier": pkce.verifier, "next": safe_next(next), "until": dashboard.signer.now()}
    response = redirect(request, target)
    set_cookie(response, dashboard, SIGN_IN_COOKIE, dashboard.signer.seal(flight, purpose="sign-in"), SIGN_IN_SECONDS)
    return response


@router.get("/signin/callback")
async def oidc_callback(
    request: Request,
    code: Annotated[str | None, Query(max_length=4096)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    dashboard = dashboard_of(request)
    provider = dashboard.services.sign_in
    flight = dashboard.signer.unseal(request.cookies.get(SIGN_IN_COOKIE), purpose="sign-in")
    if provider is None:
        raise PageError(404, "Single sign-on is not configured on this service.")
    if error is not None:
        raise PageError(401, "The identity provider did not sign you in. Start again from the sign-in page.")
    if not _flight_ok(flight, state, dashboard.signer.now()) or not code:
        raise PageError(400, "This sign-in link is stale or was not started here. Start again from the sign-in page.")
    assert flight is not None  # _flight_ok checked it
    try:
        token = await run_in_threadpool(
            provider.exchange, code=code, verifier=str(flight["verifier"]), redirect_uri=_callback(request)
        )
        principal = await run_in_threadpool(dashboard.services.authenticator.authenticate, f"Bearer {token}")
        visible_tenant(principal)
    except AuthError as exc:
        raise auth_page_error(exc) from None
    except UpstreamError as exc:
        raise PageError(503, f"The identity provider cannot be reached now ({exc}). Try again shortly.") from None
    detail = {"method": "oidc", "tenant": principal.tenant_id or "*"}
    await run_in_threadpool(
        record_action, request, "sign_in", actor=principal.subject, target="dashboard", detail=detail
    )
    replace_session(request, dashboard.signer.signed_in(principal, until=_expiry(token)))
    response = redirect(request, safe_next(str(flight.get("next") or "")))
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    return response


@router.post("/signout")
def sign_out(request: Request, csrf: Annotated[str, Form(max_length=256)] = "") -> Response:
    check_csrf(request, csrf)
    replace_session(request, dashboard_of(request).signer.signed_out(session_of(request)))
    return redirect(request, "/signin")


def _callback(request: Request) -> str:
    public = dashboard_of(request).services.settings.server.public_url.rstrip("/")
    return f"{public}/signin/callback"


def _flight_ok(flight: dict[str, Any] | None, state: str | None, now: float) -> bool:
    if flight is None or not state or not isinstance(flight.get("state"), str):
        return False
    started = flight.get("until")
    if not isinstance(started, int | float) or now - started > SIGN_IN_SECONDS:
        return False
    return hmac.compare_digest(str(flight["state"]), state) and isinstance(flight.get("verifier"), str)


def _expiry(token: str) -> float | None:
    """The `exp` of a token that the authenticator has just verified (read again, not re-verified)."""
    import jwt  # here: PyJWT and cryptography only once someone signs in, not at every start (ADR 0753)

    try:
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    return float(exp) if isinstance(exp, int | float) else None
