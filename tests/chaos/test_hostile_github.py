"""A hostile GitHub against the real processes (session 17): `tfreview serve --no-worker` takes signed deliveries,
two `tfreview.worker.process` processes review and publish them, while the fake GitHub loses, cuts and drops the
answers of writes it performed, answers 502 to reads, refuses writes with its abuse-detection page (`retry-after`),
revokes every installation token mid-run (401 "Bad credentials") and receives a redelivery of a guid already
stored. Ledger: every acked delivery ends in exactly one comment and one completed check run; the canaries (App
key, installation tokens, webhook secret, marker secret) are in no process's log and not in the database."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from tests.chaos.conftest import REPO, delivery_request, open_pulls, stack_env, start_worker, stop_all
from tests.chaos.flows import deliver_all, settle
from tests.chaos.ledger import Ledger
from tests.fakes.github import FakeGitHub
from tests.integration.served import GITHUB_SECRET, raw_request, serving, status_of

PULLS = 10
ABUSE_PAGE = (
    b"<html><head><title>Whoa there!</title></head><body><p>You have triggered an abuse detection mechanism."
    b" Please wait a few minutes before you try again.</p></body></html>"
)


def make_hostile(github: FakeGitHub) -> None:
    """Writes performed then answered 502, not at all or with half a body; 502 reads; the abuse page twice."""
    for mode in ("502", "drop", "cut"):
        github.lose_next_response(method="POST", path_contains="/comments", mode=mode)
        github.lose_next_response(method="POST", path_contains="/check-runs", mode=mode)
    github.fail_next(502, method="GET", path_contains="/files", times=2)
    github.answer_next(
        403,
        ABUSE_PAGE,
        headers={"Content-Type": "text/html", "Retry-After": "2"},
        method="POST",
        path_contains="/comments",
        times=2,
    )


def assert_every_fault_met(github: FakeGitHub) -> None:
    """The lost answers taken, the 502s sent, the abuse page sent twice, a revoked token refused (401)."""
    assert not github._lose_rules
    assert not github._fail_rules
    assert [r.status for r in github.requests_to("POST", "/comments")].count(403) == 2
    assert any(r.status == 401 for r in github.requests)


@pytest.mark.chaos
@pytest.mark.slow
def test_a_hostile_github_loses_nothing_duplicates_nothing_and_learns_no_secret(tmp_path: Path) -> None:
    ledger = Ledger()
    data = tmp_path / "data"
    data.mkdir()
    with FakeGitHub() as github:
        pulls = open_pulls(github, PULLS)
        make_hostile(github)
        env = stack_env(github, tmp_path, TFREVIEW_DATABASE__URL=f"sqlite:///{data / 'tfreview.db'}")
        log = tmp_path / "workers.log"
        workers: list[subprocess.Popen[bytes]] = []
        tokens: set[str] = set()
        done = threading.Event()

        def revoke_tokens_mid_run() -> None:
            while not done.wait(0.05):
                with github.lock:
                    issued = set(github._tokens)
                if issued:
                    tokens.update(issued)
                    github.revoke_installation_tokens(42)  # every token GitHub issued so far: 401 Bad credentials
                    return

        try:
            with serving(data, "--no-worker", env=env) as served:
                workers.extend(start_worker(env, log, "tfreview.worker.process") for _ in range(2))
                revoker = threading.Thread(target=revoke_tokens_mid_run)
                revoker.start()
                deliver_all(github, served.port, pulls, ledger, clients=2)
                again = next(iter(ledger.acked))  # GitHub redelivers one we hold: the same guid
                number = next(n for n, sha in pulls if sha == ledger.acked[again])
                assert status_of(raw_request(served.port, delivery_request(github, number, again))) in (200, 202)
                revoker.join(60)
                settle(ledger, data, github)
                serve_log = served.log_path
        finally:
            done.set()
            stop_all(workers)
        ledger.settle(data / "tfreview.db", github, REPO)
        ledger.assert_nothing_lost("hostile-github")
        assert len(ledger.acked) == PULLS
        with github.lock:
            tokens.update(github._tokens)
        for number, _sha in pulls:
            assert len(github.comments(REPO, number)) == 1, number
        assert_every_fault_met(github)
        logs = log.read_text(encoding="utf-8", errors="replace") + serve_log.read_text(
            encoding="utf-8", errors="replace"
        )
        stored = b"".join(p.read_bytes() for p in data.glob("tfreview.db*")).decode("utf-8", "replace")
        marker = (tmp_path / "marker-secret").read_text(encoding="utf-8")
        key_line = github.app_private_key_pem().splitlines()[1]
        assert tokens
        for canary in (key_line, marker, GITHUB_SECRET, *tokens):
            assert canary not in logs
            assert canary not in stored
