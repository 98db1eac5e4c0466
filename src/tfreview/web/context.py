"""What a request can reach: the Services container, the clock, the request id, the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBearer

from tfreview.core.errors import AuthError
from tfreview.plumbing.clock import Clock
from tfreview.ports.records import Principal, Scope
from tfreview.service.container import Services

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
        who = services.authenticator.authenticate(request.headers.get("authorization"))
        if not who.scope.allows(scope):
            raise AuthError(
                f"this operation needs the {scope.value!r} scope; the credential has {who.scope.value!r}", status=403
            )
        request.state.subject = who.subject
        return who

    return principal


Reader = Annotated[Principal, Depends(_needs(Scope.READ))]
Writer = Annotated[Principal, Depends(_needs(Scope.WRITE))]
Admin = Annotated[Principal, Depends(_needs(Scope.ADMIN))]
ServicesDep = Annotated[Services, Depends(services_of)]
