"""`management.auto_repair` / `auto_upgrade` of a GKE node pool, whose provider default changed in 5.0.

google provider 5.0 made both default to true (GoogleCloudPlatform/magic-modules#8967, "Change container
node pool defaults"); before it a node pool without a `management` block had both off.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, Resource, Setting, Snapshot
from tfreview.core.values import terraform_bool
from tfreview.rules.support.provider_versions import capped_below

DEFAULT_CHANGED_IN = 5


def management_hits(resource: Resource, snapshot: Snapshot, attribute: str, message: str) -> Iterator[Hit]:
    path = f"management.{attribute}"
    value = resource.get(path)
    setting = resource.setting_of(path, value)
    if setting is Setting.SET and terraform_bool(value) is False:
        yield Hit(path, message, value)
    elif setting is Setting.UNSET:
        constraint = capped_below(snapshot, "google", DEFAULT_CHANGED_IN)
        if constraint is not None:
            note = f"`{path}` not set: google provider {constraint} predates 5.0, whose default is false"
            yield Hit(path, f"{message} ({note})", False, unset=True)
