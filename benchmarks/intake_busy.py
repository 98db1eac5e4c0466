"""The intake benchmark's `tfr-busy` server: `tfreview serve` whose embedded workers really review (issue 13).

`tfr` configures no GitHub App, so each job its workers claim dies at once ("GitHub pull-request fetching is not
configured yet"): its workers are busy only claiming and failing. `tfr-busy` starts the same server (SQLite,
embedded workers on) with a GitHub App pointed at the test suite's fake GitHub (tests/fakes/github.py, a real
HTTP server on 127.0.0.1 in the benchmark's process), seeded so that every delivery of the run names a pull
request the fake serves: the workers fetch its files, review them and publish a comment and a check run, while
the paced run measures the intake's latency.

The pull requests: `INSTALLATIONS` installations, one repository each (`bench-K/infra`); delivery n is pull
request 1000 + n of installation 1 + n % INSTALLATIONS, whose head adds the root module of a real tree
(/work/shared/fixtures/hcl/corpus/terraform-aws-vpc's five `.tf` files: 79 `resource` blocks, 80 creates, 4
findings) to a base holding only a README. One such review is heavy: `tfreview scan` of that root takes ~0.9 s of
CPU (0.12 s for a one-resource tree), so the workers are busy indeed. Spreading them over installations keeps GitHub's
content-creation cap (80 writes a minute per installation, which tfreview's limiter enforces) from pacing the
workers: they review rather than wait. The fake's own primary rate limit is lifted for the same reason. The pulls
are closed in the fake: the pull-request reconciler `serve` runs at start lists open pulls only and would queue
reviews of its own; a review fetches its pull by number whatever its state.

Nothing leaves the machine: the App's `api_url` is the fake's loopback URL, the only GitHub the server is told of.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from intake_load import read_deliveries, write_deliveries
from intake_servers import Running, tfreview_server

HERE = Path(__file__).resolve().parent
REPOSITORY_ROOT = HERE.parent
if str(REPOSITORY_ROOT) not in sys.path:  # the fake lives in the test suite: reused, not copied
    sys.path.insert(0, str(REPOSITORY_ROOT))

from tests.fakes.github import FakeGitHub  # noqa: E402

TREE = REPOSITORY_ROOT.parent / "shared" / "fixtures" / "hcl" / "corpus" / "terraform-aws-vpc"
INSTALLATIONS = 20
FIRST_PULL = 1000  # intake_load numbers delivery n as pull request 1000 + n


def tree_files(root: Path = TREE) -> dict[str, str]:
    """The root module's `.tf` files (one root: examples/ and modules/ left out)."""
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(root.glob("*.tf"))}
    if not files:
        raise SystemExit(f"no .tf files under {root}: the shared fixtures are needed for tfr-busy")
    return files


def _installation(n: int) -> int:
    return 1 + n % INSTALLATIONS


def seed(fake: FakeGitHub, count: int) -> dict[int, tuple[str, str]]:
    """Seed `fake` for deliveries `0 … count - 1`; installation → (head sha, base sha) of its repository."""
    heads: dict[int, tuple[str, str]] = {}
    files = tree_files()
    fake.primary_limit(10**9, reset_in_seconds=86_400, limit=10**9)
    for installation in range(1, INSTALLATIONS + 1):
        repo = f"bench-{installation}/infra"
        fake.add_installation(installation, f"bench-{installation}", repos=[repo])
        base = fake.add_commit(repo, "main", {"README.md": "# infra\n"})
        head = fake.add_commit(repo, "feature", files, base="main")
        heads[installation] = (head, base)
    for n in range(count):
        repo = f"bench-{_installation(n)}/infra"
        fake.open_pull_request(repo, head="feature", base="main", number=FIRST_PULL + n)
        # closed in the fake: the pull-request reconciler (`serve` runs it at start) lists only open pulls,
        # and 7,000 open ones would queue its own review jobs; a review fetches by number, state aside
        fake.close_pull_request(repo, FIRST_PULL + n)
    return heads


