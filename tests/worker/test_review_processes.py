"""ADR 0689: a GitHub pull request's fetch and rules run in a review process (a real child process, spawned), the
rest of the review (claims, leases, the store's writes, the publish job, metrics) in the worker's own.

From the outside: the real worker runner over the memory store, the real GitHub client in the review process over
HTTP against the fake GitHub on loopback; the review processes are real, killed with real signals.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tfreview.core.errors import ConfigError
from tfreview.ports.job_types import JobKind, PullRequestHead, ReviewJob
from tfreview.ports.records import Delivery, ReviewStatus, SourceInfo
from tfreview.settings import SecretVersion, Settings
from tfreview.wiring import WiredServices, build_memory_services
from tfreview.worker.review_child import Failed
from tfreview.worker.review_errors import unpack
from tfreview.worker.review_processes import ReviewProcess, ReviewProcessPool, with_review_processes
from tfreview.worker.runner import Outcome, Worker

from .conftest import ManualClock, worker_settings

REPO = "octo/infra"
INSTALLATION = 42
TENANT = f"github:{INSTALLATION}"
OPEN_SG_TF = (
    'resource "aws_security_group" "web" {\n  name = "web"\n  description = "web"\n'
    '  ingress {\n    description = "ssh"\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n'
    '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
)
WAIT_SECONDS = 60.0  # the longest a test waits for a process to start or end (a loaded machine: spawn takes ~1 s)


@dataclass
class Stack:
    services: WiredServices
    github: FakeGitHub
    clock: ManualClock

    @property
    def pool(self) -> ReviewProcessPool:
        pool = self.services.review_processes
        assert isinstance(pool, ReviewProcessPool)
        return pool


def _stack(tmp_path: Path, *, processes: bool, **worker: object) -> Iterator[Stack]:
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    tmp_path.mkdir(parents=True, exist_ok=True)
    with FakeGitHub() as github:
        github.add_installation(INSTALLATION, "octo", repos=[REPO])
        github.add_commit(REPO, "main", {"README.md": "hello"})
        github.add_commit(REPO, "feature", {"main.tf": OPEN_SG_TF}, base="main")
        github.open_pull_request(REPO, head="feature", base="main", number=1)
        marker = tmp_path / "marker-secret"
        marker.write_text("marker-secret-0123456789abcdef")
        app = github.app_settings(tmp_path, marker_secret=f"file:{marker}")
        settings = worker_settings(**worker).model_copy(update={"github_app": app})
        services = build_memory_services(settings, clock=clock)
        if processes:
            services = with_review_processes(services, services.closers.add)  # type: ignore[assignment]
        try:
            yield Stack(services, github, clock)
        finally:
            services.close()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    yield from _stack(tmp_path, processes=True)


def pull_request_review(services: WiredServices, github: FakeGitHub) -> str:
    pull = github.pull_request(REPO, 1)
    review_id = str(uuid.uuid4())
    head = PullRequestHead(REPO, 1, pull.head_sha, installation_id=INSTALLATION, action="opened")
    job = ReviewJob.for_pull_request(TENANT, head).with_review(review_id)
    delivery = Delivery(
        source="github",
        key=f"delivery-{review_id}",
        event="pull_request",
        tenant_id=TENANT,
        payload_sha256="",
        received_at=services.clock(),
    )
    source = SourceInfo("github", repository=REPO, pull_request=1, commit_sha=pull.head_sha)
    services.intake.accept(
        delivery, b"{}", job.encode(max_attempts=services.settings.worker.max_attempts), review=(review_id, source)
    )
    return review_id


def review_once(services: WiredServices, **worker: object) -> Outcome:
    outcome = Worker(services, "w", kinds=[JobKind.REVIEW.value], **worker).run_once()  # type: ignore[arg-type]
    assert outcome is not None, "no review job was runnable"
    return outcome


def upstream_requests(services: WiredServices) -> float:
    return sum(
        value
        for name, labels, value in services.metrics.samples()  # type: ignore[attr-defined]
        if name == "tfreview_upstream_requests_total" and labels.get("upstream") == "github"
    )


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat's fields after the command (state first), None once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return text.rsplit(")", 1)[1].split()


def gone(pid: int) -> bool:
    fields = _stat(pid)
    return fields is None or fields[0] in ("Z", "X")  # a zombie has ended: only its parent's wait is left


def niceness(pid: int) -> int:
    fields = _stat(pid)
    assert fields is not None
    return int(fields[16])  # field 19 of stat, the 17th after the command


def test_a_pull_request_review_runs_in_a_review_process_with_the_same_result_and_metrics(tmp_path: Path) -> None:
    results = {}
    for processes in (False, True):
        for stack in _stack(tmp_path / str(processes), processes=processes):
            review_id = pull_request_review(stack.services, stack.github)
            outcome = review_once(stack.services)
            assert outcome.result == "succeeded", outcome.reason
            stored = stack.services.reviews.get(review_id, TENANT)
            assert stored is not None
            assert stored.status == ReviewStatus.COMPLETED
            report = dict(stored.report)
            report.pop("id", None)
            results[processes] = (report, stored.verdict, upstream_requests(stack.services))
            if processes:
                pids = stack.pool.pids()
                assert len(pids) == 1
                assert pids[0] != os.getpid()
                assert niceness(pids[0]) >= niceness(os.getpid()) + 10  # the intake wins the CPU
            else:
                assert stack.services.review_processes is None
    threads, process = results[False], results[True]
    assert process[0] == threads[0]
    assert process[1] == threads[1]
    assert process[2] > 0
    assert process[2] == threads[2]


def test_a_lent_token_github_refused_is_replaced_once_for_the_whole_service(stack: Stack) -> None:
    """The installation's tokens revoked (an App's permissions changed, a token reported leaked): the review process
    whose lent token GitHub refuses fetches its own and gives it back with its answer (ADR 0713). The worker lent the
    refused token again with every review, each review process then paid a 401 and a token of its own: one token a
    review, not one for the service, until the worker itself met a 401 (review22)."""
    services, github = stack.services, stack.github
    pull_request_review(services, github)
    assert review_once(services).result == "succeeded"
    minted = len(github.requests_to("POST", "/access_tokens"))
    github.revoke_installation_tokens(INSTALLATION)
    for push in range(3):
        github.push(REPO, 1, {"main.tf": OPEN_SG_TF + f"# push {push}\n"})  # a new head: a new review
        pull_request_review(services, github)
        assert review_once(services).result == "succeeded"
    assert len(github.requests_to("POST", "/access_tokens")) - minted == 1
    assert len([r for r in github.requests if r.status == 401]) == 1


def test_services_with_a_tests_own_sources_keep_the_in_process_path(tmp_path: Path) -> None:
    services = build_memory_services(worker_settings(), sources={})
    try:
        assert not services.sources_from_settings
        assert with_review_processes(services, None).review_processes is None
    finally:
        services.close()


def test_the_setting_off_keeps_the_reviews_on_the_worker_threads(tmp_path: Path) -> None:
    for stack in _stack(tmp_path, processes=True, review_process=False):
        assert stack.services.review_processes is None


def test_a_review_process_killed_mid_review_fails_the_attempt_retriably_and_a_new_one_completes_it(
    stack: Stack,
) -> None:
    services, github = stack.services, stack.github
    review_id = pull_request_review(services, github)
    github.slow(WAIT_SECONDS, path_contains="/pulls/1/files")
    outcomes: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcomes.append(review_once(services)))
    worker.start()
    wait_until(lambda: bool(github.requests_to("GET", "/pulls/1/files")), "the review process to fetch the files")
    (killed,) = stack.pool.pids()
    os.kill(killed, signal.SIGKILL)
    worker.join(WAIT_SECONDS)
    (outcome,) = outcomes
    assert outcome.result == "retrying", outcome
    assert outcome.reason is not None
    assert outcome.reason.startswith("the review process ended (signal 9)")
    stored = services.reviews.get(review_id, TENANT)
    assert stored is not None
    assert stored.status not in (ReviewStatus.COMPLETED, ReviewStatus.COMPLETED_WITHOUT_AI)
    assert not stored.report  # nothing half-written
    github.heal()
    # past the retry's backoff (4 s at most here), within the hour of the installation token the worker lent: its
    # App JWT is signed on this manual clock (ADR 0690), which GitHub would refuse an hour ahead of its own
    stack.clock.advance(60)
    outcome = review_once(services)
    assert outcome.result == "succeeded", outcome.reason
    assert killed not in stack.pool.pids()
    assert len(stack.pool.pids()) == 1
    stored = services.reviews.get(review_id, TENANT)
    assert stored is not None
    assert stored.status == ReviewStatus.COMPLETED


def test_an_attempt_timed_out_kills_its_review_process_and_fails_as_in_process(stack: Stack) -> None:
    services, github = stack.services, stack.github
    pull_request_review(services, github)
    github.slow(WAIT_SECONDS, path_contains="/pulls/1/files")
    begun = time.monotonic()
    outcome = review_once(services, job_timeout_seconds=2.0)
    assert outcome.result == "retrying", outcome
    assert outcome.reason == "timed out after 2 s"
    # the review process may be stuck: killed, not left to review for no one
    wait_until(lambda: not stack.pool.pids(), "the timed-out attempt's review process to end")
    assert time.monotonic() - begun < WAIT_SECONDS


def test_a_release_at_shutdown_kills_the_review_process_and_gives_the_job_back(stack: Stack) -> None:
    services, github = stack.services, stack.github
    pull_request_review(services, github)
    github.slow(WAIT_SECONDS, path_contains="/pulls/1/files")
    worker = Worker(services, "w", kinds=[JobKind.REVIEW.value])
    outcomes: list[Outcome] = []
    thread = threading.Thread(target=lambda: outcomes.append(worker.run_once()))  # type: ignore[arg-type]
    thread.start()
    wait_until(lambda: bool(github.requests_to("GET", "/pulls/1/files")), "the review process to fetch the files")
    (child,) = stack.pool.pids()
    released = worker.release_running("the worker stopped")
    assert len(released) == 1
    wait_until(lambda: gone(child), "the released attempt's review process to end")
    thread.join(WAIT_SECONDS)
    assert not thread.is_alive()
    job = services.queue.get(released[0])
    assert job is not None
    assert job.state.value == "queued"
    assert job.attempts == 0


def test_an_error_in_the_review_process_reaches_the_worker_as_in_process(tmp_path: Path) -> None:
    """A pull request GitHub no longer has (404): GitHubNotFound, permanent, the same reason either way."""
    reasons = {}
    for processes in (False, True):
        for stack in _stack(tmp_path / str(processes), processes=processes):
            pull_request_review(stack.services, stack.github)
            stack.github.fail_next(404, path_contains="/pulls/1", times=100)
            outcome = review_once(stack.services)
            reasons[processes] = (outcome.result, outcome.permanent, outcome.reason)
    assert reasons[True] == reasons[False]
    assert reasons[True][:2] == ("dead", True)


def test_review_processes_started_after_a_settings_change_use_the_new_settings(stack: Stack) -> None:
    """A secret reload swaps values into the live settings (service.secret_reload): a review process started
    before it is stale, stopped when next taken, and a new one reviews with the settings of now."""
    services, github = stack.services, stack.github
    pull_request_review(services, github)
    assert review_once(services).result == "succeeded"
    (before,) = stack.pool.pids()
    services.settings.github.webhook_secrets = [SecretVersion(value="rotated-webhook-secret-0123456789")]
    github.push(REPO, 1, {"main.tf": OPEN_SG_TF + "# pushed\n"})  # a new head: a new review
    pull_request_review(services, github)
    assert review_once(services).result == "succeeded"
    (after,) = stack.pool.pids()
    assert after != before
    assert gone(before)


def test_close_stops_every_review_process(stack: Stack) -> None:
    pull_request_review(stack.services, stack.github)
    assert review_once(stack.services).result == "succeeded"
    (child,) = stack.pool.pids()
    stack.pool.close()
    assert gone(child)


@pytest.fixture
def beating(tmp_path: Path) -> Iterator[Stack]:
    """Heartbeats every 0.2 s: a refused one marks the attempt lost while its handler runs."""
    yield from _stack(tmp_path, processes=True, heartbeat_seconds=0.2)


def test_a_lease_lost_while_the_review_process_works_kills_it_and_discards_the_attempt(beating: Stack) -> None:
    from tfreview.worker.reaper import Reaper

    services, github = beating.services, beating.github
    pull_request_review(services, github)
    github.slow(WAIT_SECONDS, path_contains="/pulls/1/files")
    outcomes: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcomes.append(review_once(services)))
    worker.start()
    wait_until(lambda: bool(github.requests_to("GET", "/pulls/1/files")), "the review process to fetch the files")
    (child,) = beating.pool.pids()
    beating.clock.advance(services.settings.worker.lease_seconds + 1)  # the lease expires: the reaper requeues it
    assert Reaper(services, clock=beating.clock).run_once().reaped == 1
    worker.join(WAIT_SECONDS)  # the next heartbeat is refused: the attempt is lost
    (outcome,) = outcomes
    assert outcome.result == "discarded", outcome
    assert outcome.reason == "lease lost"
    wait_until(lambda: gone(child), "the lost attempt's review process to end")


def test_an_app_key_gone_after_the_start_fails_the_review_as_in_process(tmp_path: Path) -> None:
    """The App's key file removed after the services were built: the same permanent failure, the same reason."""
    reasons = {}
    for processes in (False, True):
        for stack in _stack(tmp_path / str(processes), processes=processes):
            (tmp_path / str(processes) / "github-app.pem").unlink()
            pull_request_review(stack.services, stack.github)
            outcome = review_once(stack.services)
            reasons[processes] = (outcome.result, outcome.permanent, outcome.reason)
            if processes:  # the worker's own fetch of the token it lends failed first (ADR 0690): no process
                assert stack.pool.pids() == []
    assert reasons[True] == reasons[False]
    assert reasons[True][:2] == ("dead", True)


