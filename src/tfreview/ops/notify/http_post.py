"""One JSON POST for the HTTP notifiers (Slack, PagerDuty, the webhook), its failure classified.

Error reasons name the notifier and the status only: never the URL (a Slack webhook URL is a secret)
nor the answer's body beyond a short, scrubbed excerpt. The answer is read up to ANSWER_MAX_BYTES
(`send_bounded`, ADR 0376): an endless or huge answer fails the send (not retried: the POST arrived, and a
resend would page twice) instead of filling the sender's memory.
"""

from __future__ import annotations

import httpx

from tfreview.core.redact import REDACTED, scrub_text
from tfreview.ops.notify.message import NotifyFailure
from tfreview.plumbing.http import ResponseTooLarge, parse_retry_after, send_bounded

BODY_EXCERPT = 120
ANSWER_MAX_BYTES = 64 * 1024  # Slack answers "ok", PagerDuty and our webhooks a short JSON document


def post(
    client: httpx.Client, name: str, url: str, body: bytes, headers: dict[str, str], secrets: tuple[str, ...] = ()
) -> httpx.Response:
    """POST `body`; NotifyFailure unless the answer is 2xx (retriable: transport errors, 408, 429, 5xx). `secrets`:
    what the notifier sends that an answer may echo (a PagerDuty routing key, 32 hex digits the generic scrub
    leaves): taken out of the whole answer before its excerpt is cut (review19b)."""
    request = client.build_request("POST", url, content=body, headers={"content-type": "application/json", **headers})
    try:
        response = send_bounded(client, request, ANSWER_MAX_BYTES)
    except ResponseTooLarge as exc:
        raise NotifyFailure(f"{name}: {exc}", retriable=False) from None
    except httpx.TimeoutException:
        raise NotifyFailure(f"{name}: timed out", retriable=True) from None
    except httpx.HTTPError as exc:  # connect refused, reset, DNS: the URL stays out of the reason
        raise NotifyFailure(f"{name}: {type(exc).__name__}", retriable=True) from None
    if response.is_success:
        return response
    status = response.status_code
    text = response.text
    for secret in secrets:
        if len(secret) >= 8 and secret in text:  # a short value would redact innocent text
            text = text.replace(secret, REDACTED)
    excerpt = scrub_text(" ".join(text[:BODY_EXCERPT].split()))
    retriable = status in (408, 429) or status >= 500
    retry_after = parse_retry_after(response.headers) if retriable else None
    raise NotifyFailure(f"{name}: HTTP {status} {excerpt}".rstrip(), retriable=retriable, retry_after=retry_after)
