"""ADR 0689 from the outside: `tfreview serve` (embedded workers, SQLite) reviews a pull request of the fake GitHub
in a review process — a real child of the server — and that child never outlives the server for long, never
carries a secret in its argv or environment, and never changes how the server stops.

(1) the server SIGKILLed while its review process works: the child ends within seconds (no orphan reviewing);
(2) SIGTERM while the review process works: the same exit code as with the reviews on the worker threads, and the
    child gone once the server is; (3) a review completed, then SIGTERM: exit 0, the child gone, its log lines in
    the server's stderr with the job's ids, no secret anywhere.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.chaos.conftest import delivery_request, open_pulls, stack_env
from tests.fakes.github import FakeGitHub
from tests.integration.served import GITHUB_SECRET, Served, raw_request, serving, status_of
from tfreview.worker.review_spawn import ENTRY, exec_environment

WAIT_SECONDS = 60.0
ORPHAN_SECONDS = 5.0  # a review process notices its parent's death within 0.5 s (review_child.ORPHAN_CHECK_SECONDS)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def gone(pid: int) -> bool:
    fields = _stat(pid)
    return fields is None or fields[0] in ("Z", "X")


def review_processes(parent: int) -> list[int]:
    """The server's review processes: its children running `review_spawn.ENTRY` (ADR 0743)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields is None or int(fields[1]) != parent or fields[0] in ("Z", "X"):
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if ENTRY.encode() in command.split(b"\0"):
            found.append(int(entry.name))
    return found


def environ_of(pid: int) -> dict[str, str]:
    """A process's environment as it was executed (`/proc/<pid>/environ`)."""
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode("utf-8", "replace").partition("=")[::2] for entry in entries if entry)


