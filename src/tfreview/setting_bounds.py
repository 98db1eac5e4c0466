"""Bounds every numeric setting shares, checked over the whole settings tree once it is built.

A field's own bounds (`Field(ge=…)`) say what makes sense for it; these say what no setting can mean:
`nan` or `inf` anywhere (`TFREVIEW_DOOR__SHED_OLDEST_AGE_SECONDS=inf` was taken, and `nan` compares false with
every threshold), a whole number past 64 bits (no database column holds it), a duration past `MAX_SECONDS` (a
thread's `Event.wait(1e10)` raises OverflowError) or a number of days past `MAX_DAYS` (a date that far away
overflows `datetime`). Each problem names the setting as its environment variable, never its value.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from pydantic import BaseModel

MAX_SECONDS = 1_000_000_000  # about 31 years: any interval, timeout or age
MAX_DAYS = 36_500  # a hundred years: any retention or age in days
MAX_INTEGER = 2**63 - 1  # any whole number: what a database column or a system call holds


def out_of_bounds(model: BaseModel, prefix: str = "TFREVIEW_") -> Iterator[str]:
    """Each numeric setting of `model` (and its sections) outside the shared bounds, as `VARIABLE: why`."""
    for name, value in model:
        variable = prefix + name.upper()
        if isinstance(value, BaseModel):
            yield from out_of_bounds(value, variable + "__")
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    yield from out_of_bounds(item, variable + "__")
        elif isinstance(value, dict):
            for item in value.values():
                if isinstance(item, BaseModel):
                    yield from out_of_bounds(item, variable + "__")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            problem = _problem(name, value)
            if problem:
                yield f"{variable}: {problem}"


def _problem(name: str, value: float) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if isinstance(value, int) and abs(value) > MAX_INTEGER:
        return f"at most {MAX_INTEGER:,}"
    if name.endswith("_seconds") and abs(value) > MAX_SECONDS:
        return f"at most {MAX_SECONDS:,} seconds"
    if name.endswith("_days") and abs(value) > MAX_DAYS:
        return f"at most {MAX_DAYS:,} days"
    return None
