"""The one check of a URL setting that names a place on the web: `http(s)://host…`, nothing less.

`TFREVIEW_SERVER__PUBLIC_URL=tfreview.example.com` made every link in every comment relative to GitHub's own
page; a notifier's URL without its scheme failed only when the first alert was sent, when it was needed most.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def web_url(value: str, example: str) -> str:
    """`value` when it is an http(s) URL with a host; ValueError naming the expected form (`example`), never the
    value (a Slack webhook URL is a secret)."""
    try:
        parts = urlsplit(value.strip())
        scheme, host = parts.scheme, parts.hostname
    except ValueError:  # an unbalanced `[`
        scheme, host = "", None
    if scheme not in ("https", "http") or not host:
        raise ValueError(f"not an http(s) URL with a host, such as {example}")
    return value