def test_a_review_process_that_cannot_build_its_source_answers_each_review_with_the_reason(stack: Stack) -> None:
    """Settings without a GitHub App (the parent would not send it one: defensive): no traceback, no death at
    every start — each review is answered with the ConfigError, classified as in-process."""
    review_id = pull_request_review(stack.services, stack.github)
    stored = stack.services.reviews.get(review_id, TENANT)
    assert stored is not None
    child = ReviewProcess(pickle.dumps(Settings()))
    try:
        for _ in range(2):
            answer = child.ask((stored, {}, {}), lambda: False)
            assert isinstance(answer, Failed)
            error = unpack(answer.error)
            assert isinstance(error, ConfigError)
            assert "github_app" in str(error)
        assert child.alive()
    finally:
        child.stop()
    assert not child.alive()


def test_the_kernels_oom_killer_picks_a_review_process_before_its_server(stack: Stack) -> None:
    """A pull request's author shapes what the review process holds (a read parses up to 4 MiB of Terraform, ~1 GB
    of parse trees, head and base: ADR 0684): memory that runs out must end that review, never the server's intake,
    store and other reviews. The review process raises its own oom_score_adj to the most (1000): chosen first."""
    pull_request_review(stack.services, stack.github)
    assert review_once(stack.services).result == "succeeded"
    (child,) = stack.pool.pids()
    assert Path(f"/proc/{child}/oom_score_adj").read_text().strip() == "1000"
    assert Path(f"/proc/{os.getpid()}/oom_score_adj").read_text().strip() != "1000"  # the server's own is untouched


