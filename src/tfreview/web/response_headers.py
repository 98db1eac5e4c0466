"""The headers every answer carries unless its route set its own (ADR 0597).

The dashboard's pages set a strict policy of their own (`dashboard.pages.SECURITY_HEADERS`); everything else —
the API's JSON and problems, health, metrics, webhooks, the OpenAPI document and its interactive docs — gets
these, added where every answer passes (`RequestLog`): a tenant's data is never kept by a cache, a JSON body is
never sniffed into HTML nor framed. The interactive docs (HTML that loads its scripts from a CDN, ADR 0070)
get only `frame-ancestors`; the dashboard's static files stay cacheable (they hold nothing of anyone's).
"""

from __future__ import annotations

from typing import Final

DATA_POLICY: Final = b"default-src 'none'; frame-ancestors 'none'"
HTML_POLICY: Final = b"frame-ancestors 'none'"
_CACHEABLE: Final = "/static/"


def with_baseline(headers: list[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
    """`headers` of an answer to `path`, with each baseline header it does not already have."""
    present = {name.lower(): value for name, value in headers}
    html = present.get(b"content-type", b"").startswith(b"text/html")
    wanted = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", HTML_POLICY if html else DATA_POLICY),
        (b"referrer-policy", b"no-referrer"),
    ]
    if not path.startswith(_CACHEABLE):
        wanted.append((b"cache-control", b"no-store"))
    added = [(name, value) for name, value in wanted if name not in present]
    return [*headers, *added] if added else headers
