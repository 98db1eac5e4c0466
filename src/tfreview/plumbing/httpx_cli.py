"""httpx's command-line client, left out of a service process (ADR 0753).

`import httpx` imports `httpx._main`, its command-line client, when that client's dependencies are installed: click,
rich and pygments — ~0.1 s of CPU in every process that imports httpx, where they are (a development environment,
the suite's; run.lock has click alone, and the import then stops at pygments). tfreview never runs httpx's client.
`leave_out()`, called before httpx is first imported, makes that import fail as it does without the dependencies:
httpx then defines `httpx.main` as a function that says they are missing, and nothing else changes.
"""

from __future__ import annotations

import sys


def leave_out() -> None:
    """httpx, when it is imported from now on, without its command-line client; nothing once httpx is imported."""
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None: "not importable" (importlib)