def _policies(child: int) -> tuple[int, int]:
    """The kernel's policy of the process, and of its thread that did the review's work (the one with the most CPU)."""
    threads = {}
    for tid in os.listdir(f"/proc/{child}/task"):
        fields = Path(f"/proc/{child}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        threads[int(tid)] = (int(fields[11]) + int(fields[12]), int(fields[38]))  # utime + stime, policy (field 41)
    busiest = max(threads, key=lambda tid: threads[tid][0])
    return os.sched_getscheduler(child), threads[busiest][1]


def test_a_review_process_runs_under_sched_idle_when_the_operator_asks(tmp_path: Path) -> None:
    """Niced by 10, a review process still held a CPU the server's woken event loop had to wait for (r25-tail: the
    slowest 1 % of paced deliveries spent most of their time runnable, not running). Under SCHED_IDLE (ADR 0755,
    `worker.review_process_idle_scheduling`) any thread of the server, woken, takes the CPU from it at once. Read from
    the outside: the policy the kernel holds for the real process, and for the thread of it that did the review."""
    for stack in _stack(tmp_path, processes=True, review_process_idle_scheduling=True):
        pull_request_review(stack.services, stack.github)
        assert review_once(stack.services).result == "succeeded"
        (child,) = stack.pool.pids()
        assert _policies(child) == (os.SCHED_IDLE, os.SCHED_IDLE)
        assert os.sched_getscheduler(os.getpid()) == os.SCHED_OTHER  # the server's own policy is untouched


def test_a_review_process_keeps_the_normal_policy_by_default(stack: Stack) -> None:
    """SCHED_IDLE is the operator's choice (ADR 0755): on a host shared with other busy processes (a database, another
    service) a review under it gets almost no CPU and runs into its deadline. By default: niced, normal policy."""
    pull_request_review(stack.services, stack.github)
    assert review_once(stack.services).result == "succeeded"
    (child,) = stack.pool.pids()
    assert _policies(child) == (os.SCHED_OTHER, os.SCHED_OTHER)
    assert os.getpriority(os.PRIO_PROCESS, child) >= os.getpriority(os.PRIO_PROCESS, os.getpid()) + 10


def test_a_sighup_to_every_process_of_the_service_reloads_and_loses_no_review(stack: Stack) -> None:
    """The runbooks say `kill -HUP <pid of every tfreview process>` (docs/howto/respond-to-compromise.md), and a
    `systemctl kill -s HUP` reaches the whole cgroup: a review process reached too must go on reviewing — its
    settings are renewed by its parent (a stale one is replaced), SIGHUP's default action (the end) would lose the
    attempt in flight ("signal 1") and every idle process."""
    services, github = stack.services, stack.github
    pull_request_review(services, github)
    github.slow(WAIT_SECONDS, path_contains="/pulls/1/files")
    outcomes: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcomes.append(review_once(services)))
    worker.start()
    wait_until(lambda: bool(github.requests_to("GET", "/pulls/1/files")), "the review process to fetch the files")
    (child,) = stack.pool.pids()
    for _ in range(3):
        os.kill(child, signal.SIGHUP)
    time.sleep(0.5)  # a signal's default action is taken at once: gone by now had it been
    github.heal()
    worker.join(WAIT_SECONDS)
    (outcome,) = outcomes
    assert outcome.result == "succeeded", outcome.reason
    assert stack.pool.pids() == [child]


