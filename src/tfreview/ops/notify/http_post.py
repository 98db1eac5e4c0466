"""One JSON POST for the HTTP notifiers (Slack, PagerDuty, the webhook), its failure classified.

Error reasons name the notifier and the status only: never the URL (a Slack webhook URL is a secret)
nor the answer's body beyond a short, scrubbed excerpt.
"""

from __future__ import annotations

import httpx

from tfreview.core.redact import scrub_text
from tfreview.ops.notify.message import NotifyFailure
from tfreview.plumbing.http import parse_retry_after

BODY_EXCERPT = 120


def post(client: httpx.Client, name: str, url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    """POST `body`; NotifyFailure unless the answer is 2xx (retriable: transport errors, 408, 429, 5xx)."""
    try:
        response = client.post(url, content=body, headers={"content-type": "application/json", **headers})
    except httpx.TimeoutException:
        raise NotifyFailure(f"{name}: timed out", retriable=True) from None
    except httpx.HTTPError as exc:  # connect refused, reset, DNS: the URL stays out of the reason
        raise NotifyFailure(f"{name}: {type(exc).__name__}", retriable=True) from None
    if response.is_success:
        return response
    status = response.status_code
    excerpt = scrub_text(" ".join(response.text[:BODY_EXCERPT].split()))
    retriable = status in (408, 429) or status >= 500
    retry_after = parse_retry_after(response.headers) if retriable else None
    raise NotifyFailure(f"{name}: HTTP {status} {excerpt}".rstrip(), retriable=retriable, retry_after=retry_after)
