"""Suite-wide hooks: list the screenshots the browser tests wrote (tests/e2e/browser.py) at the end of the run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# a metric outside the catalogue raises in tests (production counts and logs it: tfreview.ops.metrics);
# set before any test builds a recorder, and inherited by the service processes the tests start
os.environ.setdefault("TFREVIEW_TEST_STRICT_METRICS", "1")
# every outbound client honours the proxy variables (ADR 0513): a developer's proxy must not carry the tests'
# loopback traffic, so the suite starts without them (a test that wants a proxy sets one with monkeypatch)
for _variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
    os.environ.pop(_variable, None)
    os.environ.pop(_variable.lower(), None)

_SCREENSHOTS = Path(__file__).resolve().parents[1] / "e2e-artifacts" / "screenshots"


def pytest_sessionstart(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller cleans up once
        return
    for manifest in _SCREENSHOTS.glob("manifest-*.txt"):
        manifest.unlink()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    paths: list[str] = []
    for manifest in sorted(_SCREENSHOTS.glob("manifest-*.txt")):
        paths.extend(line for line in manifest.read_text(encoding="utf-8").splitlines() if line)
    if paths:
        terminalreporter.section("dashboard screenshots (laptop and phone width)")
        for path in sorted(set(paths)):
            terminalreporter.write_line(path)