def test_a_sighup_while_a_review_process_starts_does_not_end_it(stack: Stack) -> None:
    """A reload sent to every process of the service while a review process is being spawned (a reload storm
    replaces the stale ones: spawns happen then) reaches it before `review_child.main` ignores SIGHUP — during the
    second of imports its default action (the end) applied. The spawn now starts it with SIGHUP blocked."""
    review_id = pull_request_review(stack.services, stack.github)
    stored = stack.services.reviews.get(review_id, TENANT)
    assert stored is not None
    child = ReviewProcess(pickle.dumps(Settings()))
    try:
        assert child.pid is not None
        os.kill(child.pid, signal.SIGHUP)  # at once: the child is still importing
        answer = child.ask((stored, {}, {}), lambda: False)  # it answers (Settings without a GitHub App: refused)
        assert isinstance(answer, Failed)
        assert child.alive()
    finally:
        child.stop()


def test_a_review_process_outlives_the_thread_that_started_it(stack: Stack) -> None:
    """ADR 0740: a review process asks Linux for a signal at its parent's death (PR_SET_PDEATHSIG), which also comes
    when the *thread* that spawned it ends — a worker thread of a pool that outlives it. The signal is SIGCONT: the
    process goes on, and answers the next review asked from another thread."""
    review_id = pull_request_review(stack.services, stack.github)
    stored = stack.services.reviews.get(review_id, TENANT)
    assert stored is not None
    started: list[ReviewProcess] = []

    def spawn_and_ask() -> None:
        child = ReviewProcess(pickle.dumps(Settings()))
        started.append(child)
        assert isinstance(child.ask((stored, {}, {}), lambda: False), Failed)  # past its start: the signal is asked

    spawner = threading.Thread(target=spawn_and_ask)
    spawner.start()
    spawner.join(WAIT_SECONDS)
    (child,) = started
    try:
        answer = child.ask((stored, {}, {}), lambda: False)  # its spawning thread has ended: it still answers
        assert isinstance(answer, Failed)  # (Settings without a GitHub App: refused, as above)
        assert child.alive()
    finally:
        child.stop()
