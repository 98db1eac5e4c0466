"""The GitHub client against answers of the wrong shape, from the fake GitHub over HTTP (`answer_next`): JSON that
parses but is not what GitHub documents (a comment without `id`, a pull request whose `head` is a number, a list
of things that are not objects, a wrapper without its list), and `next` links that loop back (ADR 0548).

Each is the client's own `GitHubUnavailable` naming the call and what is wrong (retriable, bounded by the job's
attempts) — never a bare KeyError or TypeError, and never a silently shortened list: an item dropped from the
comment list could be our own comment, and the publisher would post a second one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.github import FakeClock, FakeGitHub
from tfreview.integrations.github import GitHubClient, GitHubUnavailable, build_github_client

REPO = "octo/infra"
SHA = "a" * 40
MAIN_TF = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'

Call = Callable[[GitHubClient], object]

CALLS: dict[str, tuple[str, str, Call]] = {  # name → (method, path fragment, call)
    "get_pull_request": ("GET", "/pulls/1", lambda c: c.get_pull_request(REPO, 1)),
    "list_open_pull_requests": ("GET", "/pulls", lambda c: c.list_open_pull_requests(REPO)),
    "list_pull_request_files": ("GET", "/files", lambda c: c.list_pull_request_files(REPO, 1)),
    "list_issue_comments": ("GET", "/comments", lambda c: c.list_issue_comments(REPO, 1)),
    "create_issue_comment": ("POST", "/comments", lambda c: c.create_issue_comment(REPO, 1, "hello")),
    "update_issue_comment": ("PATCH", "/comments/", lambda c: c.update_issue_comment(REPO, 7, "hello")),
    "list_check_runs": ("GET", "/check-runs", lambda c: c.list_check_runs(REPO, SHA, "tfreview")),
    "create_check_run": ("POST", "/check-runs", lambda c: c.create_check_run(REPO, name="tfreview", head_sha=SHA)),
    "update_check_run": ("PATCH", "/check-runs/", lambda c: c.update_check_run(REPO, 7, status="completed")),
    "get_tree": ("GET", "/git/trees/", lambda c: c.get_tree(REPO, "main")),
    "get_file": ("GET", "/contents/", lambda c: c.get_file(REPO, "main.tf", "main")),
    "list_directory": ("GET", "/contents/", lambda c: c.list_directory(REPO, "envs", "main")),
}
# a directory listed shorter than it is reads its missing files as deleted (ADR 0608): wrong shapes are refused too
LISTS = ("list_open_pull_requests", "list_pull_request_files", "list_issue_comments", "list_directory")
OBJECTS = [name for name in CALLS if name not in LISTS]

NOT_NUMBERS = {"id": "abc", "number": "one", "type": "file", "encoding": "base64", "content": 5}
WRONG_TYPES = {"id": 1, "number": 1, "head": 5, "check_runs": 5, "tree": 5, "type": 5}
WRONG_OBJECTS = [  # (call, what it is answered, id)
    *[pytest.param(name, {}, id=f"{name}-an empty object") for name in OBJECTS],
    *[
        pytest.param(name, NOT_NUMBERS, id=f"{name}-not numbers")
        for name in OBJECTS
        if name not in ("list_check_runs", "get_tree")  # they read no id
    ],
    *[
        pytest.param(name, WRONG_TYPES, id=f"{name}-members of the wrong type")
        for name in ("get_pull_request", "list_check_runs", "get_tree", "get_file")
    ],
]
WRONG_LISTS: dict[str, object] = {
    "items without their keys": [{"body": "x"}],
    "items that are not objects": [1, "two", None],
    "an object": {"message": "fine"},
}


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(clock=FakeClock()) as fake:
        fake.add_installation(42, "octo", repos=[REPO])
        fake.add_commit(REPO, "main", {"main.tf": MAIN_TF})
        fake.add_commit(REPO, "feature", {"main.tf": MAIN_TF.replace('"logs"\n', '"logs-2"\n')}, base="main")
        fake.open_pull_request(REPO, head="feature", number=1)
        yield fake


@pytest.fixture
def client(github: FakeGitHub, tmp_path: Path) -> Iterator[GitHubClient]:
    clock = FakeClock()
    with httpx.Client(timeout=10, follow_redirects=False) as http:
        yield build_github_client(
            github.app_settings(tmp_path), http, installation_id=42, clock=clock, sleep=clock.sleep
        )


def _fails(client: GitHubClient, call: Call) -> str:
    with pytest.raises(GitHubUnavailable) as failure:  # a bare KeyError/TypeError/ValueError before (ADR 0548)
        call(client)
    return str(failure.value)


@pytest.mark.parametrize(("name", "document"), WRONG_OBJECTS)
def test_an_object_of_the_wrong_shape_is_github_unavailable(
    name: str, document: object, github: FakeGitHub, client: GitHubClient
) -> None:
    method, fragment, call = CALLS[name]
    github.answer_next(200 if method == "GET" else 201, document, method=method, path_contains=fragment, times=2)
    message = _fails(client, call)
    assert message.startswith("GitHub"), message
    assert "abc" not in message  # names our key, never a value of the answer
    assert "one" not in message


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("document", list(WRONG_LISTS.values()), ids=list(WRONG_LISTS))
def test_a_list_of_the_wrong_shape_is_github_unavailable_not_a_shorter_list(
    name: str, document: object, github: FakeGitHub, client: GitHubClient
) -> None:
    method, fragment, call = CALLS[name]
    github.answer_next(200, document, method=method, path_contains=fragment, times=2)
    _fails(client, call)


def test_a_wrapper_without_its_list_is_github_unavailable_not_no_check_runs(
    github: FakeGitHub, client: GitHubClient
) -> None:
    """`{}` for the check runs of a head read as "none": the publisher would create a second check run."""
    github.answer_next(200, {"total_count": 1}, method="GET", path_contains="/check-runs", times=2)
    assert "'check_runs'" in _fails(client, CALLS["list_check_runs"][2])


def test_a_created_comment_answered_without_its_id_is_ambiguous(github: FakeGitHub, client: GitHubClient) -> None:
    github.answer_next(201, {"body": "hello"}, method="POST", path_contains="/comments")
    with pytest.raises(GitHubUnavailable) as failure:
        client.create_issue_comment(REPO, 1, "hello")
    assert failure.value.ambiguous  # it may have been created: the publisher searches before creating again
    assert str(failure.value) == "GitHub's IssueComment answer has no 'id'"


def test_a_next_link_back_to_a_page_already_read_is_not_followed_again(
    github: FakeGitHub, client: GitHubClient
) -> None:
    first = f"{github.api_url}/repos/{REPO}/pulls/1/files?per_page=100"
    page = [{"filename": "main.tf", "status": "modified", "additions": 1, "deletions": 1, "patch": "@@ -1 +1 @@"}]
    github.answer_next(200, page, headers={"Link": f'<{first}>; rel="next"'}, path_contains="/files", times=500)
    message = _fails(client, CALLS["list_pull_request_files"][2])
    assert "links back to a page already read" in message
    assert len(github.requests_to("GET", "/files")) == 1  # it was 100 pages of the same file before


def test_a_next_link_cycle_of_two_pages_is_caught_too(github: FakeGitHub, client: GitHubClient) -> None:
    base = f"{github.api_url}/repos/{REPO}/pulls/1/files"
    page = [{"filename": "main.tf", "status": "modified"}]
    for n in range(3):  # page 1 → page 2 → page 1
        target = f"{base}?per_page=100&page=2" if n % 2 == 0 else f"{base}?per_page=100"
        github.answer_next(200, page, headers={"Link": f'<{target}>; rel="next"'}, path_contains="/files")
    _fails(client, CALLS["list_pull_request_files"][2])
    assert len(github.requests_to("GET", "/files")) == 2


def test_a_renamed_repository_s_redirect_on_the_api_url_is_followed_once(
    github: FakeGitHub, client: GitHubClient
) -> None:
    """GitHub answers 301 to a repository's old name, pointing at the same API: the read was a retry to the end ("GitHub
    GET …: 301") and the review dead. One such redirect on the configured API URL is followed, a GET only."""
    moved = f"{github.api_url}/repos/{REPO}/pulls/1?moved=1"
    github.answer_next(301, b"", headers={"Location": moved}, method="GET", path_contains="/pulls/1")
    assert client.get_pull_request(REPO, 1).number == 1
    assert [r.query.get("moved") for r in github.requests_to("GET", "/pulls/1$")] == [None, "1"]


