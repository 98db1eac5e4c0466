"""The JSON and logfmt formats: one ASCII line per record, the bound ids as fields, untrusted text escaped."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from tfreview.ops.log_context import LogContext, bound, current
from tfreview.ops.log_format import JsonFormatter, LogfmtFormatter

HOSTILE = 'path /x\n2026-01-01 INFO forged="yes"\x00\u2028\u202e end'


def record(message: str, *args: object) -> logging.LogRecord:
    made = logging.LogRecord("tfreview.test", logging.WARNING, __file__, 1, message, args, None)
    LogContext().filter(made)
    return made


def test_json_lines_carry_ids_and_escape_everything_untrusted() -> None:
    with bound(request_id="req-1", job_id=7, review_id=None):
        line = JsonFormatter().format(record("got %s", HOSTILE))
    assert "\n" not in line
    assert line.isascii()
    parsed = json.loads(line)
    assert parsed["msg"] == f"got {HOSTILE}"
    assert (parsed["level"], parsed["logger"], parsed["request_id"], parsed["job_id"]) == (
        "warning",
        "tfreview.test",
        "req-1",
        "7",
    )
    assert "review_id" not in parsed
    assert parsed["ts"].endswith("Z")


def test_logfmt_quotes_what_is_not_bare() -> None:
    with bound(delivery_id="d-9"):
        line = LogfmtFormatter().format(record("%s", HOSTILE))
    assert "\n" not in line
    assert line.isascii()
    assert " level=warning logger=tfreview.test msg=" in line
    assert line.endswith(" delivery_id=d-9")
    assert 'forged=\\"yes\\"' in line  # the quote inside the message is escaped: no forged field
    assert json.loads(line.split(" msg=", 1)[1].rsplit(" delivery_id=", 1)[0]) == HOSTILE


def test_exceptions_stay_inside_the_line() -> None:
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        made = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", (), exc_info=__import__("sys").exc_info())
    line = JsonFormatter().format(made)
    assert "\n" not in line
    assert "ValueError: boom\\nsecond line" in json.loads(json.dumps(line))


def test_bound_ids_are_restored_and_do_not_leak_across_threads() -> None:
    seen: list[dict[str, str]] = []
    with bound(job_id=1):
        with bound(job_id=2, review_id="r"):
            assert current() == {"job_id": "2", "review_id": "r"}
        assert current() == {"job_id": "1"}
        thread = threading.Thread(target=lambda: seen.append(current()))
        thread.start()
        thread.join()
    assert current() == {}
    assert seen == [{}]
    with pytest.raises(ValueError, match="not a log context field"), bound(user="x"):
        pass
