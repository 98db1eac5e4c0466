"""A rate set for the door is read with the `limits` parser, imported only then (ADR 0753)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tfreview.door.settings import DoorSettings


def test_a_rate_is_checked_when_set() -> None:
    assert DoorSettings(per_ip="10/second", per_tenant="600 per minute").per_ip == "10/second"
    with pytest.raises(ValidationError, match=r"not a rate such as '600/minute' or '10/second': 'ten a second'"):
        DoorSettings(per_token="ten a second")
