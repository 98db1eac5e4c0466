"""The ids a log line carries: request, delivery, job, review, incident — bound where the work is known.

`bound(job_id=…, review_id=…)` sets them for the current context (a request's task, a worker thread)
and restores the previous ones on exit; `LogContext` (a logging.Filter) copies them onto every record,
where the JSON and logfmt formats write them as fields (`tfreview.ops.log_format`).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager

FIELDS = ("request_id", "delivery_id", "job_id", "review_id", "incident_id")
_VARS: dict[str, contextvars.ContextVar[str | None]] = {
    name: contextvars.ContextVar(f"tfreview_{name}", default=None) for name in FIELDS
}


@contextmanager
def bound(**ids: object) -> Iterator[None]:
    """Bind the given ids (None values are skipped) for the duration of the block."""
    tokens = []
    for name, value in ids.items():
        if name not in _VARS:
            raise ValueError(f"{name} is not a log context field ({', '.join(FIELDS)})")
        if value is not None:
            tokens.append((_VARS[name], _VARS[name].set(str(value))))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def bind_request_id(request_id: str) -> contextvars.Token[str | None]:
    """`bound(request_id=…)` without a context manager, for the request log's hot path: pass the token to
    `unbind_request_id` when the request is done."""
    return _VARS["request_id"].set(request_id)


def unbind_request_id(token: contextvars.Token[str | None]) -> None:
    _VARS["request_id"].reset(token)


def current() -> dict[str, str]:
    """The ids bound now."""
    found = {}
    for name, var in _VARS.items():
        value = var.get()
        if value is not None:
            found[name] = value
    return found


class LogContext(logging.Filter):
    """Adds the bound ids to each record (`record.tfreview_ids`); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.tfreview_ids = current()
        return True