def wait_until(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def deliver(github: FakeGitHub, served: Served, number: int, delivery: str = "") -> None:
    answer = raw_request(served.port, delivery_request(github, number, delivery or f"delivery-{number}"))
    assert status_of(answer) == 202, answer[:300]


def review_state(data: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data / "tfreview.db", timeout=10) as connection:
        return [(str(s), str(r or "")) for s, r in connection.execute("SELECT status, id FROM reviews")]


def completed(data: Path) -> int:
    return sum(1 for status, _ in review_state(data) if status == "completed")


def _env(github: FakeGitHub, tmp_path: Path, **extra: str) -> dict[str, str]:
    return stack_env(github, tmp_path, TFREVIEW_SERVER__SHUTDOWN_SECONDS="8", TFREVIEW_LOG_FORMAT="json", **extra)


@pytest.mark.chaos
def test_a_server_killed_while_its_review_process_works_leaves_no_orphan_reviewing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FakeGitHub() as github:
        ((number, _head),) = open_pulls(github, 1)
        github.slow(WAIT_SECONDS, path_contains=f"/pulls/{number}/files")
        key = github.app_private_key_pem()
        with serving(data, env=_env(github, tmp_path)) as served:
            deliver(github, served, number)
            wait_until(lambda: bool(github.requests_to("GET", f"/pulls/{number}/files")), "the fetch to start")
            children = review_processes(served.process.pid)  # the reconciler's review of the pull may run beside
            assert children
            for child in children:  # secrets: the settings came through the pipe, not argv or the environment
                for part in ("cmdline", "environ"):
                    assert key.splitlines()[1].encode() not in Path(f"/proc/{child}/{part}").read_bytes()
                assert set(environ_of(child)) <= set(exec_environment(environ_of(served.process.pid)))  # ADR 0740
            served.process.kill()
            served.process.wait(WAIT_SECONDS)
            begun = time.monotonic()
            wait_until(lambda: all(gone(c) for c in children), "the orphaned review processes to end", ORPHAN_SECONDS)
            print(f"review processes {children} ended {time.monotonic() - begun:.2f} s after their server was killed")
        assert key.splitlines()[1] not in served.log()


@pytest.mark.chaos
@pytest.mark.parametrize("review_process", ["true", "false"])
def test_sigterm_while_a_review_runs_exits_as_with_the_reviews_on_the_worker_threads(
    tmp_path: Path, review_process: str
) -> None:
    """The review hangs on GitHub past the shutdown deadline (8 s): exit 3 either way; no review process left."""
    data = tmp_path / "data"
    with FakeGitHub() as github:
        ((number, _head),) = open_pulls(github, 1)
        github.slow(WAIT_SECONDS, path_contains=f"/pulls/{number}/files")
        env = _env(github, tmp_path, TFREVIEW_WORKER__REVIEW_PROCESS=review_process)
        with serving(data, env=env) as served:
            deliver(github, served, number)
            wait_until(lambda: bool(github.requests_to("GET", f"/pulls/{number}/files")), "the fetch to start")
            children = review_processes(served.process.pid)
            assert bool(children) == (review_process == "true")
            served.process.send_signal(signal.SIGTERM)
            code = served.process.wait(WAIT_SECONDS)
            assert code == 3, served.log()[-3000:]
            for child in children:
                wait_until(lambda child=child: gone(child), "the review process to end", ORPHAN_SECONDS)


@pytest.mark.chaos
def test_a_review_in_a_review_process_logs_with_its_ids_and_stops_with_the_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FakeGitHub() as github:
        ((number, _head),) = open_pulls(github, 1)
        key = github.app_private_key_pem()
        with serving(data, env=_env(github, tmp_path)) as served:
            deliver(github, served, number)
            wait_until(lambda: completed(data) >= 1, "the review to complete")
            wait_until(lambda: bool(github.comments("octo/infra", number)), "its comment")  # published as before
            children = review_processes(served.process.pid)
            assert children
            served.process.send_signal(signal.SIGTERM)
            assert served.process.wait(WAIT_SECONDS) == 0
            assert all(gone(child) for child in children)
        lines = [json.loads(line) for line in served.log().splitlines() if line.startswith("{")]
        # the pull-request reconciler `serve` runs at start may have queued a review of the same pull beside it
        reviews = {r for _, r in review_state(data)}
        fetched = [
            line for line in lines if line.get("logger") == "httpx" and f"/pulls/{number}/files" in str(line.get("msg"))
        ]
        assert fetched, "the review process's own log lines reach the server's stderr"
        assert all(line.get("review_id") in reviews and line.get("job_id") for line in fetched)
        assert key.splitlines()[1] not in served.log()


@pytest.mark.chaos
def test_review_processes_started_after_a_sighup_reload_carry_the_reloaded_settings(tmp_path: Path) -> None:
    """A SIGHUP reload swaps new webhook secret versions into serve's live settings: the review process started
    before it is stale and replaced at the next review; the new secret is in no argv, environment or log."""
    canary = "gh-review-process-reload-canary-5e1d"
    versions = tmp_path / "github-webhook.json"
    versions.write_text(json.dumps([{"value": GITHUB_SECRET}]), encoding="utf-8")
    data = tmp_path / "data"
    with FakeGitHub() as github:
        ((number, _head),) = open_pulls(github, 1)
        env = _env(github, tmp_path, TFREVIEW_GITHUB__WEBHOOK_SECRETS_FROM=f"file:{versions}")
        env.pop("TFREVIEW_GITHUB__WEBHOOK_SECRETS")
        with serving(data, env=env) as served:
            deliver(github, served, number)
            # every review done (the reconciler's review of the pull may have run beside the delivery's)
            wait_until(lambda: all(s == "completed" for s, _ in review_state(data)), "the first review to complete")
            done = completed(data)
            before = set(review_processes(served.process.pid))
            assert before
            versions.write_text(json.dumps([{"value": GITHUB_SECRET}, {"value": canary}]), encoding="utf-8")
            served.process.send_signal(signal.SIGHUP)
            wait_until(lambda: "secrets reloaded" in served.log(), "the reload")
            github.push("octo/infra", number, {"main.tf": "# pushed after the reload\n"})  # a new head: a new review
            deliver(github, served, number, "delivery-after-the-reload")
            wait_until(lambda: completed(data) > done, "the review after the reload to complete")
            after = set(review_processes(served.process.pid))
            assert after
            assert not after & before
            assert all(gone(child) for child in before)
            for child in after:
                for part in ("cmdline", "environ"):
                    assert canary.encode() not in Path(f"/proc/{child}/{part}").read_bytes()
        assert canary not in served.log()


def _state(pid: int) -> str:
    fields = _stat(pid)
    return fields[0] if fields is not None else "gone"


@pytest.mark.chaos
@pytest.mark.parametrize(
    ("when", "own_session"), [("idle", True), ("reviewing", True), ("idle", False)], ids=["idle", "reviewing", "group"]
)
def test_a_review_process_stopped_while_its_server_is_killed_ends(tmp_path: Path, when: str, own_session: bool) -> None:
    """r23-mend item 1 (ADR 0740): a review process is SIGSTOPped (a debugger, a cgroup freezer, Ctrl-Z), then its
    server is SIGKILLed. A stopped process runs nothing — not its watch of its parent — and nobody continued it: run
    as a service manager runs it (the server leading its own session: systemd, a container's init) the kernel's
    SIGHUP and SIGCONT to a newly orphaned process group do not come (the group was orphaned from the start), so it
    stayed stopped for ever; in the test's own process group, until someone sent SIGCONT. It asks Linux for SIGCONT
    at its parent's death (PR_SET_PDEATHSIG): continued, it sees its parent gone and ends, idle or mid-review."""
    data = tmp_path / "data"
    with FakeGitHub() as github:
        ((number, _head),) = open_pulls(github, 1)
        if when == "reviewing":
            github.slow(WAIT_SECONDS, path_contains=f"/pulls/{number}/files")
        with serving(data, env=_env(github, tmp_path), own_session=own_session) as served:
            deliver(github, served, number)
            if when == "idle":
                wait_until(lambda: all(s == "completed" for s, _ in review_state(data)), "the review to complete")
            else:
                wait_until(lambda: bool(github.requests_to("GET", f"/pulls/{number}/files")), "the fetch to start")
            children = review_processes(served.process.pid)
            assert children
            for child in children:
                os.kill(child, signal.SIGSTOP)
            wait_until(lambda: all(_state(c) == "T" for c in children), "the review processes to stop")
            served.process.kill()
            served.process.wait(WAIT_SECONDS)
            begun = time.monotonic()
            wait_until(lambda: all(gone(c) for c in children), "the stopped orphans to end", ORPHAN_SECONDS)
            print(f"review processes {children} ({when}) ended {time.monotonic() - begun:.2f} s after their server")


ENV_CANARIES = {
    "OPENAI_API_KEY": "sk-env-canary-openai-0b7e41",
    "ANTHROPIC_API_KEY": "sk-ant-env-canary-9d12aa",
    "DATABASE_URL": "postgresql://tfreview:env-canary-db-pass-5c3f@db.internal:5432/tfreview",
    "AWS_SECRET_ACCESS_KEY": "env-canary-aws-secret-0f9a8b7c6d5e4f3a2b1c",
    "GITHUB_TOKEN": "ghp_envcanary0123456789abcdefABCDEF0123",
}


@pytest.mark.chaos
def test_a_review_process_is_executed_without_the_servers_secrets_in_its_environment(tmp_path: Path) -> None:
    """r23-mend item 2 (ADR 0740 part 1): the server's environment holds secrets — model keys, a database URL with its
    password, AWS keys, the webhook secrets, the GitHub App's key itself through an `env:` reference — and none is
    in the review process's /proc/<pid>/environ; the review still completes (the key reached it through its pipe)."""
    data = tmp_path / "data"
    with FakeGitHub() as github:
        ((number, _head),) = open_pulls(github, 1)
        key = github.app_private_key_pem()
        env = _env(github, tmp_path, TFREVIEW_GITHUB_APP__PRIVATE_KEYS='["env:TFR_CANARY_APP_KEY"]')
        env.update(ENV_CANARIES, TFR_CANARY_APP_KEY=key)
        with serving(data, env=env) as served:
            deliver(github, served, number)
            wait_until(lambda: completed(data) >= 1, "the review to complete")
            children = review_processes(served.process.pid)
            assert children
            server = environ_of(served.process.pid)
            assert server["TFR_CANARY_APP_KEY"] == key  # the canaries are in the server's environment
            for child in children:
                environ = Path(f"/proc/{child}/environ").read_bytes()
                for canary in [*ENV_CANARIES.values(), GITHUB_SECRET, key.splitlines()[1]]:
                    assert canary.encode() not in environ
                assert not [name for name in environ_of(child) if name.startswith("TFREVIEW_")]
                assert environ_of(child)["PATH"] == server["PATH"]  # what a process needs is kept
        log = served.log()
        assert "Traceback" not in log
        for canary in [*ENV_CANARIES.values(), key.splitlines()[1]]:
            assert canary not in log
