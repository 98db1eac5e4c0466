"""review16a: a pull request touching folders whose nearest `.tfreview.toml` differ was reviewed under ONE of them —
the file nearest the folders' common ancestor, or the only file found when the other folders have none. A PR that
changed `envs/prod/main.tf` (under `envs/prod/.tfreview.toml`: `fail_on = "low"`) and also touched `other/x.tf` was
judged by the root's lax file (`fail_on = "critical"`, a rule disabled), and one that touched `other/` (no file: the
defaults) and `sandbox/` (a file disabling rules) was judged by the sandbox's for both. Now the review runs under the
strictest combination of the policies that apply (ADR 0577): no touched folder is judged more leniently than its
own policy would judge it alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.integrations.github.test_source import (
    BUCKET_MODULE,
    PROD_BASE,
    PROD_HEAD,
    REPO,
    open_pr,
    payload,
    source_for,
    stored,
)
from tfreview.core.policy import Policy
from tfreview.core.severity import Severity
from tfreview.integrations.github import GitHubClient, build_github_client, default_http_client
from tfreview.integrations.github.repo_policy import repo_policy

LOCALS = "locals {\n  a = %d\n}\n"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        yield fake


@pytest.fixture
def client(github: FakeGitHub, tmp_path: Path) -> Iterator[GitHubClient]:
    settings = github.app_settings(tmp_path)
    with default_http_client(settings) as http:
        yield build_github_client(settings, http, installation_id=42, sleep=lambda _s: None)


def test_a_second_folder_does_not_put_the_change_under_a_laxer_file(github: FakeGitHub, client: GitHubClient) -> None:
    number = open_pr(
        github,
        {
            ".tfreview.toml": 'fail_on = "critical"\n[rules]\ndisable = ["TFR-AWS-018"]\n',
            "envs/prod/.tfreview.toml": 'fail_on = "low"\n',
            "envs/prod/main.tf": PROD_BASE,
            "modules/bucket/main.tf": BUCKET_MODULE,
            "other/x.tf": LOCALS % 1,
        },
        {"envs/prod/main.tf": PROD_HEAD, "other/x.tf": LOCALS % 2},
    )
    head = github.pull_request(REPO, number).head_sha
    fetched = source_for(client).fetch(stored(number, head), payload(github, number))
    assert fetched.policy.fail_on is Severity.LOW
    assert fetched.policy.disabled_rules == frozenset()
    notes = [n for n in fetched.change_set.coverage.notes if "different .tfreview.toml" in n]
    assert len(notes) == 1
    assert "the strictest of their settings" in notes[0]


def test_a_folder_without_a_file_is_judged_by_the_defaults_too() -> None:
    files = {"sandbox/.tfreview.toml": 'fail_on = "critical"\n[rules]\ndisable = ["TFR-AWS-002"]\n'}
    chosen = repo_policy(["other", "sandbox"], files.get)
    assert chosen.policy.fail_on is Severity.HIGH  # the defaults' threshold, which `other/` is under
    assert chosen.policy.disabled_rules == frozenset()


def test_the_combination_keeps_only_what_every_policy_allows() -> None:
    files = {
        "a/.tfreview.toml": 'fail_on = "medium"\nfail_on_existing = true\n[rules]\ndisable = ["TFR-AWS-002", '
        '"TFR-AWS-001"]\n[severity]\nTFR-AWS-011 = "critical"\n[[suppress]]\nrule = "TFR-AWS-009"\n'
        'reason = "shared"\n[[suppress]]\nrule = "*"\naddress = "*"\nreason = "anything"\n',
        "b/.tfreview.toml": 'fail_on = "high"\n[rules]\ndisable = ["TFR-AWS-002"]\n[severity]\nTFR-AWS-011 = "low"\n'
        '[[suppress]]\nrule = "TFR-AWS-009"\nreason = "shared"\n',
    }
    policy = repo_policy(["a", "b"], files.get).policy
    assert policy.fail_on is Severity.MEDIUM
    assert policy.fail_on_existing is True
    assert policy.disabled_rules == frozenset({"TFR-AWS-002"})
    assert policy.severity_overrides == {"TFR-AWS-011": Severity.CRITICAL}
    assert [(s.rule, s.address, s.reason) for s in policy.suppressions] == [("TFR-AWS-009", "*", "shared")]


def test_one_file_for_every_folder_is_used_as_it_is() -> None:
    files = {".tfreview.toml": 'fail_on = "critical"\n'}
    chosen = repo_policy(["a", "b/c"], files.get)
    assert chosen.policy == Policy(fail_on=Severity.CRITICAL, today=chosen.policy.today)
    assert chosen.notes == []