def test_a_second_redirect_is_not_followed_and_the_reason_names_it(github: FakeGitHub, client: GitHubClient) -> None:
    again = f"{github.api_url}/repos/{REPO}/pulls/1"
    github.answer_next(301, b"", headers={"Location": again}, method="GET", path_contains="/pulls/1", times=99)
    message = _fails(client, CALLS["get_pull_request"][2])
    assert len(github.requests_to("GET", "/pulls/1$")) == 2
    assert "a redirect to" in message, message


def test_a_redirect_off_the_api_url_is_named_by_its_origin_only(github: FakeGitHub, client: GitHubClient) -> None:
    elsewhere = "https://169.254.169.254:8443/latest/meta-data/iam?token=CANARYsecret"
    github.answer_next(302, b"", headers={"Location": elsewhere}, method="GET", path_contains="/pulls/1", times=99)
    message = _fails(client, CALLS["get_pull_request"][2])
    assert "https://169.254.169.254:8443" in message, message
    assert "CANARY" not in message
    assert "meta-data" not in message


def test_a_write_is_never_redirected(github: FakeGitHub, client: GitHubClient) -> None:
    moved = f"{github.api_url}/repos/{REPO}/issues/1/comments?moved=1"
    github.answer_next(307, b"", headers={"Location": moved}, method="POST", path_contains="/comments")
    _fails(client, CALLS["create_issue_comment"][2])
    assert len(github.requests_to("POST", "/comments$")) == 1
    assert github.comments(REPO, 1) == []


