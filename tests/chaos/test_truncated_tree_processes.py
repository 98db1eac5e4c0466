"""A repository too large for one git tree, against the real processes (review17d, session 17): `tfreview serve
--no-worker` takes the signed delivery, a `tfreview.worker.process` reviews and publishes it, while the fake GitHub
lists every recursive tree in part (`truncated: true`). The pull request adds one bucket beside two unchanged ones;
the head's listing ends before one of them. It was a "destroy" and a failing check run; now the check run counts
no destroy, and the comment says the tree was truncated (ADR 0608)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.chaos.conftest import INSTALLATION, REPO, stack_env, start_worker, stop_all
from tests.chaos.flows import deliver_all, settle
from tests.chaos.ledger import Ledger
from tests.fakes.github import FakeGitHub
from tests.integration.served import serving


def bucket(name: str) -> str:
    return f'resource "aws_s3_bucket" "{name}" {{\n  bucket = "{name}-logs"\n}}\n'


def test_a_truncated_tree_invents_no_destroy_in_the_real_processes(tmp_path: Path) -> None:
    ledger = Ledger()
    data = tmp_path / "data"
    data.mkdir()
    with FakeGitHub() as github:
        github.add_installation(INSTALLATION, "octo", repos=[REPO])
        github.add_commit(REPO, "main", {"envs/prod/a.tf": bucket("a"), "envs/prod/z.tf": bucket("z")})
        github.add_commit(REPO, "big", {"envs/prod/b.tf": bucket("b")}, base="main")
        number = github.open_pull_request(REPO, head="big")
        sha = github.pull_request(REPO, number).head_sha
        github.truncate_trees(4)  # envs, envs/prod, a.tf, b.tf: the head's z.tf is not listed
        env = stack_env(github, tmp_path, TFREVIEW_DATABASE__URL=f"sqlite:///{data / 'tfreview.db'}")
        workers: list[subprocess.Popen[bytes]] = []
        try:
            with serving(data, "--no-worker", env=env) as served:
                workers.append(start_worker(env, tmp_path / "worker.log", "tfreview.worker.process"))
                deliver_all(github, served.port, [(number, sha)], ledger, clients=1)
                settle(ledger, data, github)
        finally:
            stop_all(workers)
        ledger.settle(data / "tfreview.db", github, REPO)
        ledger.assert_nothing_lost("truncated-tree")
        (run,) = github.check_runs(REPO, sha)
        assert run["status"] == "completed"
        assert "; 0 destroys or replaces." in run["output"]["summary"], run["output"]
        (comment,) = github.comments(REPO, number)
        assert "is truncated" in comment["body"]
        assert github.requests_to("GET", r"/contents/envs/prod$")  # the directory was listed on its own
