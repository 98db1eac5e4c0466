"""Keep secret URLs out of the HTTP client's own log lines.

httpx logs every request at INFO as `HTTP Request: POST <url> "<status>"`; a Slack incoming-webhook URL
IS its secret. `redact_in_http_logs(secret)` adds the secret to a filter on the `httpx` logger that
rewrites any record containing it (the request is still logged, with `[REDACTED]` for the secret).
"""

from __future__ import annotations

import logging
import threading

REDACTED = "[REDACTED]"
_HTTP_LOGGERS = ("httpx", "httpcore")


class SecretRedaction(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        if len(secret) >= 8:  # a short value would redact innocent text
            with self._lock:
                self._secrets.add(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            secrets = tuple(self._secrets)
        if not secrets:
            return True
        message = record.getMessage()
        if any(secret in message for secret in secrets):
            for secret in secrets:
                message = message.replace(secret, REDACTED)
            record.msg, record.args = message, ()
        return True


_FILTER = SecretRedaction()


def redact_in_http_logs(secret: str) -> None:
    _FILTER.add(secret)
    for name in _HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
