"""Named holds on conditional writes — what publish locks and the operations' leases (the watchdog's) are:
an item taken when it is free, expired or already the caller's, and given back only by its holder.

The item carries the table's TTL attribute (`expires_at`), so DynamoDB removes the holds of crashed holders;
TTL deletion is lazy, so the condition on `until`, not the TTL, decides who holds."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Final

from tfreview.store.aws.table import Table, instant

TTL_MARGIN_SECONDS: Final = 3600  # DynamoDB deletes an expired hold's item some time after this


def take(table: Table, item: dict[str, Any], owner_field: str, now: datetime, until: datetime) -> bool:
    """Write `item` (its key, `owner_field` = the caller) with `until`, unless another holder's is still live."""
    held = {**item, "until": instant(until), "expires_at": math.ceil(until.timestamp()) + TTL_MARGIN_SECONDS}
    condition = f"attribute_not_exists(pk) OR #{owner_field} = :me OR #until <= :now"
    return table.put(held, condition=condition, values={":me": item[owner_field], ":now": instant(now)})


def give_back(table: Table, pk: str, sk: str, owner_field: str, owner: str) -> None:
    """Delete the hold if `owner` holds it (nothing happens otherwise)."""
    table.remove(pk, sk, condition=f"#{owner_field} = :me", values={":me": owner})
