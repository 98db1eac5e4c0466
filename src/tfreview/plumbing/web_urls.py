"""The one check of a URL that names a place on the web: `http(s)://host…`, nothing less, and nothing the HTTP client
that will call it cannot read (ADR 0761).

`TFREVIEW_SERVER__PUBLIC_URL=tfreview.example.com` made every link in every comment relative to GitHub's own
page; a notifier's URL without its scheme failed only when the first alert was sent, when it was needed most. So did
one the standard library splits but httpx refuses — a port that is no number (`https://hooks.example.com:443x/…`), a
control character (a pasted tab or newline), a host that is no valid international domain name (`xn--a.…`): the
setting was accepted and its first page was "internal error InvalidURL" (review25). `tfreview submit --url` and
`tfreview probe URL` met the same values as an internal error, exit 3 — which for `probe` says "down".
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_PORT = 65535


def web_url(value: str, example: str) -> str:
    """`value` when it is an http(s) URL with a host that httpx can send to; ValueError naming the expected form
    (`example`), never the value (a Slack webhook URL is a secret; so is a password before its `@`)."""
    if not is_web_url(value):
        raise ValueError(
            f"not an http(s) URL with a host, such as {example} (a port that is a number from 1 to 65535, no blank"
            " or control character, a host that is a valid domain name)"
        )
    return value


def is_web_url(value: str) -> bool:
    """Whether `value` is an http(s) URL with a host, as urllib splits it and as httpx reads it."""
    try:
        parts = urlsplit(value.strip())
        scheme, host = parts.scheme, parts.hostname
    except ValueError:  # an unbalanced `[`
        return False
    if scheme not in ("https", "http") or not host or any(c.isspace() for c in host):
        return False
    import httpx  # here: a scan imports the settings without sending anything

    try:
        parsed = httpx.URL(value)
        host, port = parsed.host, parsed.port  # the host decoded as httpx decodes it to connect
    except (httpx.InvalidURL, UnicodeError):  # the idna package's errors are UnicodeErrors
        return False
    return parsed.scheme in ("https", "http") and bool(host) and (port is None or 0 < port <= MAX_PORT)