class BusyGitHub:
    """The fake GitHub in its own process (`python intake_busy.py fake COUNT KEYFILE`): its threads must not
    share the benchmark's interpreter (GIL) with the paced client, whose clock they would delay. It prints one
    JSON line (its URL, App id, the heads), then answers each `published` line on stdin with the counts; EOF
    stops it."""

    def __init__(self, count: int, key: Path) -> None:
        argv = [sys.executable, str(Path(__file__).resolve()), "fake", str(count), str(key)]
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the fake GitHub did not start (see its error above)")
        started = json.loads(line)
        self.api_url: str = started["api_url"]
        self.app_id: int = started["app_id"]
        self.heads = {int(k): (v[0], v[1]) for k, v in started["heads"].items()}

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(60)

    def shape(self, n: int, template: dict[str, Any]) -> None:
        """Make delivery n's document name pull request 1000 + n of its installation's repository."""
        installation = _installation(n)
        owner, repo = f"bench-{installation}", f"bench-{installation}/infra"
        head, base = self.heads[installation]
        template["installation"]["id"] = installation
        repository = template["repository"]
        repository.update(full_name=repo, name="infra")
        repository["owner"]["login"] = owner
        pull = template["pull_request"]
        pull["head"].update(sha=head, ref="feature")
        pull["base"].update(sha=base, ref="main")
        for side in ("head", "base"):
            pull[side]["repo"].update(full_name=repo, name="infra")
            pull[side]["repo"]["owner"]["login"] = owner

    def published(self) -> tuple[int, int]:
        """(comments, check runs) the fake holds: what the workers published so far."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("published\n")
        self.process.stdin.flush()
        comments, runs = json.loads(self.process.stdout.readline())
        return int(comments), int(runs)


def _fake_main(count: int, key: Path) -> None:
    with FakeGitHub() as fake:
        heads = seed(fake, count)
        fake.write_private_key(key)
        print(json.dumps({"api_url": fake.api_url, "app_id": fake.app_id, "heads": heads}), flush=True)
        for line in sys.stdin:
            if line.strip() == "published":
                with fake.lock:
                    counts = [len(fake._comments), len(fake._check_runs)]
                print(json.dumps(counts), flush=True)


@contextlib.contextmanager
def busy_server(
    secret: str,
    flat: int,
    paced: int,
    *,
    data_root: str | None = None,
    apart: bool = False,
    review_process: bool = True,
    postgres: str | None = None,
    extra: dict[str, str] | None = None,
) -> Iterator[tuple[Running, BusyGitHub, Path, Path, int | None]]:
    """A fresh fake GitHub seeded for `flat + paced` deliveries, their signed request files (flat-out, paced),
    and `tfreview serve` (SQLite, embedded workers) with a GitHub App against the fake — or, `apart`,
    `tfreview serve --no-worker` and a `tfreview worker` process on the same database (its pid comes last).
    `review_process` false: the reviews' fetch and rules on the worker threads (`*-threads`, ADR 0689); `postgres`:
    an admin URL, the server on a fresh PostgreSQL database of its server (`tfr-busy-pg`) rather than SQLite;
    `extra`: more environment for the server (`tfr-busy-base`: another tree's `PYTHONPATH`)."""
    with tempfile.TemporaryDirectory(prefix="tfreview-bench-busy-") as folder:
        key = Path(folder) / "github-app.pem"
        github = BusyGitHub(flat + paced, key)
        try:
            flat_file, paced_file = Path(folder) / "flat.bin", Path(folder) / "paced.bin"
            write_deliveries(flat_file, flat, secret, first=0, shape=github.shape)
            write_deliveries(paced_file, paced, secret, first=flat, shape=github.shape)
            marker = Path(folder) / "marker-secret"
            marker.write_text(f"marker-{uuid.uuid4().hex}", encoding="utf-8")
            app = {
                "TFREVIEW_GITHUB_APP__API_URL": github.api_url,
                "TFREVIEW_GITHUB_APP__APP_ID": str(github.app_id),
                "TFREVIEW_GITHUB_APP__PRIVATE_KEYS": json.dumps([f"file:{key}"]),
                "TFREVIEW_GITHUB_APP__MARKER_SECRET": f"file:{marker}",
                "TFREVIEW_WORKER__REVIEW_PROCESS": "true" if review_process else "false",
            }
            app.update(extra or {})
            with tfreview_server(secret, worker=not apart, postgres=postgres, extra=app, data_root=data_root) as server:
                if not apart:
                    yield server, github, flat_file, paced_file, None
                    return
                with _worker_process(server, secret, app) as worker:
                    yield server, github, flat_file, paced_file, worker
        finally:
            github.close()


@contextlib.contextmanager
def _worker_process(server: Running, secret: str, app: dict[str, str]) -> Iterator[int]:
    """`tfreview worker` on the server's data directory, configured as the server is; SIGTERM at the end."""
    assert server.data is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFREVIEW_")}
    env["TFREVIEW_GITHUB__WEBHOOK_SECRETS"] = json.dumps([{"value": secret}])
    env.update(app)
    argv = [sys.executable, "-m", "tfreview", "worker", "--data-dir", str(server.data)]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def job_states(server: Running) -> dict[str, int]:
    """The server's jobs by state (SQLite, or its PostgreSQL database)."""
    import sqlite3

    query = "SELECT state, count(*) FROM jobs GROUP BY state"
    if server.database_url is not None:
        import psycopg

        with psycopg.connect(server.database_url) as pg:
            return {str(s): int(c) for s, c in pg.execute(query).fetchall()}
    assert server.data is not None
    database = next(server.data.glob("*.db"))
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return {str(s): int(c) for s, c in connection.execute(query)}


class BusyRunning(Running):
    """A `tfr-busy` server: a Running with its fake GitHub and its own request files (shaped for that fake)."""

    def __init__(
        self, running: Running, github: BusyGitHub, flat_file: Path, fixed: list[bytes], worker: int | None
    ) -> None:
        super().__init__(
            running.url,
            running.pid,
            running.count_rows,
            running.database_cpu,
            ended_jobs=running.ended_jobs,
            data=running.data,
            database_url=running.database_url,
        )
        self.github = github
        self.flat_file = flat_file
        self.fixed = fixed
        self.worker = worker  # the `tfreview worker` process's pid (tfr-busy-apart), None: embedded workers


@contextlib.contextmanager
def busy_running(
    secret: str,
    flat: int,
    paced: int,
    *,
    data_root: str | None = None,
    apart: bool = False,
    review_process: bool = True,
    postgres: str | None = None,
    extra: dict[str, str] | None = None,
) -> Iterator[BusyRunning]:
    with busy_server(
        secret,
        flat,
        paced,
        data_root=data_root,
        apart=apart,
        review_process=review_process,
        postgres=postgres,
        extra=extra,
    ) as (
        server,
        github,
        flat_file,
        paced_file,
        worker,
    ):
        yield BusyRunning(server, github, flat_file, read_deliveries(paced_file), worker)


if __name__ == "__main__":
    if sys.argv[1:2] != ["fake"] or len(sys.argv) != 4:
        raise SystemExit("usage: intake_busy.py fake COUNT KEYFILE (intake.py --only tfr-busy starts it)")
    _fake_main(int(sys.argv[2]), Path(sys.argv[3]))