@pytest.mark.parametrize("link", ['<http://[::1:bad>; rel="next"', '<https://[v1.x]:99999/x>; rel="next"'])
def test_a_next_link_that_is_no_url_is_not_followed_and_not_a_crash(
    link: str, github: FakeGitHub, client: GitHubClient
) -> None:
    """urlsplit raises ValueError on such a link: it left the client bare ("internal error: ValueError: Invalid IPv6
    URL"). It is a link off the configured API URL, not followed — and, as a foreign link is since review15b, the
    client's own GitHubUnavailable: the pages read so far are not the whole list."""
    page = [{"filename": "main.tf", "status": "modified"}]
    github.answer_next(200, page, headers={"Link": link}, method="GET", path_contains="/files")
    assert "(no URL) leaves the configured api_url" in _fails(client, CALLS["list_pull_request_files"][2])
    assert len(github.requests_to("GET", "/files")) == 1


NESTED = b"[" * 100_000  # JSON nested deeper than any JSON reader goes: valid to the byte it stops at


@pytest.mark.parametrize("status", [200, 403, 404, 422, 502])
@pytest.mark.parametrize("name", list(CALLS))
def test_an_answer_nested_past_the_json_readers_depth_reads_as_one_that_is_not_json(
    name: str, status: int, github: FakeGitHub, client: GitHubClient
) -> None:
    """review19a: `[[[[…` 100 000 deep raised RecursionError out of the client (`except ValueError` around
    `response.json()`, in the answer and in the error readers): the worker's "internal error", not the client's own
    error. It now fails as an answer that is not JSON does, whatever the status."""
    method, fragment, call = CALLS[name]

    def outcome(body: bytes) -> tuple[str, str]:
        """What the call did: (exception type, its message) or ("returned", the value) (a 404 file is None)."""
        github.answer_next(status, body, method=method, path_contains=fragment, times=3)
        try:
            value = call(client)
        except Exception as error:  # compared below, whatever it is
            return type(error).__name__, str(error).replace("not JSON", "?")
        finally:
            github.heal()
        return "returned", repr(value)

    html = outcome(b"<html><body>not JSON</body></html>")
    assert outcome(NESTED) == html
