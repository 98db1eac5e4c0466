"""Who is calling: OIDC JWTs verified through a fail-soft JWKS cache, and API tokens (docs/adr/0011-identity.md).

`identity.factory.build_authenticator` is what `tfreview.wiring` calls; `identity.authenticator` holds the
port's adapter and `require` / `visible_tenant`; `identity.settings` the `TFREVIEW_AUTH__*` section (importing
it costs no HTTP or JWT library).
"""
