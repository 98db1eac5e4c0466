"""Structured log lines: `TFREVIEW_LOG_FORMAT=json` or `logfmt` (default `text`, the classic line).

    json    {"ts": "2026-01-01T12:00:00.123Z", "level": "info", "logger": "tfreview.worker", "msg": "…",
             "request_id": "…", "job_id": "…", "review_id": "…", "exc": "…"}
    logfmt  ts=2026-01-01T12:00:00.123Z level=info logger=tfreview.worker msg="…" job_id=12 review_id=…

Both are pure ASCII, one line per record: every value is JSON-encoded with non-ASCII escaped, so a
client's text (a path with %0A, a NUL, a Unicode line separator, a quote) can never break a line or
forge a field. The ids come from `tfreview.ops.log_context`. Secrets never reach a record in the first
place (the code logs no credential); the canary tests check the output of every format.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Literal

from tfreview.ops.log_context import FIELDS, LogContext, current

LogFormat = Literal["text", "json", "logfmt"]
_BARE = re.compile(r"[A-Za-z0-9_.:/@+\-]+")


def _fields(record: logging.LogRecord, formatter: logging.Formatter) -> dict[str, str]:
    fields = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": record.getMessage(),
    }
    ids = getattr(record, "tfreview_ids", None)
    fields.update(ids if isinstance(ids, dict) else current())
    if record.exc_info:
        fields["exc"] = formatter.formatException(record.exc_info)
    if record.stack_info:
        fields["stack"] = formatter.formatStack(record.stack_info)
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record, self), ensure_ascii=True, separators=(",", ":"))


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{key}={_logfmt_value(value)}" for key, value in _fields(record, self).items())


def _logfmt_value(value: str) -> str:
    return value if _BARE.fullmatch(value) else json.dumps(value, ensure_ascii=True)


FORMATTERS: dict[str, type[logging.Formatter]] = {"json": JsonFormatter, "logfmt": LogfmtFormatter}


def apply_log_format(log_format: LogFormat, level: str = "INFO") -> None:
    """Switch the process's log lines to `log_format` (text: leave them as they are). Handlers already on the
    root logger get the formatter; without any, one on stderr is added at `level`."""
    if log_format == "text":
        return
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stderr))
        root.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    for handler in root.handlers:
        handler.setFormatter(FORMATTERS[log_format]())
        if not any(isinstance(f, LogContext) for f in handler.filters):
            handler.addFilter(LogContext())


__all__ = ["FIELDS", "LogFormat", "apply_log_format"]
