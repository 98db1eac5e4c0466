"""Wiring of the door (issue 11): the limiter's storage (memory or Redis), the block store, the shedder's
queue signals and lease, and the two alert actions it answers (`shed-load`, `block-source`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from tfreview.core.errors import ConfigError
from tfreview.door.addresses import networks
from tfreview.door.blocks import FAILURES, Guard
from tfreview.door.door import IP, TENANT, TOKEN, Door
from tfreview.door.limiter import Limiter, build_storage
from tfreview.ops.actions import Handler
from tfreview.ops.alert_table import AlertRule
from tfreview.ops.incidents import Incident, Leases
from tfreview.ops.signals import QueueSignals, TenantBacklog, memory_tenant_backlog
from tfreview.ports.blocks import Blocks
from tfreview.service.container import Services

logger = logging.getLogger("tfreview.wiring")
QUEUE_CAUSED = frozenset({"queue-backlog"})  # alerts whose shed-load sheds only the tenants that fill the queue


def build_door(
    services: Services,
    blocks: Blocks,
    signals: Callable[[], QueueSignals],
    leases: Leases | None,
    backlog: Callable[[], Mapping[str, TenantBacklog]] | None = None,
) -> Door:
    """The door; `backlog` (each tenant's queued jobs) sheds only the tenants that fill the queue (ADR 0561),
    the queue's listing when None."""
    from limits.errors import ConfigurationError

    from tfreview.door.shedding import Shedder

    settings = services.settings.door
    url = settings.storage_url.get_secret_value() if settings.storage_url is not None else None
    try:
        storage = build_storage(url, settings.key_prefix)
    except (ConfigurationError, ValueError) as exc:
        scheme = (url or "").partition(":")[0]  # never the URL itself: it may carry a password
        raise ConfigError(
            f"TFREVIEW_DOOR__STORAGE_URL: cannot use a {scheme!r} storage ({type(exc).__name__})"
        ) from None
    window = f"{settings.block_failures}/{settings.block_window_seconds} second"
    limiter = Limiter(
        storage, {IP: settings.per_ip, TOKEN: settings.per_token, TENANT: settings.per_tenant, FAILURES: window}
    )

    def audit(action: str, actor: str, target: str, detail: dict[str, object]) -> object:
        return services.audit.record(action, actor=actor, target=target, detail=detail)  # read when it happens

    guard = Guard(
        blocks,
        limiter,
        settings,
        networks(settings.allow_list),
        clock=services.clock,
        metrics=services.metrics,
        audit=audit,
    )

    def listed() -> Mapping[str, TenantBacklog]:
        return memory_tenant_backlog(services.queue, services.clock())

    shedder = Shedder(signals, settings, leases, backlog=backlog or listed, clock=services.clock)
    return Door(settings, limiter, guard, shedder, networks(settings.trusted_proxies), services.metrics)


def door_actions(services: Services) -> dict[str, Handler]:
    """The level-1 actions the door performs (empty when the services have no door)."""
    door = services.door
    if door is None:
        return {}

    def shed_load(rule: AlertRule, incident: Incident) -> str:
        per_tenant = rule.id in QUEUE_CAUSED  # the queue is the cause: shed the tenants that fill it (ADR 0561)
        if not door.shedder.force(per_tenant=per_tenant):
            raise RuntimeError("no lease store to share the shedding")
        seconds = door.settings.shed_action_seconds
        whose = "of the tenants that fill the queue " if per_tenant else ""
        return f"API reads and uploads {whose}answer 503 for {seconds:g} s (signed webhooks are still accepted)"

    def block_source(rule: AlertRule, incident: Incident) -> str:
        at_least = max(2, door.settings.block_failures // 4)
        found = door.guard.offenders(at_least)[:20]
        for source in found:
            door.guard.block(source, f"alert {rule.id} fired (incident {incident.id})", by=f"action:{rule.id}")
        if not found:
            return (
                f"no source with {at_least}+ failures in {door.settings.block_window_seconds} s seen here; "
                f"sources are blocked automatically at {door.settings.block_failures}"
            )
        return f"blocked {len(found)} source(s): {', '.join(found)}"

    return {"shed-load": shed_load, "block-source": block_source}
