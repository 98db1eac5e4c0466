"""An operator credential for web tests (an admin across tenants, as OIDC gives) over the real authenticator."""

from __future__ import annotations

from tfreview.ports.records import Principal, Scope
from tfreview.ports.service import Authenticator

OPERATOR = {"Authorization": "Bearer operator-for-tests"}


class WithOperator:
    def __init__(self, inner: Authenticator) -> None:
        self.inner = inner

    def authenticate(self, authorization: str | None) -> Principal:
        if authorization == OPERATOR["Authorization"]:
            return Principal(subject="operator", tenant_id=None, scope=Scope.ADMIN, kind="oidc")
        return self.inner.authenticate(authorization)
