"""Values with UNKNOWN inside → plan JSON's pair of a value and its `after_unknown` mask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfreview.core.values import UNKNOWN


def split_unknown(value: Any) -> tuple[Any, Any]:
    """(value without UNKNOWN, mask true where it was): plan JSON's `after` and `after_unknown`."""
    if value is UNKNOWN:
        return None, True
    if isinstance(value, Mapping):
        known: dict[str, Any] = {}
        mask: dict[str, Any] = {}
        for key, child in value.items():
            child_value, child_mask = split_unknown(child)
            if child_mask is True:
                mask[key] = True
                continue
            known[key] = child_value
            if child_mask:
                mask[key] = child_mask
        return known, mask or None
    if isinstance(value, list):
        pairs = [split_unknown(child) for child in value]
        masks = [m for _, m in pairs]
        return [v for v, _ in pairs], ([m or False for m in masks] if any(masks) else None)
    return value, None
