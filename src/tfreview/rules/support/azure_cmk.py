"""An Azure account encrypted with a customer-managed key: inline, or through a separate key resource."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tfreview.core.rules import Hit, Resource, Setting, Snapshot
from tfreview.core.values import UNKNOWN

Check = Callable[[Resource, Snapshot], Iterator[Hit]]


def customer_managed_key_check(account_type: str, key_type: str, id_attribute: str) -> Check:
    """The check of an `account_type` whose key is a `customer_managed_key` block or a `key_type` resource naming
    the account in `id_attribute`."""
    memo_tag = f"{key_type}-unlinked"

    def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
        if resource.setting("customer_managed_key") is not Setting.UNSET:
            return  # an inline key (or one known only after apply)
        if snapshot.linked(resource, key_type, id_attribute):
            return
        # keyed by the account's condition: only a key there whenever the account is counts (ADR 0361)
        if snapshot.memo((memo_tag, *resource.condition), lambda: has_unlinked(resource, snapshot)):
            return  # a key whose account is known only after apply may be this account's: no guess
        yield Hit(
            "customer_managed_key",
            f"data is encrypted with a Microsoft-managed key: no `customer_managed_key` block and no `{key_type}`",
            unset=True,
        )

    def has_unlinked(account: Resource, snapshot: Snapshot) -> bool:
        return any(
            key.get(id_attribute) is UNKNOWN
            and not any(ref.split(".")[-2:-1] == [account_type] for ref in key.refs(id_attribute))
            for key in snapshot.present_with(account, key_type)
        )

    return check
