"""How every tfreview process logs: one line per record on stderr, untrusted text escaped.

`configure_logging(level)` is called by every long-running command (`serve`, `worker`, `db`, `tokens`,
`reconcile`) and by `python -m tfreview.worker.process`, so they all look alike:
`2026-01-01 12:00:00,123 INFO tfreview.worker: …`, at the level of TFREVIEW_LOG_LEVEL (httpcore and botocore never
below INFO: their DEBUG traces hold the raw headers of every request or answer, credentials included).

A log line must never be forged or broken by what a client, a webhook or an upstream answer sent
(issue 9.3): `escape` — the ONE escaping function — turns control characters (CR, LF, NUL, ESC…),
Unicode line separators and invisible/bidirectional format characters into visible `\\n`, `\\x00`,
`\\u202e` escapes. It is applied to the message of every record of the process (a LogRecord factory,
so it holds under an operator's own handlers and formatters too), and our formatter indents each
line of a traceback, so no continuation line can pass for a record of its own.
"""

from __future__ import annotations

import logging
import re
import sys
import unicodedata
from typing import Any, Final

LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LINE_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_UNSAFE_CATEGORIES: Final = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_MAYBE_UNSAFE: Final = re.compile(r"[^\x20-\x7e]")
_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# libraries whose lines below these levels say nothing an operator acts on — or say too much: httpcore's DEBUG trace
# holds every response's headers as an upstream sent them, an echo of our API key included (S2, ADR 0591);
# botocore's holds every AWS request's canonical form and headers: the session token, the signature (S2, ADR 0598)
_CHATTY: Final = {"alembic": logging.WARNING, "httpcore": logging.INFO, "botocore": logging.INFO}


def escape(text: object) -> str:
    """`str(text)` on one line: control, format (bidi, zero-width, tag) and separator characters escaped.

    Idempotent (an escaped text has none of them left), printable Unicode kept as it is."""
    raw = str(text)
    if not _MAYBE_UNSAFE.search(raw):
        return raw
    return _MAYBE_UNSAFE.sub(_escaped, raw)


def _escaped(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


class EscapedRecord(logging.LogRecord):
    """A record whose message is escaped however it is formatted, by whichever handler."""

    def getMessage(self) -> str:  # logging's own method name
        return escape(super().getMessage())


class LineFormatter(logging.Formatter):
    """`LINE_FORMAT`; a traceback or stack follows indented by two spaces, one escaped line each."""

    def formatException(self, ei: Any) -> str:  # logging's own method name
        return _indented(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # logging's own method name
        return _indented(super().formatStack(stack_info))


def _indented(text: str) -> str:
    return "\n".join("  " + escape(line) for line in text.splitlines())


def level_name(level: str) -> str:
    """The level name in upper case; ValueError naming the allowed ones otherwise."""
    name = level.strip().upper()
    if name not in LEVELS:
        raise ValueError(f"must be one of {', '.join(LEVELS)}")
    return name


def configure_logging(level: str = "INFO") -> None:
    """Escape every record's message from now on; log lines to stderr at `level` — unless the operator already
    configured Python logging (a handler on the root logger), whose handlers are then left alone."""
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(EscapedRecord)
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LineFormatter(LINE_FORMAT))
    root.addHandler(handler)
    root.setLevel(level_name(level))
    for name, quieter in _CHATTY.items():
        logging.getLogger(name).setLevel(max(quieter, root.level))
