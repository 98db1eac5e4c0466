"""The GitHub client against the fake GitHub: pagination, contents and diff, check runs and
reviews, error translation, GitHub Enterprise base URLs — and S4: nothing but the configured API
host is ever contacted, whatever URLs the answers hold (recorded by an httpx transport hook)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.github import FakeClock, FakeGitHub
from tfreview.core.errors import AuthError, ConfigError
from tfreview.integrations.github import (
    GitHubClient,
    GitHubNotFound,
    GitHubRejected,
    GitHubUnavailable,
    ReviewComment,
    build_github_client,
)

REPO = "octo/infra"
MAIN_TF = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def github(clock: FakeClock) -> Iterator[FakeGitHub]:
    with FakeGitHub(clock=clock) as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": MAIN_TF, "modules/net/vpc.tf": "# vpc\n", "README.md": "# hi\n"})
        fake.add_commit(REPO, "feature", {"main.tf": MAIN_TF.replace('"logs"\n', '"logs-2"\n')}, base="main")
        fake.open_pull_request(REPO, head="feature")
        yield fake


class Recorder:
    def __init__(self) -> None:
        self.urls: list[httpx.URL] = []

    def __call__(self, request: httpx.Request) -> None:
        self.urls.append(request.url)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def http(recorder: Recorder) -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10, follow_redirects=False, event_hooks={"request": [recorder]}) as client:
        yield client


@pytest.fixture
def client(github: FakeGitHub, http: httpx.Client, clock: FakeClock, tmp_path: Path) -> GitHubClient:
    return build_github_client(github.app_settings(tmp_path), http, installation_id=42, clock=clock, sleep=clock.sleep)


def test_pull_request_metadata(client: GitHubClient, github: FakeGitHub) -> None:
    pr = client.get_pull_request(REPO, 1)
    fake = github.pull_request(REPO, 1)
    assert (pr.number, pr.state, pr.draft, pr.head_sha, pr.base_sha) == (1, "open", False, fake.head_sha, fake.base_sha)
    assert (pr.head_ref, pr.base_ref, pr.repo, pr.from_fork, pr.changed_files) == ("feature", "main", REPO, False, 1)
    assert [p.number for p in client.list_open_pull_requests(REPO)] == [1]
    github.close_pull_request(REPO, 1)
    assert client.list_open_pull_requests(REPO) == []


def test_changed_files_follow_pagination(client: GitHubClient, github: FakeGitHub) -> None:
    files = {f"stacks/s{i:03}/main.tf": f"# {i}\n" for i in range(230)}
    github.add_commit(REPO, "many", files, base="main")
    number = github.open_pull_request(REPO, head="many")
    changed = client.list_pull_request_files(REPO, number)
    assert sorted(f.filename for f in changed) == sorted(files)
    assert all(f.status == "added" and f.patch for f in changed)
    pages = github.requests_to("GET", f"/pulls/{number}/files$")
    assert [r.query.get("page", "1") for r in pages] == ["1", "2", "3"]


def test_a_next_link_to_another_host_is_not_followed(
    client: GitHubClient, github: FakeGitHub, recorder: Recorder
) -> None:
    github.add_commit(REPO, "many", {f"f{i}.tf": "#\n" for i in range(150)}, base="main")
    number = github.open_pull_request(REPO, head="many")
    github.foreign_next_link = True
    with pytest.raises(GitHubUnavailable) as failure:  # not the first page only, read as the whole list (review15b)
        client.list_pull_request_files(REPO, number)
    assert {url.host for url in recorder.urls} == {"127.0.0.1"}
    assert "(http://169.254.169.254) leaves the configured api_url" in str(failure.value)
    assert "meta-data" not in str(failure.value)  # its origin only


def test_s4_urls_inside_answers_are_never_requested(
    client: GitHubClient, github: FakeGitHub, recorder: Recorder
) -> None:
    github.poison_urls = True  # every URL in every answer points at 169.254.169.254
    github.add_delivery("pull_request", {"action": "opened", "pull_request": {"diff_url": "http://169.254.169.254/x"}})
    pr = client.get_pull_request(REPO, 1)
    client.list_pull_request_files(REPO, 1)
    client.get_pull_request_diff(REPO, 1)
    client.get_file(REPO, "main.tf", pr.head_sha)
    client.get_tree(REPO, pr.base_sha)
    comment = client.create_issue_comment(REPO, 1, "hi")
    client.update_issue_comment(REPO, comment.id, "edited")
    client.list_issue_comments(REPO, 1)
    run = client.create_check_run(REPO, name="tfreview", head_sha=pr.head_sha)
    client.update_check_run(REPO, run.id, conclusion="success", output={"title": "t", "summary": "s"})
    client.list_check_runs(REPO, pr.head_sha, "tfreview")
    page = client.list_hook_deliveries()
    client.redeliver(page.deliveries[0].id)
    client.installation_repositories()
    client.list_installations()
    assert recorder.urls
    assert {(url.scheme, url.host, url.port) for url in recorder.urls} == {("http", "127.0.0.1", github.port)}


@pytest.mark.parametrize("repo", ["../etc", "octo/infra/../../x", "octo", "octo/in fra", "http://169.254.169.254/x"])
def test_names_that_would_change_the_path_are_refused_before_any_request(
    client: GitHubClient, recorder: Recorder, repo: str
) -> None:
    with pytest.raises(ConfigError):
        client.get_pull_request(repo, 1)
    with pytest.raises(ConfigError):
        client.get_file(REPO, "../../../app", "main")
    assert recorder.urls == []


def test_file_contents_and_tree(client: GitHubClient, github: FakeGitHub) -> None:
    pr = client.get_pull_request(REPO, 1)
    assert client.get_file(REPO, "main.tf", pr.base_sha) == MAIN_TF
    assert 'bucket = "logs-2"' in (client.get_file(REPO, "main.tf", "feature") or "")
    assert client.get_file(REPO, "absent.tf", "main") is None
    assert client.get_file(REPO, "modules", "main") is None  # a directory
    assert client.get_tree(REPO, "main").paths == ("main.tf", "modules/net/vpc.tf")
    big = "# " + "x" * (1024 * 1024 + 10) + "\n"
    sha = github.add_commit(REPO, "big", {"big.tf": big}, base="main")
    assert client.get_file(REPO, "big.tf", sha) == big  # over 1 MB: fetched raw


def test_the_unified_diff(client: GitHubClient) -> None:
    diff = client.get_pull_request_diff(REPO, 1)
    assert diff.startswith("diff --git a/main.tf b/main.tf\n")
    assert '-  bucket = "logs"\n+  bucket = "logs-2"\n' in diff


def test_comments_are_attributed_to_the_app(client: GitHubClient, github: FakeGitHub) -> None:
    github.add_comment(REPO, 1, "<!-- tfreview -->", login="mallory")
    created = client.create_issue_comment(REPO, 1, "review")
    assert (created.author_login, created.author_type, created.app_id) == ("tfreview[bot]", "Bot", github.app_id)
    edited = client.update_issue_comment(REPO, created.id, "review 2")
    assert edited.id == created.id
    listed = client.list_issue_comments(REPO, 1)
    assert [(c.author_login, c.app_id, c.body) for c in listed] == [
        ("mallory", None, "<!-- tfreview -->"),
        ("tfreview[bot]", github.app_id, "review 2"),
    ]
    with pytest.raises(AuthError) as refused:  # someone else's comment cannot be edited
        client.update_issue_comment(REPO, listed[0].id, "hijack")
    assert "403" in str(refused.value)


def test_check_run_annotations_go_50_per_request(client: GitHubClient, github: FakeGitHub) -> None:
    head = github.pull_request(REPO, 1).head_sha
    annotations = [
        {"path": "main.tf", "start_line": 2, "end_line": 2, "annotation_level": "warning", "message": f"finding {i}"}
        for i in range(123)
    ]
    run = client.create_check_run(
        REPO,
        name="tfreview",
        head_sha=head,
        conclusion="failure",
        output={"title": "t", "summary": "s", "annotations": annotations},
    )
    (stored,) = github.check_runs(REPO, head)
    assert [a["message"] for a in stored["annotations"]] == [a["message"] for a in annotations]
    assert stored["updates"] == 2  # 50 with the create, 50 + 23 in two updates
    assert (run.status, run.conclusion, run.annotations_count) == ("completed", "failure", 123)
    assert [r.name for r in client.list_check_runs(REPO, head, "tfreview")] == ["tfreview"]
    assert client.list_check_runs(REPO, head, "other") == []


def test_a_review_inside_the_diff_is_accepted_and_one_outside_rejected(
    client: GitHubClient, github: FakeGitHub
) -> None:
    head = github.pull_request(REPO, 1).head_sha
    review = client.create_review(REPO, 1, head, "summary", "COMMENT", [ReviewComment("main.tf", 2, "inline")])
    assert (review.state, review.commit_id) == ("COMMENTED", head)
    with pytest.raises(GitHubRejected) as rejected:
        client.create_review(
            REPO, 1, head, "summary", "COMMENT", [ReviewComment("main.tf", 2, "ok"), ReviewComment("main.tf", 30, "no")]
        )
    assert rejected.value.status == 422
    assert rejected.value.errors == ["Pull request review thread line must be part of the diff"]
    assert len(github.reviews(REPO, 1)) == 1


def test_errors_are_translated(client: GitHubClient, github: FakeGitHub, clock: FakeClock) -> None:
    with pytest.raises(GitHubNotFound):
        client.get_pull_request(REPO, 99)
    with pytest.raises(GitHubRejected, match="too long"):
        client.create_issue_comment(REPO, 1, "x" * 65537)
    github.fail_next(502, method="GET")
    assert client.get_pull_request(REPO, 1).number == 1  # a read is retried once
    assert clock.sleeps == [1.0]
    github.fail_next(503, times=2, method="GET")
    with pytest.raises(GitHubUnavailable) as unavailable:
        client.get_pull_request(REPO, 1)
    assert (unavailable.value.status, unavailable.value.ambiguous) == (503, False)


@pytest.mark.parametrize("mode", ["502", "drop"])
def test_a_lost_write_response_is_ambiguous_and_not_retried(
    client: GitHubClient, github: FakeGitHub, mode: str
) -> None:
    github.lose_next_response(path_contains="/comments", mode=mode)
    with pytest.raises(GitHubUnavailable) as lost:
        client.create_issue_comment(REPO, 1, "review")
    assert lost.value.ambiguous
    assert len(github.comments(REPO, 1)) == 1  # performed once, never resent by the client
    assert len(github.requests_to("POST", "/issues/1/comments$")) == 1


def test_hook_deliveries_page_by_cursor_and_redeliver(client: GitHubClient, github: FakeGitHub) -> None:
    for index in range(150):
        github.add_delivery(
            "pull_request", {"action": "opened", "n": index}, status_code=500 if index % 10 == 0 else 200
        )
    first = client.list_hook_deliveries(per_page=100)
    assert len(first.deliveries) == 100
    assert first.next_cursor
    second = client.list_hook_deliveries(per_page=100, cursor=first.next_cursor)
    assert len(second.deliveries) == 50
    assert second.next_cursor is None
    failed = [d for d in first.deliveries + second.deliveries if not d.ok]
    assert len(failed) == 15
    client.redeliver(failed[0].id)
    assert github.redelivery_requests == [failed[0].id]
    assert github.deliveries[-1]["guid"] == failed[0].guid
    assert github.deliveries[-1]["redelivery"]


def test_the_app_and_its_installations(client: GitHubClient, github: FakeGitHub) -> None:
    assert client.get_app().slug == "tfreview"
    assert [i.id for i in client.list_installations()] == [42]
    assert client.get_installation(42).account_login == "octo"
    assert [r.full_name for r in client.installation_repositories(42)] == [REPO]


def test_github_enterprise_base_path(clock: FakeClock, http: httpx.Client, recorder: Recorder, tmp_path: Path) -> None:
    with FakeGitHub(clock=clock, path_prefix="/api/v3") as ghe:
        ghe.add_installation(42, "octo", repos=[REPO])
        ghe.add_commit(REPO, "main", {f"f{i}.tf": "#\n" for i in range(120)})
        ghe.add_commit(REPO, "b", {"f0.tf": "# changed\n", **{f"g{i}.tf": "#\n" for i in range(120)}})
        ghe.open_pull_request(REPO, head="b")
        client = build_github_client(
            ghe.app_settings(tmp_path), http, installation_id=42, clock=clock, sleep=clock.sleep
        )
        assert client.api_url.endswith("/api/v3")
        assert len(client.list_pull_request_files(REPO, 1)) > 100
        assert all(url.path.startswith("/api/v3/") for url in recorder.urls)
