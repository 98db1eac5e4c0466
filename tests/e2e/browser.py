"""Headless Debian chromium driven by Playwright for Python (never a downloaded browser), screenshots at
laptop and phone width, and an axe-core accessibility check injected into the page.

`make e2e-tools` installs chromium (apt, as root) and axe-core (npm, into $TFREVIEW_E2E_CACHE); a test
skips with the reason only where they are missing. Screenshots go to `e2e-artifacts/screenshots/`
(gitignored); their paths are listed at the end of the test run (tests/conftest.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# The flags this machine needs (docs of the environment): no sandbox as root, no background traffic.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "e2e-artifacts" / "screenshots"
MANIFEST_PREFIX = "manifest-"
VIEWPORTS = {"laptop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}
SERIOUS = ("serious", "critical")


def axe_script() -> Path | None:
    cache = Path(os.environ.get("TFREVIEW_E2E_CACHE", Path.home() / ".cache" / "tfreview-e2e"))
    script = cache / "node_modules" / "axe-core" / "axe.min.js"
    return script if script.is_file() else None


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (`make e2e-tools` installs it as root with apt)")


def screenshot(page: Any, name: str) -> list[Path]:
    """The page at laptop and phone width (full page), written under e2e-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    written = []
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)
    if original:
        page.set_viewport_size(original)
    with (SCREENSHOTS / f"{MANIFEST_PREFIX}{os.getpid()}.txt").open("a", encoding="utf-8") as manifest:
        manifest.writelines(f"{path}\n" for path in written)
    return written


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page (its WCAG 2 A/AA rules)."""
    script = axe_script()
    if script is None:
        pytest.skip("axe-core is not installed (`make e2e-tools` installs it from npm)")
    page.add_script_tag(path=str(script))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v.get("impact") in SERIOUS
    ]
