"""`tfreview probe URL` as a real process against a service whose /readyz answers badly (ADR 0661, 0680).

/readyz answering JSON nested past the standard library reader's depth (`[[[[…` 100,000 deep) was a RecursionError
out of the probe: a traceback and exit 3, which for `probe` means "down" — a monitor paged for a service that
answered. The checks of such an answer are unreadable, as they are for an HTML page: the status decides."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.fakes.hostile import HostileServer, answer, by_path, json_answer
from tests.integration.served import child_env

NESTED = b"[" * 100_000


def _probe(readyz_status: int, readyz_body: bytes, *extra: str) -> subprocess.CompletedProcess[str]:
    behaviour = by_path({"/healthz": json_answer(200, {"status": "ok"})}, answer(readyz_status, readyz_body))
    with HostileServer(behaviour) as service:
        argv = [sys.executable, "-m", "tfreview", "probe", service.url, "--timeout", "30", *extra]
        return subprocess.run(argv, env=child_env(), capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    ("status", "body", "code", "line"),
    [
        (200, NESTED, 0, "tfreview probe: ok: alive and ready"),
        (503, NESTED, 1, "tfreview probe: degraded: /readyz answered 503:"),
        (200, b"<html>ready</html>", 0, "tfreview probe: ok: alive and ready"),
    ],
    ids=["nested-200", "nested-503", "html-200"],
)
def test_a_readyz_answer_that_is_not_json_is_judged_by_its_status(
    status: int, body: bytes, code: int, line: str
) -> None:
    done = _probe(status, body)
    assert done.returncode == code, (done.stdout, done.stderr)
    assert (done.stdout + done.stderr).strip() == line
    assert "Traceback" not in done.stderr


def test_the_json_output_of_a_nested_readyz_answer_has_no_checks() -> None:
    done = _probe(503, NESTED, "-o", "json")
    assert done.returncode == 1, (done.stdout, done.stderr)
    document = json.loads(done.stdout)
    assert (document["status"], document["healthz"], document["readyz"], document["checks"]) == (
        "degraded",
        200,
        503,
        {},
    )
