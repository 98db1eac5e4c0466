"""What a request can reach: the Services container, the clock, the request id, the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBearer

from tfreview.core.errors import AuthError, KeysUnavailable
from tfreview.identity.authenticator import API_TOKEN_PREFIX
from tfreview.plumbing.clock import Clock
from tfreview.ports.records import Principal, Scope
from tfreview.service.container import Services
from tfreview.web.door_keeper import note_failure, note_overreach, shed_for_tenant
from tfreview.web.repeated_headers import repeats
from tfreview.web.request_audit import record_refusal

# Declares the scheme in the OpenAPI document; the header itself goes to services.authenticator as is.
_bearer = HTTPBearer(auto_error=False, description="An OIDC access/ID token or a tfreview API token")


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def clock_of(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def request_id_of(request: Request) -> str:
    return str(getattr(request.state, "request_id", "-"))


def _needs(scope: Scope) -> Callable[..., Principal]:
    def principal(request: Request, _scheme: Annotated[Any, Security(_bearer)] = None) -> Principal:
        services = services_of(request)
        authorization = request.headers.get("authorization")
        method = credential_method(authorization)
        try:
            sole_authorization(request)
            who = services.authenticator.authenticate(authorization)
        except AuthError as exc:
            services.metrics.count("tfreview_auth_attempts_total", method=method, outcome=exc.reason)
            if method != "none":  # a credential that does not hold: toward a block of the address and the token
                note_failure(request, "credential")
                record_refusal(request, method=method, reason=exc.reason)
            raise
        except KeysUnavailable:
            services.metrics.count("tfreview_auth_attempts_total", method=method, outcome="unavailable")
            raise
        if not who.scope.allows(scope):
            services.metrics.count("tfreview_auth_attempts_total", method=method, outcome="forbidden")
            note_overreach(request)  # toward a block of the token: its 403s (and their entries) are bounded
            record_refusal(request, method=method, reason="forbidden", actor=who.subject)
            raise AuthError(
                f"this operation needs the {scope.value!r} scope; the credential has {who.scope.value!r}", status=403
            )
        services.metrics.count("tfreview_auth_attempts_total", method=method, outcome="ok")
        request.state.subject = who.subject
        shed_for_tenant(request, who.tenant_id)
        return who

    return principal


Reader = Annotated[Principal, Depends(_needs(Scope.READ))]
Writer = Annotated[Principal, Depends(_needs(Scope.WRITE))]
Admin = Annotated[Principal, Depends(_needs(Scope.ADMIN))]
ServicesDep = Annotated[Services, Depends(services_of)]


def sole_authorization(request: Request) -> None:
    """AuthError (401) when the Authorization header was sent more than once: which credential is the caller's?
    Serve took the first and answered as its holder; API Gateway joins the values with commas, so the Lambda
    function refused them; a proxy in front may have judged the last (review25, ADR 0762; ADR 0534's rule)."""
    repeat = repeats("Authorization", request.headers.getlist("authorization"))
    if repeat is not None:
        raise AuthError(f"{repeat}: a request carries one credential (does a proxy add its own?)")


def credential_method(authorization: str | None) -> str:
    """The `method` label: "token" (an API token), "oidc" (any other bearer credential) or "none"."""
    if authorization is None or not authorization.strip():
        return "none"
    credential = authorization.strip().partition(" ")[2].strip()
    if not credential:
        return "none"
    return "token" if credential.startswith(API_TOKEN_PREFIX) else "oidc"
