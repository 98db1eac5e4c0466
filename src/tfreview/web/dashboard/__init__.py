"""The dashboard: server-rendered pages for people (Jinja2 templates, one CSS file, a little plain JS).

`install(app, services)` adds the pages, the static files and the two error handlers of the pages to
the app that `create_app` builds. Reading works without JavaScript; see docs/adr/0070-dashboard.md.
"""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from tfreview.service.container import Services
from tfreview.web.dashboard import (
    audit_pages,
    incident_pages,
    ops_pages,
    review_pages,
    sign_in_pages,
    slo_pages,
    upload_pages,
)
from tfreview.web.dashboard.pages import (
    STATIC,
    Dashboard,
    PageError,
    SignInRequired,
    new_environment,
    on_invalid_input,
    on_page_error,
    on_sign_in_required,
)
from tfreview.web.dashboard.sessions import SessionSigner

__all__ = ["install", "is_page", "on_invalid_input"]
logger = logging.getLogger("tfreview.web.dashboard")
_MODULES = (sign_in_pages, review_pages, upload_pages, ops_pages, incident_pages, slo_pages, audit_pages)
_ENDPOINTS = frozenset(getattr(route, "endpoint", None) for module in _MODULES for route in module.router.routes)


def is_page(request: Request) -> bool:
    """Whether `request` was routed to a dashboard page (its refusals are pages too, not JSON problems)."""
    return request.scope.get("endpoint") in _ENDPOINTS


def install(app: FastAPI, services: Services) -> None:
    settings = services.settings.dashboard
    if not settings.enabled:
        return
    keys = []
    for name, secret in (("session_secret", settings.session_secret), ("csrf_secret", settings.csrf_secret)):
        if secret is None:
            logger.info("dashboard.%s is not set: a random key for this process (sessions end at restart)", name)
            keys.append(secrets.token_bytes(32))
        else:
            keys.append(secret.get_secret_value().encode())
    signer = SessionSigner(keys[0], keys[1], settings.session_max_age_seconds)
    app.state.dashboard = Dashboard(services=services, signer=signer, templates=new_environment())
    for module in _MODULES:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(PageError, on_page_error)
    app.add_exception_handler(SignInRequired, on_sign_in_required)
