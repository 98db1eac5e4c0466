"""What every dashboard page shares: the templates, the session of the request, sign-in and CSRF checks,
and the HTML answers (pages, redirects, error pages) with their security headers."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from tfreview.core.errors import AuthError
from tfreview.ports.records import Principal, Scope
from tfreview.render.digest import model_text, visible
from tfreview.service.container import Services
from tfreview.web.dashboard.sessions import SESSION_COOKIE, Session, SessionSigner

logger = logging.getLogger("tfreview.web.dashboard")

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class PageError(Exception):
    """A dashboard answer that is an error page (404 of another tenant's review, 403, 400 of a bad form)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SignInRequired(Exception):
    """Nobody (or nobody with a live credential) is signed in: go to the sign-in page, then come back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass
class Dashboard:
    """The dashboard's parts, kept on `app.state.dashboard`."""

    services: Services
    signer: SessionSigner
    templates: Environment


def new_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        finalize=_shown,
    )
    env.filters["when"] = _when
    env.filters["thousands"] = lambda n: f"{int(n):,}"
    env.filters["model_text"] = model_text  # the advice's words as the model wrote them, escaped once (ADR 0531)
    return env


def _shown(value: object) -> object:
    """Every `{{ value }}` as the page shows it: autoescaping makes a plan's HTML text, and this its bidi controls
    and zero-width characters (which HTML would obey: Trojan Source) escapes a reader sees. Our markup is kept."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def dashboard_of(request: Request) -> Dashboard:
    dashboard: Dashboard = request.app.state.dashboard
    return dashboard


def session_of(request: Request) -> Session:
    """The request's session; a new anonymous one (set on the answer) when the cookie is missing or bad."""
    found: Session | None = getattr(request.state, "dashboard_session", None)
    if found is not None:
        return found
    signer = dashboard_of(request).signer
    session = signer.load(request.cookies.get(SESSION_COOKIE))
    if session is None:
        session = signer.anonymous()
        request.state.dashboard_session_new = True
    request.state.dashboard_session = session
    return session


def replace_session(request: Request, session: Session) -> None:
    request.state.dashboard_session = session
    request.state.dashboard_session_new = True


def viewer(request: Request) -> Principal | None:
    """Who is signed in, if anyone; a session whose API token was revoked or expired is signed out."""
    session = session_of(request)
    principal = session.principal
    if principal is None:
        return None
    if session.kind == "token" and not _token_live(dashboard_of(request).services, session):
        replace_session(request, dashboard_of(request).signer.signed_out(session))
        return None
    request.state.subject = principal.subject
    return principal


def _token_live(services: Services, session: Session) -> bool:
    if session.token_id is None or session.tenant_id is None:
        return False
    now = datetime.now(UTC)
    for token in services.tokens.list(session.tenant_id):
        if token.id == session.token_id:
            return token.revoked_at is None and (token.expires_at is None or _aware(token.expires_at) > now)
    return False


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def signed_in(request: Request, scope: Scope = Scope.READ) -> Principal:
    """The signed-in principal with `scope`; SignInRequired (a redirect) or PageError(403) otherwise."""
    principal = viewer(request)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    if not principal.scope.allows(scope):
        raise PageError(403, f"This page needs the {scope.value} scope; you signed in with {principal.scope.value}.")
    return principal


def check_csrf(request: Request, token: str | None) -> None:
    if not dashboard_of(request).signer.csrf_ok(session_of(request), token):
        logger.info("dashboard form refused: missing or wrong CSRF token on %s", request.url.path)
        raise PageError(403, "This form has expired or did not come from this site. Reload the page and try again.")


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in: never another site (`//host`, `https://…`, `/\\host`)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return "/reviews"
    if any(ord(c) < 0x20 for c in target):
        return "/reviews"
    return target


def sign_in_path(next_path: str) -> str:
    return f"/signin?next={quote(safe_next(next_path), safe='')}"


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    dashboard = dashboard_of(request)
    session = session_of(request)
    principal = viewer(request)
    page = dashboard.templates.get_template(template).render(
        request=request,
        viewer=principal,
        is_admin=principal is not None and principal.scope is Scope.ADMIN,
        csrf=dashboard.signer.csrf_token(session),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(under_root(request, page), status_code=status)
    finish(request, response)
    return response


# a local link, form or asset of a rendered page: an attribute opening with one "/" (a value the page shows is
# escaped — its quotes are `&#34;` — so only the page's own attributes match)
_LOCAL_LINK = re.compile(r'(\s(?:href|action|src)=")/(?![/\\])')


def under_root(request: Request, page: str) -> str:
    """The page's local links, forms and assets under the ASGI root path, as `redirect`'s targets: through an API
    Gateway named stage, `/reviews` is `/<stage>/reviews` in the browser (ADR 0660). `serve` has no root path."""
    root = str(request.scope.get("root_path") or "").rstrip("/")
    if not root:
        return page
    return _LOCAL_LINK.sub(lambda m: f"{m.group(1)}{root}/", page)


def redirect(request: Request, target: str) -> RedirectResponse:
    """303 to a local path, under the ASGI root path: an API Gateway named stage's `/<stage>` (the Lambda adapter
    takes it off the path and hands it as `root_path`, ADR 0600) stays in front of it, as behind any proxy that
    mounts the service under a prefix (ADR 0600, amended). `serve` has none."""
    root = str(request.scope.get("root_path") or "").rstrip("/")
    if root and target.startswith("/") and not target.startswith(("//", "/\\")):  # paths here are root-free
        target = f"{root}{target}"
    response = RedirectResponse(target, status_code=303)
    finish(request, response)
    return response


def finish(request: Request, response: Response) -> Response:
    """Security headers, and the session cookie when it is new or changed."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if getattr(request.state, "dashboard_session_new", False):
        dashboard = dashboard_of(request)
        set_cookie(response, dashboard, SESSION_COOKIE, dashboard.signer.dump(session_of(request)))
    return response


def set_cookie(response: Response, dashboard: Dashboard, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age if max_age is not None else dashboard.signer.max_age,
        path="/",
        secure=dashboard.services.settings.dashboard.cookie_secure,
        httponly=True,
        samesite="lax",
    )


async def on_page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)  # registered for this class only
    return render(request, "error.html", status=exc.status, message=exc.message)


async def on_invalid_input(request: Request, exc: Exception) -> Response:
    """A page's address or form with a value its route refuses: the error page, in words (never the value)."""
    assert isinstance(exc, RequestValidationError)  # the app's handler sends only these here
    said = "; ".join(_refusal(error) for error in exc.errors()[:5])
    message = f"This address or form has a value the page cannot use: {said}."
    return render(request, "error.html", status=400, message=message)


def _refusal(error: Any) -> str:
    name = str(error.get("loc", ("value",))[-1])
    kind, limits = error.get("type", ""), error.get("ctx") or {}
    if kind == "string_too_long":
        return f"{name}: at most {limits.get('max_length')} characters"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{name}: a whole number"
    if kind in ("bool_parsing", "bool_type"):
        return f"{name}: yes or no (true or false)"
    return f"{name}: {error.get('msg', 'not valid')}"


async def on_sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)  # registered for this class only
    return redirect(request, sign_in_path(exc.next_path))


def auth_page_error(exc: AuthError) -> PageError:
    """An AuthError of a sign-in as an error page (its message never holds the credential)."""
    return PageError(exc.status if exc.status in (401, 403) else 401, f"Sign-in failed: {exc}")
