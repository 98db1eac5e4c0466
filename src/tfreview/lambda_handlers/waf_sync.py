"""The watchdog function's third duty on AWS: the active IP blocks into the WAF IP set (`door.waf_ip_set_arn`,
tfreview.store.aws.waf, docs/adr/0191). A failure is logged and retried next minute: it never stops the watchdog."""

from __future__ import annotations

import logging
from collections.abc import Callable

from tfreview.core.errors import TfreviewError
from tfreview.service.container import Services
from tfreview.store.aws.waf import WafIpSetSync, block_cidrs

logger = logging.getLogger("tfreview.lambda.waf")


def sync_blocks(built: Services, make: Callable[[str], WafIpSetSync] = WafIpSetSync) -> int | None:
    """Write the blocked IPv4 addresses into the WAF IP set; how many (None: not configured, or it failed)."""
    arn = built.settings.door.waf_ip_set_arn
    if not arn or built.door is None:
        return None
    cidrs = block_cidrs(built.door.guard.store.active(built.clock()))
    try:
        make(arn).sync(cidrs)
    except TfreviewError as exc:
        logger.warning("waf: the block list was not written to the IP set (%s); next minute tries again", exc)
        return None
    return len(cidrs)
