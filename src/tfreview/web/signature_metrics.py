"""What the webhook routes count about signatures: refusals, retired secrets, and the last signed delivery."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tfreview.ops.secret_uses import version_label
from tfreview.service.container import Services
from tfreview.settings import SecretVersion
from tfreview.web.signatures import expired_secret_matches


def signed_delivery(
    services: Services, source: str, now: datetime, matched: Sequence[SecretVersion], versions: Sequence[SecretVersion]
) -> None:
    """A delivery's signature verified: the source is alive (the silence alerts read this timestamp), and the
    versions that signed it were used now (`tfreview secrets status`; written at most once a minute)."""
    services.metrics.set("tfreview_webhook_last_delivery_timestamp_seconds", now.timestamp(), source=source)
    uses = services.ops.secret_uses if services.ops is not None else None
    if uses is not None:
        uses.seen(f"{source}_webhook", now, [version_label(versions, v) for v in matched])


def signature_refused(
    services: Services, source: str, header: str | None, body: bytes, versions: Sequence[SecretVersion], now: datetime
) -> None:
    """Count a refused signature, and separately one made with a secret version past its not_after."""
    services.metrics.count("tfreview_webhook_signature_failures_total", source=source)
    if expired_secret_matches(header, body, versions, now):
        services.metrics.count("tfreview_webhook_expired_secret_used_total", source=source)
