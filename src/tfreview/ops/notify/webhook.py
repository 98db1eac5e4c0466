"""A generic webhook: the notification as JSON, signed with HMAC-SHA256 like GitHub's and Stripe's.

Headers: `X-Tfreview-Event` (trigger | acknowledge | resolve), `X-Tfreview-Delivery` (a fresh id per
request), `X-Tfreview-Timestamp` (Unix seconds) and `X-Tfreview-Signature-256: sha256=<hex>` over
`<timestamp>.<body>`, so a receiver can refuse a replayed body (docs/howto/alerts.md shows a check).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable

import httpx

from tfreview.ops.notify.http_post import post
from tfreview.ops.notify.message import Notification


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookNotifier:
    name = "webhook"

    def __init__(
        self,
        client: httpx.Client,
        url: str,
        secret: str,
        *,
        channels: frozenset[str],
        levels: frozenset[int],
        now: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._url = url
        self._secret = secret.encode()
        self._now = now
        self.channels = channels
        self.levels = levels

    def send(self, notification: Notification) -> None:
        body = json.dumps(notification.document(), sort_keys=True).encode()
        timestamp = str(int(self._now()))
        headers = {
            "x-tfreview-event": notification.event.value,
            "x-tfreview-delivery": uuid.uuid4().hex,
            "x-tfreview-timestamp": timestamp,
            "x-tfreview-signature-256": signature(self._secret, timestamp, body),
        }
        post(self._client, self.name, self._url, body, headers)
