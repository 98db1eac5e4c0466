"""The intake benchmark's `tfr-busy-plans` server: `tfreview serve` whose embedded workers review uploaded plans.

`tfr-busy` keeps the workers busy with GitHub pull requests; an uploaded plan (`POST /api/v1/plans`, what a
Spacelift run's after_plan hook sends: its review is the upload's) was reviewed on the worker threads until ADR
0702, holding the server's interpreter lock. This target measures that: the intake's latency while the workers
review a backlog of uploaded plans of realistic size.

The backlog is made once per benchmark run (`PlanBacklog`): `tfreview serve --no-worker` on a data directory of
its own, an API token (`tfreview tokens create`), then `count` uploads of one generated plan (generate_plan.py,
`resources` resource changes, ~2 KB of JSON per resource) that differ only in their `commit_sha` (so each is its
own upload, review and job), and the server stopped: its directory is the template. Each round copies the template
into its fresh data directory and starts `tfreview serve` (SQLite, embedded workers on, no GitHub App: the wrk
deliveries' own jobs fail at once, as in `tfr`) on it: the workers claim the queued reviews at start and review
them through the flat-out and the paced runs. Rows: the template's upload deliveries are subtracted, so "2xx vs
stored rows" still compares wrk's deliveries alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from intake_servers import Running, started, tfreview_server

HERE = Path(__file__).resolve().parent
TENANT = "api:bench"


class PlanBacklog:
    """A template data directory holding `count` queued reviews of uploaded plans (see the module docstring)."""

    def __init__(self, secret: str, count: int, resources: int, data_root: str | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tfreview-bench-plans-", dir=data_root))
        self.count = count
        self.data = self.folder / "data"
        self.data.mkdir()
        plan = self.folder / "plan.json"
        generate = [sys.executable, str(HERE / "generate_plan.py"), "--resources", str(resources), "--out", str(plan)]
        subprocess.run(generate, check=True, capture_output=True)
        body = plan.read_bytes()
        self.plan_bytes = len(body)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
        env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": secret}])
        create = [sys.executable, "-m", "tfreview", "tokens", "create", "--tenant", TENANT, "--scope", "write"]
        create += ["--name", "bench", "--data-dir", str(self.data)]
        made = subprocess.run(create, env=env, check=True, capture_output=True, text=True)
        token = _token_in(made.stdout)
        serve = [sys.executable, "-m", "tfreview", "serve", "--port", "0", "--data-dir", str(self.data), "--no-worker"]
        with started(serve, env) as (url, _pid):
            for n in range(count):
                _upload(url, token, body, f"{n:040x}")
        print(f"{count} uploaded plans of {resources} resources ({len(body) // 1024} KiB each) queued in the template")

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _token_in(output: str) -> str:
    """The secret `tokens create` prints: its last line, alone."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if not lines or " " in lines[-1]:
        raise SystemExit("`tfreview tokens create` printed no token on its last line")
    return lines[-1]


def _upload(url: str, token: str, body: bytes, commit: str) -> None:
    request = urllib.request.Request(
        f"{url}/api/v1/plans?source=api&commit_sha={commit}",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        if answer.status != 202:
            raise SystemExit(f"an upload was answered {answer.status}: {answer.read()[:200]!r}")


@contextlib.contextmanager
def plans_running(
    secret: str,
    backlog: PlanBacklog,
    *,
    data_root: str | None = None,
    review_process: bool = True,
    extra: dict[str, str] | None = None,
) -> Iterator[Running]:
    """`tfreview serve` (embedded workers) on a copy of the backlog's template; `review_process` false: the plans
    reviewed on the worker threads (`tfr-busy-plans-threads`); `extra`: more environment (`--base-src`'s)."""
    extra = {**(extra or {}), "TFREVIEW_WORKER__REVIEW_PROCESS": "true" if review_process else "false"}
    with tfreview_server(
        secret, worker=True, postgres=None, extra=extra, data_root=data_root, seed=backlog.data
    ) as server:
        seeded = backlog.count
        count = server.count_rows
        yield PlansRunning(
            server.url,
            server.pid,
            lambda: count() - seeded,
            ended_jobs=server.ended_jobs,
            data=server.data,
        )


class PlansRunning(Running):
    """A `tfr-busy-plans` server: its workers review the queued uploads (intake.py reports them as tfr-busy's)."""
