"""Secret reloads leave nothing behind in a frozen heap (ADR 0450's `gc.freeze()`, ADR 0474).

`tfreview serve` freezes its start-up heap once it listens: a frozen object is never walked by the cyclic
collector, so garbage frozen with it (the classes `@dataclass(slots=True)` discards: 5 objects before ADR 0474's
collection), or one that a reload replaces while it sits in a reference cycle, would stay for the process's life.
A child Python builds the services and the app as `serve` does, freezes through `serving._started`, then reloads
its secrets 200 times through the real `SecretReloader` and `load_settings` (a new webhook secret version and
metrics token each time: every reload swaps objects built before the freeze, then objects built after it).
Counted, not timed: the objects the collector tracks after 20 and after 200 reloads, and the frozen objects
that had become cyclic garbage (unfrozen, then collected)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.integration.served import child_env

CHILD = r"""
import gc, json, os, sys
from pathlib import Path

versions, data = Path(sys.argv[1]), sys.argv[2]

def write(n):
    versions.write_text(json.dumps([{"value": f"whsec-reload-{n:06d}", "name": f"v{n}"}]))
    os.environ["TFREVIEW_METRICS__TOKEN"] = f"metrics-token-{n:06d}"

write(0)
from tfreview.service.secret_reload import SecretReloader
from tfreview.service_commands import load_settings
from tfreview.serving import _started
from tfreview.web.app import create_app
from tfreview.wiring import build_services

def build():
    return load_settings(data_dir=data)

services = build_services(build())
app = create_app(services)
reloader = SecretReloader(services.settings, build, services.metrics)
_started("http://127.0.0.1:0", "reload probe")
frozen_at_start = gc.get_freeze_count()
tracked, done = {}, 0
for target in (20, 200):
    while done < target:
        done += 1
        write(done)
        assert reloader.reload(), done
    gc.collect()
    tracked[target] = len(gc.get_objects())
frozen = gc.get_freeze_count()
gc.unfreeze()
garbage = gc.collect()
services.close()
print(json.dumps({"tracked": tracked, "frozen_at_start": frozen_at_start, "frozen": frozen, "garbage": garbage}))
"""


def test_two_hundred_reloads_leave_no_frozen_garbage_and_no_growth(tmp_path: Path) -> None:
    versions = tmp_path / "github-webhook.json"
    env = child_env(TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM=f"file:{versions}")
    env.pop("TFREVIEW_GITHUB__WEBHOOK_SECRETS", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(versions), str(tmp_path / "data")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["frozen_at_start"] > 50_000  # the start-up heap was frozen (ADR 0450)
    assert found["frozen"] <= found["frozen_at_start"]  # reloads freeze nothing; what they replace is freed
    assert found["garbage"] == 0  # no frozen object became cyclic garbage
    growth = found["tracked"]["200"] - found["tracked"]["20"]
    assert growth < 180, found  # fewer objects than reloads: none is kept per reload
    assert "whsec-reload-" not in done.stdout + done.stderr
